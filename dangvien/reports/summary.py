"""The written summary, in the style of the committees' own reports (see the seed articles):

"Đến hết tháng 11/2016, toàn Đảng bộ huyện đã kết nạp 265 đảng viên, đạt 176,7% kế hoạch
(vượt 76,7%), tăng 62,6% so với cùng kỳ năm 2015. Trong số đảng viên mới kết nạp, nữ 77 người,
dân tộc thiểu số 211 người (79,6%), đoàn viên 188 người, nông dân 146 người, …"
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from dangvien.core.formatting import format_change, format_date, format_number, format_percent
from dangvien.organisations.choices import OrganisationKind
from dangvien.reports.selectors import AdmissionReport, scope_label

WHOLE_OF: dict[str, str | Promise] = {
    OrganisationKind.CENTRAL: gettext_lazy("toàn Đảng"),
    OrganisationKind.PROVINCE: gettext_lazy("toàn Đảng bộ tỉnh"),
    OrganisationKind.DISTRICT: gettext_lazy("toàn Đảng bộ huyện"),
    OrganisationKind.BLOC: gettext_lazy("toàn Đảng bộ khối"),
    OrganisationKind.COMMUNE: gettext_lazy("toàn Đảng bộ xã"),
    OrganisationKind.GRASSROOTS_COMMITTEE: gettext_lazy("toàn Đảng bộ"),
    OrganisationKind.SUB_COMMITTEE: gettext_lazy("Đảng bộ bộ phận"),
    OrganisationKind.GRASSROOTS_CELL: gettext_lazy("Chi bộ"),
    OrganisationKind.CELL: gettext_lazy("Chi bộ"),
}


def _people(count: int) -> str:
    return gettext("%(count)s người") % {"count": format_number(count)}


def _plan_clause(report: AdmissionReport) -> str:
    """'đạt 176,7% kế hoạch (vượt 76,7%)'; a quarter or half-year against its own target
    ('đạt 80,0% chỉ tiêu quý II/2026'); a quarter, half or month counted from 1 January against
    the yearly target says so ('đạt 26,7% chỉ tiêu cả năm'); a period that does not start on
    1 January with only a yearly target gives the year to date instead."""
    year = report.period.year
    if report.target is None:
        return gettext("chưa được giao chỉ tiêu kết nạp năm %(year)s") % {"year": year}
    percent = report.percent_of_target
    if percent is None:  # e.g. the second quarter, with only a yearly target
        return gettext(
            "chỉ tiêu được giao cho cả năm (%(target)s đảng viên): từ đầu năm đến %(end)s đã "
            "kết nạp %(ytd)s, đạt %(percent)s chỉ tiêu cả năm"
        ) % {
            "target": format_number(report.target),
            "end": format_date(report.period.end),
            "ytd": format_number(report.pacing.admitted_year_to_date),
            "percent": format_percent(report.pacing.percent_of_target),
        }
    if report.target_scope != "year":
        clause = gettext("đạt %(percent)s chỉ tiêu %(scope)s") % {
            "percent": format_percent(percent),
            "scope": scope_label(report.target_scope, year),
        }
    elif report.period.part or report.period.named.days <= 31:
        # the first quarter, half or month against the whole year's target
        clause = gettext("đạt %(percent)s chỉ tiêu cả năm") % {"percent": format_percent(percent)}
    else:  # the year, up to the end of month N, 9 months: "đạt … kế hoạch"
        clause = gettext("đạt %(percent)s kế hoạch") % {"percent": format_percent(percent)}
    if percent > 100:
        clause += gettext(" (vượt %(format_percent)s)") % {
            "format_percent": format_percent(percent - Decimal(100))
        }
    return clause


def _same_period_clause(report: AdmissionReport) -> str:
    """'tăng 62,6% so với cùng kỳ năm 2015'; to date, the days compared are named."""
    year = report.previous_period.end.year
    ratio = report.percent_vs_same_period
    values = {"year": year, "span": report.previous_period.span}
    if ratio is None:
        text = gettext("cùng kỳ năm %(year)s chưa kết nạp đảng viên nào") % values
    elif ratio == 100:
        text = gettext("bằng cùng kỳ năm %(year)s") % values
    else:
        values["change"] = format_change(ratio)
        text = gettext("%(change)s so với cùng kỳ năm %(year)s") % values
    if report.period.to_date:
        text += gettext(" (cùng khoảng thời gian %(span)s)") % values
    return text


def build_summary(report: AdmissionReport) -> str:
    """One paragraph of Vietnamese prose with the report's main figures."""
    who = WHOLE_OF.get(report.organisation.kind, report.organisation.name)
    lead = report.period.lead
    if report.admitted == 0:
        return gettext(
            "%(lead)s, %(who)s chưa kết nạp được đảng viên nào (%(same_period_clause)s)."
        ) % {"lead": lead, "who": who, "same_period_clause": _same_period_clause(report)}
    b = report.breakdown
    sentences = [
        gettext(
            "%(lead)s, %(who)s đã kết nạp %(admitted)s đảng viên, %(plan_clause)s, "
            "%(same_period_clause)s."
        )
        % {
            "lead": lead,
            "who": who,
            "admitted": format_number(report.admitted),
            "plan_clause": _plan_clause(report),
            "same_period_clause": _same_period_clause(report),
        }
    ]
    details = [
        gettext("nữ %(people)s") % {"people": _people(b["women"].count)},
        gettext("dân tộc thiểu số %(people)s (%(percent)s)")
        % {
            "people": _people(b["ethnic_minority"].count),
            "percent": format_percent(b["ethnic_minority"].percent),
        },
        gettext("đoàn viên %(people)s") % {"people": _people(b["youth_union"].count)},
        gettext("nông dân %(people)s") % {"people": _people(b["farmers"].count)},
        gettext("ở nông thôn %(people)s (%(percent)s)")
        % {"people": _people(b["rural"].count), "percent": format_percent(b["rural"].percent)},
        gettext("từ 18 đến 30 tuổi %(people)s (%(percent)s)")
        % {
            "people": _people(b["age_18_30"].count),
            "percent": format_percent(b["age_18_30"].percent),
        },
    ]
    if b["religious"].count:
        details.append(
            gettext("có tôn giáo %(people)s") % {"people": _people(b["religious"].count)}
        )
    university = b["university"]
    uni = gettext("trình độ đại học trở lên %(people)s") % {"people": _people(university.count)}
    if university.ratio is not None:
        uni += gettext(", bằng %(ratio)s so với cùng kỳ (%(ratio2)s)") % {
            "ratio": format_percent(university.ratio),
            "ratio2": format_change(university.ratio),
        }
    details.append(uni)
    sentences.append(gettext("Trong số đảng viên mới kết nạp, ") + ", ".join(details) + ".")
    meeting = report.children_meeting_target
    with_target = report.children_with_target
    if with_target:
        text = gettext(
            "Có %(format_number)s/%(with_target)s tổ chức trực thuộc được giao chỉ tiêu đạt hoặc "
            "vượt chỉ tiêu"
        ) % {
            "format_number": format_number(len(meeting)),
            "with_target": format_number(with_target),
        }
        if meeting:
            names = ", ".join(row.organisation.name for row in meeting[:8] if row.organisation)
            text += f": {names}" + ("…" if len(meeting) > 8 else "")
        sentences.append(text + ".")
    if report.forecast is not None:
        sentences.append(report.forecast.explanation)
    return " ".join(sentences)


def forecast_footnote(report: AdmissionReport) -> str:
    """The forecast's method, printed as a footnote under the summary (empty without one)."""
    return report.forecast.method if report.forecast is not None else ""
