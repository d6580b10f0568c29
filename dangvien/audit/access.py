"""Access to one audit event: out of the reader's scope is 404, as everywhere."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from dangvien.audit.models import AuditEvent
from dangvien.core.typing import AnyUser


def get_event_for_user(user: AnyUser, pk: int) -> AuditEvent:
    """The event ``pk`` if it is about an organisation in the user's reach, else 404."""
    return get_object_or_404(AuditEvent.objects.visible_to(user), pk=pk)
