"""The one cell writer for every workbook the product writes.

Text is always written as text (``write_string``): a name typed as ``=HYPERLINK(...)`` stays
those characters in the file and never becomes a formula. Numbers stay numbers, dates and
times become Excel dates (local time, as shown on the pages).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm:ss"


class CellWriter:
    """Writes Python values to a workbook's cells, text always as text."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self._formats: dict[tuple[str, int], Any] = {}

    def _date_format(self, num_format: str, base: Any) -> Any:
        """``base`` (bold, border…) plus a date number format, made once per workbook."""
        key = (num_format, id(base))
        if key not in self._formats:
            properties = {"num_format": num_format}
            if base is not None:
                properties = {**_format_properties(base), **properties}
            self._formats[key] = self.workbook.add_format(properties)
        return self._formats[key]

    def write(self, sheet: Any, row: int, col: int, value: Any, cell_format: Any = None) -> None:
        if value is None or value == "":
            if cell_format is not None:
                sheet.write_blank(row, col, None, cell_format)
            return
        if isinstance(value, bool):
            sheet.write_string(row, col, _("Có") if value else "", cell_format)
        elif isinstance(value, int | float | Decimal):
            number = float(value) if isinstance(value, Decimal) else value
            sheet.write_number(row, col, number, cell_format)
        elif isinstance(value, dt.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            sheet.write_datetime(
                row,
                col,
                value.replace(tzinfo=None),
                self._date_format(DATETIME_FORMAT, cell_format),
            )
        elif isinstance(value, dt.date):
            sheet.write_datetime(
                row,
                col,
                dt.datetime(value.year, value.month, value.day),
                self._date_format(DATE_FORMAT, cell_format),
            )
        else:
            sheet.write_string(row, col, str(value), cell_format)


def _format_properties(cell_format: Any) -> dict[str, Any]:
    """The few properties our formats use, to combine them with a date format."""
    properties: dict[str, Any] = {}
    if getattr(cell_format, "bold", 0):
        properties["bold"] = True
    if getattr(cell_format, "bottom", 0):
        properties["border"] = 1
    return properties
