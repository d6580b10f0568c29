"""The people list's columns: the page and its Excel export."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from dangvien.core.tables import DateColumn, ListTable
from dangvien.people.masking import mask_citizen_id, mask_phone


class PersonTable(ListTable):
    full_name = tables.Column(
        verbose_name=_("Họ và tên"), linkify=("people:person-detail", [tables.A("pk")])
    )
    date_of_birth = DateColumn(verbose_name=_("Ngày sinh"))
    sex = tables.Column(verbose_name=_("Giới tính"))
    ethnic_group = tables.Column(verbose_name=_("Dân tộc"))
    citizen_id = tables.Column(verbose_name=_("Số CCCD"), attrs={"td": {"class": "masked"}})
    phone = tables.Column(verbose_name=_("Số điện thoại"), visible=False)
    occupation = tables.Column(verbose_name=_("Nghề nghiệp"))
    organisation_code = tables.Column(
        verbose_name=_("Mã tổ chức"), accessor="organisation__code", visible=False
    )
    organisation = tables.Column(verbose_name=_("Tổ chức quản lý"))

    def render_citizen_id(self, value: str) -> str:
        return mask_citizen_id(value) or "—"

    def value_citizen_id(self, value: str) -> str:
        return mask_citizen_id(value)

    def value_phone(self, value: str) -> str:
        return mask_phone(value)

    def value_ethnic_group(self, value: Any) -> str:
        return value.name

    def value_occupation(self, value: Any) -> str:
        return value.name

    def value_organisation(self, value: Any) -> str:
        return value.name
