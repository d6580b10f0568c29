"""Shared body of ``import_people`` / ``import_members``: same services as the web pages."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from dangvien.core.errors import DomainError
from dangvien.imports import services
from dangvien.imports.models import DuplicateChoice, ImportStatus
from dangvien.imports.progress import ProgressWriter


class ImportCommand(BaseCommand):
    kind = ""
    help = "Import an Excel file; without --commit only checks it and prints the preview."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--commit", action="store_true", help="write the rows (all or none)")
        parser.add_argument(
            "--as",
            dest="username",
            default=None,
            help="the acting user (scope and audit); default: the first superuser",
        )
        parser.add_argument(
            "--duplicates",
            choices=DuplicateChoice.values,
            default="",
            help="what to do with every row that matches an existing person",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(gettext("Không tìm thấy tệp %(path)s") % {"path": path})
        user_model = get_user_model()
        if options["username"]:
            actor = user_model.objects.filter(username=options["username"]).first()
        else:
            actor = user_model.objects.filter(is_superuser=True).order_by("pk").first()
        if actor is None:
            raise CommandError(
                gettext("Không tìm thấy người dùng thực hiện (dùng --as TÊN_ĐĂNG_NHẬP).")
            )
        try:
            with path.open("rb") as handle:
                upload = File(handle, name=path.name)
                upload.size = path.stat().st_size
                job, _new = services.create_import_job(actor=actor, kind=self.kind, upload=upload)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if not _new and job.status in (ImportStatus.ANALYSING, ImportStatus.COMMITTING):
            raise CommandError(
                gettext("Tệp này đang được xử lý ở lượt nhập #%(pk)s (%(status)s); hãy đợi.")
                % {"pk": job.pk, "status": job.get_status_display()}
            )
        progress = ProgressWriter(job.pk, interval=0.2, echo=self._echo)
        job = services.analyse_import(job, actor=actor, progress=progress)
        self._line_end()
        if job.status == ImportStatus.REFUSED:
            raise CommandError(job.message)
        summary = job.summary
        self.stdout.write(
            gettext(
                "Tổng %(total)s dòng: mới %(new)s, trùng %(duplicate)s, lỗi %(error)s (lượt nhập "
                "#%(pk)s)."
            )
            % {
                "total": summary["total"],
                "new": summary["new"],
                "duplicate": summary["duplicate"],
                "error": summary["error"],
                "pk": job.pk,
            }
        )
        for error in job.errors[:50]:
            self.stdout.write(
                gettext("  Dòng %(row)s, %(value)s: %(message)s")
                % {
                    "row": error["row"],
                    "value": error["column"] or "—",
                    "message": error["message"],
                }
            )
        if len(job.errors) > 50:
            self.stdout.write(
                gettext("  … và %(value)s lỗi khác.") % {"value": len(job.errors) - 50}
            )
        if not options["commit"]:
            self.stdout.write(gettext("Chưa ghi gì (thêm --commit để ghi)."))
            return
        if job.errors:
            raise CommandError(gettext("Tệp còn lỗi; không dòng nào được ghi."))
        if options["duplicates"]:
            services.set_duplicate_choices(job, actor=actor, default=options["duplicates"])
        try:
            job = services.start_commit(job, actor=actor)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        job = services.commit_import(job, actor=actor, progress=progress)
        self._line_end()
        if job.status != ImportStatus.COMMITTED:
            raise CommandError(job.message or job.get_status_display())
        self.stdout.write(
            self.style.SUCCESS(
                gettext("Đã ghi: thêm mới %(created)s, cập nhật %(updated)s, bỏ qua %(skipped)s.")
                % {
                    "created": job.summary["created"],
                    "updated": job.summary["updated"],
                    "skipped": job.summary["skipped"],
                }
            )
        )

    def _echo(self, data: dict[str, Any]) -> None:
        total = data["total"] or 1
        width = 30
        filled = int(width * data["done"] / total)
        bar = "█" * filled + "·" * (width - filled)
        line = f"\r{data['label']:<24} [{bar}] {data['done']}/{data['total']}"
        self.stdout.write(line, ending="")
        if sys.stdout.isatty():
            self.stdout.flush()
        self._open_line = True

    def _line_end(self) -> None:
        if getattr(self, "_open_line", False):
            self.stdout.write("")
            self._open_line = False
