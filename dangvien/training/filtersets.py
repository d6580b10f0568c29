"""The class list's filter, shared by the page and the API list."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dangvien.core.filtering import ScopedFilterSet
from dangvien.core.typing import AnyUser
from dangvien.training.models import TrainingClass


class TrainingClassFilterSet(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Loại lớp"), choices=TrainingClass.Kind.choices, empty_label=_("Tất cả")
    )

    class Meta:
        model = TrainingClass
        fields: list[str] = []

    def base_queryset(self, user: AnyUser) -> QuerySet[Any]:
        from dangvien.training.selectors import list_classes

        return list_classes(user=user)
