"""manage.py backup_data --output FILE: the whole database in one zip file (dangvien.core.backup).

Works on SQLite and PostgreSQL alike; the file restores into either (``manage.py restore_data``).
The file holds every member record: keep it encrypted and readable by the operator only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from dangvien.core.backup import BackupError, manifest_summary, write_backup


class Command(BaseCommand):
    help = "Sao lưu toàn bộ cơ sở dữ liệu vào một tệp (khôi phục bằng restore_data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", required=True, help="tệp sao lưu sẽ ghi (.zip)")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        try:
            manifest = write_backup(output, using=options["database"])
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            gettext("Đã sao lưu vào %(path)s: %(summary)s")
            % {"path": output, "summary": manifest_summary(manifest)}
        )
