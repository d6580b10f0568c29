"""Small form helpers shared by every app."""

from __future__ import annotations

import copy
from typing import Any

from django import forms

from dangvien.core.errors import DomainError


def set_queryset(field: forms.Field, queryset: Any) -> None:
    """Narrow a model-choice field to a (scoped) queryset."""
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{field!r} is not a model choice field")
    field.queryset = queryset


def show_only(field: forms.Field, queryset: Any) -> None:
    """Offer only ``queryset``'s rows in a model-choice field's select, while validation keeps
    the field's own (wider, scoped) queryset. For pickers whose full scope is too long to render
    (every official member of a province) but whose likely answers are near at hand."""
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{field!r} is not a model choice field")
    shown = copy.copy(field)
    shown.widget = copy.copy(field.widget)
    shown.queryset = queryset
    field.widget.choices = forms.models.ModelChoiceIterator(shown)


def add_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    """Show a service's refusal on the form: on the field it names when the form has that
    field, otherwise as an error of the whole form. The message is shown as the service wrote
    it (already in Vietnamese)."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
