"""The allocation's files: the xlsx export (through ``core.exporting``), the import template
and the checked upload (through ``core.importing``), and the printable decision (docx)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangvien.core.exporting import ListExport
from dangvien.core.formatting import format_number
from dangvien.core.importing import (
    Column,
    RowError,
    cell_text,
    check_workbook,
    read_rows,
    write_template,
)
from dangvien.core.typing import AnyUser
from dangvien.organisations.models import Organisation
from dangvien.targets.selectors import AllocationSheet

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UPLOAD_ROWS = 2000


# --- Export ------------------------------------------------------------------------------------


class AllocationTable(tables.Table):
    code = tables.Column(accessor="organisation.code", verbose_name=gettext_lazy("Mã tổ chức"))
    name = tables.Column(accessor="organisation.name", verbose_name=gettext_lazy("Tổ chức"))
    last_target = tables.Column(verbose_name=gettext_lazy("Chỉ tiêu năm trước"))
    last_result = tables.Column(verbose_name=gettext_lazy("Kết nạp năm trước"))
    members = tables.Column(verbose_name=gettext_lazy("Đảng viên hiện có"))
    target = tables.Column(verbose_name=gettext_lazy("Chỉ tiêu"))


def allocation_export(sheet: AllocationSheet, *, user: AnyUser) -> ListExport:
    table = AllocationTable(sheet.rows)
    if sheet.period:
        # a quarter or half-year: the columns name their period (the same one a year earlier)
        names = {
            "last_target": _("Chỉ tiêu %(label)s") % {"label": sheet.last_label},
            "last_result": _("Kết nạp %(label)s") % {"label": sheet.last_label},
            "target": _("Chỉ tiêu %(label)s") % {"label": sheet.label},
        }
        for key, name in names.items():
            table.columns[key].column.verbose_name = name
    return ListExport(
        title=_("Chỉ tiêu kết nạp đảng viên %(label)s — %(parent)s")
        % {"label": sheet.label, "parent": sheet.parent.name},
        filename=f"chi-tieu-{sheet.parent.code}-{period_slug(sheet)}",
        table=table,
        records=sheet.rows,
        user=user,
        filters=_("các tổ chức trực thuộc «%(parent)s», %(label)s")
        % {"parent": sheet.parent.name, "label": sheet.label},
        note="",
    )


# --- Import: template and checked upload --------------------------------------------------------


def _columns(sheet: AllocationSheet) -> list[Column]:
    return [
        Column(
            "code",
            _("Mã tổ chức"),
            _("Mã của tổ chức trực thuộc, như trong tệp mẫu."),
            required=True,
            example="CB01",
        ),
        Column("name", _("Tên tổ chức"), _("Chỉ để đối chiếu; không được đọc khi nhập.")),
        Column(
            "target",
            _("Chỉ tiêu %(label)s") % {"label": sheet.label},
            _("Số đảng viên cần kết nạp (số nguyên không âm); để trống nếu không giao."),
            required=True,
            aliases=(_("Chỉ tiêu"),),
            example="5",
        ),
    ]


def allocation_template(sheet: AllocationSheet) -> bytes:
    """The import template: one row per child, prefilled with this year's targets."""
    return write_template(
        _columns(sheet),
        title=_("Mẫu nhập chỉ tiêu kết nạp đảng viên %(label)s — %(parent)s")
        % {"label": sheet.label, "parent": sheet.parent.name},
        notes=[
            _(
                "Mỗi dòng một tổ chức trực thuộc; chỉ sửa cột chỉ tiêu. Tệp được nhận cả hoặc"
                " không nhận dòng nào: nếu có lỗi, không chỉ tiêu nào được lưu."
            )
        ],
        rows=[
            [
                row.organisation.code,
                row.organisation.name,
                "" if row.target is None else str(row.target),
            ]
            for row in sheet.rows
        ],
    )


@dataclass
class UploadResult:
    values: dict[int, int | None] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)


def read_allocation(path: Path, sheet: AllocationSheet) -> UploadResult:
    """The values of an uploaded file, every row checked (errors per row, in Vietnamese);
    refuses the whole file (``ImportRefused``) when it is not a readable template."""
    check_workbook(path, max_bytes=MAX_UPLOAD_BYTES, max_rows=MAX_UPLOAD_ROWS)
    columns = _columns(sheet)
    data = read_rows(path, columns, max_rows=MAX_UPLOAD_ROWS)
    by_code = {row.organisation.code.casefold(): row.organisation for row in sheet.rows}
    headers = {column.key: column.header for column in columns}
    result = UploadResult()
    seen: dict[int, int] = {}
    for index, cells in enumerate(data.rows, start=2):

        def cell(key: str, cells: list[Any] = cells) -> Any:
            position = data.positions.get(key)
            return cells[position] if position is not None and position < len(cells) else None

        code = cell_text(cell("code"))
        raw = cell("target")
        if not code and raw in (None, ""):
            continue
        organisation = by_code.get(code.casefold())
        if not code:
            result.errors.append(RowError(index, headers["code"], _("Thiếu mã tổ chức.")))
            continue
        if organisation is None:
            result.errors.append(
                RowError(
                    index,
                    headers["code"],
                    _("Mã «%(code)s» không phải tổ chức trực thuộc «%(parent)s».")
                    % {"code": code, "parent": sheet.parent.name},
                )
            )
            continue
        if organisation.pk in seen:
            result.errors.append(
                RowError(
                    index,
                    headers["code"],
                    _("Mã «%(code)s» đã có ở dòng %(row)s.")
                    % {"code": code, "row": seen[organisation.pk]},
                )
            )
            continue
        seen[organisation.pk] = index
        value = _target_value(raw)
        if value == "invalid":
            result.errors.append(
                RowError(
                    index,
                    headers["target"],
                    _("Chỉ tiêu «%(value)s» không hợp lệ: cần một số nguyên không âm.")
                    % {"value": cell_text(raw)[:40]},
                )
            )
            continue
        result.values[organisation.pk] = value  # type: ignore[assignment]
    return result


