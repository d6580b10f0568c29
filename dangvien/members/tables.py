"""The member list's columns: the page and its Excel export."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from dangvien.core.formatting import format_date
from dangvien.core.tables import DateColumn, ListTable
from dangvien.members.choices import MemberStatus
from dangvien.people.masking import mask_citizen_id

STATUS_BADGES = {
    MemberStatus.PROBATIONARY: "text-bg-warning",
    MemberStatus.OFFICIAL: "text-bg-success",
}


class MemberTable(ListTable):
    full_name = tables.Column(
        verbose_name=_("Họ và tên"),
        accessor="person__full_name",
        linkify=("members:member-detail", [tables.A("pk")]),
    )
    date_of_birth = DateColumn(verbose_name=_("Ngày sinh"), accessor="person__date_of_birth")
    citizen_id = tables.Column(
        verbose_name=_("Số CCCD"), accessor="person__citizen_id", visible=False
    )
    sex = tables.Column(verbose_name=_("Giới tính"), accessor="person__sex")
    ethnic_group = tables.Column(verbose_name=_("Dân tộc"), accessor="person__ethnic_group")
    status = tables.Column(verbose_name=_("Trạng thái"))
    decision_date = DateColumn(verbose_name=_("Ngày vào Đảng"))
    ceremony_date = DateColumn(verbose_name=_("Ngày kết nạp"), visible=False)
    probation_or_official = tables.Column(
        verbose_name=_("Hết dự bị / chính thức"),
        accessor="pk",
        exclude_from_export=True,
    )
    official_date = DateColumn(verbose_name=_("Ngày công nhận chính thức"), visible=False)
    card_number = tables.Column(verbose_name=_("Số thẻ"))
    organisation_code = tables.Column(
        verbose_name=_("Mã chi bộ"), accessor="organisation__code", visible=False
    )
    organisation = tables.Column(verbose_name=_("Chi bộ"))

    def render_status(self, record: Any) -> str:
        badge = STATUS_BADGES.get(record.status, "text-bg-secondary")
        return format_html('<span class="badge {}">{}</span>', badge, record.get_status_display())

    def value_status(self, record: Any) -> str:
        return str(record.get_status_display())

    def render_probation_or_official(self, record: Any) -> str:
        if record.status == MemberStatus.PROBATIONARY:
            return format_date(record.probation_end)
        return format_date(record.official_date)

    def value_citizen_id(self, value: str) -> str:
        return mask_citizen_id(value)

    def value_ethnic_group(self, value: Any) -> str:
        return value.name

    def value_organisation(self, value: Any) -> str:
        return value.name
