from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dangvien.accounts.rules import can_anywhere
from dangvien.audit.models import AuditEvent
from dangvien.audit.selectors import AuditFilterForm, list_events


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    if not can_anywhere(request.user, "audit.view"):
        raise PermissionDenied("audit.view")
    form = AuditFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    events = list_events(user=request.user, filters=filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {"form": form, "page": page})


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from django.shortcuts import get_object_or_404

    event = get_object_or_404(AuditEvent.objects.visible_to(request.user), pk=pk)
    return render(request, "audit/event_detail.html", {"event": event})
