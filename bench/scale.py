"""Issue 12's measuring stick: report, membership, dashboard, worklist, lists and pickers on the
generated dataset, against a per-organisation ORM loop and a hand-written SQL "floor".

Usage::

    .venv/bin/python -m bench.scale --scale province [--runs 5] [--keep] [--reuse]
        [--only "dashboard,worklist,person list"]

PostgreSQL only (``DATABASE_URL``'s server, default postgres://postgres@127.0.0.1:5432, this
machine only). The database ``dangvien_bench_scale_<scale>`` is created, migrated and filled by
``generate_dataset --seed 1`` (then ``VACUUM ANALYZE``), unless ``--reuse`` finds it already
generated; it is dropped at the end unless ``--keep`` or ``--reuse``.

Three scopes: the dataset's root (at province scale the root holds one province: the "national"
row is measured on 1/34 of the nation), today's province, one commune committee (the one with
the median number of members). For each, after one warm-up, ``--runs`` timed runs (median):

- ``report``: every figure of the report page, as ``reports.views.report`` computes them
  (``get_admission_report`` with the page's default period and structure, and
  ``get_member_quality_figures``), called directly (no template);
- ``membership``: ``reports.selectors._membership_at_end`` (the report's membership-at-end
  figure) at 31 December of last year, on that day's tree as the report counts a closed year;
- for a province user (and, to see whether the query count grows with the tree, a commune
  user), through Django's test ``Client`` and the real views and middleware (server time,
  queries): the report page, the start page (dashboard), the worklist, the first page of
  each list (people, members, dossiers, classes, the screening list, the badges due, the
  audit log) and every picker endpoint (``/pick/<source>/?q=…``) with a typed text that
  matches few rows (a whole name); ``config.wsgi`` is imported first, as in the server's
  processes (it freezes the start-up objects out of the garbage collector's full
  collections).

Peak memory of each operation: ``tracemalloc``'s peak of Python allocations during one extra
run after the timed ones (not counted in the times; C allocations of the database driver
are not traced).

Baselines for ``report`` and ``membership``, in the same run (median of ``--baseline-runs``):

- *loop*: for each grassroots organisation in the scope, ORM counts (admitted in the
  period; members whose latest event on or before the day is active, in its subtree, plus
  those decided by the day whose first event came after it, where admitted), summed;
- *floor*: one hand-written SQL aggregate over the facts, organisations joined by path prefix.

The loop walks at most ``--loop-sample`` organisations (default 2.000, evenly spread by path)
and its time and count are scaled to all of them; the note of each row says so. The national
loop over all 52.000 would take hours.

EXPLAIN (ANALYZE, BUFFERS) of the report's three slowest queries and of the membership
statement for the province goes to ``bench/results/scale_<scale>_explain.tmp`` (ignored by git).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SEED = 1
MB = 1024 * 1024
MEMORY_GOAL_MB = 200

# issue 12, item 3 (ms): national / province / commune
GOALS: dict[str, dict[str, float]] = {
    "report": {"national": 300, "province": 50, "commune": 10},
    "membership": {"national": 300, "province": 30, "commune": 5},
}
PAGE_GOAL_MS = 300  # dashboard, worklist, every list and picker, for a province user


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def with_name(url: str, name: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{name}"))


def server_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not base.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench.scale needs PostgreSQL: DATABASE_URL=postgres://…")
    if urllib.parse.urlsplit(base).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("bench.scale only uses a database on this machine")
    return base


def database_exists(base: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(with_name(base, "postgres"), autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def psycopg_autocommit(url: str) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True)


def recreate(base: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(with_name(base, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


# --- measuring --------------------------------------------------------------------------------


@dataclass
class Row:
    operation: str
    scope: str
    times: list[float] = field(default_factory=list)  # seconds
    queries: int = 0
    db_ms: float = 0.0  # time inside the database's queries, last timed run
    peak_mb: float | None = None
    loop: float | None = None  # seconds (median)
    floor: float | None = None
    goal_ms: float | None = None
    note: str = ""

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000

    def met(self) -> str:
        if self.goal_ms is None:
            return "—"
        fast = self.median_ms <= self.goal_ms
        small = self.peak_mb is None or self.peak_mb <= MEMORY_GOAL_MB
        return "met" if fast and small else "NOT met"


def timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], int, float, Any]:
    """One warm-up, then ``runs`` timed calls; the queries of the last call and their time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = fn()
    times = []
    queries, db_ms = 0, 0.0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - started)
        queries = len(captured.captured_queries)
        db_ms = sum(float(query["time"]) for query in captured.captured_queries) * 1000
    return times, queries, db_ms, result


