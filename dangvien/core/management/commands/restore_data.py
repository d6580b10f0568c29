"""manage.py restore_data FILE [--replace]: load a backup_data file into this database.

The database must be migrated to the same migrations as the backup. Into an empty database by
default; ``--replace`` empties a database in use first. All or nothing: the row count of every
table is compared with the backup's manifest and any difference rolls the restore back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from dangvien.core.backup import BackupError, manifest_summary, restore_backup


class Command(BaseCommand):
    help = "Khôi phục cơ sở dữ liệu từ một tệp của backup_data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="tệp sao lưu (.zip)")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="xoá toàn bộ dữ liệu đang có rồi thay bằng bản sao lưu",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            manifest = restore_backup(path, replace=options["replace"], using=options["database"])
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            gettext("Đã khôi phục từ %(path)s: %(summary)s")
            % {"path": path, "summary": manifest_summary(manifest)}
        )
