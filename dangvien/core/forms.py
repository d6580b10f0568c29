"""Small form helpers shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms


def set_queryset(field: forms.Field, queryset: Any) -> None:
    """Narrow a model-choice field to a (scoped) queryset."""
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{field!r} is not a model choice field")
    field.queryset = queryset
