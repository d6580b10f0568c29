"""The filters of the API's organisation list. The subtree filter every other list shares is
``core.filtering.SubtreeFilter``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dangvien.core.filtering import ScopedFilterSet
from dangvien.core.forms import set_queryset
from dangvien.core.typing import AnyUser
from dangvien.organisations.models import Organisation


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

    def base_queryset(self, user: AnyUser) -> QuerySet[Any]:
        return Organisation.objects.visible_to(user)

    def scope_fields(self, user: AnyUser) -> None:
        set_queryset(self.form.fields["parent"], Organisation.objects.visible_to(user))

    def filter_parent(self, queryset: Any, name: str, value: Organisation) -> Any:
        return queryset.children_of(value)

    def filter_q(self, queryset: Any, name: str, value: str) -> Any:
        from dangvien.core.text import fold

        return queryset.filter(name_folded__contains=fold(value))
