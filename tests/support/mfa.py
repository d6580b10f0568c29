"""Test helpers: make a ``force_login`` session count as having passed the second factor.

Enforcement (``MfaRequiredMiddleware``) looks for the record allauth writes after a TOTP or
recovery-code check; tests that are not about login write the same record, so every persona's
client opens pages directly. Tests about enforcement use a plain login instead.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.internal.userkit import user_id_to_str

USER_SESSION_KEY = "account_authentication_methods_user"


def mark_session_mfa_passed(session: Any, user: Any) -> None:
    """Write allauth's "MFA passed" record into ``session`` (a SessionStore) and save it."""
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "username": user.get_username()},
        {"method": "mfa", "at": time.time(), "type": "totp"},
    ]
    session[USER_SESSION_KEY] = user_id_to_str(user)
    session.save()


def force_login_with_mfa(client: Any, user: Any) -> None:
    """``client.force_login(user)`` plus the MFA record: what a full TOTP login leaves behind."""
    client.force_login(user)
    mark_session_mfa_passed(client.session, user)