def _target_value(raw: Any) -> int | str | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        return "invalid"
    if isinstance(raw, float):
        if not raw.is_integer():
            return "invalid"
        raw = int(raw)
    if isinstance(raw, int):
        return raw if 0 <= raw <= 1_000_000 else "invalid"
    text = str(raw).strip().replace(".", "").replace(" ", "")
    if not text.isdigit():
        return "invalid"
    return int(text) if int(text) <= 1_000_000 else "invalid"


# --- The printable allocation (docx) ------------------------------------------------------------


def _font(run: Any, *, size: float = 14, bold: bool = False, italic: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = "Times New Roman"
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), "Times New Roman")


def _paragraph(
    container: Any,
    text: str = "",
    *,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    align: str = "justify",
    indent: bool = False,
    after: float = 3,
    underline: bool = False,
) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    paragraph = container.add_paragraph()
    paragraph.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.paragraph_format.space_before = Pt(0)
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1.27)
    if text:
        run = paragraph.add_run(text)
        _font(run, size=size, bold=bold, italic=italic)
        run.underline = underline
    return paragraph


def _no_borders(table: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)


def _cell_text(
    cell: Any, text: str, *, size: float = 13, bold: bool = False, align: str = "left"
) -> None:
    cell.paragraphs[0].text = ""
    paragraph = cell.paragraphs[0]
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    _font(paragraph.add_run(text), size=size, bold=bold)


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)


