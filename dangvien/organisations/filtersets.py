"""The organisation filter every list shares (a whole subtree), and the API's organisation list."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dangvien.core.filtering import ScopedFilterSet
from dangvien.core.forms import set_queryset
from dangvien.organisations.models import Organisation


class SubtreeFilter(django_filters.ModelChoiceFilter):
    """An organisation chosen among the user's visible ones; rows in its whole subtree.
    ``field_name`` is the row's organisation foreign key."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Tổ chức"))
        kwargs.setdefault("queryset", Organisation.objects.none())
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value in (None, ""):
            return qs
        return qs.filter(**{f"{self.field_name}__path__startswith": value.path})


def scope_organisation_fields(filterset: ScopedFilterSet, user: Any) -> None:
    """Offer only the user's visible organisations in every ``SubtreeFilter``."""
    for name, declared in filterset.filters.items():
        if isinstance(declared, SubtreeFilter):
            set_queryset(filterset.form.fields[name], Organisation.objects.visible_to(user))


class OrganisationFilterSet(ScopedFilterSet):
    """The API's organisation list: the children of one visible organisation, by name."""

    parent = django_filters.ModelChoiceFilter(
        label=_("Tổ chức cấp trên"),
        queryset=Organisation.objects.none(),
        method="filter_parent",
    )
    q = django_filters.CharFilter(label=_("Tên"), method="filter_q")

    class Meta:
        model = Organisation
        fields: list[str] = []

    def base_queryset(self, user: Any) -> QuerySet[Any]:
        return Organisation.objects.visible_to(user)

    def scope_fields(self, user: Any) -> None:
        set_queryset(self.form.fields["parent"], Organisation.objects.visible_to(user))

    def filter_parent(self, queryset: Any, name: str, value: Organisation) -> Any:
        return queryset.children_of(value)

    def filter_q(self, queryset: Any, name: str, value: str) -> Any:
        from dangvien.core.text import fold

        return queryset.filter(name_folded__contains=fold(value))
