"""django-tables2 pieces every list shares: Vietnamese date columns and the base Table.

A list's Table is its one column spec: the page renders its visible columns, the xlsx export
(``core.exporting``) writes every column not marked ``exclude_from_export`` — hidden columns
(``visible=False``) are file-only, and each column's ``value`` is the typed, masked value.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_tables2 as tables

from dangvien.core.formatting import format_date, format_datetime


class DateColumn(tables.Column):
    """Shown as 20/02/2024 (a datetime with its local time), exported as an Excel date."""

    def render(self, value: dt.date | dt.datetime) -> str:
        if isinstance(value, dt.datetime):
            return format_datetime(value)
        return format_date(value)

    def value(self, value: Any) -> Any:
        return value


class ListTable(tables.Table):
    """Not sortable by the user (each list has its own order); em dash for empty cells."""

    class Meta:
        orderable = False
        default = "—"
        template_name = "django_tables2/bootstrap5.html"
