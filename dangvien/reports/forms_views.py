"""Pages of the statistics forms (Biểu 1, 2 and 3-BTCTW) and of the organisation figures
(grassroots meeting their target at any depth, organisations by kind), with their downloads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from dangvien.core.errors import DomainError
from dangvien.core.scoping import can
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.reports import selectors
from dangvien.reports.access import get_report_organisation, period_from_params
from dangvien.reports.statistics_forms import get_statistics_forms
from dangvien.reports.views import CONTENT_TYPES, _period_or_default, _report_url


@login_required
def statistics_forms(request: HttpRequest) -> HttpResponse:
    """Biểu 1, 2 and 3-BTCTW on screen, with the download of the printable file."""
    organisation = get_report_organisation(request.user, request.GET.get("org"))
    period, refused = _period_or_default(request)
    report = selectors.get_admission_report(organisation=organisation, period=period)
    context = {
        "organisation": organisation,
        "period": period,
        "forms": get_statistics_forms(report),
        "can_export": can(request.user, "export.run", organisation),
        "export_params": {"org": organisation.pk, **period.as_params()},
        "back_url": _report_url(organisation, period),
    }
    return render(request, "reports/statistics_forms.html", context, status=400 if refused else 200)


@login_required
@require_POST
def statistics_forms_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Download Biểu 1, 2 and 3-BTCTW as xlsx (printable); audited."""
    from dangvien.reports.services import export_statistics_forms

    organisation = get_report_organisation(request.user, request.POST.get("org"))
    if not can(request.user, "export.run", organisation):
        raise PermissionDenied("export.run")
    try:
        period = period_from_params(request.POST)
    except DomainError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    report = selectors.get_admission_report(organisation=organisation, period=period)
    content = export_statistics_forms(report, actor=request.user)
    response = HttpResponse(content, content_type=CONTENT_TYPES["xlsx"])
    filename = f"bieu-thong-ke-{organisation.code}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
