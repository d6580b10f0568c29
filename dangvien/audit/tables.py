"""The audit browser's columns: the page and its Excel export."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from dangvien.audit.labels import label_for
from dangvien.core.tables import DateColumn, ListTable


class AuditEventTable(ListTable):
    created_at = DateColumn(
        verbose_name=_("Thời điểm"), linkify=("audit:event-detail", [tables.A("pk")])
    )
    actor_name = tables.Column(verbose_name=_("Người thực hiện"))
    action_label = tables.Column(verbose_name=_("Hành động"), accessor="action")
    action = tables.Column(verbose_name=_("Mã hành động"), visible=False)
    target_repr = tables.Column(verbose_name=_("Đối tượng"))
    organisation = tables.Column(verbose_name=_("Tổ chức"))
    ip_address = tables.Column(verbose_name=_("IP"))
    request_id = tables.Column(verbose_name=_("Mã yêu cầu"), visible=False)

    def render_action_label(self, value: str) -> str:
        return label_for(value)

    def value_organisation(self, value: Any) -> str:
        return value.name
