"""backup_data / restore_data: the demo data backed up, restored into an empty database (SQLite,
or PostgreSQL when the suite runs there), every table's row count and a report's figures equal."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from dangvien.core.backup import count_rows, read_manifest

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 30)


def snapshot() -> dict[str, Any]:
    """Row count of every table and one report's figures (the root's, this year and last)."""
    from dangvien.organisations.models import Organisation
    from dangvien.reports.periods import build_period
    from dangvien.reports.selectors import get_admission_report

    root = Organisation.objects.order_by("path").first()
    assert root is not None
    figures = {}
    for year in (TODAY.year - 1, TODAY.year):
        report = get_admission_report(
            organisation=root, period=build_period("year", year=year), today=TODAY
        )
        figures[str(year)] = {
            "admitted": report.admitted,
            "previous": report.previous,
            "target": report.target,
            "breakdowns": {b.key: [b.count, b.previous] for b in report.breakdowns},
            "children": [[c.organisation.code, c.admitted] for c in report.children],
            "membership": report.membership,
            "pipeline": json.loads(json.dumps(report.pipeline, default=str)),
        }
    with connection.cursor() as cursor:
        tables = sorted(
            t for t in connection.introspection.table_names(cursor) if t != "django_migrations"
        )
    return {"tables": count_rows(tables), "report": figures}


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for a subprocess on a brand-new database of the suite's kind."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DANGVIEN_"))}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    if connection.vendor == "sqlite":
        env.pop("DATABASE_URL", None)
        env["DANGVIEN_VAR_DIR"] = str(tmp_path / "restored")
        yield env
        return
    import psycopg

    params = connection.get_connection_params()
    name = f"dangvien_restore_{uuid.uuid4().hex[:10]}"
    admin = {k: params[k] for k in ("host", "port", "user", "password") if params.get(k)}
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    host, port, user = params.get("host"), params.get("port", 5432), params.get("user")
    password = f":{params['password']}" if params.get("password") else ""
    env["DATABASE_URL"] = f"postgres://{user}{password}@{host}:{port}/{name}"
    try:
        yield env
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


RESTORE_AND_SNAPSHOT = """
import json, os
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("restore_data", os.environ["BACKUP_FILE"], verbosity=0)
from tests.test_backup import snapshot
print("SNAPSHOT " + json.dumps(snapshot()))
"""


@pytest.mark.django_db
def test_backup_restores_into_an_empty_database_with_every_row(
    tmp_path: Path, empty_database: dict[str, str]
) -> None:
    call_command("seed_demo", "--small", verbosity=0)
    before = snapshot()
    assert before["tables"]["people_person"] > 100
    assert before["report"][str(TODAY.year)]["admitted"] > 0

    backup = tmp_path / "backup.zip"
    call_command("backup_data", "--output", str(backup), verbosity=0)
    assert backup.stat().st_mode & 0o777 == 0o600
    manifest = read_manifest(backup)
    assert manifest.vendor == connection.vendor
    assert "django_session" not in manifest.tables
    assert {t: n for t, n in before["tables"].items() if t != "django_session"} == manifest.tables

    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", RESTORE_AND_SNAPSHOT],
        cwd=ROOT,
        env={**empty_database, "BACKUP_FILE": str(backup)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(x for x in result.stdout.splitlines() if x.startswith("SNAPSHOT "))
    after = json.loads(line.removeprefix("SNAPSHOT "))

    assert after["report"] == before["report"]
    before["tables"]["django_session"] = 0  # sessions are not backed up: a restore logs out
    assert after["tables"] == before["tables"]


@pytest.mark.django_db
def test_restore_refuses_a_database_in_use_and_a_file_that_is_no_backup(tmp_path: Path) -> None:
    call_command("seed_demo", "--small", verbosity=0)
    backup = tmp_path / "backup.zip"
    call_command("backup_data", "--output", str(backup), verbosity=0)
    before = count_rows()

    with pytest.raises(CommandError, match="Cơ sở dữ liệu đích đã có dữ liệu"):
        call_command("restore_data", str(backup), verbosity=0)
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="không phải tệp sao lưu của hệ thống"):
        call_command("restore_data", str(junk), "--replace", verbosity=0)
    assert count_rows() == before


@pytest.mark.django_db
def test_restore_replace_puts_back_what_was_deleted(tmp_path: Path) -> None:
    from dangvien.people.models import Person

    call_command("seed_demo", "--small", verbosity=0)
    backup = tmp_path / "backup.zip"
    call_command("backup_data", "--output", str(backup), verbosity=0)
    before = count_rows()
    Person.objects.filter(pk=Person.objects.order_by("pk").values("pk")[:1]).update(
        full_name="Đã sửa sau khi sao lưu"
    )

    call_command("restore_data", str(backup), "--replace", verbosity=0)

    assert count_rows() == before
    assert not Person.objects.filter(full_name="Đã sửa sau khi sao lưu").exists()