def peak_memory_mb(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        fn()
        return tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


def sample(orgs: list[Any], limit: int) -> tuple[list[Any], float]:
    """At most ``limit`` of ``orgs``, evenly spread along the tree (every k-th by path), and
    the factor that scales the sample's time and count to all of them (1 when not sampled)."""
    if not limit or len(orgs) <= limit:
        return orgs, 1.0
    step = len(orgs) / limit
    return [orgs[int(i * step)] for i in range(limit)], len(orgs) / limit


def median_seconds(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    result = fn()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


# --- the dataset, scopes, accounts -------------------------------------------------------------


def ensure_dataset(base: str, name: str, scale: str, reuse: bool) -> bool:
    """Create and fill the database unless ``reuse`` finds it generated; True if generated."""
    if reuse and database_exists(base, name):
        import psycopg

        with psycopg.connect(with_name(base, name)) as conn:
            try:
                found = conn.execute(
                    "SELECT 1 FROM audit_auditevent WHERE action = 'core.demo.dataset_generated'"
                ).fetchone()
            except psycopg.Error:
                found = None
        if found:
            print(f"→ reusing {name} (already generated)", flush=True)
            return False
    recreate(base, name)
    os.environ["DATABASE_URL"] = with_name(base, name)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("generate_dataset", "--scale", scale, "--seed", str(SEED), "--no-progress")
    print(f"→ generated in {time.perf_counter() - started:.1f} s", flush=True)
    connection.close()
    return True


def pick_scopes() -> dict[str, Any]:
    """The root, the first province of today's tree and its commune with the median number of
    members (read from the cells' balances: a scan of 5,6 M memberships to choose a scope would
    cost more than the measurements)."""
    from django.db import connection

    from dangvien.members.models import MemberBalance
    from dangvien.organisations.models import Organisation

    root = Organisation.objects.filter(code="GTW").get()
    province = Organisation.objects.filter(kind="province", valid_to__isnull=True).order_by("path")[
        0
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.id, COALESCE(SUM(b.active), 0) FROM {Organisation._meta.db_table} c"
            f" JOIN {Organisation._meta.db_table} o ON o.path LIKE c.path || '%%'"
            f" LEFT JOIN {MemberBalance._meta.db_table} b ON b.organisation_id = o.id"
            " WHERE c.kind = 'commune' AND c.valid_to IS NULL AND c.path LIKE %s"
            " GROUP BY c.id, c.path ORDER BY 2, c.path",
            [province.path + "%"],
        )
        sizes = cursor.fetchall()
    commune = Organisation.objects.get(pk=sizes[len(sizes) // 2][0])
    return {"national": root, "province": province, "commune": commune}


def make_users(scopes: dict[str, Any]) -> dict[str, Any]:
    """A superuser actor, an org_board account on the province and a grassroots_office account
    on the commune, made as the demo's role accounts are (idempotent: reused databases)."""
    from dangvien.accounts.models import User
    from dangvien.accounts.services import assign_role

    actor = User.objects.filter(username="bench_scale_admin").first()
    if actor is None:
        actor = User(username="bench_scale_admin", full_name="Quản trị đo tải")
        actor.is_staff = actor.is_superuser = True
        actor.set_unusable_password()
        actor.save()
    users = {}
    for scope, role, name in (
        ("province", "org_board", "Ban tổ chức tỉnh (đo tải)"),
        ("commune", "grassroots_office", "Văn phòng đảng ủy xã (đo tải)"),
    ):
        username = f"bench_scale_{scope}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=name)
            user.set_unusable_password()
            user.save()
        assign_role(user, role=role, organisation=scopes[scope], actor=actor)
        users[scope] = user
    return users


# --- baselines ----------------------------------------------------------------------------------


def grassroots_in(scope: Any) -> list[Any]:
    from dangvien.organisations.choices import GRASSROOTS_KINDS
    from dangvien.organisations.models import Organisation

    return list(
        Organisation.objects.filter(
            path__startswith=scope.path, kind__in=sorted(GRASSROOTS_KINDS)
        ).order_by("path")
    )


def loop_admitted(orgs: list[Any], start: dt.date, end: dt.date) -> int:
    from dangvien.members.models import Membership

    return sum(
        Membership.objects.filter(
            admitted_in__path__startswith=org.path, decision_date__range=(start, end)
        ).count()
        for org in orgs
    )


def floor_admitted(scope: Any, start: dt.date, end: dt.date) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM members_membership m"
            " JOIN organisations_organisation o ON o.id = m.admitted_in_id"
            " WHERE o.path LIKE %s AND m.decision_date BETWEEN %s AND %s",
            [scope.path + "%", start, end],
        )
        return int(cursor.fetchone()[0])


def loop_membership(orgs: list[Any], day: dt.date) -> int:
    from django.db.models import Exists, OuterRef, Subquery

    from dangvien.members.choices import ACTIVE_STATUSES
    from dangvien.members.models import Membership, MembershipEvent

    latest = MembershipEvent.objects.filter(membership=OuterRef("pk"), date__lte=day).order_by(
        "-date", "-pk"
    )
    total = 0
    for org in orgs:
        total += (
            Membership.objects.filter(
                pk__in=MembershipEvent.objects.filter(
                    organisation__path__startswith=org.path, date__lte=day
                ).values("membership_id")
            )
            .annotate(
                end_status=Subquery(latest.values("status")[:1]),
                end_path=Subquery(latest.values("organisation__path")[:1]),
            )
            .filter(end_status__in=sorted(ACTIVE_STATUSES), end_path__startswith=org.path)
            .count()
        )
        # decided on or before the day, ceremony after it: a member then, where admitted
        total += (
            Membership.objects.filter(
                admitted_in__path__startswith=org.path, decision_date__lte=day
            )
            .filter(
                ~Exists(MembershipEvent.objects.filter(membership=OuterRef("pk"), date__lte=day))
            )
            .count()
        )
    return total


FLOOR_MEMBERSHIP = """
    WITH touched AS (
        SELECT DISTINCT e.membership_id FROM members_membershipevent e
        JOIN organisations_organisation o ON o.id = e.organisation_id
        WHERE o.path LIKE %(prefix)s AND e.date <= %(day)s
    ),
    latest AS (
        SELECT DISTINCT ON (e.membership_id) e.status, e.organisation_id
        FROM members_membershipevent e JOIN touched t ON t.membership_id = e.membership_id
        WHERE e.date <= %(day)s
        ORDER BY e.membership_id, e.date DESC, e.id DESC
    )
    SELECT
        (SELECT COUNT(*) FROM latest
         JOIN organisations_organisation o ON o.id = latest.organisation_id
         WHERE o.path LIKE %(prefix)s AND latest.status IN ('probationary', 'official', 'exempt'))
      + (SELECT COUNT(*) FROM members_membership m
         JOIN organisations_organisation o ON o.id = m.admitted_in_id
         WHERE o.path LIKE %(prefix)s AND m.decision_date <= %(day)s
           AND NOT EXISTS (SELECT 1 FROM members_membershipevent e
                           WHERE e.membership_id = m.id AND e.date <= %(day)s))
"""


def floor_membership(scope: Any, day: dt.date) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(FLOOR_MEMBERSHIP, {"prefix": scope.path + "%", "day": day})
        return int(cursor.fetchone()[0])


# --- the operations ------------------------------------------------------------------------------


def report_figures(org: Any) -> Any:
    """What ``reports.views.report`` computes for the page's default period and structure."""
    from dangvien.reports import selectors
    from dangvien.reports.access import period_from_params

    period = period_from_params({})
    data = selectors.get_admission_report(
        organisation=org, period=period, structure=selectors.DEFAULT_STRUCTURE
    )
    selectors.get_member_quality_figures(organisation=org, period=data.period)
    return data


def membership_at(org: Any, period: Any) -> dict[str, int]:
    from dangvien.organisations.selectors import resolve_structure
    from dangvien.reports import selectors

    root = resolve_structure(org, selectors.default_structure(period))
    return selectors._membership_at_end(root, period)


def picker_texts(user: Any) -> dict[str, str]:
    """A whole name in the user's scope for each picker source (few matches: the worst case
    for a substring search, which cannot stop at the first 20 rows)."""
    from dangvien.core.pickers import _SOURCES
    from dangvien.organisations.models import Organisation
    from dangvien.people.models import Person

    texts: dict[str, str] = {}
    sources = sorted(_SOURCES.items(), key=lambda item: (item[0] != "people", item[0]))
    for name, source in sources:
        model = source.queryset(user).model
        if model is Organisation:
            row = source.queryset(user).order_by("path").values_list("name_folded", flat=True)
        elif model is Person:
            row = source.queryset(user).order_by("pk").values_list("full_name_folded", flat=True)
        else:
            continue
        rows = list(row[:200])
        if rows:
            texts[name] = rows[len(rows) // 2]
        elif model is Person and "people" in texts:
            # no eligible row in the data (candidates: everyone generated is a member or has
            # a dossier): a person's name, which finds nothing, the whole scope searched
            texts[name] = texts["people"]
    return texts


def fetch(client: Any, url: str) -> Any:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url}: {response.status_code}")
    return response


def wanted(operation: str, only: set[str] | None) -> bool:
    """``--only``: an operation is measured if its name, or ``picker`` for every picker, is in
    the set (every operation without ``--only``)."""
    if only is None:
        return True
    return operation in only or (operation.startswith("picker") and "picker" in only)


def page_rows(users: dict[str, Any], runs: int, only: set[str] | None = None) -> list[Row]:
    from django.test import Client

    import config.wsgi  # noqa: F401  # as the server's processes: start-up objects frozen (gc)
    from tests.support.mfa import force_login_with_mfa

    rows = []
    for scope, user in users.items():
        client = Client()
        force_login_with_mfa(client, user)
        pages = [
            ("report page", "/reports/admissions/"),
            ("dashboard", "/"),
            ("worklist", "/admissions/worklist/"),
            ("person list", "/people/"),
            ("member list", "/members/"),
            ("dossier list", "/admissions/"),
            ("class list", "/training/"),
            ("screening list", "/screening/"),
            ("badges due list", "/badges/"),
            ("audit list", "/audit/"),
        ]
        for source, text in (picker_texts(user) if wanted("picker", only) else {}).items():
            pages.append(
                (f"picker {source}", f"/pick/{source}/?{urllib.parse.urlencode({'q': text})}")
            )
        for operation, url in pages:
            if not wanted(operation, only):
                continue
            get = partial(fetch, client, url)
            times, queries, db_ms, response = timed(get, runs)
            row = Row(operation, f"{scope} user", times, queries, db_ms)
            if operation.startswith("picker"):
                found = len(response.json()["results"])
                row.note = f"{url.split('?')[0]}: {found} rows for a whole name"
            rows.append(row)
            row.peak_mb = peak_memory_mb(get)
            row.goal_ms = PAGE_GOAL_MS if scope == "province" else None
            print(f"  {operation:<28} {scope} user: {row.median_ms:9.1f} ms", flush=True)
    return rows


@dataclass
class Baseline:
    """The grassroots organisations the loop walks: all of them, or an even sample whose time
    and count are scaled to all (``factor``), said in the row's note."""

    grassroots: list[Any]
    looped: list[Any]
    factor: float
    runs: int

    def loop(self, fn: Callable[..., int], *args: Any) -> tuple[float, int]:
        seconds, count = median_seconds(partial(fn, self.looped, *args), self.runs)
        return seconds * self.factor, round(count * self.factor)

    @property
    def said(self) -> str:
        if self.factor == 1:
            return f"loop over all {len(self.grassroots)} grassroots organisations"
        return (
            f"loop over {len(self.looped)} of {len(self.grassroots)} grassroots organisations "
            f"(evenly by path), time and count × {self.factor:.1f}"
        )


def report_row(scope: str, org: Any, baseline: Baseline, runs: int) -> Row:
    report = partial(report_figures, org)
    times, queries, db_ms, data = timed(report, runs)
    row = Row("report", scope, times, queries, db_ms, goal_ms=GOALS["report"][scope])
    row.peak_mb = peak_memory_mb(report)
    start, end = data.period.start, data.period.end
    row.loop, looped = baseline.loop(loop_admitted, start, end)
    row.floor, floored = median_seconds(partial(floor_admitted, org, start, end), baseline.runs)
    row.note = (
        f"admitted {data.admitted} (loop {looped}, floor {floored}), "
        f"{start:%d/%m/%Y}–{end:%d/%m/%Y}; {baseline.said}"
    )
    print(f"  report     {scope}: {row.median_ms:9.1f} ms  {row.note}", flush=True)
    return row


def membership_row(scope: str, org: Any, baseline: Baseline, last_year: Any, runs: int) -> Row:
    """Membership at the end of last year."""
    membership = partial(membership_at, org, last_year)
    times, queries, db_ms, figures = timed(membership, runs)
    row = Row("membership", scope, times, queries, db_ms, goal_ms=GOALS["membership"][scope])
    row.peak_mb = peak_memory_mb(membership)
    row.loop, looped = baseline.loop(loop_membership, last_year.end)
    row.floor, floored = median_seconds(
        partial(floor_membership, org, last_year.end), baseline.runs
    )
    row.note = (
        f"members on {last_year.end:%d/%m/%Y}: {figures['total']} (loop {looped}, "
        f"floor {floored}); {baseline.said}"
    )
    print(f"  membership {scope}: {row.median_ms:9.1f} ms  {row.note}", flush=True)
    return row


def figure_rows(
    scopes: dict[str, Any],
    runs: int,
    baseline_runs: int,
    loop_limit: int,
    only: set[str] | None = None,
) -> list[Row]:
    from dangvien.reports.periods import build_period

    today = dt.date.today()
    last_year = build_period("year", year=today.year - 1, month=12, quarter=None)
    rows: list[Row] = []
    if not (wanted("report", only) or wanted("membership", only)):
        return rows
    for scope, org in scopes.items():
        grassroots = grassroots_in(org)
        baseline = Baseline(grassroots, *sample(grassroots, loop_limit), runs=baseline_runs)
        if wanted("report", only):
            rows.append(report_row(scope, org, baseline, runs))
        if wanted("membership", only):
            rows.append(membership_row(scope, org, baseline, last_year, runs))
    return rows


# --- EXPLAIN ------------------------------------------------------------------------------------


def explain(province: Any, path: Path) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the three slowest queries of the report and of membership."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangvien.reports.periods import build_period

    today = dt.date.today()
    last_year = build_period("year", year=today.year - 1, month=12, quarter=None)
    now = dt.datetime.now(dt.UTC)
    out = [f"# bench.scale EXPLAIN, province {province.code}, {now:%Y-%m-%d %H:%M} UTC"]
    for label, fn in (
        ("report", lambda: report_figures(province)),
        ("membership at 31/12 last year", lambda: membership_at(province, last_year)),
    ):
        fn()
        slowest: list[tuple[float, str]] = []
        with CaptureQueriesContext(connection) as captured:
            fn()
        for query in captured.captured_queries:
            slowest.append((float(query["time"]), query["sql"]))
        slowest.sort(reverse=True)
        total = sum(seconds for seconds, _sql in slowest)
        out += [
            "",
            f"# {label}: {len(slowest)} queries, {total * 1000:.0f} ms in the database; "
            f"the {min(3, len(slowest))} slowest:",
        ]
        for rank, (seconds, sql) in enumerate(slowest[:3], start=1):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(line for (line,) in cursor.fetchall())
            out += ["", f"## {label}, #{rank}: {seconds * 1000:.0f} ms", "", sql, "", plan]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


# --- the table ----------------------------------------------------------------------------------


def ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:,.1f}"


def ratio(value: float, baseline: float | None) -> str:
    if not baseline:
        return "—"
    return f"{value / baseline:,.2f} ×"


def print_table(rows: list[Row]) -> None:
    header = (
        "| Operation | Scope | Median ms | Queries | DB ms | Peak MB | Loop ms | × loop | Floor ms "
        "| × floor | Goal ms | Goal |"
    )
    print(header)
    print("|---" * 12 + "|")
    for row in rows:
        seconds = row.median_ms / 1000
        print(
            f"| {row.operation} | {row.scope} | {row.median_ms:,.1f} | {row.queries} | "
            f"{row.db_ms:,.0f} | {row.peak_mb or 0:,.1f} | "
            f"{ms(row.loop)} | {ratio(seconds, row.loop)} | {ms(row.floor)} | "
            f"{ratio(seconds, row.floor)} | "
            f"{'—' if row.goal_ms is None else f'{row.goal_ms:,.0f}'} | {row.met()} |"
        )
    for row in rows:
        if row.note:
            print(f"- {row.operation}, {row.scope}: {row.note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="province", choices=["national", "province"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline-runs", type=int, default=3)
    parser.add_argument(
        "--loop-sample",
        type=int,
        default=2000,
        help="the per-organisation loop walks at most this many grassroots organisations "
        "(evenly by path) and is scaled to all of them (0: all; the national loop over 52.000 "
        "organisations would take hours)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--reuse", action="store_true", help="reuse a generated database")
    parser.add_argument("--database", help="database name (default dangvien_bench_scale_<scale>)")
    parser.add_argument(
        "--only",
        help="measure only these operations, comma-separated: report, membership, "
        "'report page', dashboard, worklist, 'person list', 'member list', 'dossier list', "
        "'class list', 'screening list', 'badges due list', 'audit list', picker (every "
        "picker); "
        "no EXPLAIN unless report or membership is among them",
    )
    args = parser.parse_args(argv)
    only = {name.strip() for name in args.only.split(",")} if args.only else None
    if args.runs < 5:
        print("note: fewer than 5 runs: not the issue's method", file=sys.stderr)

    base = server_url()
    name = args.database or f"dangvien_bench_scale_{args.scale}"
    var_dir = Path(tempfile.mkdtemp(prefix="dangvien-bench-scale-"))
    (var_dir / "staticfiles").mkdir()
    os.environ.setdefault("DANGVIEN_VAR_DIR", str(var_dir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    ensure_dataset(base, name, args.scale, args.reuse)
    os.environ["DATABASE_URL"] = with_name(base, name)
    import django

    django.setup()
    from django.db import connection

    # the generator writes in one transaction: statistics and the visibility map first
    # (the same every run; nearly nothing to do on a reused database)
    vacuum_started = time.perf_counter()
    with psycopg_autocommit(with_name(base, name)) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"→ VACUUM ANALYZE {time.perf_counter() - vacuum_started:.1f} s", flush=True)
    before = load_average()
    started = time.perf_counter()
    scopes = pick_scopes()
    print(
        f"→ {name}: scopes "
        + ", ".join(f"{k} {v.code} {v.name}" for k, v in scopes.items())
        + f"; load average {before}",
        flush=True,
    )
    users = make_users(scopes)
    rows = figure_rows(scopes, args.runs, args.baseline_runs, args.loop_sample, only)
    rows += page_rows(users, args.runs, only)
    explain_path = RESULTS / f"scale_{args.scale}_explain.tmp"
    explained = wanted("report", only) or wanted("membership", only)
    if explained:
        explain(scopes["province"], explain_path)
    after = load_average()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    print()
    print(
        f"bench.scale --scale {args.scale}, {dt.date.today():%d/%m/%Y}, {version}, "
        f"{os.cpu_count()} cores, load average {before} → {after}, "
        f"median of {args.runs} warm runs (baselines: {args.baseline_runs}, loop sample "
        f"{args.loop_sample or 'all'}), "
        f"{time.perf_counter() - started:.0f} s"
    )
    print_table(rows)
    if explained:
        print(f"EXPLAIN (ANALYZE, BUFFERS): {explain_path}")
    if not (args.keep or args.reuse):
        connection.close()
        recreate(base, name, drop_only=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
