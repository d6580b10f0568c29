"""The one xlsx export path for lists: any list's rows, from its FilterSet (what is shown and
the filters in words) and its django-tables2 Table (the columns), rendered by ``write_table``.

The file carries who exported it, when, and with which filters (first lines of the sheet);
sensitive fields are masked by the table's ``value_*`` methods; the caller records the export
in the audit log. No domain knowledge here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tables2 import Table
from django_tables2.rows import BoundRow

from dangvien.core.formatting import format_datetime, format_number
from dangvien.core.importing import write_table
from dangvien.core.typing import AnyUser

MASKED_NOTE = gettext_lazy("Tài liệu mật: số CCCD, số điện thoại đã được che.")


def export_columns(table: Table) -> list[Any]:
    """The table's columns that go into a file: hidden ones included, page-only ones not."""
    return [column for column in table.columns.iterall() if not column.column.exclude_from_export]


def table_rows(table: Table, records: Iterable[Any]) -> Iterator[list[Any]]:
    """One list of cell values per record, through the table's columns (``value_*`` methods,
    choice labels), with typed values (dates stay dates)."""
    columns = export_columns(table)
    for record in records:
        row = BoundRow(record, table=table)
        yield [row.get_cell_value(column.name) for column in columns]


class ListExport:
    """A list as an xlsx file. ``records`` are the rows (a queryset is streamed in chunks),
    ``filters`` the filters in words (``ScopedFilterSet.description()``)."""

    def __init__(
        self,
        *,
        title: Any,
        filename: str,
        table: Table,
        records: Iterable[Any],
        user: AnyUser,
        filters: str = "",
        note: Any = MASKED_NOTE,
        max_rows: int | None = None,
    ) -> None:
        self.title = title
        self.filename = filename
        self.table = table
        self.records = records
        self.user = user
        self.filters = filters
        self.note = note
        self.max_rows = max_rows
        self.count = 0

    @classmethod
    def from_filterset(
        cls,
        filterset: Any,
        table_class: type[Table],
        *,
        title: Any,
        filename: str,
        user: AnyUser,
        **kwargs: Any,
    ) -> ListExport:
        """The list the page shows for these filters; a bad filter is refused (``DomainError``)
        rather than exporting something else than what was asked."""
        records = filterset.strict_qs()
        return cls(
            title=title,
            filename=filename,
            table=table_class(records),
            records=records,
            user=user,
            filters=filterset.description(),
            **kwargs,
        )

    @property
    def headers(self) -> list[str]:
        return [str(column.header) for column in export_columns(self.table)]

    def _records(self) -> Iterable[Any]:
        records = self.records
        if isinstance(records, QuerySet):
            if self.max_rows is not None:
                records = records[: self.max_rows]
            return records.iterator(chunk_size=2000)
        if self.max_rows is not None:
            return list(records)[: self.max_rows]
        return records

    def iterate_rows(self) -> Iterator[Sequence[Any]]:
        for row in table_rows(self.table, self._records()):
            self.count += 1
            yield row

    def filter_description(self) -> str:
        return self.filters or _("không lọc")

    def header_lines(self) -> list[str]:
        user = self.user
        lines = [
            str(self.title),
            _("Người xuất: %(name)s (%(username)s)")
            % {"name": user, "username": user.get_username()},
            _("Thời điểm xuất: %s") % format_datetime(timezone.now()),
            _("Điều kiện lọc: %s") % self.filter_description(),
        ]
        if self.note:
            lines.append(str(self.note))
        return lines

    def sheet_name(self) -> str:
        """The title as a sheet name: without the characters Excel refuses (a date's "/"),
        at most 31 characters."""
        name = re.sub(r"[\[\]:*?/\\]", "-", str(self.title))[:31].strip()
        return name or _("Danh sách")

    def render(self) -> bytes:
        return write_table(
            [(self.sheet_name(), self.headers, self.iterate_rows())],
            header_lines=self.header_lines(),
        )

    def summary(self) -> str:
        return _("%s dòng") % format_number(self.count)
