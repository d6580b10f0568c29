"""The report as a meeting document: what a Ban Tổ chức hands to the standing committee.

Built with python-docx in code (no binary template to drift), in the administrative style of
the Party's documents (Hướng dẫn 36-HD/VPTW): A4, Times New Roman 14 (13 in tables), margins
left 30 mm, right 15 mm, top and bottom 20 mm; the party header (the superior committee, the
issuing committee, "*", "Số …-BC/…" on the left; "ĐẢNG CỘNG SẢN VIỆT NAM" underlined and the
place and date in italics on the right); the title; sections I. results (against the target,
breakdown, organisations that met their target and those behind pace, the pipeline and
classes, membership movements), II. limitations (generated from the figures, with lines to
complete by hand), III. tasks ahead; "Nơi nhận:" and the signature block. An annex lists every
subordinate organisation.

The prose has no formula and phrases zeros naturally ("chưa kết nạp đảng viên nào"). The
forecast is one sentence; its method is the note under section I.

``docx_to_pdf`` renders it with LibreOffice headless (a temporary directory and profile, a
time limit), so the PDF is the same document.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext

from dangvien.core.errors import DomainError
from dangvien.core.formatting import (
    format_change,
    format_date,
    format_number,
    format_percent,
    percent_value,
)
from dangvien.organisations.choices import OrganisationKind
from dangvien.reports.selectors import AdmissionReport, ChildRow, scope_label
from dangvien.reports.summary import WHOLE_OF, _plan_clause, _same_period_clause

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject
    from docx.table import _Cell

    from dangvien.organisations.models import Organisation

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 13
SIGNERS = ("committee", "preparer")

# The abbreviation of the issuing committee in "Số …-BC/…".
ABBREVIATION: dict[str, str] = {
    OrganisationKind.CENTRAL: "TW",
    OrganisationKind.PROVINCE: "TU",
    OrganisationKind.DISTRICT: "HU",
    OrganisationKind.BLOC: "ĐUK",
    OrganisationKind.COMMUNE: "ĐU",
    OrganisationKind.GRASSROOTS_COMMITTEE: "ĐU",
    OrganisationKind.SUB_COMMITTEE: "ĐU",
    OrganisationKind.GRASSROOTS_CELL: "CB",
    OrganisationKind.CELL: "CB",
}

# An organisation's name → the name of its committee, which issues the report
# ("Đảng bộ huyện Điện Biên Đông" → "HUYỆN ỦY ĐIỆN BIÊN ĐÔNG").
COMMITTEE_PREFIXES = (
    ("Đảng bộ tỉnh ", "Tỉnh ủy "),
    ("Đảng bộ thành phố ", "Thành ủy "),
    ("Đảng bộ huyện ", "Huyện ủy "),
    ("Đảng bộ quận ", "Quận ủy "),
    ("Đảng bộ thị xã ", "Thị ủy "),
    ("Đảng bộ ", "Đảng ủy "),
)
# A committee's name → the party organisation it leads ("Tỉnh ủy X" → "Đảng bộ tỉnh X").
ORGANISATION_PREFIXES = tuple((committee, body) for body, committee in COMMITTEE_PREFIXES)

DOTS = "." * 118


def committee_name(organisation: Organisation) -> str:
    name = organisation.name
    for body, committee in COMMITTEE_PREFIXES:
        if name.startswith(body):
            return committee + name[len(body) :]
    return name


def party_body_name(organisation: Organisation) -> str:
    name = organisation.name
    for committee, body in ORGANISATION_PREFIXES:
        if name.startswith(committee):
            return body + name[len(committee) :]
    if name.startswith(("Đảng bộ", "Chi bộ")):
        return name
    return gettext("Đảng bộ %(name)s") % {"name": name}


def _upper(text: str) -> str:
    return text.upper()


# --- figures the document needs beyond the report --------------------------------------------


@dataclass
class ChildStanding:
    row: ChildRow
    expected: Decimal  # the target × the share of the period gone

    @property
    def name(self) -> str:
        return self.row.organisation.name if self.row.organisation else ""

    @property
    def percent(self) -> Decimal:
        return percent_value(self.row.admitted, self.row.target or 0) or Decimal(0)


def _standings(report: AdmissionReport) -> tuple[list[ChildStanding], list[ChildStanding], int]:
    """The children that met their target (best first), those behind pace (furthest behind
    first), and the number of children without a target."""
    share = Decimal(report.pacing.days_gone) / Decimal(report.pacing.days_total)
    met, behind, without = [], [], 0
    for row in report.children:
        if row.organisation is None:
            continue
        if not row.target:
            without += 1
            continue
        standing = ChildStanding(row=row, expected=Decimal(row.target) * share)
        if row.meets_target:
            met.append(standing)
        elif row.admitted < standing.expected:
            behind.append(standing)
    met.sort(key=lambda s: (-s.percent, s.name))
    behind.sort(key=lambda s: (s.percent, s.name))
    return met, behind, without


def _classes_opened(organisation: Organisation, report: AdmissionReport) -> dict[str, int]:
    """Classes (awareness, new member) opened in the period by the subtree: one query."""
    from django.db.models import Count, Q

    from dangvien.training.models import TrainingClass

    period = report.period
    return (
        TrainingClass.objects.filter(
            organiser__path__startswith=organisation.path,
            start_date__range=(period.start, period.end),
        )
        .exclude(status=TrainingClass.Status.CANCELLED)
        .aggregate(
            awareness=Count("pk", filter=Q(kind=TrainingClass.Kind.AWARENESS)),
            new_member=Count("pk", filter=Q(kind=TrainingClass.Kind.NEW_MEMBER)),
        )
    )


# --- prose -------------------------------------------------------------------------------------


def _who(report: AdmissionReport) -> str:
    return str(WHOLE_OF.get(report.organisation.kind, report.organisation.name))


def headline(report: AdmissionReport) -> str:
    """'Năm 2023, toàn Đảng bộ huyện kết nạp 210/200 đảng viên, đạt 105,0% kế hoạch (vượt
    5,0%), tăng 12,3% so với cùng kỳ năm 2022; nâng tổng số đảng viên lên 5.100 đồng chí
    (chính thức …, dự bị …).'"""
    membership = report.membership
    values = {
        "lead": report.period.lead,
        "who": _who(report),
        "admitted": format_number(report.admitted),
        "target": format_number(report.target),
        "plan": _plan_clause(report),
        "same": _same_period_clause(report),
        "total": format_number(membership["total"]),
        "official": format_number(membership["official"]),
        "probationary": format_number(membership["probationary"]),
        "end": format_date(report.period.end),
    }
    if report.admitted == 0:
        first = gettext("%(lead)s, %(who)s chưa kết nạp đảng viên nào (%(plan)s; %(same)s)") % (
            values
        )
        total = gettext(
            "tổng số đảng viên đến %(end)s là %(total)s đồng chí (chính thức %(official)s, dự bị "
            "%(probationary)s)"
        )
    else:
        if report.percent_of_target is not None:
            first = gettext("%(lead)s, %(who)s kết nạp %(admitted)s/%(target)s đảng viên, %(plan)s")
        else:
            first = gettext("%(lead)s, %(who)s kết nạp %(admitted)s đảng viên, %(plan)s")
        first = (first + ", %(same)s") % values
        total = gettext(
            "nâng tổng số đảng viên lên %(total)s đồng chí (chính thức %(official)s, dự bị "
            "%(probationary)s)"
        )
    return f"{first}; {total % values}."


