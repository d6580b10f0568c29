"""The dossier list's and the worklist's columns: the pages and their Excel exports."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from dangvien.core.tables import DateColumn, ListTable


class DossierTable(ListTable):
    full_name = tables.Column(
        verbose_name=_("Họ và tên"),
        accessor="person__full_name",
        linkify=("admissions:dossier-detail", [tables.A("pk")]),
    )
    date_of_birth = DateColumn(
        verbose_name=_("Ngày sinh"), accessor="person__date_of_birth", visible=False
    )
    organisation_code = tables.Column(
        verbose_name=_("Mã chi bộ"), accessor="organisation__code", visible=False
    )
    organisation = tables.Column(verbose_name=_("Chi bộ"))
    stage = tables.Column(verbose_name=_("Bước hiện tại"))
    status = tables.Column(verbose_name=_("Trạng thái"))
    opened_on = DateColumn(verbose_name=_("Ngày lập"))
    next_deadline = tables.Column(verbose_name=_("Hạn tiếp theo"), accessor="pk")

    def __init__(self, *args: Any, today: dt.date | None = None, **kwargs: Any) -> None:
        self.today = today or dt.date.today()
        super().__init__(*args, **kwargs)

    def render_status(self, record: Any) -> str:
        html = format_html("{}", record.get_status_display())
        if record.stop_reason:
            html = format_html("{} ({})", html, record.get_stop_reason_display())
        if record.escalated:
            html = format_html(
                '{} <span class="badge text-bg-secondary">{}</span>', html, _("báo cáo cấp trên")
            )
        return html

    def value_status(self, record: Any) -> str:
        return str(record.get_status_display())

    def render_next_deadline(self, record: Any) -> str:
        return render_to_string(
            "admissions/partials/_deadline.html", {"dossier": record, "today": self.today}
        )

    def value_next_deadline(self, record: Any) -> dt.date | None:
        return record.next_deadline

    def value_organisation(self, value: Any) -> str:
        return value.name


class WorkItemTable(ListTable):
    """The worklist (``core.worklist.WorkItem`` rows) for its Excel export."""

    due = DateColumn(verbose_name=_("Hạn"))
    overdue = tables.Column(verbose_name=_("Quá hạn"), accessor="due", empty_values=())
    label = tables.Column(verbose_name=_("Việc"))
    subject = tables.Column(verbose_name=_("Người, hồ sơ"))
    organisation = tables.Column(verbose_name=_("Tổ chức"))
    detail = tables.Column(verbose_name=_("Ghi chú"))

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        self.today = today
        super().__init__(*args, **kwargs)

    def value_overdue(self, record: Any) -> str:
        return str(_("Quá hạn")) if record.is_overdue(self.today) else ""

    def value_organisation(self, value: Any) -> str:
        return str(value)
