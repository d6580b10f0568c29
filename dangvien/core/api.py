"""What every app's API router shares: the error shape, and the bounded types of the input
schemas (``core.bounds``: the same limits as the forms)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from dangvien.core import bounds

# A date within 01/01/1900–31/12/2100.
Date = Annotated[dt.date, Field(ge=bounds.DATE_MIN, le=bounds.DATE_MAX)]
# A number of people (votes, members): 0–10.000.
Count = Annotated[int, Field(ge=0, le=bounds.COUNT_MAX)]
# A number of months: 0–1.200.
Months = Annotated[int, Field(ge=0, le=bounds.MONTHS_MAX)]
# A calendar year a figure or a list may ask for.
Year = Annotated[int, Field(ge=bounds.DATE_MIN.year, le=bounds.DATE_MAX.year)]


class ErrorItem(Schema):
    field: str
    message: str
    row: int | None = None  # a file's row (Excel numbering, header = 1), for file imports


class ErrorOut(Schema):
    detail: str
    errors: list[ErrorItem] = []
    rule: str | None = None
    found: str | None = None
    required: str | None = None


ERROR_RESPONSES = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