def breakdown_sentence(report: AdmissionReport) -> str:
    """The composition of the admitted, only the groups that are there."""
    if report.admitted == 0:
        return ""
    parts = []
    for item in report.breakdown_group("main"):
        if item.count:
            label = item.label[0].lower() + item.label[1:]
            parts.append(
                gettext("%(label)s %(count)s người (%(percent)s)")
                % {
                    "label": label,
                    "count": format_number(item.count),
                    "percent": format_percent(item.percent),
                }
            )
    text = gettext("Trong số đảng viên mới kết nạp")
    if parts:
        text += ", " + ", ".join(parts)
    if report.average_age is not None:
        text += gettext("; tuổi bình quân %(age)s") % {"age": format_number(report.average_age, 1)}
    return text + "."


def _standing_item(standing: ChildStanding) -> str:
    return gettext("%(name)s (%(admitted)s/%(target)s, đạt %(percent)s)") % {
        "name": standing.name,
        "admitted": format_number(standing.row.admitted),
        "target": format_number(standing.row.target),
        "percent": format_percent(standing.percent),
    }


def children_sentences(report: AdmissionReport) -> list[str]:
    met, behind, without = _standings(report)
    with_target = report.children_with_target
    if not report.children or all(row.organisation is None for row in report.children):
        return []
    if not with_target:
        if report.target_scope == "year" and not report.period.from_new_year:
            return [
                gettext(
                    "Chỉ tiêu của các tổ chức trực thuộc được giao cho cả năm, không so được "
                    "với kết quả của riêng kỳ này."
                )
            ]
        return [gettext("Chưa giao chỉ tiêu kết nạp cho tổ chức trực thuộc nào.")]
    sentences = []
    if met:
        sentences.append(
            gettext(
                "Có %(met)s/%(of)s tổ chức trực thuộc được giao chỉ tiêu hoàn thành và hoàn "
                "thành vượt mức chỉ tiêu: %(names)s."
            )
            % {
                "met": format_number(len(met)),
                "of": format_number(with_target),
                "names": "; ".join(_standing_item(s) for s in met),
            }
        )
    else:
        sentences.append(
            gettext("Chưa có tổ chức trực thuộc nào hoàn thành chỉ tiêu được giao (%(of)s tổ chức")
            % {"of": format_number(with_target)}
            + gettext(" được giao chỉ tiêu).")
        )
    if behind:
        sentences.append(
            gettext("Có %(count)s tổ chức chậm so với tiến độ (xếp từ thấp đến cao): %(names)s.")
            % {
                "count": format_number(len(behind)),
                "names": "; ".join(_standing_item(s) for s in behind),
            }
        )
    if without:
        sentences.append(
            gettext("%(count)s tổ chức trực thuộc chưa được giao chỉ tiêu.")
            % {"count": format_number(without)}
        )
    return sentences


