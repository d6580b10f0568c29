"""Pages of the statistics forms (Biểu 1, 2 and 3-BTCTW), of the organisation figures
(grassroots meeting their target at any depth, organisations by kind) and of the records behind
every figure (``reports.drilldown``), with their downloads."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from dangvien.core.errors import DomainError
from dangvien.core.scoping import can
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.organisations.models import Organisation
from dangvien.reports import selectors
from dangvien.reports.access import (
    get_report_organisation,
    period_from_params,
    structure_from_params,
)
from dangvien.reports.periods import Period
from dangvien.reports.statistics_forms import get_statistics_forms
from dangvien.reports.views import (
    CONTENT_TYPES,
    _drilldown_base,
    _period_or_default,
    _report_url,
    _structure_or_default,
    _structure_param,
)


@login_required
def statistics_forms(request: HttpRequest) -> HttpResponse:
    """Biểu 1, 2 and 3-BTCTW on screen, with the download of the printable file."""
    organisation = get_report_organisation(request.user, request.GET.get("org"))
    period, refused = _period_or_default(request)
    structure = _structure_or_default(request)
    report = selectors.get_admission_report(
        organisation=organisation, period=period, structure=structure
    )
    tree = _structure_param(report.structure_on)
    context = {
        "organisation": organisation,
        "period": period,
        "report": report,
        "forms": get_statistics_forms(report),
        "can_export": can(request.user, "export.run", organisation),
        "export_params": {"org": organisation.pk, **period.as_params(), "structure": tree},
        "back_url": _report_url(organisation, period, tree),
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
        structure = structure_from_params(request.POST)
    except DomainError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    report = selectors.get_admission_report(
        organisation=organisation, period=period, structure=structure
    )
    content = export_statistics_forms(report, actor=request.user)
    response = HttpResponse(content, content_type=CONTENT_TYPES["xlsx"])
    filename = f"bieu-thong-ke-{organisation.code}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def organisations(request: HttpRequest) -> HttpResponse:
    """The organisations of the subtree by kind, and the grassroots committees (any depth)
    ranked by their admission target, with the sentence committees write."""
    from dangvien.reports.organisation_figures import (
        get_grassroots_targets,
        get_organisation_counts,
    )
    from dangvien.reports.selectors import default_structure

    organisation = get_report_organisation(request.user, request.GET.get("org"))
    period, refused = _period_or_default(request)
    structure = _structure_or_default(request)
    on = default_structure(period) if isinstance(structure, str) else structure
    tree = _structure_param(on)
    context = {
        "organisation": organisation,
        "period": period,
        "structure_on": on,
        "counts": get_organisation_counts(organisation=organisation),
        "targets": get_grassroots_targets(organisation=organisation, period=period, structure=on),
        "drill": _drilldown_base(organisation, period, tree),
        "back_url": _report_url(organisation, period, tree),
    }
    return render(request, "reports/organisations.html", context, status=400 if refused else 200)


DEFAULT_FIGURE = "members_end"


def structure_text(on: Any) -> str:
    """Which tree a list is counted on, as the report page says it."""
    from django.utils.translation import gettext

    from dangvien.core.formatting import format_date

    if on is None:
        return gettext("cơ cấu tổ chức hiện nay")
    return gettext("cơ cấu tổ chức ngày %(day)s") % {"day": format_date(on)}


def _drilldown(request: HttpRequest, params: Any) -> tuple[Organisation, Period, Any]:
    from dangvien.reports.drilldown import get_drilldown

    organisation = get_report_organisation(request.user, params.get("org"))
    try:
        period = period_from_params(params)
        figure = params.get("figure") or DEFAULT_FIGURE
        structure = structure_from_params(params)
        data = get_drilldown(organisation, period, figure, structure=structure)
        return organisation, period, data
    except (DomainError, LookupError) as exc:
        raise Http404("figure") from exc


def _shown(value: Any) -> str:
    """A cell of a drill-down list as the pages write it (20/02/2024, 5.100, 176,7)."""
    import datetime as dt
    from decimal import Decimal

    from dangvien.core.formatting import format_date, format_number

    if value is None:
        return ""
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, Decimal):
        return format_number(value, 1)
    if isinstance(value, int) and not isinstance(value, bool):
        return format_number(value)
    return str(value)


@login_required
def drilldown(request: HttpRequest) -> HttpResponse:
    """The records behind one figure (``reports.drilldown``), paginated, with its export."""
    organisation, period, data = _drilldown(request, request.GET)
    page = Paginator(data.rows, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "organisation": organisation,
        "period": period,
        "data": data,
        "headers": [str(header) for _key, header in data.columns],
        "page_rows": [[_shown(row.get(key)) for key, _h in data.columns] for row in page],
        "page": page,
        "query": query.urlencode(),
        "can_export": can(request.user, "export.run", organisation),
        "export_params": {
            "org": organisation.pk,
            **period.as_params(),
            "figure": request.GET.get("figure") or DEFAULT_FIGURE,
            "structure": _structure_param(data.structure_on),
        },
        "back_url": _report_url(organisation, period, _structure_param(data.structure_on)),
    }
    return render(request, "reports/drilldown.html", context)


@login_required
@require_POST
def drilldown_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The records behind one figure as xlsx (``core.exporting``); audited."""
    from django.db import transaction

    from dangvien.audit.services import record
    from dangvien.core.exporting import ListExport

    organisation, period, data = _drilldown(request, request.POST)
    if not can(request.user, "export.run", organisation):
        raise PermissionDenied("export.run")
    table_class = data.table_class()
    export = ListExport(
        title=f"{data.title} — {organisation.name} — {period.label}",
        filename="danh-sach",
        table=table_class(data.rows),
        records=data.rows,
        user=request.user,
        filters=f"{organisation.name}, {period.label}, {structure_text(data.structure_on)}",
    )
    with transaction.atomic():
        content = export.render()
        record(
            actor=request.user,
            action="reports.records.exported",
            target=organisation,
            organisation=organisation,
            data={
                "figure": request.POST.get("figure") or DEFAULT_FIGURE,
                "from": period.start,
                "to": period.end,
                "structure": _structure_param(data.structure_on),
                "rows": export.count,
            },
        )
    response = HttpResponse(content, content_type=CONTENT_TYPES["xlsx"])
    filename = f"danh-sach-{organisation.code}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
