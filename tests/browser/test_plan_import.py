"""A province's officer uploads the plan's xlsx on a draft plan: a file with a bad row is refused
with every error listed (nothing changes), the corrected file fills the draft."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from dangvien.organisations import plans
from dangvien.organisations.choices import OrganisationKind as K
from dangvien.organisations.tests.factories import make_organisation

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = ["Thao tác", "Mã cũ", "Mã mới", "Tên mới", "Loại tổ chức mới", "Mã cấp trên"]


def _xlsx(path, rows):
    workbook = Workbook()
    workbook.active.append(HEADER)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_upload_a_plan_then_fix_it(page_as, persona_tree, shot, tmp_path):
    province = persona_tree.region_north
    for letter in "AB":
        commune = make_organisation(
            province, code=f"X{letter}", name=f"Xã {letter}", kind=K.COMMUNE
        )
        make_organisation(commune, code=f"CB{letter}", name=f"Chi bộ {letter}")
    plan = plans.create_plan(
        root=province,
        effective_date=dt.date(2025, 7, 1),
        decision_number="31-HD/BTCTW",
        actor=persona_tree.users["national_admin"],
    )
    page = page_as("region_officer")
    page.goto(f"/organisations/plans/{plan.pk}/")
    bad = _xlsx(
        tmp_path / "sai.xlsx",
        [
            ["Hợp nhất, sáp nhập", "XA", "XM", "Đảng bộ xã Mới", "commune", "T01"],
            ["Hợp nhất, sáp nhập", "XB", "XM", "Đảng bộ xã Khác", "commune", "T01"],
            ["Giải thể", "XZ"],
        ],
    )
    page.locator("#plan-file").set_input_files(str(bad))
    page.get_by_role("button", name="Nhập từ tệp Excel").click()
    page.wait_for_load_state()
    body = page.content()
    assert "Tệp có 2 lỗi ở 2 dòng; phương án không thay đổi." in body
    assert "Không tìm thấy tổ chức mã «XZ»" in body
    assert plan.operations.count() == 0
    shot(page, "plan-import-refused")

    good = _xlsx(
        tmp_path / "dung.xlsx",
        [
            ["Hợp nhất, sáp nhập", "XA", "XM", "Đảng bộ xã Mới", "commune", "T01"],
            ["Hợp nhất, sáp nhập", "XB", "XM"],
        ],
    )
    page.locator("#plan-file").set_input_files(str(good))
    page.get_by_role("button", name="Nhập từ tệp Excel").click()
    page.wait_for_load_state()
    assert "Đã nhập 1 thao tác từ tệp Excel." in page.content()
    assert plan.operations.count() == 1
    shot(page, "plan-import-done")