def pipeline_sentences(report: AdmissionReport, classes: dict[str, int]) -> list[str]:
    p = report.pipeline
    sentences = []
    listed = (
        gettext("lập danh sách %(n)s quần chúng ưu tú") % {"n": format_number(p["listed"])}
        if p["listed"]
        else gettext("chưa lập thêm danh sách quần chúng ưu tú")
    )
    if classes["awareness"]:
        awareness = gettext(
            "mở %(classes)s lớp bồi dưỡng nhận thức về Đảng với %(people)s học viên"
        ) % {
            "classes": format_number(classes["awareness"]),
            "people": format_number(p["awareness_attendees"]),
        }
    elif p["awareness_attendees"]:
        awareness = gettext("%(people)s quần chúng học lớp bồi dưỡng nhận thức về Đảng") % {
            "people": format_number(p["awareness_attendees"])
        }
    else:
        awareness = gettext("chưa mở lớp bồi dưỡng nhận thức về Đảng nào")
    sympathisers = (
        gettext("%(n)s quần chúng được cấp giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng")
        % {"n": format_number(p["sympathisers"])}
        if p["sympathisers"]
        else gettext("chưa có quần chúng nào được cấp giấy chứng nhận")
    )
    sentences.append(
        gettext("Trong kỳ, các tổ chức đảng %(listed)s; %(awareness)s; %(sympathisers)s.")
        % {"listed": listed, "awareness": awareness, "sympathisers": sympathisers}
    )
    if classes["new_member"] or p["new_member_attendees"]:
        sentences.append(
            gettext(
                "Mở %(classes)s lớp bồi dưỡng đảng viên mới; %(people)s đảng viên dự bị học lớp "
                "trong kỳ."
            )
            % {
                "classes": format_number(classes["new_member"]),
                "people": format_number(p["new_member_attendees"]),
            }
        )
    stages = [s for s in p["stages"] if s["open"]]
    if stages:
        sentences.append(
            gettext("Hiện có %(n)s hồ sơ đề nghị kết nạp đang xét: %(stages)s.")
            % {
                "n": format_number(p["open_dossiers"]),
                "stages": "; ".join(
                    gettext("bước «%(label)s» %(n)s")
                    % {"label": s["label"], "n": format_number(s["open"])}
                    for s in stages
                ),
            }
        )
    else:
        sentences.append(gettext("Hiện không có hồ sơ đề nghị kết nạp nào đang xét."))
    return sentences


