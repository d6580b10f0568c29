"""Build the Word template of the badge proposal list (``dangvien/badges/documents/``), filled
with docxtpl by ``dangvien.badges.exporters.build_proposal_docx``.

The .docx is committed; run this again after changing the layout::

    .venv/bin/python scripts/make_badge_template.py

Same conventions as the report (``make_document_templates.py``, Hướng dẫn 36-HD/VPTW): A4,
Times New Roman 13–14, the committee's name and number top left, "ĐẢNG CỘNG SẢN VIỆT NAM" and
the place and date top right, the title centred, the table, the signature block bottom right.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from make_document_templates import _font, _line, _no_borders

OUT = Path(__file__).resolve().parent.parent / "dangvien" / "badges" / "documents"

COLUMNS = (
    ("TT", "{{ row.number }}", 1.0),
    ("Họ và tên", "{{ row.full_name }}", 4.6),
    ("Ngày sinh", "{{ row.date_of_birth }}", 2.8),
    ("Ngày vào Đảng", "{{ row.decision_date }}", 2.8),
    ("Tuổi đảng đến ngày trao", "{{ row.party_age }}", 3.2),
    ("Huy hiệu", "{{ row.milestone }}", 2.0),
    ("Chi bộ", "{{ row.cell }}", 3.8),
    ("Ghi chú", "{{ row.note }}", 4.8),
)


def badge_proposal() -> None:
    document = Document()
    _font(document)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(2.5), Cm(1.5)

    head = document.add_table(rows=1, cols=2)
    _no_borders(head)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = head.rows[0].cells
    left.width, right.width = Cm(10), Cm(15)
    _line(left, "{{ parent_name }}", first=True)
    _line(left, "{{ organisation_name }}", bold=True)
    _line(left, "*")
    _line(left, "Số        -DS/{{ organisation_code }}")
    _line(right, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True, size=14, first=True)
    _line(right, "")
    _line(right, "{{ place_and_date }}", italic=True)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(18)
    run = title.add_run("DANH SÁCH")
    run.bold, run.font.size = True, Pt(14)
    subtitle = document.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = subtitle.add_run("{{ title }}")
    run.bold, run.font.size = True, Pt(14)
    subtitle.paragraph_format.space_after = Pt(12)

    table = document.add_table(rows=4, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for col, (_heading, _value, width) in enumerate(COLUMNS):
        table.columns[col].width = Cm(width)  # the grid LibreOffice and Word lay out from
        for row in table.rows:
            row.cells[col].width = Cm(width)
    for col, (heading, _value, width) in enumerate(COLUMNS):
        cell = table.rows[0].cells[col]
        cell.width = Cm(width)
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(heading)
        run.bold, run.font.size = True, Pt(13)
    table.rows[1].cells[0].paragraphs[0].add_run("{%tr for row in rows %}")
    for col, (_heading, value, width) in enumerate(COLUMNS):
        cell = table.rows[2].cells[col]
        cell.width = Cm(width)
        paragraph = cell.paragraphs[0]
        paragraph.alignment = (
            WD_ALIGN_PARAGRAPH.LEFT if col in (1, 6, 7) else WD_ALIGN_PARAGRAPH.CENTER
        )
        paragraph.add_run(value).font.size = Pt(13)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")

    total = document.add_paragraph()
    total.paragraph_format.space_before = Pt(6)
    total.add_run("{{ total }}").italic = True

    document.add_paragraph()
    foot = document.add_table(rows=1, cols=2)
    _no_borders(foot)
    left, right = foot.rows[0].cells
    left.width, right.width = Cm(12), Cm(13)
    paragraph = left.paragraphs[0]
    run = paragraph.add_run("Nơi nhận:")
    run.bold, run.underline = True, True
    run.font.size = Pt(12)
    for recipient in ("- {{ recipient }},", "- Lưu văn phòng."):
        left.add_paragraph().add_run(recipient).font.size = Pt(12)
    _line(right, "T/M {{ committee }}", bold=True, first=True)
    _line(right, "{{ signer_title }}", bold=True)
    for _ in range(4):
        _line(right, "")
    _line(right, "{{ signer_name }}", bold=True)

    stamp = document.add_paragraph()
    stamp.paragraph_format.space_before = Pt(18)
    run = stamp.add_run("{{ stamp }}")
    run.italic, run.font.size = True, Pt(9)

    document.save(OUT / "badge_proposal.docx")


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    badge_proposal()
    print(f"Wrote {OUT / 'badge_proposal.docx'}")
