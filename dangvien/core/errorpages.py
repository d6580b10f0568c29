"""The error pages of the site (``handler403`` in ``config/urls.py``).

A ``core.errors.Forbidden`` carries a Vietnamese reason (the step, the caller's role, the roles
required); it is shown on the page. A plain ``PermissionDenied`` carries an action code, which
is not shown.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dangvien.core.errors import Forbidden


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    reason = exception.message if isinstance(exception, Forbidden) else ""
    return render(request, "403.html", {"reason": reason}, status=403)
