"""The class list's columns."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from dangvien.core.formatting import format_number
from dangvien.core.tables import DateColumn, ListTable

RIGHT = {"cell": {"class": "text-end"}}


class TrainingClassTable(ListTable):
    name = tables.Column(
        verbose_name=_("Tên lớp"), linkify=("training:class-detail", [tables.A("pk")])
    )
    kind = tables.Column(verbose_name=_("Loại"))
    organiser = tables.Column(verbose_name=_("Đơn vị tổ chức"))
    start_date = DateColumn(verbose_name=_("Khai giảng"))
    end_date = DateColumn(verbose_name=_("Bế giảng"))
    status = tables.Column(verbose_name=_("Trạng thái"))
    participant_count = tables.Column(verbose_name=_("Học viên"), attrs=RIGHT)
    completed_count = tables.Column(verbose_name=_("Đã cấp giấy"), attrs=RIGHT)

    def render_participant_count(self, value: int) -> str:
        return format_number(value)

    def render_completed_count(self, value: int) -> str:
        return format_number(value)

    def value_participant_count(self, value: int) -> int:
        return value

    def value_completed_count(self, value: int) -> int:
        return value
