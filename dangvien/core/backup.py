"""Backup and restore of the whole database, portable between SQLite and PostgreSQL.

A backup is one zip file holding ``data.json`` (Django's serialisation of every row of every
table, primary keys kept, as ``dumpdata`` writes it) and ``manifest.json`` (format, time, source
database, the migrations applied and the number of rows per table). It is read in one snapshot
(REPEATABLE READ on PostgreSQL, one read transaction on SQLite), so the counts and the rows agree.

A restore goes into a database migrated to the same migrations: inside one transaction it empties
every table, loads the rows with their primary keys, resets the id sequences and compares the
row count of every table with the manifest; any difference rolls the whole restore back.

Sessions are left out on purpose (a restore logs everybody out); everything else, including
content types, permissions, the audit log and the task queue, is copied as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext

FORMAT = "dangvien-backup/1"
EXCLUDED = ("sessions.session",)
DATA_NAME = "data.json"
MANIFEST_NAME = "manifest.json"


class BackupError(Exception):
    """A backup that cannot be written or a restore that is refused (nothing was changed)."""


@dataclass(frozen=True)
class Manifest:
    format: str
    created_at: str
    vendor: str
    migrations: dict[str, str]
    tables: dict[str, int]

    @property
    def total_rows(self) -> int:
        return sum(self.tables.values())


def _copied_tables() -> list[str]:
    """Every table the backup covers: concrete models (and their many-to-many tables)."""
    excluded = {apps.get_model(label)._meta.db_table for label in EXCLUDED}
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    return sorted(tables - excluded)


def count_rows(tables: list[str] | None = None, *, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Rows per table, read with plain ``COUNT(*)`` (table names come from the models)."""
    connection = connections[using]
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in tables if tables is not None else _copied_tables():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = int(cursor.fetchone()[0])
    return counts


def applied_migrations(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """The last migration applied per app (what the restored database must also have)."""
    latest: dict[str, str] = {}
    for app, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        if name > latest.get(app, ""):
            latest[app] = name
    return latest


def write_backup(output: Path, *, using: str = DEFAULT_DB_ALIAS) -> Manifest:
    """Write the whole database to ``output`` (a zip file, readable by the owner only)."""
    connection = connections[using]
    output = Path(output)
    if output.exists() and output.is_dir():
        raise BackupError(gettext("«%(path)s» là một thư mục, không phải tệp.") % {"path": output})
    output.parent.mkdir(parents=True, exist_ok=True)
    outer = connection.in_atomic_block  # called inside a transaction (tests): read within it
    with tempfile.TemporaryDirectory(prefix="dangvien-backup-") as tmp:
        data_path = Path(tmp) / DATA_NAME
        with transaction.atomic(using=using):
            if connection.vendor == "postgresql" and not outer:
                with connection.cursor() as cursor:  # one snapshot for every table read below
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            tables = _copied_tables()
            manifest = Manifest(
                format=FORMAT,
                created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                vendor=connection.vendor,
                migrations=applied_migrations(using=using),
                tables=count_rows(tables, using=using),
            )
            call_command(
                "dumpdata",
                *(f"--exclude={label}" for label in EXCLUDED),
                database=using,
                output=str(data_path),
                verbosity=0,
            )
        partial = output.with_name(output.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with (
            os.fdopen(fd, "wb") as raw,
            zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            archive.writestr(MANIFEST_NAME, json.dumps(manifest.__dict__, indent=1))
            archive.write(data_path, DATA_NAME)
        partial.replace(output)  # a reader never sees a half-written backup
    return manifest


def read_manifest(path: Path) -> Manifest:
    try:
        with zipfile.ZipFile(path) as archive:
            raw = json.loads(archive.read(MANIFEST_NAME))
            archive.getinfo(DATA_NAME)
        manifest = Manifest(**raw)
    except (OSError, KeyError, ValueError, TypeError, zipfile.BadZipFile) as exc:
        raise BackupError(
            gettext("«%(path)s» không phải tệp sao lưu của hệ thống (%(error)s).")
            % {"path": path, "error": exc}
        ) from exc
    if manifest.format != FORMAT:
        raise BackupError(
            gettext("Tệp sao lưu có định dạng «%(found)s», cần «%(required)s».")
            % {"found": manifest.format, "required": FORMAT}
        )
    return manifest


def holds_data(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the database is in use (``migrate`` alone creates no account)."""
    return get_user_model().objects.using(using).exists()


def restore_backup(path: Path, *, replace: bool = False, using: str = DEFAULT_DB_ALIAS) -> Manifest:
    """Load ``path`` into this database; all or nothing, checked table by table."""
    from auditlog.context import disable_auditlog

    path = Path(path)
    manifest = read_manifest(path)
    current = applied_migrations(using=using)
    if current != manifest.migrations:
        missing = sorted(
            f"{app}.{name}" for app, name in manifest.migrations.items() if current.get(app) != name
        )
        raise BackupError(
            gettext(
                "Cơ sở dữ liệu chưa ở cùng phiên bản với bản sao lưu (khác ở: %(apps)s). "
                "Chạy «manage.py migrate» với đúng phiên bản mã nguồn rồi khôi phục lại."
            )
            % {
                "apps": ", ".join(missing)
                or ", ".join(sorted(set(current) - set(manifest.migrations)))
            }
        )
    if holds_data(using=using) and not replace:
        raise BackupError(
            gettext(
                "Cơ sở dữ liệu đích đã có dữ liệu (có tài khoản người dùng). Khôi phục vào một "
                "cơ sở dữ liệu trống, hoặc thêm --replace để xoá toàn bộ và thay bằng bản sao lưu."
            )
        )
    tables = _copied_tables()
    with tempfile.TemporaryDirectory(prefix="dangvien-restore-") as tmp:
        with zipfile.ZipFile(path) as archive:
            archive.extract(DATA_NAME, tmp)
        data_path = Path(tmp) / DATA_NAME
        with transaction.atomic(using=using), disable_auditlog():
            postgres = connections[using].vendor == "postgresql"
            if postgres:  # TRUNCATE refuses tables with deferred checks still pending
                with connections[using].cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            call_command(
                "flush", database=using, interactive=False, inhibit_post_migrate=True, verbosity=0
            )
            if postgres:  # rows load in any order; references are checked at commit
                with connections[using].cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            call_command("loaddata", str(data_path), database=using, verbosity=0)
            found = count_rows(tables, using=using)
            expected = {table: manifest.tables.get(table, 0) for table in tables}
            if found != expected:
                differences = ", ".join(
                    f"{table}: {found[table]}/{expected[table]}"
                    for table in tables
                    if found[table] != expected[table]
                )
                raise BackupError(
                    gettext(
                        "Số dòng sau khi khôi phục khác bản sao lưu (%(tables)s); "
                        "đã huỷ, cơ sở dữ liệu giữ nguyên."
                    )
                    % {"tables": differences}
                )
    return manifest


def manifest_summary(manifest: Manifest) -> str:
    return gettext("%(rows)s dòng trong %(tables)s bảng (nguồn: %(vendor)s, lúc %(when)s).") % {
        "rows": manifest.total_rows,
        "tables": len(manifest.tables),
        "vendor": manifest.vendor,
        "when": manifest.created_at,
    }
