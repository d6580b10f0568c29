"""The written summary, in the style of the committees' own reports (see the seed articles):

"Đến hết tháng 11/2016, toàn Đảng bộ huyện đã kết nạp 265 đảng viên, đạt 176,7% kế hoạch
(vượt 76,7%), tăng 62,6% so với cùng kỳ năm 2015. Trong số đảng viên mới kết nạp, nữ 77 người,
dân tộc thiểu số 211 người (79,6%), đoàn viên 188 người, nông dân 146 người, …"
"""

from __future__ import annotations

from decimal import Decimal

from dangvien.core.formatting import format_change, format_number, format_percent
from dangvien.organisations.choices import OrganisationKind
from dangvien.reports.selectors import AdmissionReport

WHOLE_OF: dict[str, str] = {
    OrganisationKind.CENTRAL: "toàn Đảng",
    OrganisationKind.PROVINCE: "toàn Đảng bộ tỉnh",
    OrganisationKind.DISTRICT: "toàn Đảng bộ huyện",
    OrganisationKind.BLOC: "toàn Đảng bộ khối",
    OrganisationKind.COMMUNE: "toàn Đảng bộ xã",
    OrganisationKind.GRASSROOTS_COMMITTEE: "toàn Đảng bộ",
    OrganisationKind.SUB_COMMITTEE: "Đảng bộ bộ phận",
    OrganisationKind.GRASSROOTS_CELL: "Chi bộ",
    OrganisationKind.CELL: "Chi bộ",
}


def _people(count: int) -> str:
    return f"{format_number(count)} người"


def _plan_clause(report: AdmissionReport) -> str:
    percent = report.percent_of_target
    if percent is None:
        return "chưa được giao chỉ tiêu kết nạp"
    clause = f"đạt {format_percent(percent)} kế hoạch"
    if percent > 100:
        clause += f" (vượt {format_percent(percent - Decimal(100))})"
    return clause


def _same_period_clause(report: AdmissionReport) -> str:
    year = report.previous_period.end.year
    ratio = report.percent_vs_same_period
    if ratio is None:
        return f"cùng kỳ năm {year} chưa kết nạp đảng viên nào"
    change = format_change(ratio)
    if change == "bằng cùng kỳ":
        return f"bằng cùng kỳ năm {year}"
    return f"{change} so với cùng kỳ năm {year}"


def build_summary(report: AdmissionReport) -> str:
    """One paragraph of Vietnamese prose with the report's main figures."""
    who = WHOLE_OF.get(report.organisation.kind, report.organisation.name)
    lead = report.period.lead
    if report.admitted == 0:
        return f"{lead}, {who} chưa kết nạp được đảng viên nào ({_same_period_clause(report)})."
    b = report.breakdown
    sentences = [
        f"{lead}, {who} đã kết nạp {format_number(report.admitted)} đảng viên, "
        f"{_plan_clause(report)}, {_same_period_clause(report)}."
    ]
    details = [
        f"nữ {_people(b['women'].count)}",
        f"dân tộc thiểu số {_people(b['ethnic_minority'].count)} "
        f"({format_percent(b['ethnic_minority'].percent)})",
        f"đoàn viên {_people(b['youth_union'].count)}",
        f"nông dân {_people(b['farmers'].count)}",
        f"ở nông thôn {_people(b['rural'].count)} ({format_percent(b['rural'].percent)})",
        f"từ 18 đến 30 tuổi {_people(b['age_18_30'].count)} "
        f"({format_percent(b['age_18_30'].percent)})",
    ]
    if b["religious"].count:
        details.append(f"có tôn giáo {_people(b['religious'].count)}")
    university = b["university"]
    uni = f"trình độ đại học trở lên {_people(university.count)}"
    if university.ratio is not None:
        uni += (
            f", bằng {format_percent(university.ratio)} so với cùng kỳ"
            f" ({format_change(university.ratio)})"
        )
    details.append(uni)
    sentences.append("Trong số đảng viên mới kết nạp, " + ", ".join(details) + ".")
    meeting = report.children_meeting_target
    with_target = report.children_with_target
    if with_target:
        text = (
            f"Có {format_number(len(meeting))}/{format_number(with_target)} tổ chức trực thuộc "
            "được giao chỉ tiêu đạt hoặc vượt chỉ tiêu"
        )
        if meeting:
            names = ", ".join(row.organisation.name for row in meeting[:8] if row.organisation)
            text += f": {names}" + ("…" if len(meeting) > 8 else "")
        sentences.append(text + ".")
    if report.forecast is not None:
        sentences.append(report.forecast.explanation)
    return " ".join(sentences)
