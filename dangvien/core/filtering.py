"""What every list's FilterSet shares: a user-scoped base queryset, the page's leniency, the
API's strictness, and the filters described in words for an export's header and audit row.

No domain knowledge here: each app's ``filtersets.py`` says what its filters mean.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangvien.core.errors import DomainError
from dangvien.core.formatting import format_date
from dangvien.core.forms import set_queryset
from dangvien.core.pickers import use_picker
from dangvien.core.typing import AnyUser


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet over what ``user`` may see. Subclasses define ``base_queryset(user)`` (the
    scoped, ordered list) and may narrow choice fields to the user's scope in ``scope_fields``."""

    def __init__(
        self,
        data: Any = None,
        queryset: QuerySet[Any] | None = None,
        *,
        user: AnyUser,
        request: Any = None,
        prefix: str | None = None,
    ) -> None:
        self.user = user
        if queryset is None:
            queryset = self.base_queryset(user)
        # An empty query string is an unbound form, as on the pages before (``GET or None``).
        super().__init__(data or None, queryset, request=request, prefix=prefix)
        self.scope_fields(user)

    def base_queryset(self, user: AnyUser) -> QuerySet[Any]:
        raise NotImplementedError

    def scope_fields(self, user: AnyUser) -> None:
        """Narrow model-choice fields to the user's scope (an out-of-scope id is invalid)."""

    @property
    def page_qs(self) -> QuerySet[Any]:
        """The list page's rows: filtered when every filter is valid; otherwise the whole
        scoped list, with the form showing what is wrong (the pages' behaviour)."""
        if self.is_bound and not self.is_valid():
            return self.queryset.all()
        return self.qs

    def errors_text(self) -> str:
        """Every invalid filter as «label: message», for a clear refusal."""
        return describe_errors(self.form)

    def strict_qs(self, *, not_found: Iterable[str] = ()) -> QuerySet[Any]:
        """The API's and exports' rows: a bad filter is refused with a Vietnamese message
        (``DomainError``, 400); an invalid id in a ``not_found`` field is a 404, as a record
        out of scope is everywhere else."""
        if self.is_bound and not self.is_valid():
            missing = [name for name in not_found if name in self.form.errors]
            if missing:
                raise Http404(missing[0])
            field = next(iter(self.form.errors))
            raise DomainError(
                _("Bộ lọc không hợp lệ: %s") % self.errors_text(),
                rule="filter",
                field=field,
            )
        return self.qs

    def cleaned(self, name: str) -> Any:
        """One filter's valid value, or None (unbound, invalid or not set)."""
        if not self.is_bound or not self.is_valid():
            return None
        return self.form.cleaned_data.get(name)

    def description(self) -> str:
        """The filters in force, in words (``""`` when none)."""
        if not self.is_bound or not self.is_valid():
            return ""
        return describe_form(self.form)


def _display(field: forms.Field, value: Any) -> str:
    if isinstance(field, forms.ModelChoiceField):
        return str(value)
    if isinstance(field, forms.ChoiceField):
        for key, label in field.choices:  # type: ignore[union-attr,misc]
            if isinstance(label, list | tuple):  # an optgroup
                for inner_key, inner_label in label:
                    if str(inner_key) == str(value):
                        return str(inner_label)
            elif str(key) == str(value):
                return str(label)
        return str(value)
    if value is True:
        return _("có")
    if isinstance(value, dt.date):
        return format_date(value)
    return str(value)


def describe_form(form: forms.Form) -> str:
    """«Label: display value; …» for the cleaned filters that are set, in the form's order:
    Vietnamese labels and choice labels, never field names or stored codes."""
    parts = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value is None or value is False or value in ("", [], ()):
            continue
        parts.append(f"{field.label}: {_display(field, value)}")
    return "; ".join(parts)


def describe_errors(form: forms.Form) -> str:
    parts = []
    for name, errors in form.errors.items():
        text = " ".join(str(error) for error in errors)
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}: {text}" if label else text)
    return "; ".join(parts)


class SubtreeFilter(django_filters.ModelChoiceFilter):
    """A node of the tree chosen among the user's visible ones; rows in its whole subtree.
    ``field_name`` is the row's foreign key to the tree (a model with ``path`` and a manager
    offering ``visible_to(user)``); ``scope_subtree_fields`` fills the choices and turns the
    field into a typing picker on ``picker`` (a province sees 7.800 organisations: never a
    dropdown of them all)."""

    def __init__(self, *args: Any, picker: str = "organisations", **kwargs: Any) -> None:
        kwargs.setdefault("label", gettext_lazy("Tổ chức"))
        self.picker = picker
        super().__init__(*args, **kwargs)

    def get_queryset(self, request: Any) -> QuerySet[Any]:
        """Nothing until ``scope_subtree_fields`` offers the user's visible nodes."""
        return _related_model(self.model, self.field_name).objects.none()

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value in (None, ""):
            return qs
        return qs.filter(**{f"{self.field_name}__in_subtree": value.path})


def _related_model(model: Any, field_name: str) -> Any:
    for part in field_name.split("__"):
        model = model._meta.get_field(part).related_model
    return model


def scope_subtree_fields(filterset: django_filters.FilterSet, user: AnyUser) -> None:
    """Accept only the user's visible nodes in every ``SubtreeFilter`` of ``filterset``, chosen
    by typing (the field validates what is sent; the picker only suggests)."""
    for name, declared in filterset.filters.items():
        if isinstance(declared, SubtreeFilter):
            target = _related_model(filterset._meta.model, declared.field_name)
            field = filterset.form.fields[name]
            set_queryset(field, target.objects.visible_to(user))
            use_picker(field, declared.picker)
            # no list is shown to be "not in": a stale link or an id typed by hand
            field.error_messages["invalid_choice"] = _(
                "không có hoặc nằm ngoài phạm vi bạn được xem; hãy gõ tên để chọn lại."
            )
