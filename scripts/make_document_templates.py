"""Build the Word templates the reports app fills with docxtpl (``dangvien/reports/documents/``).

The .docx files are committed; run this again after changing the layout::

    .venv/bin/python scripts/make_document_templates.py

Layout follows the party's document conventions (Hướng dẫn 36-HD/VPTW): A4, Times New Roman,
the committee's name top left with the number, "ĐẢNG CỘNG SẢN VIỆT NAM" and the place and date
top right, the title centred, the signature block bottom right, recipients bottom left.
Jinja tags are filled by ``dangvien.reports.exporters.build_docx``.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

OUT = Path(__file__).resolve().parent.parent / "dangvien" / "reports" / "documents"


def _font(document: Document) -> None:
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    style.paragraph_format.space_after = Pt(0)


def _page(document: Document) -> None:
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)


def _no_borders(table: object) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)  # type: ignore[attr-defined]


def _line(
    cell: object,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: int = 13,
    first: bool = False,
) -> None:
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()  # type: ignore[attr-defined]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)


def admission_summary() -> None:
    document = Document()
    _font(document)
    _page(document)

    head = document.add_table(rows=1, cols=2)
    _no_borders(head)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = head.rows[0].cells
    left.width, right.width = Cm(7.5), Cm(9)
    _line(left, "{{ parent_name }}", size=13, first=True)
    _line(left, "{{ organisation_name }}", bold=True, size=13)
    _line(left, "*", size=13)
    _line(left, "Số        -BC/{{ organisation_code }}", size=13)
    _line(right, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True, size=14, first=True)
    _line(right, "")
    _line(right, "{{ place_and_date }}", italic=True, size=13)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(18)
    run = title.add_run("BÁO CÁO")
    run.bold, run.font.size = True, Pt(15)
    subtitle = document.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = subtitle.add_run("{{ title }}")
    run.bold, run.font.size = True, Pt(14)
    subtitle.paragraph_format.space_after = Pt(12)

    body = document.add_paragraph("{{ summary }}")
    body.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    body.paragraph_format.first_line_indent = Cm(1.27)
    body.paragraph_format.line_spacing = 1.3
    body.paragraph_format.space_after = Pt(12)

    table = document.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Cm(7), Cm(3), Cm(3.5), Cm(3))
    for col, text in enumerate(
        ("{{ headings[0] }}", "{{ headings[1] }}", "{{ headings[2] }}", "{{ headings[3] }}")
    ):
        cell = table.rows[0].cells[col]
        cell.width = widths[col]
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold = True
    table.rows[1].cells[0].paragraphs[0].add_run("{%tr for row in rows %}")
    values = ("{{ row.label }}", "{{ row.count }}", "{{ row.previous }}", "{{ row.ratio }}")
    for col, text in enumerate(values):
        cell = table.rows[2].cells[col]
        cell.width = widths[col]
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if col == 0 else WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.add_run(text)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")

    document.add_paragraph()
    foot = document.add_table(rows=1, cols=2)
    _no_borders(foot)
    left, right = foot.rows[0].cells
    left.width, right.width = Cm(8), Cm(8.5)
    paragraph = left.paragraphs[0]
    run = paragraph.add_run("Nơi nhận:")
    run.bold, run.italic, run.underline = True, False, True
    run.font.size = Pt(12)
    for recipient in ("- {{ recipient }},", "- Lưu văn phòng."):
        item = left.add_paragraph()
        item.add_run(recipient).font.size = Pt(12)
    _line(right, "T/M {{ committee }}", bold=True, first=True)
    _line(right, "{{ signer_title }}", bold=True)
    for _ in range(4):
        _line(right, "")
    _line(right, "{{ signer_name }}", bold=True)

    stamp = document.add_paragraph()
    stamp.paragraph_format.space_before = Pt(24)
    run = stamp.add_run("{{ stamp }}")
    run.italic, run.font.size = True, Pt(9)

    document.save(OUT / "admission_summary.docx")


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    admission_summary()
    print(f"Wrote {OUT / 'admission_summary.docx'}")
