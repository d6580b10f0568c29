"""The error pages of the site (``handler403/404/500`` in ``config/urls.py``).

Under ``/api/`` every failure Django itself answers (an unknown URL, an exception that escaped
the API's own handlers) is JSON in the API's error shape (``core.api.ErrorOut``), never HTML.

A ``core.errors.Forbidden`` carries a Vietnamese reason (the step, the caller's role, the roles
required); it is shown on the page. A plain ``PermissionDenied`` carries an action code, which
is not shown.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views import defaults

from dangvien.core.errors import Forbidden

API_PREFIX = "/api/"


def _api_error(detail: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"detail": detail, "errors": []}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return _api_error(gettext("Không tìm thấy hoặc bạn không có quyền xem."), 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return _api_error(gettext("Lỗi máy chủ; thao tác không được thực hiện."), 500)
    return defaults.server_error(request)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        reason = exception.message if isinstance(exception, Forbidden) else ""
        return _api_error(
            reason or gettext("Vai trò của bạn không được phép thực hiện thao tác này."), 403
        )
    reason = exception.message if isinstance(exception, Forbidden) else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent with a missing or stale CSRF token (a page left open past the session, a
    second tab after logging out): Django's own page is English and says nothing useful."""
    message = gettext(
        "Biểu mẫu đã cũ hoặc phiên làm việc đã hết hạn nên thao tác không được thực hiện."
        " Hãy tải lại trang rồi gửi lại."
    )
    if request.path.startswith(API_PREFIX):
        return _api_error(message, 403)
    return render(request, "403.html", {"reason": message}, status=403)


def _holds_nul(request: HttpRequest) -> bool:
    if any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    ):
        return True
    # a JSON body (the API's) spells the character as an escape; form fields refuse it
    # themselves, and an uploaded file's bytes are not text (and are not read here)
    if request.content_type != "application/json":
        return False
    body = request.body
    return b"\x00" in body or b"\\u0000" in body


class RejectNulMiddleware:
    """PostgreSQL cannot store or even compare text holding the NUL character (code 0): a
    filter or a field carrying one made the database refuse the query, a 500. Such a request
    is refused before any view runs: 400 with a Vietnamese message (JSON under ``/api/``), and
    nothing changes. Forms already refuse it field by field (Django's validator)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _holds_nul(request):
            message = gettext(
                "Dữ liệu gửi lên chứa ký tự NUL (mã 0), không hợp lệ; không có gì thay đổi."
            )
            if request.path.startswith(API_PREFIX):
                return _api_error(message, 400)
            return render(request, "400.html", {"reason": message}, status=400)
        return self.get_response(request)
