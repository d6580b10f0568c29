"""Which address a request comes from: the one source for lockouts, throttles and audit rows.

Directly exposed (``CLIENT_IP_PROXY_COUNT=0``, the default) it is ``REMOTE_ADDR`` and any
forwarding header is ignored (a client could write anything there). Behind ``N`` trusted
reverse proxies that each append the address they received from to ``X-Forwarded-For``
(nginx ``$proxy_add_x_forwarded_for``), the client is the ``N``-th entry from the right: the
entries to its left were written by the client and are not trusted. When
``CLIENT_IP_TRUSTED_PROXIES`` lists addresses, the header is only read on requests whose
``REMOTE_ADDR`` is one of them (a request reaching the server around the proxy keeps its own
address).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_ip(request: Any) -> str:
    """The client's address for ``request`` according to the ``CLIENT_IP_*`` settings."""
    meta = getattr(request, "META", {}) or {}
    remote = str(meta.get("REMOTE_ADDR", "") or "")
    count = int(getattr(settings, "CLIENT_IP_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    trusted = list(getattr(settings, "CLIENT_IP_TRUSTED_PROXIES", []) or [])
    if trusted and remote not in trusted:
        return remote
    header = str(getattr(settings, "CLIENT_IP_HEADER", "HTTP_X_FORWARDED_FOR"))
    entries = [part.strip() for part in str(meta.get(header, "") or "").split(",")]
    entries = [part for part in entries if part]
    if len(entries) < count:
        return remote
    candidate = entries[-count]
    return candidate if _valid(candidate) else remote
