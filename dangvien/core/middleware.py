"""Give every request an id, so audit rows written during it can be tied together."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

from dangvien.core.client_ip import client_ip
from dangvien.core.memo import request_memo

_request_id: ContextVar[str] = ContextVar("request_id", default="")
_client_ip: ContextVar[str] = ContextVar("client_ip", default="")
_actor: ContextVar[Any] = ContextVar("actor", default=None)


def current_request_id() -> str:
    return _request_id.get()


def current_client_ip() -> str:
    return _client_ip.get()


def current_actor() -> Any:
    """The authenticated user of the request being served, or None (commands, workers, an
    anonymous request): for code reached without an explicit actor, such as a signal."""
    user = _actor.get()
    return user if user is not None and getattr(user, "is_authenticated", False) else None


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        token = _request_id.set(request_id)
        ip_token = _client_ip.set(client_ip(request))
        actor_token = _actor.set(getattr(request, "user", None))
        try:
            with request_memo():
                response = self.get_response(request)
        finally:
            _request_id.reset(token)
            _client_ip.reset(ip_token)
            _actor.reset(actor_token)
        response["X-Request-ID"] = request_id
        return response
