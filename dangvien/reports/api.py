"""GET /api/v1/reports/admissions?org=CODE&from=YYYY-MM-DD&to=YYYY-MM-DD[&structure=D|today] —
the report's figures
with the keys documented in docs/reports.md (the same as ``manage.py report --format json``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router

from dangvien.core.api import ERROR_RESPONSES
from dangvien.core.scoping import can
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.reports.access import (
    get_report_organisation,
    period_from_params,
    structure_from_params,
)
from dangvien.reports.selectors import get_admission_report
from dangvien.reports.serializers import report_to_dict

router = Router(tags=["Báo cáo"])


@router.get("/admissions", response={200: dict[str, Any], **ERROR_RESPONSES})
def admissions_report(
    request: HttpRequest,
    org: str = "",
    period: str = "",
    year: int | None = None,
    month: int | None = None,
    quarter: int | None = None,
    structure: str = "",
) -> dict[str, Any]:
    """``structure``: the tree the figures are counted on — a date (YYYY-MM-DD, the tree as it
    was that day), ``today`` (today's tree) or empty (today's tree for a period not over, the
    period's own tree for a closed one)."""
    organisation = get_report_organisation(request.user, org or None)
    report = _report(request, organisation, period, year, month, quarter, structure)
    return report_to_dict(report)


def _report(
    request: HttpRequest,
    organisation: Any,
    period: str,
    year: int | None,
    month: int | None,
    quarter: int | None,
    structure: str,
) -> Any:
    """The report of ``organisation`` for the period the query names (``from``/``to`` or
    ``period`` with ``year``, ``month``, ``quarter``) on the tree ``structure`` names."""
    params = {
        key: str(value)
        for key, value in {
            "from": request.GET.get("from", ""),
            "to": request.GET.get("to", ""),
            "period": period,
            "year": year,
            "month": month,
            "quarter": quarter,
        }.items()
        if value not in (None, "")
    }
    return get_admission_report(
        organisation=organisation,
        period=period_from_params(params),
        structure=structure_from_params({"structure": structure}),
    )


def _report_for(request: HttpRequest, org: str) -> Any:
    organisation = get_report_organisation(request.user, org or None)
    params = {
        key: request.GET[key]
        for key in ("from", "to", "period", "year", "month", "quarter")
        if request.GET.get(key)
    }
    return get_admission_report(
        organisation=organisation,
        period=period_from_params(params),
        structure=structure_from_params({"structure": request.GET.get("structure", "")}),
    )


@router.get("/forms", response={200: dict[str, Any], **ERROR_RESPONSES})
def statistics_forms(
    request: HttpRequest,
    org: str = "",
    period: str = "",
    year: int | None = None,
    month: int | None = None,
    quarter: int | None = None,
    structure: str = "",
) -> dict[str, Any]:
    """Biểu 1, 2 and 3-BTCTW: each row with this period, the same period last year and the
    ratio (× 100, one decimal), as on the printed forms. ``structure``: the tree they are
    counted on, as for ``/admissions`` (a date, ``today``, or empty: today's tree for a period
    not over, the period's own tree for a closed one); the answer's ``structure`` says which."""
    from dangvien.reports.statistics_forms import forms_to_dict, get_statistics_forms

    report = _report_for(request, org)
    return forms_to_dict(report, get_statistics_forms(report))


# The meeting document (``reports.meeting``): the Word file a Ban Tổ chức hands to the standing
# committee, and the same rendered to PDF by LibreOffice, as the report page's buttons give it.
DOCUMENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
DOCUMENT_RESPONSE = {
    "responses": {
        "200": {
            "description": "Báo cáo dạng Word (.docx) hoặc PDF",
            "content": {
                content_type: {"schema": {"type": "string", "format": "binary"}}
                for content_type in DOCUMENT_TYPES.values()
            },
        }
    }
}


@router.post(
    "/admissions/document/{file_format}",
    response=ERROR_RESPONSES,
    openapi_extra=DOCUMENT_RESPONSE,
)
def admissions_report_document(
    request: AuthenticatedHttpRequest,
    file_format: str,
    org: str = "",
    period: str = "",
    year: int | None = None,
    month: int | None = None,
    quarter: int | None = None,
    structure: str = "",
    signer: str = "committee",
) -> HttpResponse:
    """The report as the meeting document, ``file_format`` ``docx`` or ``pdf``, with the
    parameters of ``GET /admissions`` (``org``, ``from``/``to`` or ``period`` with ``year``,
    ``month``, ``quarter``, ``structure``) and ``signer`` (``committee``: T/M BAN THƯỜNG VỤ /
    BÍ THƯ; ``preparer``: NGƯỜI LẬP). Needs ``export.run`` on the organisation; stamped with the
    caller and time and audited ``reports.report.exported``, like the page's download."""
    from dangvien.reports.services import export_report

    if file_format not in DOCUMENT_TYPES:
        raise Http404("format")
    organisation = get_report_organisation(request.user, org or None)
    if not can(request.user, "export.run", organisation):
        raise PermissionDenied("export.run")
    report = _report(request, organisation, period, year, month, quarter, structure)
    content, _when = export_report(
        report,
        actor=request.user,
        file_format=file_format,
        signer="preparer" if signer == "preparer" else "committee",
    )
    response = HttpResponse(content, content_type=DOCUMENT_TYPES[file_format])
    filename = (
        f"bao-cao-ket-nap-{organisation.code}-{report.period.start:%Y%m%d}-"
        f"{report.period.end:%Y%m%d}.{file_format}"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