def _keep_together(row: Any) -> None:
    """The row (the signature block) is never split over two pages."""
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def allocation_docx(sheet: AllocationSheet, *, today: dt.date) -> bytes:
    """«Quyết định giao chỉ tiêu kết nạp đảng viên năm …» in the official layout (Quy định
    66-QĐ/TW, Hướng dẫn 36-HD/VPTW on party documents): party header left and «ĐẢNG CỘNG SẢN
    VIỆT NAM» right, number, place and date, the articles, a table of the organisations and
    their targets, «Nơi nhận» and the signature «T/M BAN THƯỜNG VỤ»; A4, Times New Roman.
    Blank lines (…) are left where a hand writes (number, place, signer)."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm, Pt

    parent = sheet.parent
    above = parent.get_parent()
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)

    header = document.add_table(rows=1, cols=2)
    _no_borders(header)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    header.autofit = False
    header.columns[0].width, header.columns[1].width = Cm(7.5), Cm(9.0)
    left, right = header.rows[0].cells
    left.width, right.width = Cm(7.5), Cm(9.0)
    left.paragraphs[0].text = ""
    first = left.paragraphs[0]
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if above is not None:
        _font(first.add_run(above.name.upper()), size=14)
        line = _paragraph(left, align="center", after=0)
    else:
        line = first
    _font(line.add_run(parent.name.upper()), size=14, bold=True)
    _paragraph(left, "*", align="center", after=0, size=14)
    _paragraph(left, _("Số: …… -QĐ/……"), align="center", after=0, size=14)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    party = right.paragraphs[0].add_run(_("ĐẢNG CỘNG SẢN VIỆT NAM"))
    _font(party, size=15, bold=True)
    party.underline = True
    _paragraph(
        right,
        _("……, ngày %(day)s tháng %(month)s năm %(year)s")
        % {"day": f"{today.day:02d}", "month": f"{today.month:02d}", "year": today.year},
        italic=True,
        align="center",
        after=0,
    )

    _paragraph(document, "", after=6)
    _paragraph(document, _("QUYẾT ĐỊNH"), bold=True, align="center", after=0, size=15)
    _paragraph(
        document,
        _("giao chỉ tiêu kết nạp đảng viên %(label)s") % {"label": sheet.label},
        bold=True,
        align="center",
        after=0,
    )
    _paragraph(document, "-----", align="center", after=6)
    _paragraph(
        document,
        _("BAN THƯỜNG VỤ %(org)s") % {"org": parent.name.upper()},
        bold=True,
        align="center",
        after=6,
    )
    _paragraph(
        document,
        _("- Căn cứ Điều lệ Đảng và các quy định, hướng dẫn thi hành Điều lệ Đảng;"),
        indent=True,
    )
    if sheet.own is not None:
        _paragraph(
            document,
            _(
                "- Căn cứ chỉ tiêu kết nạp đảng viên %(label)s cấp trên giao cho %(org)s"
                " là %(own)s đảng viên;"
            )
            % {"label": sheet.label, "org": parent.name, "own": format_number(sheet.own)},
            indent=True,
        )
    _paragraph(
        document,
        _("- Xét đề nghị của Ban Tổ chức,"),
        indent=True,
        after=6,
    )
    _paragraph(document, _("QUYẾT ĐỊNH"), bold=True, align="center", after=6)
    article = _paragraph(document, indent=True)
    _font(article.add_run(_("Điều 1. ")), bold=True)
    assigned = [row for row in sheet.rows if row.target is not None]
    _font(
        article.add_run(
            _(
                "Giao chỉ tiêu kết nạp đảng viên %(label)s cho %(count)s tổ chức đảng trực"
                " thuộc, tổng cộng %(total)s đảng viên, cụ thể như sau:"
            )
            % {
                "label": sheet.label,
                "count": format_number(len(assigned)),
                "total": format_number(sheet.total),
            }
        )
    )
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = (Cm(1.2), Cm(9.3), Cm(3.0), Cm(3.0))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    heads = (
        _("TT"),
        _("Tổ chức đảng"),
        _("Chỉ tiêu %(label)s") % {"label": sheet.label},
        _("Kết nạp %(label)s") % {"label": sheet.last_label},
    )
    for cell, width, text in zip(table.rows[0].cells, widths, heads, strict=True):
        cell.width = width
        _cell_text(cell, text, bold=True, align="center")
    _repeat_header(table.rows[0])
    for number, row in enumerate(sheet.rows, start=1):
        cells = table.add_row().cells
        values = (
            str(number),
            row.organisation.name,
            "" if row.target is None else format_number(row.target),
            format_number(row.last_result),
        )
        for cell, width, text, align in zip(
            cells, widths, values, ("center", "left", "center", "center"), strict=True
        ):
            cell.width = width
            _cell_text(cell, text, align=align)
    cells = table.add_row().cells
    for cell, width in zip(cells, widths, strict=True):
        cell.width = width
    merged = cells[0].merge(cells[1])
    _cell_text(merged, _("Tổng cộng"), bold=True, align="center")
    _cell_text(cells[2], format_number(sheet.total), bold=True, align="center")
    _cell_text(cells[3], format_number(sheet.last_result_total), bold=True, align="center")

    _paragraph(document, "", after=0)
    article = _paragraph(document, indent=True)
    _font(article.add_run(_("Điều 2. ")), bold=True)
    _font(
        article.add_run(
            _(
                "Các cấp ủy trực thuộc căn cứ chỉ tiêu được giao xây dựng kế hoạch, tạo nguồn,"
                " bồi dưỡng và kết nạp đảng viên; báo cáo kết quả theo quý, 6 tháng và cả năm"
                " về Ban Tổ chức."
            )
        )
    )
    article = _paragraph(document, indent=True, after=12)
    article.paragraph_format.keep_with_next = True  # with the signature block
    _font(article.add_run(_("Điều 3. ")), bold=True)
    _font(
        article.add_run(
            _(
                "Ban Tổ chức, các cấp ủy trực thuộc và các đồng chí có liên quan chịu trách"
                " nhiệm thi hành Quyết định này."
            )
        )
    )

    signature = document.add_table(rows=1, cols=2)
    _no_borders(signature)
    signature.autofit = False
    signature.columns[0].width, signature.columns[1].width = Cm(8.0), Cm(8.5)
    _keep_together(signature.rows[0])
    recipients, signer = signature.rows[0].cells
    recipients.width, signer.width = Cm(8.0), Cm(8.5)
    recipients.paragraphs[0].text = ""
    run = recipients.paragraphs[0].add_run(_("Nơi nhận:"))
    _font(run, size=12, bold=True)
    run.underline = True
    for line in (
        _("- Như Điều 3,"),
        _("- Cấp ủy cấp trên (để báo cáo),"),
        _("- Lưu Văn phòng, Ban Tổ chức."),
    ):
        _paragraph(recipients, line, size=11, align="left", after=0)
    signer.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(signer.paragraphs[0].add_run(_("T/M BAN THƯỜNG VỤ")), bold=True)
    _paragraph(signer, _("BÍ THƯ"), bold=True, align="center", after=0)
    _paragraph(signer, _("(Ký, ghi rõ họ tên, đóng dấu)"), italic=True, align="center", after=0)
    for _blank in range(4):
        _paragraph(signer, "", after=0)
    _paragraph(signer, "……………………………", align="center", after=0)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def period_slug(sheet: AllocationSheet) -> str:
    """'2026' for the year, '2026-q2' for a quarter, '2026-h1' for a half-year (file names)."""
    return f"{sheet.year}-{sheet.period}" if sheet.period else str(sheet.year)


def docx_filename(parent: Organisation, year: int, period: str = "") -> str:
    return f"giao-chi-tieu-{parent.code}-{year}{'-' + period if period else ''}.docx"
