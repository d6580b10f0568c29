"""The JSON API under /api/v1/: one router per app, the same services and scoping as the UI.

Errors have one shape: ``{"detail": "<Vietnamese message>", "errors": [{"field", "message"}…],
"rule"?, "found"?, "required"?}``.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from dangvien.api.auth import SessionAuth, TokenAuth
from dangvien.api.routers import ROUTERS
from dangvien.core.errors import DomainError, Forbidden
from dangvien.core.importing import RowError

logger = logging.getLogger("dangvien.api")

api = NinjaAPI(
    title="dangvien API",
    version="1",
    description=(
        "API công tác phát triển đảng viên. Mọi dữ liệu trong phạm vi tổ chức được phân quyền."
    ),
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
)
# Account administration needs the second factor that a session has passed; a bearer token
# carries none, so these operations answer only to the session (docs/permissions.md).
SESSION_ONLY = {"/accounts"}
for prefix, router in ROUTERS:
    if prefix in SESSION_ONLY:
        api.add_router(prefix, router, auth=[SessionAuth()])
    else:
        api.add_router(prefix, router)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    body = {"detail": exc.message, "errors": [], **exc.as_dict()}
    body.pop("message", None)
    if exc.field:
        body["errors"] = [{"field": exc.field, "message": exc.message}]
    row_errors = getattr(exc, "errors", None)
    if isinstance(row_errors, list) and all(isinstance(e, RowError) for e in row_errors):
        body["errors"] = [
            {"field": e.column, "row": e.row, "message": e.message} for e in row_errors
        ]
    return api.create_response(request, body, status=400)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", []) if part not in ("body", "payload")]
        errors.append(
            {
                "field": ".".join(location),
                "message": _vietnamese_validation_message(error),
            }
        )
    return api.create_response(
        request, {"detail": gettext("Dữ liệu gửi lên không hợp lệ."), "errors": errors}, status=422
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": gettext("Không tìm thấy hoặc bạn không có quyền xem."), "errors": []},
        status=404,
    )


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": gettext("Bạn cần đăng nhập."), "errors": []}, status=401
    )


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    if isinstance(exc, Forbidden):
        body = {"detail": exc.message, "errors": [], **exc.as_dict()}
        return api.create_response(request, body, status=403)
    return api.create_response(
        request,
        {
            "detail": gettext("Vai trò của bạn không được phép thực hiện thao tác này."),
            "errors": [],
        },
        status=403,
    )


@api.exception_handler(IntegrityError)
def on_integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    """A database constraint refused the write (the service's transaction is rolled back):
    the input conflicts with a row (a race between two identical requests, a value the checks
    above the database missed). Logged, answered 400 in the common shape."""
    logger.warning("integrity error on %s %s: %s", request.method, request.path, exc)
    return api.create_response(
        request,
        {
            "detail": gettext("Dữ liệu gửi lên mâu thuẫn với dữ liệu đã có; không có gì thay đổi."),
            "errors": [],
            "rule": "database_constraint",
        },
        status=400,
    )


@api.exception_handler(Exception)
def on_server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Anything else is a bug: logged with its traceback, answered 500 in the common shape
    (never Django's HTML page)."""
    logger.error("API error on %s %s", request.method, request.path, exc_info=exc)
    return api.create_response(
        request,
        {"detail": gettext("Lỗi máy chủ; thao tác không được thực hiện."), "errors": []},
        status=500,
    )


def _vietnamese_validation_message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    messages = {
        "missing": gettext("Thiếu trường bắt buộc."),
        "string_too_long": gettext("Quá dài."),
        "string_too_short": gettext("Quá ngắn."),
        "int_parsing": gettext("Phải là số nguyên."),
        "int_type": gettext("Phải là số nguyên."),
        "date_from_datetime_parsing": gettext("Ngày không hợp lệ (dạng YYYY-MM-DD)."),
        "date_parsing": gettext("Ngày không hợp lệ (dạng YYYY-MM-DD)."),
        "date_type": gettext("Ngày không hợp lệ (dạng YYYY-MM-DD)."),
        "bool_parsing": gettext("Phải là true hoặc false."),
        "enum": gettext("Giá trị không nằm trong danh sách cho phép."),
        "literal_error": gettext("Giá trị không nằm trong danh sách cho phép."),
        "greater_than_equal": gettext("Giá trị quá nhỏ."),
        "less_than_equal": gettext("Giá trị quá lớn."),
        "json_invalid": gettext("Nội dung không phải JSON hợp lệ."),
        "model_attributes_type": gettext("Nội dung phải là một đối tượng JSON."),
        "dict_type": gettext("Nội dung phải là một đối tượng JSON."),
        "string_type": gettext("Phải là chuỗi ký tự."),
        "extra_forbidden": gettext("Trường này không được gửi cho thao tác này."),
        "int_from_float": gettext("Phải là số nguyên."),
        "float_parsing": gettext("Phải là số."),
        "bool_type": gettext("Phải là true hoặc false."),
        "list_type": gettext("Phải là một danh sách."),
        "date_from_datetime_inexact": gettext("Ngày không hợp lệ (dạng YYYY-MM-DD)."),
    }
    limits = error.get("ctx") or {}
    if kind == "greater_than_equal" and "ge" in limits:
        return gettext("Giá trị phải lớn hơn hoặc bằng %(limit)s.") % {
            "limit": _limit(limits["ge"])
        }
    if kind == "less_than_equal" and "le" in limits:
        return gettext("Giá trị phải nhỏ hơn hoặc bằng %(limit)s.") % {
            "limit": _limit(limits["le"])
        }
    return messages.get(kind, gettext("Giá trị không hợp lệ."))


def _limit(value: Any) -> str:
    """A bound as the user reads it: 31/12/2100, 10.000."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)
