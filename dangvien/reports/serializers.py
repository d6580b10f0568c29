"""The report as JSON: the same keys in the API, ``manage.py report --format json`` and the
xlsx data sheet. Documented in docs/reports.md. Percentages are numbers rounded half-up to one
decimal, or null when the base is zero ("—" on screen)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext

from dangvien.reports.selectors import AdmissionReport


def _num(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def report_to_dict(report: AdmissionReport) -> dict[str, Any]:
    from dangvien.reports.summary import build_summary

    org = report.organisation
    return {
        "organisation": {"id": org.pk, "code": org.code, "name": org.name},
        "period": {
            "from": report.period.start.isoformat(),
            "to": report.period.end.isoformat(),
            "label": report.period.label,
            "to_date": report.period.to_date,
            "named_to": report.period.named.end.isoformat(),
            "share_gone_percent": _num(
                (Decimal(report.period.days) * 100 / report.period.named.days).quantize(
                    Decimal("0.1")
                )
            ),
        },
        "same_period": {
            "from": report.previous_period.start.isoformat(),
            "to": report.previous_period.end.isoformat(),
        },
        "admitted": report.admitted,
        "target": report.target,
        "target_source": report.target_source,
        "target_scope": report.target_scope,
        "year_target": report.year_target,
        "percent_of_target": _num(report.percent_of_target),
        "same_period_last_year": report.previous,
        "percent_vs_same_period": _num(report.percent_vs_same_period),
        # the tree the figures are counted on: a date, or null for today's tree
        "structure": report.structure_on.isoformat() if report.structure_on else None,
        "same_period_target": report.previous_target,
        "lineage": (
            {
                "text": report.lineage.text,
                "approximate": report.lineage.approximate,
                "reasons": report.lineage.reasons,
                "predecessors": [
                    {"id": o.pk, "code": o.code, "name": o.name}
                    for o in report.lineage.organisations
                ],
            }
            if report.lineage
            else None
        ),
        "breakdown": {
            b.key: {
                "label": b.label,
                "group": b.group,
                "count": b.count,
                "percent": _num(b.percent),
                "same_period_last_year": b.previous,
                "percent_vs_same_period": _num(b.ratio),
            }
            for b in report.breakdowns
        },
        "average_age": _num(report.average_age),
        "children": [
            {
                "id": row.organisation.pk if row.organisation else None,
                "code": row.organisation.code if row.organisation else None,
                "name": row.organisation.name
                if row.organisation
                else gettext("Trực thuộc trực tiếp"),
                "admitted": row.admitted,
                "target": row.target,
                "percent_of_target": _num(row.percent_of_target),
                "same_period_last_year": row.previous,
                "percent_vs_same_period": _num(row.ratio),
                "meets_target": row.meets_target,
            }
            for row in report.children
        ],
        "children_meeting_target": {
            "count": len(report.children_meeting_target),
            "of": report.children_with_target,
            "codes": [
                r.organisation.code for r in report.children_meeting_target if r.organisation
            ],
        },
        "pipeline": report.pipeline,
        "membership_at_end": report.membership,
        "coverage": {
            "rows": [{**row, "percent": _num(row["percent"])} for row in report.coverage["rows"]],
            "villages_without_members": report.coverage["villages_without_members"],
        },
        "pacing": {
            "scope": report.pacing.scope,
            "admitted": report.pacing.admitted,
            "admitted_year_to_date": report.pacing.admitted_year_to_date,
            "target": report.pacing.target,
            "days_gone": report.pacing.days_gone,
            "days_total": report.pacing.days_total,
            "share_percent": _num(report.pacing.share.quantize(Decimal("0.1"))),
            "share_of_year_percent": _num(report.pacing.share_of_year.quantize(Decimal("0.1"))),
            "expected_by_now": _num(report.pacing.expected),
            "status": report.pacing.status,
            "text": report.pacing.text,
        },
        "forecast": (
            {
                "value": report.forecast.value,
                "admitted_so_far": report.forecast.admitted_so_far,
                "percent_of_target": _num(report.forecast.percent_of_target),
                "explanation": report.forecast.explanation,
                "method": report.forecast.method,
            }
            if report.forecast is not None
            else None
        ),
        "summary": build_summary(report),
    }
