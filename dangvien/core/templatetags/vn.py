"""Template filters for Vietnamese formats: vn_number, vn_percent, vn_date, vn_change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template
from django.forms import BoundField

from dangvien.core import formatting

register = template.Library()


@register.filter
def vn_number(value: int | float | Decimal | None, places: int = 0) -> str:
    return formatting.format_number(value, int(places))


@register.filter
def vn_percent(value: Decimal | float | None) -> str:
    return formatting.format_percent(value)


@register.filter
def vn_date(value: dt.date | dt.datetime | None) -> str:
    if isinstance(value, dt.datetime):
        return formatting.format_datetime(value)
    return formatting.format_date(value)


@register.filter
def vn_change(value: Decimal | None) -> str:
    return formatting.format_change(value)


@register.filter
def bs(field: BoundField) -> str:
    """Render a form field's widget with Bootstrap classes and its error state."""
    widget = field.field.widget
    css = "form-select" if getattr(widget, "input_type", "") == "select" else "form-control"
    if getattr(widget, "allow_multiple_selected", False):
        css = "form-select"
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})
