"""Give every request an id, so audit rows written during it can be tied together."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_request_id: ContextVar[str] = ContextVar("request_id", default="")
_client_ip: ContextVar[str] = ContextVar("client_ip", default="")


def current_request_id() -> str:
    return _request_id.get()


def current_client_ip() -> str:
    return _client_ip.get()


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        token = _request_id.set(request_id)
        ip_token = _client_ip.set(request.META.get("REMOTE_ADDR", "") or "")
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
            _client_ip.reset(ip_token)
        response["X-Request-ID"] = request_id
        return response