def movement_sentences(report: AdmissionReport, removals: dict[str, int]) -> list[str]:
    from dangvien.members.choices import MemberStatus

    m = report.membership
    sentences = []
    if m["recognised_official"]:
        sentences.append(
            gettext("Công nhận đảng viên chính thức cho %(n)s đồng chí.")
            % {"n": format_number(m["recognised_official"])}
        )
    else:
        sentences.append(gettext("Trong kỳ chưa có đảng viên dự bị nào được công nhận chính thức."))
    gone = [(MemberStatus(form).label, n) for form, n in removals.items() if n]
    if gone:
        sentences.append(
            gettext("Giảm %(n)s đảng viên: %(forms)s.")
            % {
                "n": format_number(sum(n for _label, n in gone)),
                "forms": ", ".join(f"{str(label).lower()} {format_number(n)}" for label, n in gone),
            }
        )
    else:
        sentences.append(
            gettext("Không có đảng viên nào ra khỏi Đảng (xóa tên, khai trừ, xin ra).")
        )
    sentences.append(
        gettext(
            "Đến %(end)s, tổng số đảng viên là %(total)s đồng chí, trong đó chính thức "
            "%(official)s, dự bị %(probationary)s, nữ %(women)s."
        )
        % {
            "end": format_date(report.period.end),
            "total": format_number(m["total"]),
            "official": format_number(m["official"]),
            "probationary": format_number(m["probationary"]),
            "women": format_number(m["women"]),
        }
    )
    return sentences


def limitations(report: AdmissionReport) -> list[str]:
    """What the figures show is short: behind pace, fewer than last year, organisations behind
    or without a target, coverage below its target, villages without members, expired
    dossiers."""
    items = []
    pacing = report.pacing
    if pacing.status == "behind":
        items.append(
            gettext(
                "Kết quả kết nạp chậm so với tiến độ: mới đạt %(percent)s chỉ tiêu %(scope)s "
                "khi đã qua %(share)s thời gian."
            )
            % {
                "percent": format_percent(pacing.percent_of_target),
                "scope": scope_label(pacing.scope, pacing.year),
                "share": format_percent(pacing.share),
            }
        )
    ratio = report.percent_vs_same_period
    if ratio is not None and ratio < 100:
        items.append(
            gettext("Số đảng viên kết nạp %(change)s so với cùng kỳ năm %(year)s.")
            % {
                "change": format_change(ratio),
                "year": report.previous_period.end.year,
            }
        )
    _met, behind, without = _standings(report)
    if behind:
        items.append(
            gettext("%(n)s tổ chức trực thuộc chậm tiến độ, thấp nhất là %(worst)s.")
            % {"n": format_number(len(behind)), "worst": _standing_item(behind[0])}
        )
    if without and report.children_with_target:
        items.append(
            gettext("%(n)s tổ chức trực thuộc chưa được giao chỉ tiêu kết nạp.")
            % {"n": format_number(without)}
        )
    for row in report.coverage["rows"]:
        goal = row["target_percent"]
        if goal is not None and (row["percent"] is None or row["percent"] < goal):
            items.append(
                gettext("Tỷ lệ %(label)s là đảng viên mới đạt %(percent)s (mục tiêu %(goal)s%%).")
                % {
                    "label": str(row["label"]).lower(),
                    "percent": format_percent(row["percent"]),
                    "goal": goal,
                }
            )
    if report.coverage["villages_without_members"]:
        items.append(
            gettext("Còn %(n)s chi bộ thôn, bản, tổ dân phố chưa có đảng viên.")
            % {"n": format_number(report.coverage["villages_without_members"])}
        )
    if report.forecast is not None and report.forecast.excluded:
        items.append(
            gettext(
                "%(n)s hồ sơ đề nghị kết nạp đang xét có giấy chứng nhận lớp bồi dưỡng nhận thức "
                "về Đảng đã hết hạn."
            )
            % {"n": format_number(report.forecast.excluded)}
        )
    return items


