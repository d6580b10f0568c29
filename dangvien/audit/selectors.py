from __future__ import annotations

from typing import Any

from dangvien.audit.models import AuditEvent


def list_events(*, user: Any) -> Any:
    """Audit events visible to the user; the browser's filters are
    ``audit.filtersets.AuditEventFilterSet``."""
    return AuditEvent.objects.visible_to(user).select_related("organisation")
