"""Citizen IDs in a request's query string are masked in the servers' access logs: Django's
development server (``django.server``) and gunicorn's access log (``gunicorn.access``)."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.core.wsgi import get_wsgi_application

from dangvien.accounts.logging import REDACTED_LOGGERS, RedactSecretsFilter

ROOT = Path(__file__).resolve().parents[3]
CITIZEN_ID = "011167823966"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def fetch(url: str) -> int:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=20) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_every_request_logger_carries_the_filter() -> None:
    for name in REDACTED_LOGGERS:
        filters = logging.getLogger(name).filters
        assert [f for f in filters if isinstance(f, RedactSecretsFilter)], name


def test_development_server_access_log_masks_the_citizen_id() -> None:
    # given Django's development server (what runserver uses), logging to django.server
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler, ipv6=False)
    server.set_app(get_wsgi_application())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    captured = _ListHandler()
    logger = logging.getLogger("django.server")
    logger.addHandler(captured)
    thread.start()
    try:
        port = server.server_address[1]
        # when a request carries a citizen ID in its query string (anonymous: sent to login)
        assert fetch(f"http://127.0.0.1:{port}/people/?q={CITIZEN_ID}") == 302
    finally:
        server.shutdown()
        server.server_close()
        logger.removeHandler(captured)
    # then the access line is written, with the ID masked
    assert any('"GET /people/?q=[cccd] HTTP/1.1" 302' in line for line in captured.lines), (
        captured.lines
    )
    assert not [line for line in captured.lines if CITIZEN_ID in line]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_gunicorn_access_log_masks_the_citizen_id(tmp_path: Path) -> None:
    # given the product served by gunicorn with its access log written to a file
    port = _free_port()
    access_log = tmp_path / "access.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DANGVIEN_VAR_DIR=str(tmp_path))
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            str(access_log),
            "--error-logfile",
            str(tmp_path / "error.log"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        status = 0
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status = fetch(f"http://127.0.0.1:{port}/people/?q={CITIZEN_ID}")
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        assert status == 302
        for _ in range(50):  # the access line is written after the response
            if access_log.exists() and "/people/" in access_log.read_text(encoding="utf-8"):
                break
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = access_log.read_text(encoding="utf-8")
    assert '"GET /people/?q=[cccd] HTTP/1.1" 302' in text, text
    assert CITIZEN_ID not in text
