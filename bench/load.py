"""50 concurrent users for 2 minutes against the production server, on PostgreSQL, demo data.

    python -m bench.load [--users 50] [--seconds 120] [--think 2-6] [--keep-db]

What it does, bounded and on this machine only:

1. Makes a fresh PostgreSQL database (``DATABASE_URL``'s server, default
   postgres://postgres@127.0.0.1:5432; the database ``dangvien_bench_load``, dropped at the end
   unless ``--keep-db``), migrates it, loads the demo data (``seed_demo``), and adds one account
   per virtual user: cell secretaries on the cells that have dossiers, commune offices
   (grassroots office role) on the communes, the provincial organisation board. Roles that must
   use a second factor get a TOTP authenticator whose secret only this script knows.
2. Starts the production server exactly as ``make serve`` does (gunicorn with
   ``config/gunicorn.py``, ``DANGVIEN_PRODUCTION=1``, hashed static files, persistent database
   connections, the background worker), bound to 127.0.0.1 on a free port. Requests carry
   ``X-Forwarded-Proto: https`` as the TLS proxy of docs/deployment.md would.
3. Each virtual user logs in (password, then the TOTP code where the role needs it) and then, until
   the time is up, opens the worklist, the person list, one of its dossiers and the report page,
   with a think time between pages (uniform, ``--think`` seconds; ``--think 0`` = no pause).
4. Prints per page: requests, errors, p50, p95, max; stops the server; exits 1 when a page had an
   error or its p95 is above 1 s.

Only the loopback address is ever contacted; every loop ends at the deadline (plus at most one
request's 30 s time-out), and the server is stopped whatever happens.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import http.client
import io
import os
import random
import re
import secrets
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # never anything else
DB_NAME = "dangvien_bench_load"
PASSWORD = "bench-load-passphrase-not-for-production"
PAGES = ("login", "worklist", "person_list", "dossier", "report")
TARGET_P95 = 1.0
REQUEST_TIMEOUT = 30.0


@dataclass
class VirtualUser:
    username: str
    role: str
    totp_secret: str | None
    dossier_ids: list[int]


@dataclass
class Results:
    lock: threading.Lock = field(default_factory=threading.Lock)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: dict[str, str] = field(default_factory=dict)

    def add(self, page: str, seconds: float, error: str | None = None) -> None:
        with self.lock:
            self.times[page].append(seconds)
            if error:
                self.errors[page] += 1
                self.samples.setdefault(page, error)


# --- setup: database, demo data, accounts ------------------------------------------------------


def server_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not base.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench.load needs PostgreSQL: DATABASE_URL=postgres://…")
    parts = urllib.parse.urlsplit(base)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("bench.load only runs against a database on this machine")
    return base


def database_url(base: str, name: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(base)._replace(path=f"/{name}"))


def recreate_database(base: str) -> None:
    import psycopg

    with psycopg.connect(database_url(base, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def drop_database(base: str) -> None:
    import psycopg

    with psycopg.connect(database_url(base, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def prepare(users: int) -> list[VirtualUser]:
    """Migrate, seed the demo, create the virtual users' accounts (in this process)."""
    import django

    django.setup()
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.core.management import call_command
    from django.db import connections

    from dangvien.accounts.mfa import mfa_required
    from dangvien.accounts.models import User
    from dangvien.accounts.services import assign_role
    from dangvien.admissions.models import Dossier
    from dangvien.organisations.models import Organisation

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    actor = User.objects.get(username="quantri")
    province = Organisation.objects.get(kind="province")
    with_dossiers = Dossier.objects.values_list("organisation_id", flat=True).distinct()
    cells = list(Organisation.objects.filter(pk__in=with_dossiers).order_by("path"))
    # the communes in force: the demo's tree is two-level since 1/7/2025, the former communes ended
    communes = list(
        Organisation.objects.filter(kind="commune", valid_to__isnull=True).order_by("path")
    )
    n_cells = users // 2
    n_communes = (users * 3) // 10
    plan = (
        [("cell_secretary", cells[i % len(cells)]) for i in range(n_cells)]
        + [("grassroots_office", communes[i % len(communes)]) for i in range(n_communes)]
        + [("org_board", province)] * (users - n_cells - n_communes)
    )
    result = []
    for number, (role, organisation) in enumerate(plan, start=1):
        user = User(username=f"bench{number:02d}", full_name=f"Người thử tải {number}")
        user.set_password(PASSWORD)
        user.save()
        assign_role(user, role=role, organisation=organisation, actor=actor)
        secret = None
        if mfa_required(user):
            secret = generate_totp_secret()
            TOTP.activate(user, secret)
        dossier_ids = list(
            Dossier.objects.visible_to(user).order_by("pk").values_list("pk", flat=True)[:20]
        )
        result.append(VirtualUser(user.username, role, secret, dossier_ids))
    connections.close_all()
    return result


