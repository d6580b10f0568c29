"""``manage.py rebuild_counters [--username U]``: recompute every counter table from the facts."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from dangvien.core import counters
from dangvien.core.formatting import format_number
from dangvien.members.services import rebuild_counters


class Command(BaseCommand):
    help = "Recompute every counter table (members, admitted per cell and day) from the facts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", help="the account recorded in the audit row")

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        actor = None
        if options.get("username"):
            actor = user_model.objects.filter(username=options["username"]).first()
            if actor is None:
                raise CommandError(
                    gettext("Không có tài khoản %(username)s.") % {"username": options["username"]}
                )
        started = time.monotonic()

        def progress(title: str, done: int) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(
                    gettext("%(table)s: đã đọc %(facts)s dữ kiện")
                    % {"table": title, "facts": format_number(done)}
                )

        summary = rebuild_counters(actor=actor, progress=progress)
        for spec in counters.specs():
            figures = summary[spec.name]
            self.stdout.write(
                gettext("%(table)s: %(facts)s dữ kiện → %(rows)s dòng tổng hợp")
                % {
                    "table": spec.title,
                    "facts": format_number(figures["facts"]),
                    "rows": format_number(figures["rows"]),
                }
            )
        self.stdout.write(
            gettext("Xong trong %(seconds)s giây.")
            % {"seconds": format_number(time.monotonic() - started, 1)}
        )
