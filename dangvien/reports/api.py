"""GET /api/v1/reports/admissions?org=CODE&from=YYYY-MM-DD&to=YYYY-MM-DD[&structure=D|today] —
the report's figures
with the keys documented in docs/reports.md (the same as ``manage.py report --format json``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from dangvien.core.api import ERROR_RESPONSES
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
    report = get_admission_report(
        organisation=organisation,
        period=period_from_params(params),
        structure=structure_from_params({"structure": structure}),
    )
    return report_to_dict(report)


def _report_for(request: HttpRequest, org: str) -> Any:
    organisation = get_report_organisation(request.user, org or None)
    params = {
        key: request.GET[key]
        for key in ("from", "to", "period", "year", "month", "quarter")
        if request.GET.get(key)
    }
    return get_admission_report(organisation=organisation, period=period_from_params(params))


@router.get("/forms", response={200: dict[str, Any], **ERROR_RESPONSES})
def statistics_forms(
    request: HttpRequest,
    org: str = "",
    period: str = "",
    year: int | None = None,
    month: int | None = None,
    quarter: int | None = None,
) -> dict[str, Any]:
    """Biểu 1, 2 and 3-BTCTW: each row with this period, the same period last year and the
    ratio (× 100, one decimal), as on the printed forms."""
    from dangvien.reports.statistics_forms import forms_to_dict, get_statistics_forms

    report = _report_for(request, org)
    return forms_to_dict(report, get_statistics_forms(report))