# --- the server -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def server_env(db_url: str, var_dir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DANGVIEN_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": db_url,
            "DANGVIEN_PRODUCTION": "1",
            "DANGVIEN_MANIFEST_STATIC": "1",
            "DANGVIEN_VAR_DIR": str(var_dir),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": HOST,
            "CSRF_TRUSTED_ORIGINS": f"https://{HOST}:{port}",
            "SECURE_PROXY_SSL_HEADER": "1",
            "CLIENT_IP_PROXY_COUNT": "1",
            "DB_CONN_MAX_AGE": "60",
            "GUNICORN_BIND": f"{HOST}:{port}",
            "GUNICORN_ACCESS_LOG": str(var_dir / "access.log"),
            "GUNICORN_ERROR_LOG": str(var_dir / "error.log"),
        }
    )
    return env


def start_server(env: dict[str, str], var_dir: Path, port: int) -> list[subprocess.Popen[bytes]]:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    worker_log = (var_dir / "worker.log").open("wb")
    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "1"],
            cwd=ROOT,
            env=env,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ),
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        ),
    ]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/accounts/login/", headers={"X-Forwarded-Proto": "https"})
            if conn.getresponse().status == 200:
                return processes
        except OSError:
            time.sleep(0.5)
    stop_server(processes)
    raise SystemExit("the server did not answer within 60 s (see error.log)")


