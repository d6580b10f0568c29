"""The audit browser's filters, shared by the page and its Excel export."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangvien.audit.models import AuditEvent
from dangvien.core.filtering import ScopedFilterSet, SubtreeFilter, scope_subtree_fields
from dangvien.core.typing import AnyUser


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


class AuditEventFilterSet(ScopedFilterSet):
    actor = django_filters.CharFilter(
        label=_("Người thực hiện"), field_name="actor_name", lookup_expr="icontains"
    )
    organisation = SubtreeFilter(field_name="organisation", picker="organisations-ever")
    action = django_filters.CharFilter(
        label=_("Hành động"), field_name="action", lookup_expr="startswith"
    )
    date_from = django_filters.DateFilter(label=_("Từ ngày"), method="filter_date_from")
    date_to = django_filters.DateFilter(label=_("Đến ngày"), method="filter_date_to")

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def base_queryset(self, user: AnyUser) -> QuerySet[Any]:
        from dangvien.audit.selectors import list_events

        return list_events(user=user)

    def scope_fields(self, user: AnyUser) -> None:
        scope_subtree_fields(self, user)

    def filter_date_from(self, queryset: Any, name: str, value: dt.date) -> Any:
        return queryset.filter(created_at__gte=_start_of(value))

    def filter_date_to(self, queryset: Any, name: str, value: dt.date) -> Any:
        return queryset.filter(created_at__lt=_start_of(value + dt.timedelta(days=1)))
