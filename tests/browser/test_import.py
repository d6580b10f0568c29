"""A cell secretary uploads a file with an error, reads it, fixes the file and commits."""

import datetime as dt

import pytest
from openpyxl import Workbook

from dangvien.people.models import Person

pytestmark = pytest.mark.django_db(transaction=True)

HEADERS = ["Mã tổ chức", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Số CCCD", "Nghề nghiệp"]


def workbook(path, rows):
    book = Workbook()
    sheet = book.active
    sheet.title = "Dữ liệu"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture(autouse=True)
def immediate_tasks(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_upload_read_errors_fix_and_commit(page_as, shot, tmp_path):
    good = ["CB01", "Lò Thị Xuân", "12/05/1999", "Nữ", "Thái", "011199005678", "Nông dân"]
    bad = ["CB01", "Quàng Văn Páo", "31/02/2001", "Nam", "Hmong", "", "Sinh viên"]
    page = page_as("branch_secretary")
    page.goto("/imports/")
    shot(page, "import-list")
    page.select_option("#id_kind", "people")
    page.set_input_files("#id_file", str(workbook(tmp_path / "danh-sach.xlsx", [good, bad])))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.wait_for_selector("#error-table")
    error_row = page.locator("#error-table tbody tr").first
    assert error_row.locator("td").nth(0).inner_text() == "3"
    assert error_row.locator("td").nth(1).inner_text() == "Ngày sinh"
    assert "31/02/2001" in error_row.inner_text()
    assert page.locator("#count-error").inner_text() == "1"
    assert page.get_by_role("button", name="Ghi vào hệ thống").is_disabled()
    shot(page, "import-errors")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp kèm cột lỗi").click()
    assert download.value.suggested_filename == "danh-sach-loi.xlsx"
    assert Person.objects.count() == 0

    bad[2] = dt.date(2001, 2, 28)
    page.goto("/imports/")
    page.select_option("#id_kind", "people")
    page.set_input_files("#id_file", str(workbook(tmp_path / "danh-sach-da-sua.xlsx", [good, bad])))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.wait_for_selector("#preview")
    assert page.locator("#count-new").inner_text() == "2"
    assert page.locator("#error-table").count() == 0
    shot(page, "import-preview")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Ghi vào hệ thống").click()
    page.wait_for_selector("#job-done")
    assert "thêm mới 2" in page.locator("#job-done").inner_text()
    shot(page, "import-committed")
    assert sorted(Person.objects.values_list("full_name", flat=True)) == [
        "Lò Thị Xuân",
        "Quàng Văn Páo",
    ]
    assert Person.objects.get(full_name="Quàng Văn Páo").ethnic_group.code == "08"
