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
        """By name or code, today's or a former one (a renamed organisation stays findable)."""
        from django.db.models import Q

        from dangvien.core.text import fold

        folded, code = fold(value), value.strip()
        former = Organisation.objects.filter(
            Q(aliases__name_folded__contains=folded) | Q(aliases__code__iexact=code)
        ).values("pk")
        return queryset.filter(
            Q(name_folded__contains=folded) | Q(code__iexact=code) | Q(pk__in=former)
        )
