"""``manage.py generate_dataset --scale national|province|commune --seed N``: a realistic
generated dataset, written straight into the database (``dangvien.demo.dataset``)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvien.core.errors import DomainError
from dangvien.demo.context import DEMO_TODAY
from dangvien.demo.dataset import SHAPES, generate

GENERATOR_USERNAME = "sinh-du-lieu"


class Command(BaseCommand):
    help = (
        "Sinh bộ dữ liệu quy mô toàn quốc, một tỉnh hoặc một xã (cây tổ chức có sắp xếp "
        "01/07/2025, đảng viên, kết nạp 3 năm, hồ sơ đang xét, chỉ tiêu) để đo hiệu năng."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=list(SHAPES), default="commune")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=DEMO_TODAY,
            help="Ngày «hôm nay» của dữ liệu (YYYY-MM-DD), mặc định ngày của dữ liệu mẫu.",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        from dangvien.accounts.models import User

        actor = User.objects.filter(username=GENERATOR_USERNAME).first()
        if actor is None:
            actor = User(username=GENERATOR_USERNAME, full_name="Sinh dữ liệu")
            actor.set_unusable_password()
            actor.save()
        started = time.monotonic()
        try:
            counts = generate(
                scale=options["scale"],
                seed=options["seed"],
                today=options["today"],
                actor=actor,
                show_progress=not options["no_progress"],
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        for table, count in counts.items():
            self.stdout.write(f"{table:<24}{count:>12,}".replace(",", "."))
        self.stdout.write(f"Đã sinh dữ liệu quy mô {options['scale']} trong {elapsed:.1f} giây.")