def stop_server(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- the virtual users ------------------------------------------------------------------------


def totp_code(secret: str, at: float) -> str:
    key = base64.b32decode(secret.encode("ascii"), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """One keep-alive connection and a cookie jar: what one person's browser does."""

    def __init__(self, port: int, client_ip: str) -> None:
        self.port = port
        self.client_ip = client_ip
        self.origin = f"https://{HOST}:{port}"
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        headers = {
            "Host": f"{HOST}:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.client_ip,  # as the proxy writes it
            "User-Agent": "dangvien-bench",
            "Accept-Language": "vi",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (OSError, http.client.HTTPException) as exc:
                # a fresh connection for the next request, whatever happened to this one
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
                idle_close = isinstance(
                    exc, http.client.RemoteDisconnected | ConnectionResetError | BrokenPipeError
                )
                if attempt == 2 or not idle_close:  # only an idle keep-alive close is retried
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, val = pair.partition("=")
                self.cookies[key.strip()] = val.strip()
        return response.status, response.getheader("Location") or "", text

    def csrf(self, text: str) -> str:
        match = CSRF_INPUT.search(text)
        return match.group(1) if match else self.cookies.get("csrftoken", "")


def log_in(browser: Browser, user: VirtualUser) -> str | None:
    """None when logged in, else what went wrong."""
    status, _, text = browser.request("GET", "/accounts/login/")
    if status != 200:
        return f"GET login {status}"
    form = {"csrfmiddlewaretoken": browser.csrf(text), "login": user.username}
    status, location, _ = browser.request(
        "POST", "/accounts/login/", {**form, "password": PASSWORD}
    )
    if status != 302:
        return f"POST login {status}"
    if user.totp_secret:
        path = urllib.parse.urlsplit(location).path or "/accounts/2fa/authenticate/"
        status, _, text = browser.request("GET", path)
        if status != 200:
            return f"GET {path} {status}"
        code = totp_code(user.totp_secret, time.time())
        token = browser.csrf(text)
        status, location, _ = browser.request(
            "POST", path, {"csrfmiddlewaretoken": token, "code": code}
        )
        if status != 302:
            return f"POST {path} {status}"
    status, _, _ = browser.request("GET", "/")
    return None if status == 200 else f"GET / after login {status}"


def run_user(
    user: VirtualUser,
    port: int,
    start_at: float,
    deadline: float,
    think: tuple[float, float],
    results: Results,
    rng: random.Random,
) -> None:
    time.sleep(max(0.0, start_at - time.monotonic()))
    # each person comes from their own computer: a distinct (loopback-range) address in the
    # header the proxy sets; the connection itself is always to 127.0.0.1
    browser = Browser(port, f"127.0.1.{int(user.username.removeprefix('bench'))}")
    started = time.monotonic()
    try:
        problem = log_in(browser, user)
    except (OSError, http.client.HTTPException) as exc:
        problem = f"login {type(exc).__name__}: {exc}"
    results.add("login", time.monotonic() - started, problem)
    if problem:
        return
    pages = [
        ("worklist", "/admissions/worklist/"),
        ("person_list", "/people/"),
        ("dossier", ""),
        ("report", "/reports/admissions/"),
    ]
    while time.monotonic() < deadline:
        for page, path in pages:
            if time.monotonic() >= deadline:
                return
            if page == "dossier":
                if not user.dossier_ids:
                    continue
                path = f"/admissions/{rng.choice(user.dossier_ids)}/"
            began = time.monotonic()
            try:
                status, _, _ = browser.request("GET", path)
                error = None if status == 200 else f"GET {path} {status}"
            except (OSError, http.client.HTTPException) as exc:
                error = f"GET {path} {type(exc).__name__}: {exc}"
            results.add(page, time.monotonic() - began, error)
            if think[1] > 0:
                time.sleep(rng.uniform(*think))


ACCESS_LINE = re.compile(r'"GET (?P<path>\S+) HTTP/1\.1" (?P<status>\d+) \d+ (?P<ms>\d+)ms')


def page_of(path: str) -> str | None:
    if path.startswith("/admissions/worklist/"):
        return "worklist"
    if path.startswith("/people/"):
        return "person_list"
    if re.fullmatch(r"/admissions/\d+/", path):
        return "dossier"
    if path.startswith("/reports/admissions/"):
        return "report"
    return None


def server_side(access_log: Path) -> dict[str, list[float]]:
    """Time spent inside gunicorn per page (excludes waiting for a free worker thread)."""
    times: dict[str, list[float]] = defaultdict(list)
    for line in access_log.read_text(errors="replace").splitlines():
        match = ACCESS_LINE.search(line)
        if match and (page := page_of(match["path"])):
            times[page].append(int(match["ms"]) / 1000)
    return times


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its live children, from /proc."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(child) for child in children]
    except OSError:
        return 0.0
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def percentile(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(results: Results, elapsed: float) -> bool:
    print(f"\n{'page':<12} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    ok = True
    total = 0
    for page in PAGES:
        times = results.times.get(page, [])
        if not times:
            continue
        total += len(times)
        p50, p95 = percentile(times, 50), percentile(times, 95)
        errors = results.errors.get(page, 0)
        ok &= errors == 0 and (page == "login" or p95 <= TARGET_P95)
        print(
            f"{page:<12} {len(times):>8} {errors:>6} {p50 * 1000:>8.0f} {p95 * 1000:>8.0f} "
            f"{max(times) * 1000:>8.0f}"
        )
    all_errors = sum(results.errors.values())
    print(f"{'all':<12} {total:>8} {all_errors:>6}   ({total / elapsed:.1f} requests/s)")
    for page, sample in results.samples.items():
        print(f"  first error on {page}: {sample}")
    verdict = "met" if ok else "MISSED"
    print(f"target (0 errors, p95 ≤ {TARGET_P95:.0f} s on every page after login): {verdict}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--think", default="2-6", help="think time in seconds, e.g. 2-6 or 0")
    parser.add_argument("--ramp", type=float, default=30.0, help="spread the logins over N s")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    if not 1 <= args.users <= 200 or not 1 <= args.seconds <= 900:
        raise SystemExit("--users 1..200, --seconds 1..900")
    low, _, high = args.think.partition("-")
    think = (float(low), float(high or low))

    base = server_url()
    db_url = database_url(base, DB_NAME)
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    print(f"→ database {DB_NAME}: migrate, demo data, {args.users} accounts", flush=True)
    recreate_database(base)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        t0 = time.monotonic()
        users = prepare(args.users)
        roles: dict[str, int] = defaultdict(int)
        for user in users:
            roles[user.role] += 1
        print(f"  ready in {time.monotonic() - t0:.0f} s: {dict(roles)}", flush=True)
        with tempfile.TemporaryDirectory(prefix="dangvien-load-") as tmp:
            var_dir = Path(tmp)
            port = free_port()
            env = server_env(db_url, var_dir, port)
            processes = start_server(env, var_dir, port)
            print(
                f"→ gunicorn on {HOST}:{port}; {args.users} users for {args.seconds} s, "
                f"think time {args.think} s",
                flush=True,
            )
            load_before = os.getloadavg()[0]
            server_pid = processes[1].pid
            cpu_before = cpu_seconds(server_pid)
            results = Results()
            begin = time.monotonic()
            deadline = begin + args.ramp + args.seconds
            threads = [
                threading.Thread(
                    target=run_user,
                    args=(
                        user,
                        port,
                        begin + args.ramp * i / len(users),
                        deadline,
                        think,
                        results,
                        random.Random(i),
                    ),
                    daemon=True,
                )
                for i, user in enumerate(users)
            ]
            for thread in threads:
                thread.start()
            join_by = deadline + REQUEST_TIMEOUT + 5  # the last request may run to its time-out
            for thread in threads:
                thread.join(timeout=max(0.0, join_by - time.monotonic()))
            elapsed = time.monotonic() - begin
            cpu_used = cpu_seconds(server_pid) - cpu_before
            stop_server(processes)
            processes = []
            print(f"  load average {load_before:.1f} → {os.getloadavg()[0]:.1f}")
            ok = report(results, elapsed)
            inside = server_side(var_dir / "access.log")
            print("time inside the server (gunicorn's access log), ms:")
            for page in PAGES[1:]:
                if inside.get(page):
                    values = inside[page]
                    print(
                        f"  {page:<12} p50 {percentile(values, 50) * 1000:>6.0f}   "
                        f"p95 {percentile(values, 95) * 1000:>6.0f}"
                    )
            requests = sum(len(v) for v in results.times.values())
            print(
                f"server CPU: {cpu_used:.0f} s for {requests} page loads and logins "
                f"({cpu_used / max(requests, 1) * 1000:.0f} ms each; "
                f"{cpu_used / elapsed:.2f} of the machine's {os.cpu_count()} cores)"
            )
            errors = (var_dir / "error.log").read_text(errors="replace")
            tracebacks = errors.count("Traceback")
            if tracebacks:
                print(f"  server error log: {tracebacks} tracebacks")
    finally:
        stop_server(processes)
        if not args.keep_db:
            from django.db import connections

            connections.close_all()
            drop_database(base)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
