"""``record()``: the one way to write a domain event. Call it inside the service's transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models

from dangvien.audit.models import AuditEvent
from dangvien.core.middleware import current_client_ip, current_request_id
from dangvien.core.typing import Actor

SECRET_KEYS = frozenset({"password", "citizen_id", "phone", "token", "secret", "otp"})


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            str(key): ("***" if str(key) in SECRET_KEYS and val else _jsonable(val))
            for key, val in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(item) for item in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return {"id": value.pk, "repr": str(value)}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def record(
    *,
    actor: Actor | None,
    action: str,
    target: models.Model | None = None,
    organisation: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit row: who (actor), what (action code), on what (target), where
    (organisation, for scoping the audit browser), with the before/after in ``data``.

    Secrets (citizen IDs, phones, passwords) in ``data`` are masked.
    """
    is_user = actor is not None and getattr(actor, "pk", None) is not None
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_name=(str(actor) if actor is not None else "hệ thống")[:150],
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        organisation=organisation,
        data=_jsonable(data or {}),
        request_id=current_request_id(),
        ip_address=current_client_ip(),
    )
