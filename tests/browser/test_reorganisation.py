"""The organisation board merges two cells through the wizard: form, preview (nothing
written), apply; the new cell's page shows its lineage with the decision and the handover
minutes."""

import pytest

from dangvien.members.models import Membership
from dangvien.members.tests.factories import make_member
from dangvien.organisations.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)


def test_merge_two_cells_through_the_wizard(page_as, persona_tree, shot):
    for cell, name in ((persona_tree.branch, "Lò Văn An"), (persona_tree.branch_two, "Lò Thị Ba")):
        make_member(cell, full_name=name)
    page = page_as("region_officer")
    page.goto(f"/organisations/{persona_tree.commune_north.pk}/reorganise/merge/")
    page.fill("#id_effective_date", "01/07/2025")
    page.fill("#id_decision_number", "125-QĐ/ĐU")
    page.fill("#id_handover_reference", "BB-07/2025")
    page.fill("#id_sources", "CB01, CB02")
    page.fill("#id_new_code", "CB12")
    page.fill("#id_new_name", "Chi bộ thôn Một – Hai")
    page.select_option("#id_new_kind", "cell")
    page.fill("#id_new_parent", "X01")
    shot(page, "reorganise-merge-form")
    page.get_by_role("button", name="Xem trước").click()
    page.wait_for_load_state()
    assert page.get_by_text("Mọi thao tác đều thực hiện được.").is_visible()
    assert "Đảng viên: chuyển 2" in page.locator("table").first.inner_text()
    assert not Organisation.objects.filter(code="CB12").exists()
    shot(page, "reorganise-merge-preview")

    page.get_by_role("button", name="Thực hiện ngay").click()
    page.wait_for_load_state()
    new = Organisation.objects.get(code="CB12")
    assert Membership.objects.filter(organisation=new).count() == 2
    page.goto(f"/organisations/{new.pk}/")
    text = page.locator("body").inner_text()
    assert "so với cùng kỳ của 2 chi bộ cũ: Chi bộ thôn 1, Chi bộ thôn 2" in text
    assert "BB-07/2025" in text and "125-QĐ/ĐU" in text
    shot(page, "reorganise-lineage")
