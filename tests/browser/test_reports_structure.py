import pytest

from dangvien.organisations import reorganisation as reorg
from dangvien.organisations.choices import OrganisationKind as K
from dangvien.organisations.reorganisation import OrganisationSpec
from dangvien.reports.tests.builders import Traits, admit_people, build_seed_000, months

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_report_of_a_merged_commune_says_which_tree_and_what_it_compares_with(
    page_as, persona_tree, shot
):
    import datetime as dt

    admin = persona_tree.users["national_admin"]
    d = build_seed_000(persona_tree.region_north, actor=admin)
    admit_people(d.cells, Traits(12, women=5), dates=months(2025, 1, 6), tag="25")
    reorg.merge(
        d.communes,
        into=OrganisationSpec(
            code="XMLM",
            name="Đảng bộ xã Mường Luân",
            kind=K.COMMUNE,
            parent=persona_tree.region_north,
        ),
        effective_date=dt.date(2025, 7, 1),
        decision_number="31-HD/BTCTW",
        actor=admin,
    )
    admit_people(d.cells, Traits(15, women=6), dates=months(2026, 1, 6), tag="26")
    page = page_as("region_officer")

    page.goto("/reports/admissions/?org=XMLM&from=2026-01-01&to=2026-06-30")
    assert "so với cùng kỳ của 3 đảng bộ xã cũ" in page.locator("#lineage-line").inner_text()
    assert page.locator("#fig-vs-same-period").inner_text() == "125,0%"
    shot(page, "reports-structure-merged-commune")

    page.select_option("#id_structure_range", "date")
    page.fill("#id_structure_range + input", "2025-06-30")
    page.locator("form[aria-label='Chọn khoảng ngày'] button[type=submit]").click()
    page.wait_for_url("**structure=date**")
    assert "ngày 30/06/2025" in page.locator("#structure-note").inner_text()
