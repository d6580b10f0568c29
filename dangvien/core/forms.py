"""Small form helpers shared by every app."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from dangvien.core import bounds
from dangvien.core.errors import DomainError
from dangvien.core.lookup import get_visible_or_404


class ScopedModelChoiceField(forms.ModelChoiceField):
    """A choice of a row the user must be able to see. The id posted goes through
    ``core.lookup.get_visible_or_404`` (the same lookup as the API): out of the user's scope
    is a 404 that reveals nothing; in scope but not among the choices (not eligible) is the
    field's usual error. ``set_queryset(field, queryset, user=…)`` gives it its user."""

    scope_user: Any = None

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values:
            self._check_scope(value)
        return super().to_python(value)

    def _check_scope(self, value: Any) -> None:
        if self.scope_user is None:
            raise TypeError(f"{self!r}: set_queryset(..., user=) was not called")
        get_visible_or_404(self.queryset.model, self.scope_user, value)  # type: ignore[union-attr]


class ScopedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several rows the user must be able to see (see ``ScopedModelChoiceField``)."""

    scope_user: Any = None

    def _check_values(self, value: Any) -> Any:
        if self.scope_user is None:
            raise TypeError(f"{self!r}: set_queryset(..., user=) was not called")
        for pk in value:
            get_visible_or_404(self.queryset.model, self.scope_user, pk)  # type: ignore[union-attr]
        return super()._check_values(value)  # type: ignore[misc]


class DateField(forms.DateField):
    """A date typed as dd/mm/yyyy, within ``core.bounds`` (01/01/1900–31/12/2100) unless the
    field narrows it further (``min_value``/``max_value``)."""

    def __init__(
        self,
        *,
        min_value: dt.date = bounds.DATE_MIN,
        max_value: dt.date = bounds.DATE_MAX,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("widget", forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
        super().__init__(**kwargs)
        self.min_value, self.max_value = min_value, max_value
        self.validators += [
            MinValueValidator(
                min_value,
                message=_("Ngày phải từ %(limit)s trở về sau.")
                % {"limit": f"{min_value:%d/%m/%Y}"},
            ),
            MaxValueValidator(
                max_value,
                message=_("Ngày phải không muộn hơn %(limit)s.")
                % {"limit": f"{max_value:%d/%m/%Y}"},
            ),
        ]

    def to_python(self, value: Any) -> dt.date | None:
        try:
            return super().to_python(value)
        except OverflowError:  # a year beyond 9999 typed in a numeric form
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class CountField(forms.IntegerField):
    """A whole number of people, months or days: 0 (or ``min_value``) up to ``max_value``
    (``core.bounds.COUNT_MAX`` by default)."""

    def __init__(
        self, *, min_value: int = 0, max_value: int = bounds.COUNT_MAX, **kwargs: Any
    ) -> None:
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")


def set_queryset(field: forms.Field, queryset: Any, *, user: Any = None) -> None:
    """Narrow a model-choice field to a (scoped) queryset; a scoped field also gets the user
    whose scope every posted id is checked against."""
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{field!r} is not a model choice field")
    field.queryset = queryset
    if isinstance(field, ScopedModelChoiceField | ScopedModelMultipleChoiceField):
        if user is None:
            raise TypeError(f"{field!r} is scoped: pass user=")
        field.scope_user = user


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
