"""Navigation entries for the base layout (the worklist badge is fetched after the page:
``admissions:worklist-count``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from dangvien.accounts.mfa import mfa_required, session_passed_mfa
from dangvien.accounts.rules import can_anywhere
from dangvien.accounts.scope import assignments


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    roles = sorted({role for role, _path in assignments(user)})
    return {
        "nav_can": {
            "audit": can_anywhere(user, "audit.view"),
            "targets": can_anywhere(user, "target.view"),
            "reports": can_anywhere(user, "report.view"),
            "import": can_anywhere(user, "import.run"),
            "users": can_anywhere(user, "user.manage"),
        },
        "nav_roles": roles,
        # the badge is fetched after the page, only once the second factor is passed: before,
        # the request would be sent to the second factor's page like any other
        "nav_worklist_badge": session_passed_mfa(request, user) or not mfa_required(user),
    }
