"""The production server's settings: the demo key refused, static files collected, logs redacted."""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_ENV = {
    "DANGVIEN_PRODUCTION": "1",
    "DEBUG": "0",
    "SECRET_KEY": "p" * 10 + "-a-production-secret-only-this-server-knows-0123456789",
    "ALLOWED_HOSTS": "dangvien.example.vn",
    "CSRF_TRUSTED_ORIGINS": "https://dangvien.example.vn",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DANGVIEN_"))}
    clean.pop("SECRET_KEY", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_production_refuses_the_public_demo_key() -> None:
    result = run_manage("check", env={**PRODUCTION_ENV, "SECRET_KEY": settings.DEMO_SECRET_KEY})
    assert result.returncode == 1
    assert "SECRET_KEY is the public demo key (or a placeholder)" in result.stderr


def test_production_refuses_a_short_or_placeholder_key() -> None:
    short = run_manage("check", env={**PRODUCTION_ENV, "SECRET_KEY": "s3cret-but-short"})
    assert short.returncode == 1
    assert "SECRET_KEY must be at least 50 characters long in production" in short.stderr
    placeholder = run_manage("check", env={**PRODUCTION_ENV, "SECRET_KEY": "x" * 60})
    assert placeholder.returncode == 1
    assert "SECRET_KEY is the public demo key (or a placeholder)" in placeholder.stderr


def test_the_demo_key_still_serves_outside_production() -> None:
    assert settings.SECRET_KEY == settings.DEMO_SECRET_KEY  # tests and `make run`


def test_production_collects_hashed_and_compressed_static_files(tmp_path: Path) -> None:
    env = {**PRODUCTION_ENV, "DANGVIEN_MANIFEST_STATIC": "1", "DANGVIEN_VAR_DIR": str(tmp_path)}
    result = run_manage("collectstatic", "--noinput", "-v", "0", env=env)
    assert result.returncode == 0, result.stderr
    collected = tmp_path / "staticfiles"
    assert (collected / "staticfiles.json").is_file()
    hashed = sorted(p.name for p in (collected / "vendor" / "chartjs").glob("chart.umd.*.js"))
    assert len(hashed) == 1
    assert (collected / "vendor" / "chartjs" / f"{hashed[0]}.gz").is_file()


def test_gunicorn_access_log_is_redacted() -> None:
    from gunicorn.config import Config

    from config import gunicorn as gunicorn_conf

    cfg = Config()
    for name in ("accesslog", "errorlog", "access_log_format", "logger_class"):
        cfg.set(name, getattr(gunicorn_conf, name))
    logger = cfg.logger_class(cfg)
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    logger.access_log.addHandler(Keep())
    request = SimpleNamespace(
        method="GET", path="/people/", query="q=011167823966", version=(1, 1), headers=[]
    )
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    environ = {
        "REMOTE_ADDR": "127.0.0.1",
        "RAW_URI": "/people/?q=011167823966&phone=0912345678",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REQUEST_METHOD": "GET",
    }
    logger.access(response, request, environ, dt.timedelta(milliseconds=42))
    assert len(records) == 1
    assert "011167823966" not in records[0]
    assert "0912345678" not in records[0]
    assert '"GET /people/?q=[cccd]&phone=[phone] HTTP/1.1" 200 512 42ms' in records[0]


def test_postgresql_connections_run_without_the_jit_compiler(db) -> None:
    """On PostgreSQL the JIT compiler is off (config/settings.py; it cost the report 0,5 s)."""
    import pytest
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
