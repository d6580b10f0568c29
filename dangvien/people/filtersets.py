"""The people list's filters, shared by the page, its Excel export and the API list."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dangvien.core.filtering import ScopedFilterSet, SubtreeFilter, scope_subtree_fields
from dangvien.core.typing import AnyUser
from dangvien.people.choices import Sex
from dangvien.people.models import EthnicGroup, Person


class PersonFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Tìm theo tên hoặc số CCCD"), method="filter_q")
    organisation = SubtreeFilter(field_name="organisation")
    sex = django_filters.ChoiceFilter(
        label=_("Giới tính"), choices=Sex.choices, empty_label=_("Tất cả")
    )
    ethnic_group = django_filters.ModelChoiceFilter(
        label=_("Dân tộc"), queryset=EthnicGroup.objects.all(), empty_label=_("Tất cả")
    )

    class Meta:
        model = Person
        fields: list[str] = []

    def base_queryset(self, user: AnyUser) -> QuerySet[Any]:
        from dangvien.people.selectors import list_people

        return list_people(user=user)

    def scope_fields(self, user: AnyUser) -> None:
        scope_subtree_fields(self, user)

    def filter_q(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.search(value)
