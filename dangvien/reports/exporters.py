"""Report files: xlsx (one sheet per table plus Biểu 1, 2 and 3-BTCTW) and docx (the summary).

Every file carries who produced it and when. Callers audit the export (see services).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from dangvien.core.formatting import format_datetime, format_number, format_percent
from dangvien.core.xlsx import CellWriter
from dangvien.organisations.choices import OrganisationKind
from dangvien.reports.selectors import AdmissionReport
from dangvien.reports.statistics_forms import COUNT_FORMAT
from dangvien.reports.summary import build_summary


def _title(report: AdmissionReport) -> str:
    return f"{report.organisation.name} — {report.period.label}"


def _stamp(user: Any, when: dt.datetime) -> str:
    who = user if user is not None else gettext("hệ thống")
    return gettext("Người lập: %(who)s · Thời điểm xuất: %(when)s") % {
        "who": who,
        "when": format_datetime(when),
    }


def build_xlsx(report: AdmissionReport, *, user: Any, when: dt.datetime) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    # Every cell through the one writer: organisation names and labels stay text.
    cells = CellWriter(book)
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 13})
    head = book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1, "text_wrap": True})
    # counts with a literal thousands dot, percentages as Vietnamese text: the file shows
    # "5.100" and "176,7%" whatever the reader's locale (see reports.statistics_forms)
    num = book.add_format({"num_format": COUNT_FORMAT, "border": 1})
    pct = book.add_format({"border": 1, "align": "right"})
    cell = book.add_format({"border": 1, "text_wrap": True})
    small = book.add_format({"italic": True, "font_color": "#666666"})

    def header(sheet: Any, heading: str, columns: list[tuple[str, int]]) -> int:
        cells.write(sheet, 0, 0, heading, title)
        cells.write(sheet, 1, 0, _title(report), bold)
        cells.write(sheet, 2, 0, _stamp(user, when), small)
        for col, (text, width) in enumerate(columns):
            cells.write(sheet, 4, col, text, head)
            sheet.set_column(col, col, width)
        return 5

    def write_value(sheet: Any, row: int, col: int, value: Any, fmt: Any) -> None:
        if value is None or value == "—":
            cells.write(sheet, row, col, "—", cell)
        elif fmt is pct:
            cells.write(sheet, row, col, format_percent(Decimal(str(value))), pct)
        elif isinstance(value, int):
            sheet.write_number(row, col, value, fmt)
        else:  # a decimal count (the expected admissions by pace): one place, Vietnamese
            cells.write(sheet, row, col, format_number(Decimal(str(value)), 1), pct)

    # 1. Summary figures
    sheet = book.add_worksheet(gettext("Tổng hợp"))
    row = header(
        sheet,
        gettext("KẾT QUẢ KẾT NẠP ĐẢNG VIÊN"),
        [(gettext("Chỉ tiêu thống kê"), 48), (gettext("Giá trị"), 16)],
    )
    lines: list[tuple[str, Any, Any]] = [
        (gettext("Số đảng viên kết nạp trong kỳ"), report.admitted, num),
        (gettext("Chỉ tiêu năm"), report.target, num),
        (gettext("Tỷ lệ so với chỉ tiêu (%)"), report.percent_of_target, pct),
        (gettext("Cùng kỳ năm trước"), report.previous, num),
        (gettext("So với cùng kỳ (%)"), report.percent_vs_same_period, pct),
        (gettext("Kết nạp từ đầu năm"), report.pacing.admitted_year_to_date, num),
        (gettext("Thời gian của năm đã qua (%)"), report.pacing.share_of_year, pct),
        (gettext("Đảng viên cuối kỳ"), report.membership["total"], num),
        (gettext("  trong đó dự bị"), report.membership["probationary"], num),
        (
            gettext("Công nhận đảng viên chính thức trong kỳ"),
            report.membership["recognised_official"],
            num,
        ),
    ]
    if report.forecast is not None:
        lines.append((gettext("Dự báo cả năm"), report.forecast.value, num))
    for label, value, fmt in lines:
        cells.write(sheet, row, 0, label, cell)
        write_value(sheet, row, 1, value, fmt)
        row += 1
    sheet.set_row(row + 1, 15 * 8)
    sheet.merge_range(row + 1, 0, row + 1, 1, "", cell)
    cells.write(sheet, row + 1, 0, build_summary(report), cell)

    # 2. Children
    sheet = book.add_worksheet(gettext("Tổ chức trực thuộc"))
    row = header(
        sheet,
        gettext("KẾT QUẢ KẾT NẠP THEO TỔ CHỨC TRỰC THUỘC"),
        [
            (gettext("Tổ chức"), 40),
            (gettext("Kết nạp trong kỳ"), 14),
            (gettext("Chỉ tiêu"), 12),
            (gettext("% chỉ tiêu"), 12),
            (gettext("Cùng kỳ năm trước"), 14),
            (gettext("So với cùng kỳ (%)"), 14),
        ],
    )
    for child in report.children:
        name = child.organisation.name if child.organisation else gettext("Trực thuộc trực tiếp")
        cells.write(sheet, row, 0, name, cell)
        write_value(sheet, row, 1, child.admitted, num)
        write_value(sheet, row, 2, child.target, num)
        write_value(sheet, row, 3, child.percent_of_target, pct)
        write_value(sheet, row, 4, child.previous, num)
        write_value(sheet, row, 5, child.ratio, pct)
        row += 1

    # 3. Pipeline
    sheet = book.add_worksheet(gettext("Nguồn, hồ sơ"))
    row = header(
        sheet,
        gettext("NGUỒN PHÁT TRIỂN ĐẢNG VIÊN"),
        [
            (gettext("Bước"), 40),
            (gettext("Hồ sơ đang ở bước này"), 18),
            (gettext("Đạt bước này trong kỳ"), 18),
        ],
    )
    for stage in report.pipeline["stages"]:
        cells.write(sheet, row, 0, stage["label"], cell)
        write_value(sheet, row, 1, stage["open"], num)
        write_value(sheet, row, 2, stage["reached_in_period"], num)
        row += 1
    for label, key in (
        (gettext("Học lớp nhận thức về Đảng trong kỳ"), "awareness_attendees"),
        (gettext("Được cấp giấy chứng nhận (cảm tình Đảng) trong kỳ"), "sympathisers"),
        (gettext("Đảng viên dự bị học lớp đảng viên mới trong kỳ"), "new_member_attendees"),
    ):
        cells.write(sheet, row, 0, label, cell)
        write_value(sheet, row, 1, report.pipeline[key], num)
        row += 1

    # 4-6. Biểu 1, 2 and 3-BTCTW, each printable on its own (reports.statistics_forms)
    from dangvien.reports.statistics_forms import get_statistics_forms, write_forms

    write_forms(book, cells, get_statistics_forms(report), report, stamp=_stamp(user, when))
    for sheet in book.worksheets()[:3]:
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(4)
    book.close()
    return buffer.getvalue()


SIGNING_COMMITTEE: dict[str, str | Promise] = {
    OrganisationKind.CENTRAL: gettext_lazy("BAN CHẤP HÀNH TRUNG ƯƠNG"),
    OrganisationKind.PROVINCE: gettext_lazy("BAN THƯỜNG VỤ"),
    OrganisationKind.DISTRICT: gettext_lazy("BAN THƯỜNG VỤ"),
    OrganisationKind.BLOC: gettext_lazy("BAN THƯỜNG VỤ"),
    OrganisationKind.COMMUNE: gettext_lazy("BAN THƯỜNG VỤ"),
    OrganisationKind.GRASSROOTS_COMMITTEE: gettext_lazy("ĐẢNG ỦY"),
    OrganisationKind.SUB_COMMITTEE: gettext_lazy("ĐẢNG ỦY"),
    OrganisationKind.GRASSROOTS_CELL: gettext_lazy("CHI BỘ"),
    OrganisationKind.CELL: gettext_lazy("CHI BỘ"),
}
"""Who signs a report of each kind of organisation ("T/M …")."""


def _counts(line: Any) -> tuple[int, int, Decimal | None]:
    return line.count, line.previous, line.ratio


def _grading_rows(
    organisation: Any, year: int, structure: Any = None
) -> list[tuple[str, int, int, Decimal | None]]:
    """The approved grades of the year of the period's end (members, then organisations), as
    rows of the same table (this year / last year / ratio); none when nothing is graded.
    ``structure``: the report's resolved root (its tree); None: today's tree."""
    from dangvien.reports.grading import get_grading_report

    grading = get_grading_report(organisation=organisation, year=year, structure=structure)
    if not grading.member_counts.total and not grading.organisation_counts.total:
        return []
    rows = []
    for lines, members in ((grading.members, True), (grading.organisations, False)):
        for line in lines:
            text = (
                gettext("Xếp loại đảng viên năm %(year)s: %(label)s")
                if members
                else gettext("Xếp loại tổ chức đảng năm %(year)s: %(label)s")
            )
            rows.append((text % {"year": year, "label": line.label}, *_counts(line)))
    return rows


def _quality_rows(report: AdmissionReport) -> list[tuple[str, int, int, Decimal | None]]:
    """Screening, removals by form, dues alerts and badges awarded (issue 16), this period and
    the same period last year, as rows of the same table; only the figures that are not zero."""
    from dangvien.core.formatting import format_date, percent_value
    from dangvien.members.choices import MemberStatus
    from dangvien.reports.selectors import get_member_quality_figures
    from dangvien.screening.selectors import rule_value

    # both periods on the report's tree, as its other figures and their "cùng kỳ"
    now = get_member_quality_figures(
        organisation=report.organisation, period=report.period, structure=report.structure_root
    )
    before = get_member_quality_figures(
        organisation=report.organisation,
        period=report.previous_period,
        structure=report.structure_root,
    )
    lines: list[tuple[str, int, int]] = [
        (gettext("Đưa vào diện rà soát, giúp đỡ"), now.screening.listed, before.screening.listed),
        *(
            (
                gettext("Giảm đảng viên: %(form)s") % {"form": MemberStatus(form).label},
                count,
                before.screening.removals.get(form, 0),
            )
            for form, count in now.screening.removals.items()
        ),
        (
            gettext("Đảng viên không đóng đảng phí từ %(months)s tháng trong năm")
            % {"months": rule_value("dues_unpaid_months_alert", report.period.end)},
            now.screening.dues_alerts,
            before.screening.dues_alerts,
        ),
        *(
            (
                gettext("Trao Huy hiệu %(years)s năm tuổi Đảng") % {"years": milestone},
                now.badges_awarded.get(milestone, 0),
                before.badges_awarded.get(milestone, 0),
            )
            for milestone in sorted(set(now.badges_awarded) | set(before.badges_awarded))
        ),
        *(
            (
                gettext("Đến hạn Huy hiệu %(years)s năm tuổi Đảng (đợt %(day)s)")
                % {"years": milestone, "day": format_date(now.badge_day)},
                now.badges_due.get(milestone, 0),
                before.badges_due.get(milestone, 0),
            )
            for milestone in sorted(set(now.badges_due) | set(before.badges_due))
        ),
    ]
    # a figure that is zero now and a year ago says nothing: the rows keep to what happened
    return [
        (label, count, previous, percent_value(count, previous))
        for label, count, previous in lines
        if count or previous
    ]


def lineage_note(report: AdmissionReport) -> str:
    """The lineage behind the comparison of an organisation formed by a merge or a split, in
    one line: "Cùng kỳ: so với cùng kỳ của 3 đảng bộ xã cũ: …" (empty otherwise)."""
    if report.lineage is None:
        return ""
    return gettext("Cùng kỳ: %(line)s.") % {"line": report.lineage.text}


def build_docx(
    report: AdmissionReport, *, user: Any, when: dt.datetime, signer: str = "committee"
) -> bytes:
    """The report as the Word document a committee signs (``reports.meeting``)."""
    from dangvien.reports.meeting import build_meeting_docx

    return build_meeting_docx(report, user=user, when=when, signer=signer)


def build_pdf(
    report: AdmissionReport, *, user: Any, when: dt.datetime, signer: str = "committee"
) -> bytes:
    """The same document rendered to PDF by LibreOffice (``reports.meeting.docx_to_pdf``)."""
    from dangvien.reports.meeting import docx_to_pdf

    return docx_to_pdf(build_docx(report, user=user, when=when, signer=signer))
