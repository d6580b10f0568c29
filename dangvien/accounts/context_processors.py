"""Navigation entries and worklist counts for the base layout."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from dangvien.accounts.rules import can_anywhere
from dangvien.accounts.scope import assignments
from dangvien.core.worklist import collect_for_request


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
        },
        "nav_roles": roles,
        # lazy: partials that do not show the navigation never run the worklist
        "nav_due_count": SimpleLazyObject(lambda: _due_count(request)),
    }


def _due_count(request: HttpRequest) -> int:
    """Number of worklist items (overdue or due within the horizon) for the nav badge: one run
    of the worklist's sources per request, shared with the worklist page itself."""
    return len(collect_for_request(request, timezone.localdate()))
