from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangvien.accounts import selectors, services
from dangvien.accounts.access import get_locked_user_for_user
from dangvien.accounts.rules import can_anywhere
from dangvien.core.errors import DomainError
from dangvien.core.typing import AuthenticatedHttpRequest


@login_required
def lockout_list(request: HttpRequest) -> HttpResponse:
    """Accounts locked after repeated failed logins, which the reader may unlock."""
    if not can_anywhere(request.user, "user.unlock"):
        raise PermissionDenied("user.unlock")
    lockouts = selectors.list_lockouts(user=request.user)
    return render(request, "accounts/lockout_list.html", {"lockouts": lockouts})


@login_required
@require_POST
def user_unlock(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    target = get_locked_user_for_user(request.user, user_id)
    try:
        services.unlock_user(target, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã mở khóa tài khoản «%s».") % target.username)
    return redirect("accounts:lockout-list")


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: object = None
) -> HttpResponse:
    """What a locked-out login attempt sees (django-axes ``AXES_LOCKOUT_CALLABLE``)."""
    from django.conf import settings

    hours = settings.AXES_COOLOFF_TIME
    minutes = round(float(hours) * 60) if hours else 0
    return render(
        request,
        "accounts/lockout.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
