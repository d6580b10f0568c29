"""The grading sheet from Excel: the prefilled template round trip, all-or-nothing commit,
errors per row and column, scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from dangvien.audit.models import AuditEvent
from dangvien.grading.choices import Grade, MemberStep
from dangvien.grading.models import MemberGrade
from dangvien.imports import services
from dangvien.imports.models import ImportStatus
from dangvien.imports.tests.conftest import upload
from dangvien.imports.tests.test_services import committed
from dangvien.members.tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(persona_tree):
    return [
        make_member(persona_tree.branch, full_name=name, decision_date=dt.date(2015, 3, 1))
        for name in ("Lò Văn An", "Quàng Thị Bình", "Vì Văn Cường")
    ]


def _template(client, **params):
    response = client.get("/imports/templates/grades.xlsx", params)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _fill(book, scores: dict[str, tuple[str, str]]) -> bytes:
    """Type the scores (and «Có» for discipline) on the rows of the named members."""
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    name_col, score_col = headers.index("Họ và tên"), headers.index("Điểm")
    disc_col = headers.index("Bị kỷ luật trong kỳ")
    for row in sheet.iter_rows(min_row=2):
        typed = scores.get(row[name_col].value)
        if typed:
            row[score_col].value, row[disc_col].value = typed
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _analysed(user, content):
    job, _created = services.create_import_job(
        actor=user, kind="grades", upload=upload("bang-xep-loai.xlsx", content)
    )
    return services.analyse_import(job, actor=user)


def test_template_is_the_cells_sheet_and_commits_all_rows(
    client_for, persona_tree, members, branch_secretary
):
    book = _template(
        client_for("branch_secretary"), org="CB01", year=2025, quarter=4, step="cell_proposal"
    )
    rows = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert [r[5] for r in rows] == ["Lò Văn An", "Quàng Thị Bình", "Vì Văn Cường"]
    assert rows[0][:4] == ("CB01", "2025", "IV", "Chi bộ đề xuất")
    content = _fill(book, {"Lò Văn An": ("92", ""), "Quàng Thị Bình": ("91,5", "Có")})

    job = _analysed(branch_secretary, content)
    assert job.errors == [], job.errors
    job = committed(branch_secretary, job)

    assert job.status == ImportStatus.COMMITTED
    grades = {g.membership.person.full_name: g for g in MemberGrade.objects.all()}
    assert set(grades) == {"Lò Văn An", "Quàng Thị Bình"}  # the empty score is skipped
    assert grades["Lò Văn An"].grade == Grade.HTXS
    assert grades["Quàng Thị Bình"].grade == Grade.HTT and grades["Quàng Thị Bình"].disciplined
    assert {g.quarter for g in grades.values()} == {4}
    assert AuditEvent.objects.filter(action="grading.member_grade.recorded").count() == 1


def test_bad_rows_are_listed_and_nothing_is_written(
    client_for, persona_tree, members, branch_secretary
):
    book = _template(client_for("branch_secretary"), org="CB01", year=2025, step="approval")
    sheet = book.worksheets[0]
    # a score out of range, a row naming another member than its id, an approval by a secretary
    content = _fill(book, {"Lò Văn An": ("120", ""), "Quàng Thị Bình": ("80", "")})
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    sheet.cell(row=3, column=6).value = "Người Khác"
    buffer = io.BytesIO()
    book.save(buffer)

    job = _analysed(branch_secretary, buffer.getvalue())

    messages = [(e["row"], e["column"], e["message"]) for e in job.errors]
    assert (2, "Điểm", "Điểm 120 nằm ngoài thang điểm; cần từ 0 đến 100.") in messages
    assert any(
        row == 3 and column == "Bước" and "không được ghi bước" in message
        for row, column, message in messages
    )
    job = committed(branch_secretary, job)  # validated again at commit: refused
    assert job.status != ImportStatus.COMMITTED
    assert not MemberGrade.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="grading.").exists()


def test_template_of_a_cell_out_of_scope_is_404(client_for, persona_tree, members):
    response = client_for("branch_secretary").get(
        "/imports/templates/grades.xlsx", {"org": "CB02", "year": 2025}
    )
    assert response.status_code == 404


def test_approval_rows_need_the_cells_proposal(client_for, persona_tree, members, branch_secretary):
    office = persona_tree.users["grassroots_office"]
    book = _template(client_for("grassroots_office"), org="CB01", year=2025, step="approval")
    content = _fill(book, {"Lò Văn An": ("88", "")})
    job = _analysed(office, content)
    assert [e["message"] for e in job.errors] == [
        "Chưa có bước «Chi bộ đề xuất» của đảng viên này; cấp ủy chỉ quyết định sau khi chi bộ"
        " đề xuất."
    ]
    assert not MemberGrade.objects.filter(step=MemberStep.APPROVAL).exists()
