from __future__ import annotations

import io
from typing import Any

import xlsxwriter
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dangvien.audit.access import get_event_for_user
from dangvien.audit.labels import label_for
from dangvien.audit.selectors import AuditFilterForm, describe_filters, list_events
from dangvien.core.scoping import can_anywhere


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
    event = get_event_for_user(request.user, pk)
    return render(request, "audit/event_detail.html", {"event": event})


@login_required
@require_GET
def event_export(request: HttpRequest) -> HttpResponse:
    """The filtered, scoped audit log as .xlsx; the export itself is audited."""
    from dangvien.audit.services import record

    if not can_anywhere(request.user, "audit.view"):
        raise PermissionDenied("audit.view")
    if not can_anywhere(request.user, "export.run"):
        raise PermissionDenied("export.run")
    form = AuditFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    events = list_events(user=request.user, filters=filters)
    filters_text = describe_filters(filters)
    with transaction.atomic():
        content, count = _render_events_xlsx(events, user=request.user, filters_text=filters_text)
        record(
            actor=request.user,
            action="audit.events.exported",
            organisation=filters.get("organisation"),
            data={"filters": filters_text, "rows": count},
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="nhat-ky-{stamp}.xlsx"'
    return response


EXPORT_MAX_ROWS = 100_000

EXPORT_HEADERS = (
    "Thời điểm",
    "Người thực hiện",
    "Hành động",
    "Mã hành động",
    "Đối tượng",
    "Tổ chức",
    "Địa chỉ IP",
    "Mã yêu cầu",
)


def _render_events_xlsx(events: Any, *, user: Any, filters_text: str) -> tuple[bytes, int]:
    """Write ``events`` (a queryset) to a workbook; return the bytes and the row count."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "remove_timezone": True})
    sheet = workbook.add_worksheet("Nhật ký")
    bold = workbook.add_format({"bold": True})
    when = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm:ss"})
    now = timezone.localtime()
    sheet.write(0, 0, "Nhật ký hoạt động — tài liệu mật", bold)
    sheet.write(1, 0, f"Người xuất: {user} ({user.get_username()})")
    sheet.write(2, 0, f"Thời điểm xuất: {now:%d/%m/%Y %H:%M:%S}")
    sheet.write(3, 0, f"Bộ lọc: {filters_text or 'không'}")
    header_row = 5
    for col, title in enumerate(EXPORT_HEADERS):
        sheet.write(header_row, col, title, bold)
    count = 0
    rows = events.values_list(
        "created_at",
        "actor_name",
        "action",
        "target_repr",
        "organisation__name",
        "ip_address",
        "request_id",
    )[:EXPORT_MAX_ROWS]
    for count, (at, actor, action, target, org, ip, request_id) in enumerate(rows, start=1):
        row = header_row + count
        sheet.write_datetime(row, 0, timezone.localtime(at), when)
        sheet.write(row, 1, actor)
        sheet.write(row, 2, label_for(action))
        sheet.write(row, 3, action)
        sheet.write(row, 4, target)
        sheet.write(row, 5, org or "")
        sheet.write(row, 6, ip)
        sheet.write(row, 7, request_id)
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 2, 28)
    sheet.set_column(3, 5, 32)
    workbook.close()
    return buffer.getvalue(), count
