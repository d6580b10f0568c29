"""List exports: a class with ``headers`` and ``iterate_rows()``, rendered to xlsx by the base.

The file carries who exported it and when (first lines of the sheet), sensitive fields are
masked by the exporter, and the caller records the export in the audit log.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.core.formatting import format_datetime, format_number
from dangvien.core.importing import write_table


class ListExporter:
    """Subclasses set ``title``, ``filename`` and ``headers`` and yield rows."""

    title: Any = ""
    filename = "danh-sach"
    headers: Sequence[str] = ()

    def __init__(self, *, user: Any, filters: dict[str, Any]) -> None:
        self.user = user
        self.filters = filters
        self.count = 0

    def iterate_rows(self) -> Iterator[Sequence[Any]]:
        raise NotImplementedError

    def _counted(self) -> Iterator[Sequence[Any]]:
        for row in self.iterate_rows():
            self.count += 1
            yield row

    def filter_description(self) -> str:
        parts = [f"{key}={value}" for key, value in self.filters.items() if value not in ("", None)]
        return "; ".join(parts) or _("không lọc")

    def render(self) -> bytes:
        now = timezone.now()
        lines = [
            str(self.title),
            _("Người xuất: %(user)s — lúc %(at)s")
            % {
                "user": getattr(self.user, "full_name", "") or self.user,
                "at": format_datetime(now),
            },
            _("Điều kiện lọc: %s") % self.filter_description(),
            _("Tài liệu mật: số CCCD, số điện thoại đã được che."),
        ]
        return write_table(
            [(str(self.title)[:31] or "Danh sách", list(self.headers), self._counted())],
            header_lines=lines,
        )

    def summary(self) -> str:
        return _("%s dòng") % format_number(self.count)
