import pytest

from dangvien.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_cell_secretary_opens_the_tree_and_a_person(page_as, persona_tree, shot):
    PersonFactory(
        organisation=persona_tree.branch, full_name="Lò Thị Xuân", citizen_id="011200005678"
    )
    page = page_as("branch_secretary")
    page.goto("/organisations/")
    assert page.get_by_role("link", name="Chi bộ thôn 1").is_visible()
    shot(page, "foundation-tree")
    page.goto("/people/?q=lo thi xuan")
    page.get_by_role("link", name="Lò Thị Xuân").click()
    page.wait_for_url("**/people/*/")
    assert page.get_by_text("••••••••5678").is_visible()
    shot(page, "foundation-person")
