"""Dues status and attendance from Excel: rows matched to members of the cell, all-or-nothing,
written by the screening service (which keeps the old value of a corrected month)."""

import datetime as dt
import io

import pytest
import time_machine
import xlsxwriter

from dangvien.imports import services
from dangvien.imports.models import ImportStatus
from dangvien.imports.tests.conftest import upload
from dangvien.members.tests.factories import make_member
from dangvien.screening.models import MonthRecord, MonthRecordChange

pytestmark = pytest.mark.django_db

HEADERS = [
    "Mã chi bộ",
    "Họ và tên",
    "Số thẻ đảng",
    "Ngày sinh",
    "Tháng",
    "Đảng phí",
    "Sinh hoạt chi bộ",
]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0), tick=False):
        yield


def workbook(rows):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet("Dữ liệu")
    for c, header in enumerate(HEADERS):
        sheet.write_string(0, c, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    return buffer.getvalue()


def run(user, rows, *, commit=True):
    job, _created = services.create_import_job(
        actor=user, kind="dues", upload=upload("dues.xlsx", workbook(rows))
    )
    job = services.analyse_import(job, actor=user)
    if commit and not job.errors:
        job = services.start_commit(job, actor=user)
        job = services.commit_import(job, actor=user)
    return job


@pytest.fixture
def members(persona_tree):
    first = make_member(persona_tree.branch, full_name="Lò Văn Một")
    first.card_number = "01000001"
    first.save(update_fields=["card_number"])
    second = make_member(persona_tree.branch, full_name="Quàng Thị Hai")
    return first, second


def test_dues_rows_are_written_and_raise_the_alert(branch_secretary, members):
    first, second = members
    birth = f"{second.person.date_of_birth:%d/%m/%Y}"
    rows = [
        ["CB01", "Lò Văn Một", "01000001", "", f"{m:02d}/2026", "Chưa nộp", "Có sinh hoạt"]
        for m in (3, 5, 7)
    ] + [["CB01", "Quàng Thị Hai", "", birth, "07/2026", "Đã nộp", ""]]
    job = run(branch_secretary, rows)
    assert job.status == ImportStatus.COMMITTED, (job.message, job.errors)
    assert MonthRecord.objects.filter(membership=first, dues="unpaid").count() == 3
    assert MonthRecord.objects.get(membership=second).dues == "paid"
    from dangvien.core.worklist import collect

    assert "screening.dues_alert" in {
        i.kind for i in collect(branch_secretary, dt.date(2026, 11, 20))
    }
    # a second file corrects July: the old value is kept
    job = run(branch_secretary, [["CB01", "Lò Văn Một", "01000001", "", "07/2026", "Đã nộp", ""]])
    assert job.status == ImportStatus.COMMITTED
    change = MonthRecordChange.objects.get()
    assert (change.old_dues, change.new_dues) == ("unpaid", "paid")


def test_bad_rows_are_listed_and_nothing_is_written(branch_secretary, outsider, members):
    rows = [
        ["CB01", "Lò Văn Một", "09999999", "", "03/2026", "Đã nộp", ""],
        ["CB01", "Không Có", "", "01/01/1980", "03/2026", "Đã nộp", ""],
        ["CB01", "Lò Văn Một", "01000001", "", "13/2026", "Đã nộp", ""],
        ["CB01", "Lò Văn Một", "01000001", "", "04/2026", "Có thể", ""],
        ["CB02", "Lò Văn Một", "01000001", "", "04/2026", "Đã nộp", ""],
    ]
    job = run(branch_secretary, rows)
    columns = sorted({(e["row"], e["column"]) for e in job.errors})
    assert [row for row, _column in columns] == [2, 3, 4, 5, 6]
    assert not MonthRecord.objects.exists()
    # the outsider's scope has no CB01: every row is refused
    job = run(outsider, rows[:1])
    assert job.errors and not MonthRecord.objects.exists()


def test_a_future_month_is_refused_at_commit(branch_secretary, members):
    job = run(branch_secretary, [["CB01", "Lò Văn Một", "01000001", "", "12/2026", "Đã nộp", ""]])
    assert job.status != ImportStatus.COMMITTED
    assert "12/2026" in job.message
    assert not MonthRecord.objects.exists()
