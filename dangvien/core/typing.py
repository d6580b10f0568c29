"""Types shared by every app.

``Actor`` is the user a service acts for. It is the project's user model
(``settings.AUTH_USER_MODEL``, i.e. ``accounts.User``) without importing ``accounts``: the
django-stubs mypy plugin resolves ``django.contrib.auth.models._User`` to the configured user
model, so the apps below ``accounts`` in the layers (``core``, ``audit``, ``organisations``)
type their ``actor`` with it; the apps above import ``accounts.models.User`` (under
``TYPE_CHECKING``).

``AnyUser`` is whoever asks for a read: the user model or Django's ``AnonymousUser`` (who
reaches nothing). ``visible_to(user)`` and the scoping functions take it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import _AnyUser as AnyUser
    from django.contrib.auth.models import _User as Actor
else:
    # Annotations are strings (PEP 563) and never evaluated at run time; the names only have to
    # exist for ``from dangvien.core.typing import Actor``.
    Actor = AnyUser = object


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind login (``login_required``, the API's authentication): its
    ``user`` is a real user, so it can be passed as a service's ``actor``. The views that write
    annotate ``request`` with it (the pattern django-stubs documents)."""

    user: Actor


__all__ = ["Actor", "AnyUser", "AuthenticatedHttpRequest"]
