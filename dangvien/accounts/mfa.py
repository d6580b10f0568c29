"""Who must use a second factor, and whether this session has passed it.

allauth writes a record ``{"method": "mfa", "type": "totp", …}`` into the session when a user
proves a TOTP or recovery code (at login or on re-authentication); that record is the marker
the enforcement middleware looks for. Enrolling a TOTP device also counts (the user has just
typed a valid code), see ``record_enrolment``.
"""

from __future__ import annotations

from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest

from dangvien.accounts.scope import assignments


def mfa_required(user: Any) -> bool:
    """Superusers and holders of a role listed in ``settings.MFA_REQUIRED_ROLES``."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    required = set(settings.MFA_REQUIRED_ROLES)
    return any(role in required for role, _path in assignments(user))


def session_passed_mfa(request: HttpRequest, user: Any) -> bool:
    return any(
        isinstance(record, dict) and record.get("method") == "mfa"
        for record in get_authentication_records(request, user)
    )


def has_totp(user: Any) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def record_enrolment(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **_: Any
) -> None:
    """Signal receiver (``authenticator_added``): the code typed to activate TOTP counts as
    this session's second factor, and the change is written to the audit log."""
    if authenticator.type != Authenticator.Type.TOTP or request is None:
        return
    from allauth.account.internal.flows.login import record_authentication

    from dangvien.accounts.services import record_mfa_change

    record_authentication(request, user, "mfa", id=authenticator.pk, type="totp", enrolled=True)
    record_mfa_change(user, actor=user, enabled=True)


def record_removal(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **_: Any
) -> None:
    if authenticator.type != Authenticator.Type.TOTP:
        return
    from dangvien.accounts.services import record_mfa_change

    record_mfa_change(authenticator.user, actor=user, enabled=False)


class MfaAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """A user who must use MFA cannot switch it off themselves."""
        if authenticator.type == Authenticator.Type.TOTP and mfa_required(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