def tasks(report: AdmissionReport) -> list[str]:
    items = []
    pacing = report.pacing
    if pacing.target and pacing.admitted < pacing.target and report.period.to_date:
        items.append(
            gettext(
                "Phấn đấu kết nạp thêm ít nhất %(n)s đảng viên để hoàn thành chỉ tiêu %(scope)s "
                "(%(target)s đảng viên)."
            )
            % {
                "n": format_number(pacing.target - pacing.admitted),
                "scope": scope_label(pacing.scope, pacing.year),
                "target": format_number(pacing.target),
            }
        )
    _met, behind, _without = _standings(report)
    if behind:
        items.append(
            gettext("Tập trung chỉ đạo, kiểm tra các tổ chức chậm tiến độ: %(names)s.")
            % {"names": ", ".join(s.name for s in behind[:10]) + ("…" if len(behind) > 10 else "")}
        )
    open_dossiers = report.pipeline["open_dossiers"]
    if open_dossiers:
        items.append(
            gettext(
                "Đôn đốc hoàn thiện %(n)s hồ sơ đề nghị kết nạp đang xét, bảo đảm đúng thời hạn "
                "theo quy định."
            )
            % {"n": format_number(open_dossiers)}
        )
    probationary = report.membership["probationary"]
    if probationary:
        items.append(
            gettext(
                "Theo dõi, giúp đỡ %(n)s đảng viên dự bị; xét công nhận chính thức đúng thời hạn."
            )
            % {"n": format_number(probationary)}
        )
    items.append(
        gettext(
            "Tiếp tục rà soát, tạo nguồn, mở lớp bồi dưỡng nhận thức về Đảng cho quần chúng ưu tú."
        )
    )
    return items


# --- the Word document ---------------------------------------------------------------------


