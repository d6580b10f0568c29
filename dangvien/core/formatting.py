"""Vietnamese number, percentage and date formatting, used by templates, exports and summaries.

Vietnamese uses a decimal comma and a dot for thousands (176,7%; 5.100), dates as dd/mm/yyyy,
and percentages rounded half-up to one decimal (never banker's rounding).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext

DASH = "—"


def round_half_up(value: Decimal | float | int, places: int = 1) -> Decimal:
    quantum = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def percent_value(numerator: int | Decimal, denominator: int | Decimal) -> Decimal | None:
    """numerator / denominator × 100, rounded half-up to one decimal; None when undefined."""
    if not denominator:
        return None
    return round_half_up(Decimal(numerator) * 100 / Decimal(denominator), 1)


def format_number(value: int | float | Decimal | None, places: int = 0) -> str:
    """5100 → '5.100'; 1234.5 with places=1 → '1.234,5'; None → '—'."""
    if value is None:
        return DASH
    number = round_half_up(value, places) if places else round_half_up(value, 0)
    negative = number < 0
    number = abs(number)
    text = f"{number:.{places}f}"
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = ".".join(groups)
    if fraction:
        result = f"{result},{fraction}"
    return f"-{result}" if negative else result


def format_percent(value: Decimal | float | int | None, places: int = 1) -> str:
    """176.66 → '176,7%'; None → '—'."""
    if value is None:
        return DASH
    return f"{format_number(value, places)}%"


def format_ratio(numerator: int | Decimal, denominator: int | Decimal) -> str:
    """A share or a ratio as a Vietnamese percentage; '—' when the denominator is zero."""
    return format_percent(percent_value(numerator, denominator))


def format_change(value: Decimal | None) -> str:
    """A ratio against a base as the seeds write it: 162,6 → 'tăng 62,6%', 80 → 'giảm 20,0%'."""
    if value is None:
        return DASH
    delta = value - Decimal(100)
    if delta > 0:
        return gettext("tăng %(delta)s") % {"delta": format_percent(delta)}
    if delta < 0:
        return gettext("giảm %(delta)s") % {"delta": format_percent(-delta)}
    return gettext("bằng cùng kỳ")


def format_date(value: dt.date | dt.datetime | None) -> str:
    """20/02/2024; '—' when missing."""
    if value is None:
        return DASH
    return value.strftime("%d/%m/%Y")


def format_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return DASH
    from django.utils import timezone

    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%H:%M %d/%m/%Y")


def parse_date(text: str) -> dt.date:
    """Parse dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy) or ISO yyyy-mm-dd.

    Raises ValueError with a Vietnamese message on anything else.
    """
    cleaned = text.strip()
    for separator in ("/", "-", "."):
        parts = cleaned.split(separator)
        if len(parts) == 3 and all(part.strip().isdigit() for part in parts):
            first, second, third = (int(part) for part in parts)
            try:
                if len(parts[0].strip()) == 4:
                    return dt.date(first, second, third)
                return dt.date(third, second, first)
            except ValueError:
                break
    raise ValueError(
        gettext("Ngày «%(text)s» không hợp lệ; cần dạng ngày/tháng/năm, ví dụ 20/02/2024.")
        % {"text": text}
    )
