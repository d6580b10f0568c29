"""Send a user who must use a second factor to enrolment or verification before anything else."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from dangvien.accounts.mfa import has_totp, mfa_required, session_passed_mfa
from dangvien.core.htmx import is_htmx

# Pages a user who still owes the second factor may open: logging in and out, enrolling,
# proving a code, and the password re-check allauth asks for before enrolment.
EXEMPT_URL_NAMES = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "account_login",
        "account_logout",
        "account_reauthenticate",
        "mfa_index",
        "mfa_authenticate",
        "mfa_reauthenticate",
        "mfa_activate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
    }
)


class MfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.static_prefixes = tuple(
            prefix for prefix in (settings.STATIC_URL, settings.MEDIA_URL) if prefix
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.static_prefixes)
            and not session_passed_mfa(request, user)
            and mfa_required(user)
            and not self._exempt(request)
        ):
            return self._challenge(request, user)
        return self.get_response(request)

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in EXEMPT_URL_NAMES

    @staticmethod
    def _challenge(request: HttpRequest, user: object) -> HttpResponse:
        message = _("Vai trò của bạn bắt buộc xác thực hai lớp (mã TOTP) trước khi xem dữ liệu.")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "errors": []}, status=403)
        target = "mfa_reauthenticate" if has_totp(user) else "mfa_activate_totp"
        url = f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
        if is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)
