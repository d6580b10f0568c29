"""Build the Word templates of the printable forms (the KNĐ forms of the admission and
recognition process, the class roster and certificate list), filled with docxtpl by
``dangvien.admissions.printing``, ``dangvien.members.printing`` and ``dangvien.training.printing``.

The .docx files are committed; run this again after changing a layout::

    .venv/bin/python scripts/make_form_templates.py

Layout (Hướng dẫn 36-HD/VPTW on party documents, and the models of the KNĐ forms as listed in
``docs/forms.md``): A4 portrait, margins 2 / 2 / 3 / 1,5 cm, Times New Roman 14 for the body and
13 for the header; the form's number top right ("Mẫu 6-KNĐ"); the committee above and the
organisation in bold top left with "*" and the number; "ĐẢNG CỘNG SẢN VIỆT NAM" bold and
underlined top right with the place and date in italics under it; the title centred in bold;
dotted lines (tab leaders, so they always reach the right margin) where a hand must write; the
signature block bottom right; and at the end the QR code with the short reference, so a scanned
signed copy can be attached back to the step it was printed from.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

ROOT = Path(__file__).resolve().parent.parent / "dangvien"
FONT = "Times New Roman"
BODY = 14
HEAD = 13

Op = tuple[Any, ...]


def _document(*, landscape: bool = False) -> Any:
    document = Document()
    # fixed properties: building again without a change gives the same files
    fixed = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    properties = document.core_properties
    properties.author = properties.last_modified_by = "dangvien"
    properties.created = properties.modified = fixed
    properties.revision = 1
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.element.rPr.rFonts.set(qn("w:cs"), FONT)
    style.paragraph_format.space_after = Pt(0)
    section = document.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        section.left_margin, section.right_margin = Cm(2), Cm(1.5)
    else:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.top_margin = section.bottom_margin = Cm(2)
    return document


def _width(document: Any) -> Any:
    section = document.sections[0]
    return section.page_width - section.left_margin - section.right_margin


def _no_borders(table: Any) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _run(paragraph: Any, text: str, **style: Any) -> Any:
    run = paragraph.add_run(text)
    run.bold = style.get("bold", False)
    run.italic = style.get("italic", False)
    run.underline = style.get("underline", False)
    run.font.size = Pt(style.get("size", BODY))
    return run


def _cell_line(cell: Any, text: str, *, first: bool = False, align: Any = None, **style: Any):
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if align is None else align
    _run(paragraph, text, **style)
    return paragraph


def _two_columns(document: Any, left: float, right: float) -> tuple[Any, Any]:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    cells = table.rows[0].cells
    for cell, width in zip(cells, (left, right), strict=True):
        cell.width = Cm(width)
    table.columns[0].width, table.columns[1].width = Cm(left), Cm(right)
    return cells[0], cells[1]


def _header(document: Any, kind: str) -> None:
    """The official header: the organisation left, the party (or the union) right."""
    if kind == "application":
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(paragraph, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True)
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.space_before = Pt(6)
        _run(paragraph, "{{ place_date }}", italic=True)
        return
    total = _width(document) / 360000  # EMU per cm
    left, right = _two_columns(document, total * 0.42, total * 0.58)
    _cell_line(left, "{{ header_parent }}", first=True, size=HEAD)
    _cell_line(left, "{{ header_org }}", bold=True, size=HEAD)
    _cell_line(left, "*" if kind == "party" else "***", size=HEAD)
    _cell_line(left, "{{ number }}", size=HEAD)
    title = "ĐẢNG CỘNG SẢN VIỆT NAM" if kind == "party" else "ĐOÀN TNCS HỒ CHÍ MINH"
    _cell_line(right, title, first=True, bold=True, underline=True, size=BODY)
    _cell_line(right, "")
    _cell_line(right, "{{ place_date }}", italic=True, size=BODY)


def _dotted(document: Any, label: str = "", *, indent: bool = False) -> Any:
    """A line that runs to the right margin in dots after ``label`` (a tab with a dot leader)."""
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.tab_stops.add_tab_stop(
        _width(document), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
    )
    paragraph.paragraph_format.space_after = Pt(3)
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1)
    _run(paragraph, f"{label}\t")
    return paragraph


def _signatures(document: Any, left: list[str] | None, right: list[str]) -> None:
    document.add_paragraph()
    total = _width(document) / 360000  # EMU per cm
    left_cell, right_cell = _two_columns(document, total * 0.48, total * 0.52)
    if left and left[0] == "Nơi nhận:":
        paragraph = left_cell.paragraphs[0]
        _run(paragraph, "Nơi nhận:", bold=True, italic=True, size=12)
        for line in left[1:]:
            _run(left_cell.add_paragraph(), line, size=12)
    elif left:
        for number, line in enumerate(left):
            _signer_line(left_cell, line, first=number == 0)
    for number, line in enumerate(right):
        _signer_line(right_cell, line, first=number == 0)


def _signer_line(cell: Any, line: str, *, first: bool) -> None:
    if line.startswith("("):
        _cell_line(cell, line, first=first, italic=True, size=13)
    elif line == "":
        _cell_line(cell, "", first=first)
    elif line.startswith("{{"):
        _cell_line(cell, line, first=first, bold=True)
    else:
        _cell_line(cell, line, first=first, bold=True)


def _reference(document: Any) -> None:
    """The QR code and the short reference, in the page footer (on every page, out of the way
    of the signatures)."""
    footer = document.sections[0].footer
    footer.is_linked_to_previous = False
    table = footer.add_table(rows=1, cols=2, width=_width(document))
    _no_borders(table)
    table.autofit = False
    left, right = table.rows[0].cells
    for index, (cell, width) in enumerate(((left, 2.6), (right, 13.9))):
        cell.width = Cm(width)
        table.columns[index].width = Cm(width)
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT
    _run(left.paragraphs[0], "{{ qr }}", size=9)
    lines = (
        ("Mã tra cứu: {{ reference }}", True),
        ("{{ qr_hint }}", False),
        ("{{ stamp }}", False),
    )
    for number, (line, bold) in enumerate(lines):
        paragraph = _cell_line(
            right, line, first=number == 0, align=WD_ALIGN_PARAGRAPH.LEFT, size=10, bold=bold
        )
        paragraph.paragraph_format.space_before = Pt(14 if number == 0 else 0)
    document.sections[0].footer_distance = Cm(0.8)


def _page_break(document: Any) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _table(document: Any, columns: list[tuple[str, str, float]], loop: str) -> None:
    table = document.add_table(rows=4, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for col, (_heading, _value, width) in enumerate(columns):
        table.columns[col].width = Cm(width)
        for row in table.rows:
            row.cells[col].width = Cm(width)
    # the heading row repeats on every page
    header_row = table.rows[0]
    properties = header_row._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)
    for col, (heading, _value, _width) in enumerate(columns):
        paragraph = header_row.cells[col].paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(paragraph, heading, bold=True, size=12)
    table.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr for row in {loop} %}}")
    for col, (_heading, value, _width) in enumerate(columns):
        paragraph = table.rows[2].cells[col].paragraphs[0]
        paragraph.alignment = (
            WD_ALIGN_PARAGRAPH.LEFT if value.endswith("name }}") else WD_ALIGN_PARAGRAPH.CENTER
        )
        _run(paragraph, value, size=12)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")


def build(ops: list[Op], *, landscape: bool = False) -> Any:
    document = _document(landscape=landscape)
    for op in ops:
        kind, *args = op
        if kind == "code":
            paragraph = document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _run(paragraph, args[0], italic=True, size=12)
        elif kind == "header":
            _header(document, args[0])
        elif kind == "title":
            paragraph = document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.space_before = Pt(18)
            _run(paragraph, args[0], bold=True, size=15)
        elif kind == "subtitle":
            paragraph = document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _run(paragraph, args[0], bold=True)
            rule = document.add_paragraph()
            rule.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _run(rule, "-----", size=12)
        elif kind == "to":
            paragraph = document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.space_before = Pt(12)
            paragraph.paragraph_format.space_after = Pt(12)
            _run(paragraph, "Kính gửi: ", bold=True)
            _run(paragraph, args[0])
        elif kind in ("p", "pl"):
            paragraph = document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            paragraph.paragraph_format.space_after = Pt(6)
            paragraph.paragraph_format.line_spacing = 1.15
            if kind == "p":
                paragraph.paragraph_format.first_line_indent = Cm(1)
            _run(paragraph, args[0], bold=len(args) > 1 and args[1] == "bold")
        elif kind == "center":
            paragraph = document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.space_before = Pt(6)
            paragraph.paragraph_format.space_after = Pt(6)
            _run(paragraph, args[0], bold=True)
        elif kind == "field":
            _dotted(document, args[0], indent=True)
        elif kind == "dots":
            for _ in range(args[0]):
                _dotted(document)
        elif kind == "ctl":
            document.add_paragraph().add_run(args[0])
        elif kind == "sign":
            _signatures(document, args[0], args[1])
        elif kind == "table":
            _table(document, args[0], args[1])
        elif kind == "break":
            _page_break(document)
        elif kind == "reference":
            _reference(document)
        else:  # pragma: no cover - a typo in the model below
            raise ValueError(kind)
    return document


RECIPIENTS_CELL = ["Nơi nhận:", "- {{ recipient }},", "- Lưu chi bộ."]
RECIPIENTS_COMMITTEE = ["Nơi nhận:", "- {{ recipient }},", "- {{ cell_name }},", "- Lưu."]
SIGN_CELL = ["T/M CHI BỘ", "BÍ THƯ", "(Ký, ghi rõ họ và tên)", "", "", "", "{{ cell_secretary }}"]
SIGN_COMMITTEE = ["T/M {{ committee }}", "BÍ THƯ", "(Ký tên, đóng dấu)", "", "", "", ""]

PERSON_LINES: list[Op] = [
    ("field", "Họ và tên đang dùng: {{ person.name }}    Giới tính: {{ person.sex }}"),
    ("field", "Sinh ngày: {{ person.birth }}    Dân tộc: {{ person.ethnic }}"),
    ("field", "Tôn giáo: {{ person.religion }}"),
    ("field", "Quê quán: {{ person.hometown }}"),
    ("field", "Nơi cư trú: {{ person.residence }}"),
    ("field", "Nghề nghiệp: {{ person.occupation }}"),
    (
        "field",
        "Trình độ: giáo dục phổ thông {{ person.education }}; chuyên môn {{ person.professional }}",
    ),
]

ADMISSIONS: dict[str, list[Op]] = {
    "1-KNĐ": [
        ("code", "Mẫu 1-KNĐ"),
        ("header", "application"),
        ("title", "ĐƠN XIN VÀO ĐẢNG"),
        ("to", "{{ cell_name }}"),
        *PERSON_LINES,
        ("field", "Đã học lớp bồi dưỡng nhận thức về Đảng: {{ certificate }}"),
        (
            "p",
            "Sau khi được học tập, nghiên cứu Điều lệ Đảng Cộng sản Việt Nam, tôi nhận thức "
            "được (người viết đơn tự viết tay: nhận thức về mục đích, lý tưởng của Đảng, động "
            "cơ xin vào Đảng):",
        ),
        ("dots", 6),
        (
            "p",
            "Tôi tự nguyện làm đơn này xin được vào Đảng Cộng sản Việt Nam. Nếu được đứng "
            "trong hàng ngũ của Đảng, tôi xin hứa tuyệt đối trung thành với mục đích, lý tưởng "
            "của Đảng, nghiêm chỉnh chấp hành Cương lĩnh chính trị, Điều lệ Đảng, Nghị quyết, "
            "Chỉ thị của Đảng, pháp luật của Nhà nước; hoàn thành tốt nhiệm vụ được giao; "
            "giữ gìn phẩm chất, đạo đức cách mạng; liên hệ mật thiết với nhân dân; phục tùng "
            "tổ chức, kỷ luật của Đảng; giữ gìn đoàn kết thống nhất trong Đảng.",
        ),
        (
            "sign",
            None,
            ["NGƯỜI VIẾT ĐƠN", "(Ký, ghi rõ họ và tên)", "", "", "", "{{ person.name }}"],
        ),
        ("reference",),
    ],
    "2-KNĐ": [
        ("code", "Mẫu 2-KNĐ"),
        ("header", "application"),
        ("title", "LÝ LỊCH CỦA NGƯỜI XIN VÀO ĐẢNG"),
        (
            "center",
            "(Trang bìa và phần sơ lược lý lịch; các phần khai tiếp theo viết tay vào quyển "
            "lý lịch in sẵn)",
        ),
        *PERSON_LINES,
        ("field", "Họ và tên khai sinh: "),
        ("field", "Nơi sinh: "),
        ("field", "Ngày vào Đoàn TNCS Hồ Chí Minh: {{ person.youth_union }}"),
        ("field", "Đang sinh hoạt tại: {{ cell_name }}"),
        ("pl", "1. Lịch sử bản thân:", "bold"),
        ("dots", 3),
        ("pl", "2. Những công tác và chức vụ đã qua:", "bold"),
        ("dots", 3),
        ("pl", "3. Hoàn cảnh gia đình (cha, mẹ, vợ hoặc chồng, con, anh chị em ruột):", "bold"),
        ("dots", 4),
        ("pl", "4. Tự nhận xét và cam đoan:", "bold"),
        ("dots", 2),
        (
            "sign",
            None,
            ["NGƯỜI KHAI LÝ LỊCH", "(Ký, ghi rõ họ và tên)", "", "", "", "{{ person.name }}"],
        ),
        ("pl", "NHẬN XÉT CỦA CHI ỦY (CHI BỘ)", "bold"),
        ("dots", 2),
        ("sign", None, [*SIGN_CELL[:-1], ""]),
        ("pl", "CHỨNG NHẬN CỦA CẤP ỦY CƠ SỞ", "bold"),
        ("field", "Kết quả thẩm tra lý lịch: {{ verification }}"),
        ("dots", 1),
        ("sign", None, SIGN_COMMITTEE),
        ("reference",),
    ],
    "3-KNĐ": [
        ("ctl", "{%p for introducer in introducers %}"),
        ("code", "Mẫu 3-KNĐ"),
        ("header", "application"),
        ("title", "GIẤY GIỚI THIỆU NGƯỜI VÀO ĐẢNG"),
        ("to", "{{ cell_name }}"),
        ("field", "Tôi là: {{ introducer.name }}    Sinh ngày: {{ introducer.birth }}"),
        (
            "field",
            "Vào Đảng ngày: {{ introducer.decision }}; chính thức ngày: {{ introducer.official }}",
        ),
        ("field", "Chức vụ, đơn vị công tác: "),
        ("field", "Đang sinh hoạt tại: {{ introducer.cell }}"),
        (
            "p",
            "Được phân công giới thiệu và đã cùng công tác, lao động, học tập, cư trú với quần "
            "chúng {{ person.name }} {{ introducer.together }}. Tôi giới thiệu với chi bộ "
            "về quần chúng {{ person.name }}, sinh ngày {{ person.birth }}, như sau:",
        ),
        ("field", "Về phẩm chất chính trị: "),
        ("dots", 1),
        ("field", "Về đạo đức, lối sống: "),
        ("dots", 1),
        ("field", "Về năng lực công tác và quan hệ quần chúng: "),
        ("dots", 1),
        ("field", "Về khuyết điểm: "),
        ("dots", 1),
        ("p", "Tôi xin chịu trách nhiệm trước Đảng về sự giới thiệu của mình."),
        (
            "sign",
            None,
            ["NGƯỜI GIỚI THIỆU", "(Ký, ghi rõ họ và tên)", "", "", "", "{{ introducer.name }}"],
        ),
        ("reference",),
        ("ctl", "{%p if not loop.last %}"),
        ("break",),
        ("ctl", "{%p endif %}"),
        ("ctl", "{%p endfor %}"),
    ],
    "4-KNĐ": [
        ("code", "Mẫu 4-KNĐ"),
        ("header", "union"),
        ("title", "NGHỊ QUYẾT"),
        ("subtitle", "giới thiệu đoàn viên ưu tú vào Đảng"),
        (
            "p",
            "Ngày ……… tháng ……… năm ………, Ban Chấp hành {{ union_committee }} đã họp xét, "
            "giới thiệu đoàn viên {{ person.name }}, sinh ngày {{ person.birth }}, vào Đảng "
            "Cộng sản Việt Nam.",
        ),
        ("field", "Tổng số ủy viên Ban Chấp hành: ………; có mặt: ………; vắng mặt: ……… Lý do: "),
        (
            "p",
            "Sau khi nghe đoàn viên được giới thiệu báo cáo và ý kiến của chi đoàn, Ban Chấp "
            "hành thống nhất nhận xét:",
        ),
        ("field", "Ưu điểm: "),
        ("dots", 2),
        ("field", "Khuyết điểm: "),
        ("dots", 1),
        ("field", "Số ủy viên tán thành giới thiệu: ………/……… (đạt ………%); không tán thành: "),
        (
            "p",
            "Ban Chấp hành giới thiệu đoàn viên {{ person.name }} với {{ cell_name }} "
            "xem xét, kết nạp vào Đảng Cộng sản Việt Nam.",
        ),
        (
            "sign",
            ["Nơi nhận:", "- {{ cell_name }},", "- Lưu."],
            ["T/M BAN CHẤP HÀNH", "BÍ THƯ", "(Ký, ghi rõ họ và tên, đóng dấu)", "", "", "", ""],
        ),
        ("reference",),
    ],
    "5-KNĐ": [
        ("code", "Mẫu 5-KNĐ"),
        ("header", "party"),
        ("title", "TỔNG HỢP Ý KIẾN NHẬN XÉT"),
        ("subtitle", "của tổ chức đoàn thể và chi bộ nơi cư trú đối với người xin vào Đảng"),
        (
            "p",
            "Thực hiện quy định về việc lấy ý kiến nhận xét đối với người xin vào Đảng, chi ủy "
            "{{ cell_name }} đã tổ chức lấy ý kiến nhận xét của tổ chức đoàn thể nơi "
            "quần chúng {{ person.name }}, sinh ngày {{ person.birth }}, sinh hoạt, công tác và "
            "của chi ủy (chi bộ) nơi cư trú. Kết quả như sau:",
        ),
        (
            "pl",
            "1. Ý kiến nhận xét của tổ chức đoàn thể (ngày lấy ý kiến: {{ step_date }}):",
            "bold",
        ),
        ("field", "Tổng số người được hỏi ý kiến: ………; số đồng ý: ………; số không đồng ý: "),
        ("field", "Ưu điểm: "),
        ("dots", 1),
        ("field", "Khuyết điểm: "),
        ("dots", 1),
        ("pl", "2. Ý kiến nhận xét của chi ủy (chi bộ) nơi cư trú:", "bold"),
        ("dots", 3),
        (
            "sign",
            RECIPIENTS_CELL,
            ["T/M CHI ỦY", "BÍ THƯ", "(Ký, ghi rõ họ và tên)", "", "", "", "{{ cell_secretary }}"],
        ),
        ("reference",),
    ],
    "6-KNĐ": [
        ("code", "Mẫu 6-KNĐ"),
        ("header", "party"),
        ("title", "NGHỊ QUYẾT"),
        ("subtitle", "đề nghị kết nạp đảng viên"),
        (
            "p",
            "Ngày {{ vote_date }}, {{ cell_name }} đã họp để xét, đề nghị kết nạp "
            "quần chúng {{ person.name }}, sinh ngày {{ person.birth }}, quê quán "
            "{{ person.hometown }}, vào Đảng Cộng sản Việt Nam.",
        ),
        ("field", "Tổng số đảng viên chính thức của chi bộ: {{ eligible }} đồng chí; có mặt: "),
        ("field", "Chủ trì hội nghị: …………………………………; thư ký: "),
        (
            "p",
            "Sau khi nghiên cứu hồ sơ của người xin vào Đảng, ý kiến giới thiệu của "
            "{{ introducer_names }} và ý kiến nhận xét của tổ chức đoàn thể, chi bộ nơi cư trú, "
            "chi bộ thống nhất nhận xét quần chúng {{ person.name }} như sau:",
        ),
        ("field", "Ưu điểm: "),
        ("dots", 2),
        ("field", "Khuyết điểm: "),
        ("dots", 1),
        (
            "p",
            "Số đảng viên chính thức tán thành việc kết nạp: {{ votes_for }}/{{ eligible }} "
            "đồng chí (đạt {{ votes_share }} so với tổng số đảng viên chính thức); không tán "
            "thành: {{ votes_against }} đồng chí.",
        ),
        (
            "p",
            "Chi bộ đề nghị {{ grassroots_name }} xem xét, đề nghị cấp ủy có thẩm quyền kết "
            "nạp quần chúng {{ person.name }} vào Đảng Cộng sản Việt Nam.",
        ),
        ("sign", RECIPIENTS_CELL, SIGN_CELL),
        ("reference",),
    ],
    "8-KNĐ": [
        ("code", "Mẫu 8-KNĐ"),
        ("header", "party"),
        ("title", "NGHỊ QUYẾT"),
        ("subtitle", "đề nghị kết nạp đảng viên"),
        (
            "p",
            "Ngày {{ vote_date }}, {{ grassroots_name }} đã họp xét đề nghị kết nạp đảng viên "
            "của {{ cell_name }} đối với quần chúng {{ person.name }}, sinh ngày "
            "{{ person.birth }}, quê quán {{ person.hometown }}.",
        ),
        (
            "p",
            "Căn cứ Nghị quyết số {{ cell_resolution }} ngày {{ cell_vote_date }} của Chi bộ "
            "{{ cell_name }} (số đảng viên chính thức tán thành {{ cell_votes }}) và kết quả "
            "thẩm tra lý lịch, hồ sơ của người xin vào Đảng;",
        ),
        ("field", "Tổng số cấp ủy viên: {{ eligible }} đồng chí; có mặt: "),
        ("field", "Nhận xét về ưu, khuyết điểm của quần chúng: "),
        ("dots", 2),
        (
            "p",
            "Số cấp ủy viên tán thành việc kết nạp: {{ votes_for }}/{{ eligible }} đồng chí "
            "(đạt {{ votes_share }}); không tán thành: {{ votes_against }} đồng chí.",
        ),
        (
            "p",
            "{{ grassroots_name }} đề nghị {{ superior_name }} xem xét, quyết định kết nạp quần "
            "chúng {{ person.name }} vào Đảng Cộng sản Việt Nam.",
        ),
        ("sign", RECIPIENTS_COMMITTEE, SIGN_COMMITTEE),
        ("reference",),
    ],
    "9-KNĐ": [
        ("code", "Mẫu 9-KNĐ"),
        ("header", "party"),
        ("title", "QUYẾT ĐỊNH"),
        ("subtitle", "kết nạp đảng viên"),
        ("center", "{{ deciding_body }}"),
        ("p", "- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;"),
        ("p", "- Căn cứ Quy định, Hướng dẫn của Trung ương về thi hành Điều lệ Đảng;"),
        (
            "p",
            "- Xét đề nghị của {{ grassroots_name }} (Nghị quyết số {{ grassroots_resolution }} "
            "ngày {{ grassroots_vote_date }}) và của {{ cell_name }} (Nghị quyết số "
            "{{ cell_resolution }} ngày {{ cell_vote_date }}),",
        ),
        ("center", "QUYẾT ĐỊNH:"),
        (
            "p",
            "Điều 1. Kết nạp quần chúng {{ person.name }}, sinh ngày {{ person.birth }}, quê "
            "quán {{ person.hometown }}, nơi cư trú {{ person.residence }}, vào Đảng Cộng sản "
            "Việt Nam.",
        ),
        (
            "p",
            "Điều 2. Thời gian dự bị của đảng viên là 12 tháng, kể từ ngày chi bộ tổ chức lễ "
            "kết nạp. Chi bộ tổ chức lễ kết nạp trong thời hạn quy định kể từ ngày nhận quyết "
            "định, phân công đảng viên chính thức giúp đỡ đảng viên dự bị.",
        ),
        (
            "p",
            "Điều 3. {{ grassroots_name }}, {{ cell_name }} và đồng chí "
            "{{ person.name }} chịu trách nhiệm thi hành Quyết định này.",
        ),
        (
            "sign",
            ["Nơi nhận:", "- Như Điều 3,", "- Lưu."],
            [
                "T/M {{ deciding_committee }}",
                "{{ deciding_signer }}",
                "(Ký tên, đóng dấu)",
                "",
                "",
                "",
                "",
            ],
        ),
        ("reference",),
    ],
}

MEMBERS: dict[str, list[Op]] = {
    "10-KNĐ": [
        ("code", "Mẫu 10-KNĐ"),
        ("header", "application"),
        ("title", "BẢN TỰ KIỂM ĐIỂM"),
        ("subtitle", "của đảng viên dự bị"),
        ("to", "{{ cell_name }}"),
        ("field", "Họ và tên: {{ person.name }}    Sinh ngày: {{ person.birth }}"),
        ("field", "Ngày vào Đảng: {{ decision_date }}; ngày kết nạp: {{ ceremony_date }}"),
        ("field", "Đang sinh hoạt tại: {{ cell_name }}"),
        (
            "p",
            "Được kết nạp vào Đảng ngày {{ ceremony_date }}, đến ngày {{ probation_end }} tôi "
            "đã hết 12 tháng dự bị. Tôi tự kiểm điểm trong thời gian dự bị như sau:",
        ),
        (
            "pl",
            "1. Ưu điểm (nhận thức chính trị, phẩm chất đạo đức, lối sống; thực hiện nhiệm vụ "
            "đảng viên; học tập lớp bồi dưỡng đảng viên mới: {{ new_member_class }}):",
            "bold",
        ),
        ("dots", 5),
        ("pl", "2. Khuyết điểm và hướng khắc phục:", "bold"),
        ("dots", 3),
        (
            "p",
            "Tôi tự nhận thấy đủ điều kiện trở thành đảng viên chính thức; đề nghị chi bộ xem "
            "xét, đề nghị cấp ủy có thẩm quyền công nhận tôi là đảng viên chính thức.",
        ),
        (
            "sign",
            [
                "Ý KIẾN CỦA ĐẢNG VIÊN GIÚP ĐỠ",
                "(Ký, ghi rõ họ và tên)",
                "",
                "",
                "",
                "{{ helper_name }}",
            ],
            ["NGƯỜI TỰ KIỂM ĐIỂM", "(Ký, ghi rõ họ và tên)", "", "", "", "{{ person.name }}"],
        ),
        ("reference",),
    ],
    "11-KNĐ": [
        ("code", "Mẫu 11-KNĐ"),
        ("header", "application"),
        ("title", "BẢN NHẬN XÉT"),
        ("subtitle", "của đảng viên chính thức giúp đỡ đảng viên dự bị"),
        ("to", "{{ cell_name }}"),
        ("field", "Tôi là: {{ helper_name }}"),
        (
            "p",
            "Được chi bộ phân công giúp đỡ đảng viên dự bị {{ person.name }}, sinh ngày "
            "{{ person.birth }}, kết nạp ngày {{ ceremony_date }}. Qua thời gian dự bị (đến "
            "ngày {{ probation_end }}), tôi nhận xét như sau:",
        ),
        ("field", "Về nhận thức chính trị, phẩm chất đạo đức, lối sống: "),
        ("dots", 2),
        ("field", "Về thực hiện nhiệm vụ đảng viên, quan hệ quần chúng: "),
        ("dots", 2),
        ("field", "Về khuyết điểm: "),
        ("dots", 1),
        (
            "p",
            "Tôi đề nghị chi bộ xét, công nhận đồng chí {{ person.name }} là đảng viên chính thức.",
        ),
        (
            "sign",
            None,
            ["ĐẢNG VIÊN GIÚP ĐỠ", "(Ký, ghi rõ họ và tên)", "", "", "", "{{ helper_name }}"],
        ),
        ("reference",),
    ],
    "12-KNĐ": [
        ("code", "Mẫu 12-KNĐ"),
        ("header", "party"),
        ("title", "TỔNG HỢP Ý KIẾN NHẬN XÉT"),
        ("subtitle", "của tổ chức đoàn thể và chi bộ nơi cư trú đối với đảng viên dự bị"),
        (
            "p",
            "Chi ủy {{ cell_name }} đã tổ chức lấy ý kiến nhận xét của tổ chức đoàn thể "
            "nơi đảng viên dự bị {{ person.name }}, sinh ngày {{ person.birth }}, sinh hoạt, "
            "công tác và của chi ủy (chi bộ) nơi cư trú. Kết quả như sau:",
        ),
        ("pl", "1. Ý kiến nhận xét của tổ chức đoàn thể:", "bold"),
        ("field", "Tổng số người được hỏi ý kiến: ………; số đồng ý: ………; số không đồng ý: "),
        ("dots", 2),
        ("pl", "2. Ý kiến nhận xét của chi ủy (chi bộ) nơi cư trú:", "bold"),
        ("dots", 3),
        (
            "sign",
            RECIPIENTS_CELL,
            ["T/M CHI ỦY", "BÍ THƯ", "(Ký, ghi rõ họ và tên)", "", "", "", "{{ cell_secretary }}"],
        ),
        ("reference",),
    ],
    "13-KNĐ": [
        ("code", "Mẫu 13-KNĐ"),
        ("header", "party"),
        ("title", "NGHỊ QUYẾT"),
        ("subtitle", "đề nghị công nhận đảng viên chính thức"),
        (
            "p",
            "Ngày {{ vote_date }}, {{ cell_name }} đã họp để xét, đề nghị công nhận "
            "đảng viên chính thức cho đảng viên dự bị {{ person.name }}, sinh ngày "
            "{{ person.birth }}, kết nạp ngày {{ ceremony_date }} (Quyết định kết nạp số "
            "{{ decision_number }} ngày {{ decision_date }}).",
        ),
        ("field", "Tổng số đảng viên chính thức của chi bộ: {{ eligible }} đồng chí; có mặt: "),
        (
            "p",
            "Sau khi nghe đảng viên dự bị báo cáo tự kiểm điểm, ý kiến nhận xét của đảng viên "
            "giúp đỡ ({{ helper_name }}), của tổ chức đoàn thể và chi bộ nơi cư trú, chi bộ "
            "thống nhất nhận xét:",
        ),
        ("field", "Ưu điểm: "),
        ("dots", 2),
        ("field", "Khuyết điểm: "),
        ("dots", 1),
        (
            "p",
            "Số đảng viên chính thức tán thành công nhận đảng viên chính thức: "
            "{{ votes_for }}/{{ eligible }} đồng chí (đạt {{ votes_share }}); không tán thành: "
            "{{ votes_against }} đồng chí.",
        ),
        (
            "p",
            "Chi bộ đề nghị {{ grassroots_name }} xem xét, đề nghị cấp ủy có thẩm quyền công "
            "nhận đồng chí {{ person.name }} là đảng viên chính thức từ ngày "
            "{{ probation_end }}.",
        ),
        ("sign", RECIPIENTS_CELL, SIGN_CELL),
        ("reference",),
    ],
    "15-KNĐ": [
        ("code", "Mẫu 15-KNĐ"),
        ("header", "party"),
        ("title", "NGHỊ QUYẾT"),
        ("subtitle", "đề nghị công nhận đảng viên chính thức"),
        (
            "p",
            "Ngày {{ vote_date }}, {{ grassroots_name }} đã họp xét đề nghị của Chi bộ "
            "{{ cell_name }} (Nghị quyết số {{ cell_resolution }} ngày {{ cell_vote_date }}) "
            "về việc công nhận đảng viên chính thức cho đồng chí {{ person.name }}, sinh ngày "
            "{{ person.birth }}, kết nạp ngày {{ ceremony_date }}.",
        ),
        ("field", "Tổng số cấp ủy viên: {{ eligible }} đồng chí; có mặt: "),
        (
            "p",
            "Số cấp ủy viên tán thành: {{ votes_for }}/{{ eligible }} đồng chí (đạt "
            "{{ votes_share }}); không tán thành: {{ votes_against }} đồng chí.",
        ),
        (
            "p",
            "{{ grassroots_name }} đề nghị {{ superior_name }} xem xét, quyết định công nhận "
            "đồng chí {{ person.name }} là đảng viên chính thức từ ngày {{ probation_end }}.",
        ),
        ("sign", RECIPIENTS_COMMITTEE, SIGN_COMMITTEE),
        ("reference",),
    ],
    "QĐ-CNCT": [
        ("header", "party"),
        ("title", "QUYẾT ĐỊNH"),
        ("subtitle", "công nhận đảng viên chính thức"),
        ("center", "{{ deciding_body }}"),
        ("p", "- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;"),
        ("p", "- Căn cứ Quy định, Hướng dẫn của Trung ương về thi hành Điều lệ Đảng;"),
        (
            "p",
            "- Xét đề nghị của {{ grassroots_name }} (Nghị quyết số {{ grassroots_resolution }} "
            "ngày {{ grassroots_vote_date }}) và của {{ cell_name }} (Nghị quyết số "
            "{{ cell_resolution }} ngày {{ cell_vote_date }}),",
        ),
        ("center", "QUYẾT ĐỊNH:"),
        (
            "p",
            "Điều 1. Công nhận đồng chí {{ person.name }}, sinh ngày {{ person.birth }}, kết "
            "nạp vào Đảng ngày {{ ceremony_date }} (Quyết định số {{ decision_number }} ngày "
            "{{ decision_date }}), là đảng viên chính thức kể từ ngày {{ probation_end }}.",
        ),
        (
            "p",
            "Điều 2. {{ grassroots_name }}, {{ cell_name }} và đồng chí "
            "{{ person.name }} chịu trách nhiệm thi hành Quyết định này.",
        ),
        (
            "sign",
            ["Nơi nhận:", "- Như Điều 2,", "- Lưu."],
            [
                "T/M {{ deciding_committee }}",
                "{{ deciding_signer }}",
                "(Ký tên, đóng dấu)",
                "",
                "",
                "",
                "",
            ],
        ),
        ("reference",),
    ],
}

TRAINING: dict[str, list[Op]] = {
    "roster": [
        ("header", "party"),
        ("title", "DANH SÁCH HỌC VIÊN"),
        ("center", "{{ class_title }}"),
        ("center", "(Từ {{ start_date }} đến {{ end_date }})"),
        (
            "table",
            [
                ("TT", "{{ row.number }}", 1.0),
                ("Họ và tên", "{{ row.name }}", 5.0),
                ("Ngày sinh", "{{ row.birth }}", 2.8),
                ("Chi bộ", "{{ row.cell_name }}", 6.5),
                ("Hoàn thành", "{{ row.completed }}", 2.4),
                ("Ghi chú", "", 7.0),
            ],
            "rows",
        ),
        ("pl", "{{ total }}"),
        (
            "sign",
            ["NGƯỜI LẬP DANH SÁCH", "(Ký, ghi rõ họ và tên)", "", "", "", ""],
            ["T/M {{ committee }}", "{{ signer_title }}", "(Ký tên, đóng dấu)", "", "", "", ""],
        ),
        ("reference",),
    ],
    "certificates": [
        ("header", "party"),
        ("title", "DANH SÁCH CẤP GIẤY CHỨNG NHẬN"),
        ("center", "{{ class_title }}"),
        ("center", "(Từ {{ start_date }} đến {{ end_date }})"),
        (
            "table",
            [
                ("TT", "{{ row.number }}", 1.0),
                ("Họ và tên", "{{ row.name }}", 5.0),
                ("Ngày sinh", "{{ row.birth }}", 2.8),
                ("Chi bộ", "{{ row.cell_name }}", 6.0),
                ("Số giấy chứng nhận", "{{ row.certificate_number }}", 3.6),
                ("Ngày cấp", "{{ row.certificate_date }}", 2.8),
                ("Ký nhận", "", 3.5),
            ],
            "rows",
        ),
        ("pl", "{{ total }}"),
        (
            "sign",
            ["NGƯỜI LẬP DANH SÁCH", "(Ký, ghi rõ họ và tên)", "", "", "", ""],
            ["T/M {{ committee }}", "{{ signer_title }}", "(Ký tên, đóng dấu)", "", "", "", ""],
        ),
        ("reference",),
    ],
}


def save(document: Any, path: Path) -> None:
    """Save with fixed zip timestamps, so that building again without a change gives the same
    bytes (no noise in the repository)."""
    raw = io.BytesIO()
    document.save(raw)
    raw.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(item.filename))
    path.write_bytes(out.getvalue())


def file_name(code: str) -> str:
    """'6-KNĐ' → 'form_6-knd.docx' (ASCII names in the repository)."""
    return "form_" + code.lower().replace("đ", "d") + ".docx"


def main(root: Path = ROOT) -> None:
    """Write every template under ``root/<app>/documents/``."""
    for app, forms, landscape in (
        ("admissions", ADMISSIONS, False),
        ("members", MEMBERS, False),
        ("training", TRAINING, True),
    ):
        folder = root / app / "documents"
        folder.mkdir(parents=True, exist_ok=True)
        for code, ops in forms.items():
            save(build(ops, landscape=landscape), folder / file_name(code))
            print(f"Wrote {folder / file_name(code)}")


if __name__ == "__main__":
    main()