def _set_font(run: Any, size: float | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = FONT
    properties = run._element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = properties.makeelement(qn("w:rFonts"), {})
        properties.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    if size is not None:
        run.font.size = Pt(size)


def _paragraph(
    container: Any,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: float = BODY_PT,
    align: str = "justify",
    indent: bool = False,
    after: float = 4,
    first: bool = False,
) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    paragraph = container.paragraphs[0] if first else container.add_paragraph()
    paragraph.alignment = {
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(after)
    fmt.line_spacing = 1.15 if size >= BODY_PT else 1.0
    if indent:
        fmt.first_line_indent = Cm(1.0)
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        _set_font(run, size)
    return paragraph


def _no_borders(table: Any) -> None:
    from docx.oxml.ns import qn

    properties = table._tbl.tblPr
    borders = properties.makeelement(qn("w:tblBorders"), {})
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(borders.makeelement(qn(f"w:{edge}"), {qn("w:val"): "nil"}))
    properties.append(borders)


def _cell_text(
    cell: _Cell,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    align: str = "left",
    size: float = TABLE_PT,
) -> None:
    _paragraph(cell, text, bold=bold, italic=italic, align=align, size=size, after=0, first=True)


def _repeat_header(row: Any) -> None:
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    properties.append(properties.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))


def _grid_table(
    document: DocumentObject,
    headings: list[str],
    rows: list[list[str]],
    widths: list[float],
    *,
    bold_rows: frozenset[int] = frozenset(),
    aligns: str = "",
) -> None:
    """A bordered table, its heading row repeated on every page; ``aligns`` one letter a
    column (l, c, r; default: the first column left, the others right)."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm

    aligns = aligns or "l" + "r" * (len(headings) - 1)
    names = {"l": "left", "c": "center", "r": "right"}
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)  # the grid LibreOffice lays out from
    for cell, heading, width in zip(table.rows[0].cells, headings, widths, strict=True):
        cell.width = Cm(width)
        _cell_text(cell, heading, bold=True, align="center")
    _repeat_header(table.rows[0])
    for index, values in enumerate(rows):
        row = table.add_row()
        _keep_row_together(row)
        for col, (cell, value, width) in enumerate(zip(row.cells, values, widths, strict=True)):
            cell.width = Cm(width)
            _cell_text(cell, value, bold=index in bold_rows, align=names[aligns[col]])
    _paragraph(document, "", after=2)


def _keep_row_together(row: Any) -> None:
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    properties.append(properties.makeelement(qn("w:cantSplit"), {qn("w:val"): "true"}))


def _page_number_header(section: Any) -> None:
    """The page number centred at the top from the second page (the first has none)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    _set_font(run, TABLE_PT)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = run._element.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
        else:
            element = run._element.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
            element.text = text
        run._element.append(element)


def _stamp(user: Any, when: dt.datetime) -> str:
    from dangvien.core.formatting import format_datetime

    who = user if user is not None else gettext("hệ thống")
    return gettext("Người lập: %(who)s · Thời điểm xuất: %(when)s") % {
        "who": who,
        "when": format_datetime(when),
    }


def build_meeting_docx(
    report: AdmissionReport, *, user: Any, when: dt.datetime, signer: str = "committee"
) -> bytes:
    """The report as a Word document for the standing committee (see the module's docstring)."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm, Pt

    from dangvien.organisations.models import Organisation
    from dangvien.reports.exporters import SIGNING_COMMITTEE, _grading_rows, _quality_rows
    from dangvien.reports.selectors import get_member_quality_figures

    if signer not in SIGNERS:
        raise DomainError(
            gettext("Người ký «%(signer)s» không hợp lệ.") % {"signer": signer},
            rule="report_signer",
            found=signer,
            required=", ".join(SIGNERS),
            field="signer",
        )
    organisation = report.organisation
    parents = list(Organisation.objects.ancestors_of(organisation))
    parent = parents[-1] if parents else None
    classes = _classes_opened(organisation, report)
    removals = get_member_quality_figures(
        organisation=organisation, period=report.period, structure=report.structure_root
    ).screening.removals
    local = timezone.localtime(when)

    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3.0), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.header_distance = section.footer_distance = Cm(1.0)
    _page_number_header(section)

    # the party header
    head = document.add_table(rows=1, cols=2)
    _no_borders(head)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    head.autofit = False
    head.columns[0].width, head.columns[1].width = Cm(7.3), Cm(9.2)
    left, right = head.rows[0].cells
    left.width, right.width = Cm(7.3), Cm(9.2)
    _paragraph(
        left,
        _upper(party_body_name(parent)) if parent else "",
        align="center",
        size=BODY_PT,
        after=0,
        first=True,
    )
    _paragraph(left, _upper(committee_name(organisation)), bold=True, align="center", after=0)
    _paragraph(left, "*", align="center", after=0)
    _paragraph(
        left,
        gettext("Số       -BC/%(abbr)s") % {"abbr": ABBREVIATION.get(organisation.kind, "")},
        align="center",
        after=0,
    )
    _paragraph(
        right,
        gettext("ĐẢNG CỘNG SẢN VIỆT NAM"),
        bold=True,
        underline=True,
        size=15,
        align="center",
        after=6,
        first=True,
    )
    _paragraph(
        right,
        gettext("…………, ngày %(day)s tháng %(month)s năm %(year)s")
        % {"day": f"{local.day:02d}", "month": f"{local.month:02d}", "year": local.year},
        italic=True,
        align="center",
        after=0,
    )

    # the title
    _paragraph(document, "", after=6)
    _paragraph(document, gettext("BÁO CÁO"), bold=True, size=16, align="center", after=0)
    _paragraph(
        document,
        gettext("Kết quả công tác phát triển đảng viên %(period)s")
        % {"period": report.period.label[0].lower() + report.period.label[1:]},
        bold=True,
        align="center",
        after=0,
    )
    _paragraph(document, "-----", align="center", after=8)
    _paragraph(
        document,
        gettext(
            "Thực hiện chỉ tiêu phát triển đảng viên năm %(year)s, %(committee)s báo cáo kết quả "
            "công tác phát triển đảng viên %(period)s như sau:"
        )
        % {
            "year": report.period.year,
            "committee": committee_name(organisation),
            "period": report.period.label[0].lower() + report.period.label[1:],
        },
        indent=True,
    )

    def heading(text: str) -> None:
        _paragraph(document, text, bold=True, after=4)

    def sub(text: str) -> None:
        _paragraph(document, text, bold=True, italic=True, indent=True, after=2)

    def prose(text: str) -> None:
        if text:
            _paragraph(document, text, indent=True)

    heading(gettext("I. KẾT QUẢ THỰC HIỆN"))
    sub(gettext("1. Kết quả kết nạp đảng viên so với chỉ tiêu"))
    prose(headline(report))
    if report.lineage is not None:  # formed by a merge or a split: what "cùng kỳ" sums
        prose(gettext("Cùng kỳ: %(line)s.") % {"line": report.lineage.text})
    if report.target_scope != "year" and report.year_target is not None:
        prose(
            gettext("Chỉ tiêu cả năm %(year)s là %(target)s đảng viên; %(pacing)s")
            % {
                "year": report.period.year,
                "target": format_number(report.year_target),
                "pacing": gettext("từ đầu năm đã kết nạp %(n)s đảng viên.")
                % {"n": format_number(report.pacing.admitted_year_to_date)},
            }
        )
    prose(report.pacing.text)
    if report.forecast is not None:
        paragraph = _paragraph(document, report.forecast.explanation, indent=True)
        mark = paragraph.add_run("(1)")
        _set_font(mark, BODY_PT)
        mark.font.superscript = True

    sub(gettext("2. Cơ cấu đảng viên mới kết nạp"))
    prose(breakdown_sentence(report) or gettext("Trong kỳ chưa kết nạp đảng viên nào."))
    table_rows = [
        [
            gettext("Tổng số kết nạp"),
            format_number(report.admitted),
            "",
            format_number(report.previous),
            format_percent(report.percent_vs_same_period),
        ]
    ]
    for item in report.breakdown_group("main"):
        table_rows.append(
            [
                item.label,
                format_number(item.count),
                format_percent(item.percent),
                format_number(item.previous),
                format_percent(item.ratio),
            ]
        )
    _grid_table(
        document,
        [
            gettext("Tiêu chí"),
            gettext("Kỳ này"),
            gettext("Tỷ lệ"),
            gettext("Cùng kỳ"),
            gettext("So sánh"),
        ],
        table_rows,
        [6.4, 2.2, 2.4, 2.4, 3.0],
        bold_rows=frozenset({0}),
    )

    sub(gettext("3. Kết quả theo tổ chức trực thuộc"))
    for sentence in children_sentences(report) or [
        gettext("Không có tổ chức trực thuộc được giao chỉ tiêu.")
    ]:
        prose(sentence)

    sub(gettext("4. Tạo nguồn, bồi dưỡng và hồ sơ đề nghị kết nạp"))
    for sentence in pipeline_sentences(report, classes):
        prose(sentence)

    sub(gettext("5. Biến động đảng viên"))
    for sentence in movement_sentences(report, removals):
        prose(sentence)
    quality = _quality_rows(report) + _grading_rows(
        organisation, report.period.end.year, report.structure_root
    )
    if quality:
        _grid_table(
            document,
            [gettext("Nội dung"), gettext("Kỳ này"), gettext("Cùng kỳ"), gettext("So sánh")],
            [
                [str(label), format_number(count), format_number(previous), format_percent(ratio)]
                for label, count, previous, ratio in quality
            ],
            [8.8, 2.4, 2.4, 2.8],
        )
    if report.forecast is not None:
        _paragraph(
            document,
            "(1) " + report.forecast.method,
            italic=True,
            size=12,
            indent=True,
        )

    heading(gettext("II. HẠN CHẾ, NGUYÊN NHÂN"))
    found = limitations(report)
    for limitation in found:
        prose("- " + limitation)
    if not found:
        prose(gettext("- Số liệu không cho thấy hạn chế về số lượng kết nạp trong kỳ."))
    prose(gettext("- Hạn chế khác, nguyên nhân (bổ sung):"))
    for _line in range(3):
        _paragraph(document, DOTS, align="left", after=2)

    heading(gettext("III. NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI"))
    for index, task in enumerate(tasks(report), start=1):
        prose(f"{index}. {task}")
    for _line in range(2):
        _paragraph(document, DOTS, align="left", after=2)
    _paragraph(
        document,
        gettext("Trên đây là báo cáo kết quả công tác phát triển đảng viên %(period)s.")
        % {"period": report.period.label[0].lower() + report.period.label[1:]},
        indent=True,
        after=10,
    )

    # recipients and signature
    foot = document.add_table(rows=1, cols=2)
    _no_borders(foot)
    foot.autofit = False
    foot.columns[0].width, foot.columns[1].width = Cm(8.0), Cm(8.5)
    _keep_row_together(foot.rows[0])
    left, right = foot.rows[0].cells
    left.width, right.width = Cm(8.0), Cm(8.5)
    _paragraph(
        left,
        gettext("Nơi nhận:"),
        bold=True,
        italic=True,
        underline=True,
        size=12,
        align="left",
        after=0,
        first=True,
    )
    recipients = []
    if parent is not None:
        recipients.append(
            gettext("- Ban Tổ chức %(parent)s (để báo cáo),") % {"parent": committee_name(parent)}
        )
    recipients += [
        gettext("- Thường trực %(committee)s,") % {"committee": committee_name(organisation)},
        gettext("- Các tổ chức đảng trực thuộc,"),
        gettext("- Lưu Văn phòng, Ban Tổ chức."),
    ]
    for line in recipients:
        _paragraph(left, line, size=12, align="left", after=0)
    if signer == "committee":
        committee = str(SIGNING_COMMITTEE.get(organisation.kind, gettext("CẤP ỦY")))
        _paragraph(
            right,
            gettext("T/M %(committee)s") % {"committee": committee},
            bold=True,
            align="center",
            after=0,
            first=True,
        )
        _paragraph(right, gettext("BÍ THƯ"), bold=True, align="center", after=0)
        signature_name = ""
    else:
        _paragraph(right, gettext("NGƯỜI LẬP"), bold=True, align="center", after=0, first=True)
        signature_name = str(user) if user is not None else ""
    for _line in range(4):
        _paragraph(right, "", align="center", after=0)
    _paragraph(right, signature_name, bold=True, align="center", after=0)

    # annex: every subordinate organisation
    children = [row for row in report.children if row.organisation is not None]
    if children:
        annex = _paragraph(document, gettext("PHỤ LỤC"), bold=True, align="center", after=0)
        annex.paragraph_format.page_break_before = True
        _paragraph(
            document,
            gettext("Kết quả kết nạp đảng viên của các tổ chức trực thuộc, %(period)s")
            % {"period": report.period.label[0].lower() + report.period.label[1:]},
            bold=True,
            align="center",
            after=2,
        )
        _paragraph(
            document,
            gettext("(Kèm theo Báo cáo số       -BC/%(abbr)s)")
            % {"abbr": ABBREVIATION.get(organisation.kind, "")},
            italic=True,
            align="center",
            after=6,
        )
        ranked = sorted(
            children,
            key=lambda r: (
                -(r.percent_of_target if r.percent_of_target is not None else Decimal(-1)),
                -r.admitted,
                r.organisation.name if r.organisation else "",
            ),
        )
        _grid_table(
            document,
            [
                gettext("TT"),
                gettext("Tổ chức"),
                gettext("Chỉ tiêu"),
                gettext("Kết nạp"),
                gettext("Đạt (%)"),
                gettext("Cùng kỳ"),
            ],
            [
                [
                    str(index),
                    row.organisation.name if row.organisation else "",
                    format_number(row.target),
                    format_number(row.admitted),
                    format_percent(row.percent_of_target),
                    format_number(row.previous),
                ]
                for index, row in enumerate(ranked, start=1)
            ],
            [1.1, 6.9, 2.0, 2.0, 2.4, 2.0],
            aligns="clrrrr",
        )
    _paragraph(document, _stamp(user, when), italic=True, size=10, align="left", after=0)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- PDF ----------------------------------------------------------------------------------------

PDF_TIMEOUT_SECONDS = 120


def docx_to_pdf(content: bytes, *, timeout: int = PDF_TIMEOUT_SECONDS) -> bytes:
    """Render a Word document to PDF with LibreOffice headless, in a temporary directory with
    its own profile (so parallel conversions do not share a lock), within ``timeout``."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        raise DomainError(
            gettext(
                "Không tạo được tệp PDF: máy chủ chưa cài LibreOffice (lệnh soffice). Hãy tải "
                "bản Word, hoặc đề nghị quản trị cài gói libreoffice-writer."
            ),
            rule="pdf_renderer",
            found="soffice",
            required="LibreOffice",
        )
    with tempfile.TemporaryDirectory(prefix="dangvien-pdf-") as folder:
        work = Path(folder)
        source = work / "bao-cao.docx"
        source.write_bytes(content)
        command = [
            binary,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(source),
        ]
        try:
            subprocess.run(  # noqa: S603 - a fixed command, the file is ours
                command, check=True, capture_output=True, timeout=timeout
            )
        except subprocess.TimeoutExpired as exc:
            raise DomainError(
                gettext("Không tạo được tệp PDF: LibreOffice chạy quá %(seconds)s giây.")
                % {"seconds": timeout},
                rule="pdf_renderer",
                found=f"> {timeout} s",
                required=f"≤ {timeout} s",
            ) from exc
        except subprocess.CalledProcessError as exc:
            raise DomainError(
                gettext("Không tạo được tệp PDF: LibreOffice báo lỗi (mã %(code)s).")
                % {"code": exc.returncode},
                rule="pdf_renderer",
                found=exc.returncode,
                required=0,
            ) from exc
        target = work / "bao-cao.pdf"
        if not target.exists():
            raise DomainError(
                gettext("Không tạo được tệp PDF: LibreOffice không trả về tệp."),
                rule="pdf_renderer",
            )
        return target.read_bytes()
