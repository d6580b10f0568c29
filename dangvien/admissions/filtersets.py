"""The dossier list's filters, shared by the page, its Excel export and the API list."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dangvien.admissions.choices import DossierStatus, Stage
from dangvien.admissions.models import Dossier
from dangvien.core.filtering import ScopedFilterSet, SubtreeFilter, scope_subtree_fields
from dangvien.core.typing import AnyUser

DEADLINE_CHOICES = [
    ("overdue", _("Quá hạn")),
    ("due_soon", _("Sắp đến hạn")),
]


class DossierFilterSet(ScopedFilterSet):
    """``stage``, ``organisation`` (its whole subtree), ``status``, ``deadline`` ("overdue":
    open with the next deadline passed; "due_soon": open and due within the worklist
    horizon), ``q`` (name, accent-insensitive)."""

    q = django_filters.CharFilter(label=_("Họ tên"), method="filter_q")
    stage = django_filters.ChoiceFilter(
        label=_("Bước"), choices=Stage.choices, empty_label=_("Mọi bước")
    )
    organisation = SubtreeFilter(field_name="organisation")
    status = django_filters.ChoiceFilter(
        label=_("Trạng thái"), choices=DossierStatus.choices, empty_label=_("Mọi trạng thái")
    )
    deadline = django_filters.ChoiceFilter(
        label=_("Thời hạn"),
        choices=DEADLINE_CHOICES,
        empty_label=_("Mọi hạn"),
        method="filter_deadline",
    )

    class Meta:
        model = Dossier
        fields: list[str] = []

    def __init__(self, *args: Any, today: dt.date | None = None, **kwargs: Any) -> None:
        self.today = today or dt.date.today()
        super().__init__(*args, **kwargs)

    def base_queryset(self, user: AnyUser) -> QuerySet[Any]:
        from dangvien.admissions.selectors import list_dossiers

        return list_dossiers(user=user)

    def scope_fields(self, user: AnyUser) -> None:
        scope_subtree_fields(self, user)

    def filter_deadline(self, queryset: Any, name: str, value: str) -> Any:
        from dangvien.admissions.selectors import horizon_days

        if value == "overdue":
            return queryset.overdue(self.today)
        if value == "due_soon":
            return queryset.due_within(self.today, horizon_days(self.today))
        return queryset

    def filter_q(self, queryset: Any, name: str, value: str) -> Any:
        from dangvien.core.text import fold

        return queryset.filter(person__full_name_folded__contains=fold(value))
