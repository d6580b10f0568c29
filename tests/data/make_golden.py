"""Regenerate the golden import files: ``.venv/bin/python tests/data/make_golden.py``.

Every file is built with openpyxl (a dev dependency) from the rows below, so the files are
reproducible and their content is reviewable here. Organisation codes are those of the test
persona tree (CB01, CB02 under X01; CB03 in the other region).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent

PEOPLE_HEADERS = [
    "Mã tổ chức",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Tôn giáo",
    "Số CCCD",
    "Trình độ giáo dục phổ thông",
    "Trình độ chuyên môn",
    "Nghề nghiệp",
    "Đoàn viên",
    "Nông thôn/Thành thị",
]
MEMBER_HEADERS = [
    *PEOPLE_HEADERS,
    "Số quyết định kết nạp",
    "Ngày quyết định kết nạp",
    "Ngày kết nạp",
    "Ngày công nhận chính thức",
    "Số thẻ đảng",
]

# A clean people file: text dates, an Excel date cell, a citizen ID with a leading zero,
# tolerant spellings (no accents, "Hmong", "12/12", "ĐH", "x").
PEOPLE_OK = [
    [
        "CB01",
        "Nguyễn Thị Hoa",
        "20/02/1998",
        "Nữ",
        "Kinh",
        "Không",
        "001198012345",
        "12/12",
        "ĐH",
        "Giáo viên",
        "x",
        "Nông thôn",
    ],
    [
        "CB01",
        "Lò Văn Páo",
        dt.date(2000, 5, 1),
        "nam",
        "Hmong",
        "",
        "011200005678",
        "thcs",
        "",
        "nong dan",
        "",
        "",
    ],
    [
        "cb02",
        "Trần Minh Đức",
        "1/7/1995",
        "Nam",
        "kinh",
        "phat giao",
        "",
        "Trung học phổ thông",
        "Cao đẳng",
        "Công nhân",
        "Có",
        "Thành thị",
    ],
]

# One row per error class; the expected (row, column) pairs are asserted in the tests.
PEOPLE_ERRORS = [
    ["CB01", "", "20/02/1998", "Nữ", "Kinh", "", "", "", "", "Nông dân", "", ""],  # 2: name empty
    [
        "CB01",
        "Phạm Văn A",
        "31/02/1998",
        "Nam",
        "Kinh",
        "",
        "",
        "",
        "",
        "Nông dân",
        "",
        "",
    ],  # 3: bad date
    [
        "CB01",
        "Phạm Văn B",
        "20/02/2090",
        "Nam",
        "Kinh",
        "",
        "",
        "",
        "",
        "Nông dân",
        "",
        "",
    ],  # 4: future
    [
        "CB01",
        "Phạm Văn C",
        "20/02/1998",
        "Nam",
        "Kinh",
        "",
        "12345",
        "",
        "",
        "Nông dân",
        "",
        "",
    ],  # 5: CCCD
    [
        "CB01",
        "Phạm Văn D",
        "20/02/1998",
        "Nam",
        "Người sao Hỏa",
        "",
        "",
        "",
        "",
        "Nông dân",
        "",
        "",
    ],  # 6: ethnic
    [
        "CB01",
        "Phạm Văn E",
        "20/02/1998",
        "Nam",
        "Kinh",
        "",
        "",
        "",
        "",
        "Công chức",
        "",
        "",
    ],  # 7: ambiguous
    [
        "CB03",
        "Phạm Văn F",
        "20/02/1998",
        "Nam",
        "Kinh",
        "",
        "",
        "",
        "",
        "Nông dân",
        "",
        "",
    ],  # 8: out of scope
    [
        "ZZ99",
        "Phạm Văn G",
        "20/02/1998",
        "Nam",
        "Kinh",
        "",
        "",
        "",
        "",
        "Nông dân",
        "",
        "",
    ],  # 9: unknown org
    [
        "CB01",
        "Phạm Văn H",
        "20/02/1998",
        "Không rõ",
        "Kinh",
        "",
        "",
        "",
        "",
        "Nông dân",
        "",
        "",
    ],  # 10: sex
    [
        "CB01",
        "Phạm Văn I",
        "20/02/1998",
        "Nam",
        "Kinh",
        "",
        "001198099999",
        "",
        "",
        "Nông dân",
        "",
        "",
    ],  # 11
    [
        "CB01",
        "Phạm Văn K",
        "20/02/1998",
        "Nam",
        "Kinh",
        "",
        "001198099999",
        "",
        "",
        "Nông dân",
        "",
        "",
    ],  # 12: dup in file
    [
        "CB01",
        "Phạm Văn L",
        "20/02/1998",
        "Nam",
        "Kinh",
        "",
        "",
        "",
        "",
        "Nông dân",
        "có lẽ",
        "",
    ],  # 13: bool
]

# Duplicates against people the tests create first: 001190000001 (citizen ID) and
# "Hoàng Văn Trùng" born 03/03/1990 in CB02 (same commune as CB01).
PEOPLE_DUPLICATES = [
    [
        "CB01",
        "Hoàng Thị Cũ",
        "01/01/1990",
        "Nữ",
        "Kinh",
        "",
        "001190000001",
        "",
        "",
        "Nông dân",
        "",
        "",
    ],
    ["CB01", "Hoàng Văn Trùng", "03/03/1990", "Nam", "Kinh", "", "", "", "", "Nông dân", "", ""],
    [
        "CB01",
        "Người Mới Hoàn Toàn",
        "04/04/1991",
        "Nam",
        "Kinh",
        "",
        "",
        "",
        "",
        "Nông dân",
        "",
        "",
    ],
]

MEMBERS_OK = [
    [*PEOPLE_OK[0], "125-QĐ/ĐU", "15/03/2019", "01/04/2019", "01/04/2020", "01012345"],
    [*PEOPLE_OK[1], "7-QĐ/ĐU", dt.date(2023, 6, 1), dt.date(2023, 6, 15), None, ""],
]
MEMBERS_ERRORS = [
    # 2: ceremony before decision; 3: official before ceremony; 4: decision missing;
    # 5: organisation is a commune, not a cell
    [*PEOPLE_OK[0], "1", "15/03/2019", "01/03/2019", "", ""],
    [*PEOPLE_OK[1], "2", "15/03/2019", "01/04/2019", "01/01/2019", ""],
    [*PEOPLE_OK[2], "3", "", "", "", ""],
    [
        "X01",
        "Vũ Văn Xã",
        "01/01/1990",
        "Nam",
        "Kinh",
        "",
        "",
        "",
        "",
        "Nông dân",
        "",
        "",
        "4",
        "15/03/2019",
        "",
        "",
        "",
    ],
]

OUTSTANDING_HEADERS = [
    *PEOPLE_HEADERS,
    "Ngày chi bộ đưa vào danh sách",
    "Đảng viên giúp đỡ",
    "Số nghị quyết/biên bản",
]
# The helper 09000001 is an official member the tests register in CB01.
OUTSTANDING_OK = [
    [*PEOPLE_OK[0], "10/01/2025", "09000001", "05-NQ/CB"],
    [*PEOPLE_OK[1], dt.date(2025, 2, 1), "", ""],
    [*PEOPLE_OK[2], "01/03/2025", "", "7-BB/CB"],
]
OUTSTANDING_ERRORS = [
    # 2: date in the future; 3: unknown helper; 4: CB03 is outside T01's scope;
    # 5: date missing; 6: X01 is a commune, not a cell
    [*PEOPLE_OK[0], "01/01/2099", "", ""],
    [*PEOPLE_OK[1], "01/02/2025", "99999999", ""],
    [*(["CB03", *PEOPLE_OK[2][1:]]), "01/03/2025", "", ""],
    [
        "CB01",
        "Phạm Văn Năm",
        "01/01/1990",
        "Nam",
        "Kinh",
        "",
        "",
        "",
        "",
        "Nông dân",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "X01",
        "Vũ Văn Xã",
        "01/01/1990",
        "Nam",
        "Kinh",
        "",
        "",
        "",
        "",
        "Nông dân",
        "",
        "",
        "01/03/2025",
        "",
        "",
    ],
]

CLASS_HEADERS = [
    "Mã lớp",
    "Họ và tên",
    "Ngày sinh",
    "Số CCCD",
    "Hoàn thành",
    "Số giấy chứng nhận",
    "Ngày cấp",
]
# The tests open the class «Lớp nhận thức khóa 1/2025» (ends 30/04/2025) in X01 and
# «Lớp miền Nam» in X02, and register the people of people_ok.xlsx.
CLASS_OK = [
    [
        "Lớp nhận thức khóa 1/2025",
        "Nguyễn Thị Hoa",
        "20/02/1998",
        "001198012345",
        "Có",
        "12/GCN",
        "30/05/2025",
    ],
    ["lop nhan thuc khoa 1/2025", "Lò Văn Páo", dt.date(2000, 5, 1), "", "Không", "", ""],
]
CLASS_ERRORS = [
    # 2: unknown person; 3: completed without certificate number; 4: class outside scope;
    # 5: certificate before the class ended; 6: «Hoàn thành» missing
    ["Lớp nhận thức khóa 1/2025", "Người Lạ", "01/01/1990", "", "Có", "1/GCN", "30/05/2025"],
    [
        "Lớp nhận thức khóa 1/2025",
        "Nguyễn Thị Hoa",
        "20/02/1998",
        "001198012345",
        "Có",
        "",
        "30/05/2025",
    ],
    ["Lớp miền Nam", "Lò Văn Páo", "01/05/2000", "", "Có", "3/GCN", "30/05/2025"],
    ["Lớp nhận thức khóa 1/2025", "Lò Văn Páo", "01/05/2000", "", "Có", "4/GCN", "01/04/2025"],
    ["Lớp nhận thức khóa 1/2025", "Trần Minh Đức", "01/07/1995", "", "", "", ""],
]


def sheet(path: Path, headers: list[str] | None, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Dữ liệu"
    if headers is not None:
        ws.append(headers)
    for row in rows:
        ws.append(row)
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
    workbook.save(path)
    return path


def main() -> None:
    sheet(HERE / "people_ok.xlsx", PEOPLE_HEADERS, PEOPLE_OK)
    sheet(HERE / "people_errors.xlsx", PEOPLE_HEADERS, PEOPLE_ERRORS)
    sheet(HERE / "people_duplicates.xlsx", PEOPLE_HEADERS, PEOPLE_DUPLICATES)
    sheet(HERE / "members_ok.xlsx", MEMBER_HEADERS, MEMBERS_OK)
    sheet(HERE / "members_errors.xlsx", MEMBER_HEADERS, MEMBERS_ERRORS)
    sheet(HERE / "outstanding_ok.xlsx", OUTSTANDING_HEADERS, OUTSTANDING_OK)
    sheet(HERE / "outstanding_errors.xlsx", OUTSTANDING_HEADERS, OUTSTANDING_ERRORS)
    sheet(HERE / "class_results_ok.xlsx", CLASS_HEADERS, CLASS_OK)
    sheet(HERE / "class_results_errors.xlsx", CLASS_HEADERS, CLASS_ERRORS)
    # File-level refusals
    sheet(HERE / "empty_sheet.xlsx", None, [])
    sheet(HERE / "header_only.xlsx", PEOPLE_HEADERS, [])
    wrong = [PEOPLE_HEADERS[0], "Tên", *PEOPLE_HEADERS[2:]]
    sheet(HERE / "wrong_header.xlsx", wrong, PEOPLE_OK)
    sheet(HERE / "missing_header.xlsx", None, PEOPLE_OK)  # data in row 1, no header
    path = sheet(HERE / "formula.xlsx", PEOPLE_HEADERS, PEOPLE_OK)
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    workbook.active["B3"] = '=CONCATENATE("Lò ","Văn Páo")'
    workbook.save(path)
    workbook = load_workbook(sheet(HERE / "merged.xlsx", PEOPLE_HEADERS, PEOPLE_OK))
    workbook.active.merge_cells("A2:A3")
    workbook.save(HERE / "merged.xlsx")
    # A sheet whose last row is 1,000,001: refused from its declared dimension, before parsing.
    workbook = Workbook()
    ws = workbook.active
    ws.append(PEOPLE_HEADERS)
    ws.append(PEOPLE_OK[0])
    ws.cell(row=1_000_001, column=1, value="CB01")
    workbook.save(HERE / "million_rows.xlsx")
    (HERE / "not_excel.xlsx").write_text("Họ và tên;Ngày sinh\nNguyễn Văn A;01/01/1990\n")


if __name__ == "__main__":
    main()
