"""End-to-end smoke tests: a real login through the form, the tree with htmx, a person."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core.management import call_command

from dangvien.members.services import register_existing_member
from dangvien.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


PERSONA_PASSWORD = "mat-khau-thu-nghiem-1"  # tests.support.personas.build_persona_tree


def log_in(page: Any, username: str, password: str) -> None:
    """Fill whichever login form the page has (allauth's ``login`` or Django's ``username``)."""
    page.goto("/accounts/login/")
    for name in ("login", "username"):
        field = page.locator(f"input[name='{name}']")
        if field.count():
            field.fill(username)
            break
    else:
        raise AssertionError("the login page has no username field")
    page.locator("input[name='password']").fill(password)
    page.locator("form button[type='submit'], form input[type='submit']").first.click()
    page.wait_for_load_state("networkidle")
    assert "/accounts/login/" not in page.url, page.content()[:2000]


def node(page: Any, code: str) -> Any:
    return page.locator(f"li[data-org='{code}']").first


def test_cell_secretary_logs_in_opens_the_tree_and_a_person(page, persona_tree, shot):
    # Given a member in the secretary's cell
    person = PersonFactory(
        organisation=persona_tree.branch,
        full_name="Lò Thị Xuân",
        sex="female",
        citizen_id="011200005678",
    )
    register_existing_member(
        person=person,
        organisation=persona_tree.branch,
        decision_date=dt.date(2020, 2, 20),
        official_date=dt.date(2021, 3, 1),
        probation_months=12,
        actor=persona_tree.users["national_admin"],
    )
    # When the cell secretary logs in through the form
    log_in(page, "branch_secretary", PERSONA_PASSWORD)
    page.goto("/organisations/")
    cell = node(page, "CB01")
    assert cell.get_by_role("link", name="Chi bộ thôn 1").is_visible()
    assert cell.locator(".count").first.inner_text() == "1"
    # Out of scope is absent, not greyed out
    assert page.locator("li[data-org='CB02']").count() == 0
    shot(page, "foundation-tree")
    page.goto("/people/?q=lo thi xuan")
    page.get_by_role("link", name="Lò Thị Xuân").click()
    page.wait_for_url(re.compile(r".*/people/\d+/$"))
    assert page.get_by_text("••••••••5678").is_visible()
    membership = page.locator("[data-field='membership']").inner_text()
    assert "Đảng viên chính thức" in membership
    assert "20/02/2020" in membership
    shot(page, "foundation-person")


def test_tree_expands_with_htmx_on_demo_data(page, shot):
    # Given the small demo province
    call_command("seed_demo", "--small", stdout=io.StringIO())
    # When the cell secretary of Bản Co Kham logs in with the printed demo password
    log_in(page, "bithu", "bi-thu-chi-bo-ban-co-kham")
    page.goto("/organisations/")
    assert node(page, "DBD-ML-01").get_by_role("link", name="Chi bộ bản Co Kham").is_visible()
    shot(page, "demo-tree-cell-secretary")
    # and opens a member of the cell
    node(page, "DBD-ML-01").get_by_role("link").first.click()
    page.wait_for_url(re.compile(r".*/organisations/\d+/$"))
    shot(page, "demo-cell")
    page.goto("/people/")
    shot(page, "demo-people")
    page.locator("table a[href*='/people/']").first.click()
    page.wait_for_url(re.compile(r".*/people/\d+/$"))
    assert page.get_by_text("Dân tộc").is_visible()
    shot(page, "demo-person")


def test_tree_children_load_with_htmx_and_show_counts(page_as, shot):
    # Given the small demo province, two-level since 1/7/2025, and the political training
    # centre (its scope followed the dissolved district of Điện Biên Đông to the province)
    call_command("seed_demo", "--small", stdout=io.StringIO())
    from dangvien.accounts.models import User

    page = page_as(User.objects.get(username="trungtam"))
    page.goto("/organisations/")
    province = node(page, "DB")
    assert province.locator(".count").first.inner_text() != "0"
    # When they expand the province, then the new commune of Mường Luân (three former
    # communes merged)
    province.locator("button.toggle").first.click()
    commune = node(page, "X-ML")
    commune.wait_for()
    commune.locator("button.toggle").click()
    village = node(page, "DBD-ML-01")
    village.wait_for()
    # Then the village cells of the former communes appear with their member counts
    assert village.get_by_role("link", name="Chi bộ bản Co Kham").is_visible()
    assert int(village.locator(".count").first.inner_text().replace(".", "")) > 0
    shot(page, "demo-tree-expanded")
