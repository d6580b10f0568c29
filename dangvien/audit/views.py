from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from dangvien.audit.access import get_event_for_user
from dangvien.audit.filtersets import AuditEventFilterSet
from dangvien.audit.tables import AuditEventTable
from dangvien.core.errors import DomainError
from dangvien.core.exporting import ListExport
from dangvien.core.scoping import can_anywhere
from dangvien.core.typing import AuthenticatedHttpRequest

PAGE_SIZE = 50
EXPORT_MAX_ROWS = 100_000


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    if not can_anywhere(request.user, "audit.view"):
        raise PermissionDenied("audit.view")
    filterset = AuditEventFilterSet(request.GET, user=request.user, request=request)
    page = Paginator(filterset.page_qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    return render(
        request,
        "audit/event_list.html",
        {"form": filterset.form, "page": page, "table": AuditEventTable(page.object_list)},
    )


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request.user, pk)
    return render(request, "audit/event_detail.html", {"event": event})


@login_required
@require_GET
def event_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The filtered, scoped audit log as .xlsx; the export itself is audited."""
    from dangvien.audit.services import record

    if not can_anywhere(request.user, "audit.view"):
        raise PermissionDenied("audit.view")
    if not can_anywhere(request.user, "export.run"):
        raise PermissionDenied("export.run")
    filterset = AuditEventFilterSet(request.GET, user=request.user, request=request)
    try:
        export = ListExport.from_filterset(
            filterset,
            AuditEventTable,
            title=_("Nhật ký hoạt động"),
            filename="nhat-ky",
            user=request.user,
            note=_("Tài liệu mật."),
            max_rows=EXPORT_MAX_ROWS,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        query = request.GET.urlencode()
        return redirect(reverse("audit:event-list") + (f"?{query}" if query else ""))
    with transaction.atomic():
        content = export.render()
        record(
            actor=request.user,
            action="audit.events.exported",
            organisation=filterset.cleaned("organisation"),
            data={"filters": export.filters, "rows": export.count},
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{export.filename}-{stamp}.xlsx"'
    return response
