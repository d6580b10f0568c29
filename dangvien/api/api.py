"""The JSON API under /api/v1/: one router per app, the same services and scoping as the UI.

Errors have one shape: ``{"detail": "<Vietnamese message>", "errors": [{"field", "message"}…],
"rule"?, "found"?, "required"?}``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from dangvien.api.auth import SessionAuth, TokenAuth
from dangvien.api.routers import ROUTERS
from dangvien.core.errors import DomainError

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
for prefix, router in ROUTERS:
    api.add_router(prefix, router)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    body = {"detail": exc.message, "errors": [], **exc.as_dict()}
    body.pop("message", None)
    if exc.field:
        body["errors"] = [{"field": exc.field, "message": exc.message}]
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
        request, {"detail": "Dữ liệu gửi lên không hợp lệ.", "errors": errors}, status=422
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(
        request, {"detail": "Không tìm thấy hoặc bạn không có quyền xem.", "errors": []}, status=404
    )


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "Bạn cần đăng nhập.", "errors": []}, status=401)


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": "Vai trò của bạn không được phép thực hiện thao tác này.", "errors": []},
        status=403,
    )


def _vietnamese_validation_message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    messages = {
        "missing": "Thiếu trường bắt buộc.",
        "string_too_long": "Quá dài.",
        "string_too_short": "Quá ngắn.",
        "int_parsing": "Phải là số nguyên.",
        "int_type": "Phải là số nguyên.",
        "date_from_datetime_parsing": "Ngày không hợp lệ (dạng YYYY-MM-DD).",
        "date_parsing": "Ngày không hợp lệ (dạng YYYY-MM-DD).",
        "date_type": "Ngày không hợp lệ (dạng YYYY-MM-DD).",
        "bool_parsing": "Phải là true hoặc false.",
        "enum": "Giá trị không nằm trong danh sách cho phép.",
        "literal_error": "Giá trị không nằm trong danh sách cho phép.",
        "greater_than_equal": "Giá trị quá nhỏ.",
        "less_than_equal": "Giá trị quá lớn.",
        "json_invalid": "Nội dung không phải JSON hợp lệ.",
        "model_attributes_type": "Nội dung phải là một đối tượng JSON.",
        "dict_type": "Nội dung phải là một đối tượng JSON.",
        "string_type": "Phải là chuỗi ký tự.",
    }
    return messages.get(kind, "Giá trị không hợp lệ.")
