"""``manage.py seed_demo``: load the deterministic demo data once, then print the demo logins."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from dangvien.demo.context import (
    BEFORE_2025,
    DemoContext,
    app_seeders,
    create_admin,
    create_role_accounts,
    is_seeded,
    print_logins,
)


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu (tỉnh Điện Biên) và in danh sách tài khoản mẫu. Chạy lại không nhân đôi."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--small",
            action="store_true",
            help="Bộ dữ liệu nhỏ (vài xã, vài chục chi bộ) cho kiểm thử.",
        )
        parser.add_argument(
            "--before-2025",
            action="store_true",
            help=(
                "Giữ cây tổ chức trước ngày 01/07/2025 (có cấp huyện), không thực hiện phương án "
                "sắp xếp tổ chức (minh họa)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ctx = DemoContext(
            small=bool(options["small"]),
            before_2025=bool(options.get("before_2025")),
            log=self._log,
        )
        if is_seeded():
            self.stdout.write("Dữ liệu mẫu đã có — không nạp lại.")
        else:
            started = time.monotonic()
            with transaction.atomic():
                self._seed(ctx)
            self.stdout.write(f"Đã nạp dữ liệu mẫu trong {time.monotonic() - started:.1f} giây.")
        print_logins(self.stdout)

    def _seed(self, ctx: DemoContext) -> None:
        from dangvien.demo import organisations as organisations_demo
        from dangvien.demo import people as people_demo

        create_admin(ctx)
        organisations_demo.build(ctx)
        create_role_accounts(ctx)
        people_demo.build(ctx)
        reorganised = False
        for app, seed in app_seeders():
            if app not in BEFORE_2025 and not reorganised:
                # the history before 1/7/2025 is on the old tree; what follows, on the new one
                reorganised = True
                if not ctx.before_2025:
                    organisations_demo.reorganise_2025(ctx)
            started = time.monotonic()
            seed(ctx)
            self._log(f"  {app}: {time.monotonic() - started:.1f} giây")
        # the demo writes much of its history in bulk, past the services: count it all once
        from dangvien.members.services import rebuild_counters

        rebuild_counters(actor=ctx.actor)

    def _log(self, message: str) -> None:
        self.stdout.write(message)
