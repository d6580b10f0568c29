from __future__ import annotations

from django.db.models import QuerySet

from dangvien.audit.models import AuditEvent
from dangvien.core.typing import AnyUser


def list_events(*, user: AnyUser) -> QuerySet[AuditEvent]:
    """Audit events visible to the user; the browser's filters are
    ``audit.filtersets.AuditEventFilterSet``."""
    return AuditEvent.objects.visible_to(user).select_related("organisation")
