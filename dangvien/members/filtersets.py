"""The member list's filters, shared by the page, its Excel export and the API list."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangvien.core.filtering import ScopedFilterSet, SubtreeFilter, scope_subtree_fields
from dangvien.core.typing import AnyUser
from dangvien.members import deadlines
from dangvien.members.choices import ACTIVE_STATUSES, MemberStatus
from dangvien.members.models import Membership
from dangvien.people.choices import Sex
from dangvien.people.models import EthnicGroup


class MemberFilterForm(forms.Form):
    """The filters' form: the ages must make a range."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("age_min"), data.get("age_max")
        if low is not None and high is not None and low > high:
            self.add_error("age_max", _("Tuổi đến phải không nhỏ hơn tuổi từ."))
        return data


class AgeFilter(django_filters.Filter):
    """An age in full years (0–120); both bounds apply together in ``filter_queryset``."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 120)
        super().__init__(*args, **kwargs)

    def filter(self, qs: Any, value: Any) -> Any:
        return qs


class CheckboxFilter(django_filters.Filter):
    """A ticked box narrows the list; an unticked one does nothing."""

    field_class = forms.BooleanField


def birth_bounds(today: dt.date, age_min: int | None, age_max: int | None) -> Q:
    """Age in full years between age_min and age_max on ``today``, as date-of-birth bounds."""
    query = Q()
    if age_min is not None:
        query &= Q(person__date_of_birth__lte=deadlines.add_months(today, -12 * age_min))
    if age_max is not None:
        latest = deadlines.add_months(today, -12 * (age_max + 1))
        query &= Q(person__date_of_birth__gt=latest)
    return query


class MemberFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Tìm theo tên hoặc số thẻ"), method="filter_q")
    organisation = SubtreeFilter(field_name="organisation")
    status = django_filters.ChoiceFilter(
        label=_("Trạng thái"),
        choices=[("active", _("Đang sinh hoạt")), *MemberStatus.choices],
        empty_label=_("Tất cả"),
        method="filter_status",
    )
    probationary = CheckboxFilter(label=_("Chỉ đảng viên dự bị"), method="filter_probationary")
    sex = django_filters.ChoiceFilter(
        label=_("Giới tính"),
        field_name="person__sex",
        choices=Sex.choices,
        empty_label=_("Tất cả"),
    )
    ethnic_group = django_filters.ModelChoiceFilter(
        label=_("Dân tộc"),
        field_name="person__ethnic_group",
        queryset=EthnicGroup.objects.all(),
        empty_label=_("Tất cả"),
    )
    age_min = AgeFilter(label=_("Tuổi từ"))
    age_max = AgeFilter(label=_("đến"))

    class Meta:
        model = Membership
        fields: list[str] = []
        form = MemberFilterForm

    def __init__(self, *args: Any, today: dt.date | None = None, **kwargs: Any) -> None:
        self.today = today or timezone.localdate()
        super().__init__(*args, **kwargs)

    def base_queryset(self, user: AnyUser) -> QuerySet[Any]:
        from dangvien.members.selectors import list_members

        return list_members(user=user)

    def scope_fields(self, user: AnyUser) -> None:
        scope_subtree_fields(self, user)

    def filter_queryset(self, queryset: Any) -> Any:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        bounds = birth_bounds(self.today, data.get("age_min"), data.get("age_max"))
        return queryset.filter(bounds) if bounds else queryset

    def filter_q(self, queryset: Any, name: str, value: str) -> Any:
        from dangvien.core.text import fold

        return queryset.filter(
            Q(person__full_name_folded__contains=fold(value)) | Q(card_number=value.strip())
        )

    def filter_status(self, queryset: Any, name: str, value: str) -> Any:
        if value == "active":
            return queryset.filter(status__in=ACTIVE_STATUSES)
        return queryset.filter(status=value)

    def filter_probationary(self, queryset: Any, name: str, value: bool) -> Any:
        return queryset.filter(status=MemberStatus.PROBATIONARY) if value else queryset
