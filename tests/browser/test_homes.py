"""The start page of a cell secretary at the start of a month, and the organisation board
creating a commune office account whose new user then enrols in TOTP."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.cache import cache

from tests.browser.test_mfa import submit, totp_now

pytestmark = pytest.mark.django_db(transaction=True)


def test_cell_secretary_home_at_the_start_of_a_month(page_as, persona_tree, shot) -> None:
    from dangvien.core.calendar import working_days_between
    from dangvien.reports.tests.home_world import TODAY, build_cell_month

    with time_machine.travel(dt.datetime(2026, 12, 1, 8, 0), tick=True):
        month = build_cell_month(persona_tree)
        page = page_as("branch_secretary")
        page.goto("/")
        assert "Hôm nay 01/12/2026" in page.locator("#home-today").inner_text()
        # the pipeline at a glance
        assert page.locator("#pipeline [data-stage='cell_vote'] .fs-5").inner_text() == "1"
        assert page.locator("#pipeline [data-stage='probationary'] .fs-5").inner_text() == "3"
        # the overdue decision, in working days
        due = month.late_decision.next_deadline
        days = working_days_between(due, TODAY)
        overdue = page.locator("#home-work tr[data-kind='admissions.decision'] .overdue")
        assert overdue.inner_text() == f"quá hạn {days} ngày làm việc"
        # probationers who can be recognised now
        recognisable = page.locator("#home-recognisable").inner_text()
        assert "Lường Văn Đủ Giấy" in recognisable and "Đủ giấy tờ" in recognisable
        assert "Tòng Thị Thiếu Giấy" in recognisable and "Còn thiếu" in recognisable
        assert "Hoàng Văn Dự Bị" not in recognisable
        # each person with the next step
        people = page.locator("#home-people").inner_text()
        assert "Lò Văn Quá Hạn" in people and "Đảng ủy cơ sở xét" in people
        # the navigation badge arrives after the page: as many as the home's due work
        badge = page.locator("#nav-due-count")
        badge.wait_for()
        assert int(badge.inner_text()) == page.locator("#home-work tr[data-kind]").count() > 0
        # nothing wider than the 1366 px window
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1366
        shot(page, "home-01-cell-secretary-start-of-month")

        # the person page shows the dossier with its steps and the certificate
        page.goto(f"/people/{month.late_decision.person_id}/")
        assert "Chi bộ xét, biểu quyết" in page.locator("#person-dossiers").inner_text()
        assert "Số N-Lò Văn Quá Hạn" in page.locator("#person-training").inner_text()
        shot(page, "home-07-person-page")

        # the commune office: its cells' work, grouped by the organisation that must act
        office = page_as("grassroots_office")
        office.goto("/")
        assert "Chi bộ thôn 1" in office.locator("#home-work").inner_text()
        assert office.evaluate("document.documentElement.scrollWidth") <= 1366
        shot(office, "home-08-commune-office")


def fill_create_form(page: Any, commune: Any) -> None:
    page.fill("#id_username", "vanphong_x01")
    page.fill("#id_full_name", "Lò Thị Văn Phòng")
    page.select_option("#id_role", "grassroots_office")
    page.select_option("#id_organisation", str(commune.pk))
    page.fill("#id_password1", "mot-mat-khau-rat-dai-2026")
    page.fill("#id_password2", "mot-mat-khau-rat-dai-2026")


def test_board_creates_a_commune_office_account_and_the_user_enrols_totp(
    page_as, page, persona_tree, shot
) -> None:
    from dangvien.accounts.models import RoleAssignment
    from dangvien.audit.models import AuditEvent

    board = page_as("region_officer")
    board.goto("/")
    board.locator("nav .dropdown-toggle").click()
    board.get_by_role("link", name="Tài khoản người dùng").click()
    board.wait_for_load_state()
    assert "region_officer" in board.locator("#user-table").inner_text()
    assert "national_admin" not in board.locator("#user-table").inner_text()
    shot(board, "home-02-board-user-list")
    board.get_by_role("link", name="Tạo tài khoản").click()
    board.wait_for_load_state()
    # a role above the board's own is not offered
    roles = board.locator("#id_role option").all_inner_texts()
    assert "Quản trị hệ thống" not in roles and "Văn phòng đảng ủy cơ sở" in roles
    fill_create_form(board, persona_tree.commune_north)
    board.fill("#id_password2", "khong-giong-nhau-2026")
    board.get_by_role("button", name="Tạo tài khoản").click()
    board.wait_for_load_state()
    assert board.get_by_text("Hai lần nhập mật khẩu không giống nhau.").is_visible()
    fill_create_form(board, persona_tree.commune_north)
    shot(board, "home-03-board-create-account")
    board.get_by_role("button", name="Tạo tài khoản").click()
    board.wait_for_load_state()
    assert "Đã tạo tài khoản «vanphong_x01»" in board.content()
    assert "Văn phòng đảng ủy cơ sở" in board.locator("#role-table").inner_text()
    shot(board, "home-04-board-account-created")
    assignment = RoleAssignment.objects.get(user__username="vanphong_x01")
    assert assignment.organisation == persona_tree.commune_north
    assert AuditEvent.objects.filter(action="accounts.user.created").count() == 1

    # the new user logs in, is asked to enrol TOTP, enrols, and lands on their home
    cache.clear()
    page.goto("/accounts/login/")
    page.locator("input[name='login']").fill("vanphong_x01")
    page.locator("input[name='password']").fill("mot-mat-khau-rat-dai-2026")
    submit(page, "/accounts/login/")
    page.goto("/")
    if "/accounts/reauthenticate/" in page.url:
        page.locator("input[name='password']").fill("mot-mat-khau-rat-dai-2026")
        submit(page, "/accounts/reauthenticate/")
    assert "/accounts/2fa/totp/activate/" in page.url
    shot(page, "home-05-new-user-enrol-totp")
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("input[name='code']").fill(totp_now(secret))
    submit(page, "/accounts/2fa/totp/activate/")
    assert "/accounts/2fa/recovery-codes/" in page.url
    page.goto("/")
    assert "Xin chào, Lò Thị Văn Phòng" in page.content()
    assert "Đảng bộ xã Bắc Một" in page.locator("#home-today").inner_text()
    shot(page, "home-06-new-user-home")
