"""Lists too long for one screen at a province's scale: the class list a page at a time, the
badges due list as figures and the organisations below, the member list filtered by an
organisation found by typing (screenshots under ``screenshots/``)."""

from __future__ import annotations

import datetime as dt

from dangvien.members.tests.factories import make_member
from dangvien.training import services as training
from tests.browser.pickers import pick


def test_the_class_list_pages_and_the_due_list_sends_to_the_organisations_below(
    page_as, persona_tree, shot, monkeypatch
):
    from dangvien.badges import views as badge_views
    from dangvien.training import views as training_views

    for number in range(3):
        start = dt.date(2026, 3, 2) + dt.timedelta(days=7 * number)
        training.create_class(
            kind="awareness",
            name=f"Lớp nhận thức về Đảng khóa {number + 1}",
            organiser=persona_tree.commune_north,
            start_date=start,
            end_date=start + dt.timedelta(days=4),
            actor=persona_tree.users["national_admin"],
        )
    for year in (1960, 1975, 1990):
        make_member(persona_tree.branch, decision_date=dt.date(year, 5, 1))
    monkeypatch.setattr(training_views, "PAGE_SIZE", 2)
    monkeypatch.setattr(badge_views, "DUE_LIST_LIMIT", 2)
    page = page_as("region_officer")

    page.goto("/training/")
    assert page.locator("text=3 lớp").is_visible()
    page.get_by_role("link", name="›").click()
    page.wait_for_url("**page=2**")
    assert page.get_by_text("Lớp nhận thức về Đảng khóa 1").is_visible()
    shot(page, "class-list-page-2")

    page.goto(f"/badges/?org={persona_tree.region_north.pk}")
    figures = page.locator("#badges-due-figures")
    assert figures.is_visible()
    assert "hơn 2 đảng viên" in figures.inner_text()
    shot(page, "badges-due-figures")
    monkeypatch.setattr(badge_views, "DUE_LIST_LIMIT", 10)  # the commune's list is short
    page.get_by_role("link", name=persona_tree.commune_north.name).click()
    page.wait_for_url(f"**org={persona_tree.commune_north.pk}**")
    assert page.locator("#badges-due").is_visible()
    shot(page, "badges-due-commune")


def test_the_member_list_is_filtered_by_an_organisation_found_by_typing(
    page_as, persona_tree, shot
):
    make_member(persona_tree.branch, full_name="Lò Thị Một")
    make_member(persona_tree.branch_two, full_name="Lò Thị Hai")
    page = page_as("region_officer")
    page.goto("/members/")
    assert page.get_by_text("Lò Thị Một").is_visible()

    pick(page, "#id_organisation", "thon 2", "Chi bộ thôn 2")
    page.wait_for_url(f"**organisation={persona_tree.branch_two.pk}**")
    page.get_by_text("Lò Thị Một").wait_for(state="detached")
    assert page.get_by_text("Lò Thị Hai").is_visible()
    shot(page, "member-list-organisation-picked")

    page.locator("[data-picker-remove]").click()  # back to the whole tree
    page.get_by_text("Lò Thị Một").wait_for()

    # an organisation outside the user's tree (a stale link): said, not silently ignored
    page.goto(f"/audit/?organisation={persona_tree.branch_south.pk}")
    assert page.get_by_role("alert").filter(has_text="nằm ngoài phạm vi").is_visible()
    shot(page, "audit-list-organisation-outside")
