"""Mark every import whose background worker died as «Bị gián đoạn» (after a restart)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext

from dangvien.imports.services import mark_interrupted_jobs


class Command(BaseCommand):
    help = "Mark imports left running by a dead worker as interrupted (and fail their task rows)."

    def handle(self, *args: Any, **options: Any) -> None:
        marked = mark_interrupted_jobs()
        self.stdout.write(
            gettext("Đã đánh dấu %(n)d lượt nhập bị gián đoạn: %(ids)s")
            % {"n": len(marked), "ids": ", ".join(f"#{pk}" for pk in marked) or "—"}
        )
