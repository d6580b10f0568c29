"""Account administration in the product: the system administrator and the organisation boards
create accounts, give and end roles on their subtree, reset passwords and second factors,
deactivate; every change audited; nobody grants above their own role or outside their subtree."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from dangvien.accounts import services
from dangvien.accounts.choices import Role
from dangvien.accounts.models import RoleAssignment, User
from dangvien.accounts.rules import can
from dangvien.accounts.scope import forget
from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from tests.support.mfa import force_login_with_mfa

PASSWORD = "mot-mat-khau-rat-dai-2026"


def make_account(tree, username="canbo", role=Role.CELL_SECRETARY, organisation=None):
    return services.create_user(
        username=username,
        full_name="Cán bộ Mới",
        password=PASSWORD,
        role=role,
        organisation=organisation or tree.branch,
        actor=tree.users["region_officer"],
    )


def test_board_creates_an_account_with_a_role_audited(persona_tree):
    board = persona_tree.users["region_officer"]
    user = services.create_user(
        username="vanphong_x01",
        full_name="Lò Thị Văn",
        email="van@example.vn",
        password=PASSWORD,
        role=Role.GRASSROOTS_OFFICE,
        organisation=persona_tree.commune_north,
        actor=board,
    )
    assert user.check_password(PASSWORD) and user.is_active
    assignment = RoleAssignment.objects.get(user=user)
    assert (assignment.role, assignment.organisation, assignment.created_by) == (
        Role.GRASSROOTS_OFFICE,
        persona_tree.commune_north,
        board,
    )
    assert can(user, "dossier.committee", persona_tree.branch)
    created = AuditEvent.objects.get(action="accounts.user.created")
    assert created.actor == board and created.organisation == persona_tree.commune_north
    assert created.data == {
        "username": "vanphong_x01",
        "full_name": "Lò Thị Văn",
        "role": "grassroots_office",
    }
    assert AuditEvent.objects.filter(action="accounts.role_assignment.created").count() == 1


def test_no_one_grants_a_role_above_their_own(persona_tree):
    with pytest.raises(DomainError) as refused:
        make_account(persona_tree, role=Role.SYSTEM_ADMIN)
    assert refused.value.rule == "role_grant"
    assert "Quản trị hệ thống" in refused.value.message
    assert "không cao hơn vai trò của mình" in refused.value.message
    assert not User.objects.filter(username="canbo").exists()
    assert not AuditEvent.objects.filter(action__startswith="accounts.user.created").exists()


def test_no_one_grants_a_role_outside_their_subtree(persona_tree):
    with pytest.raises(DomainError) as refused:
        make_account(persona_tree, organisation=persona_tree.branch_south)
    assert refused.value.rule == "role_grant"
    assert "Chi bộ thôn 3" in refused.value.message
    assert not User.objects.filter(username="canbo").exists()


def test_roles_without_user_manage_grant_nothing(persona_tree):
    office = persona_tree.users["grassroots_office"]
    with pytest.raises(DomainError):
        services.create_user(
            username="x",
            full_name="X",
            password=PASSWORD,
            role=Role.VIEWER,
            organisation=persona_tree.branch,
            actor=office,
        )


def test_username_is_unique_whatever_its_case(persona_tree):
    make_account(persona_tree, username="CanBo")
    with pytest.raises(DomainError) as refused:
        make_account(persona_tree, username="canbo")
    assert refused.value.field == "username"
    assert User.objects.filter(username__iexact="canbo").count() == 1


def test_a_weak_password_is_refused_in_vietnamese(persona_tree):
    with pytest.raises(DomainError) as refused:
        services.create_user(
            username="canbo",
            full_name="Cán bộ",
            password="canbo123",
            role=Role.VIEWER,
            organisation=persona_tree.branch,
            actor=persona_tree.users["region_officer"],
        )
    assert refused.value.field == "password1"
    assert not User.objects.filter(username="canbo").exists()


def test_end_a_role_keeps_the_row_and_removes_the_reach(persona_tree):
    user = make_account(persona_tree)
    assignment = RoleAssignment.objects.get(user=user)
    assert can(user, "dossier.change", persona_tree.branch)
    services.end_role_assignment(
        assignment, actor=persona_tree.users["region_officer"], note="Thôi giữ chức bí thư"
    )
    assignment.refresh_from_db()
    assert assignment.ended_at is not None and assignment.end_note == "Thôi giữ chức bí thư"
    forget(user)
    assert not can(user, "dossier.change", persona_tree.branch)
    event = AuditEvent.objects.get(action="accounts.role_assignment.ended")
    assert event.data["note"] == "Thôi giữ chức bí thư"
    # the account is still filed under the board (through its ended role), and may get the
    # same role again as a new row
    services.assign_role(
        user,
        role=Role.CELL_SECRETARY,
        organisation=persona_tree.branch,
        actor=persona_tree.users["region_officer"],
    )
    assert RoleAssignment.objects.filter(user=user).count() == 2
    with pytest.raises(DomainError) as twice:
        services.end_role_assignment(
            assignment, actor=persona_tree.users["region_officer"], note="lần nữa"
        )
    assert twice.value.rule == "role_already_ended"


def test_a_board_cannot_manage_an_account_above_it_or_reaching_outside(persona_tree):
    board = persona_tree.users["region_officer"]
    admin = persona_tree.users["national_admin"]
    outsider = persona_tree.users["outsider"]
    # the national admin's account (system admin on TW) is out of the board's reach
    assert not User.objects.visible_to(board).filter(pk=admin.pk).exists()
    with pytest.raises(DomainError) as refused:
        services.reset_password(admin, password=PASSWORD, actor=board)
    assert refused.value.rule == "user_manage"
    # an account with a role in T01 and one in T02 belongs to neither board alone
    user = make_account(persona_tree)
    services.assign_role(
        user, role=Role.VIEWER, organisation=persona_tree.region_south, actor=admin
    )
    assert not User.objects.visible_to(board).filter(pk=user.pk).exists()
    assert not User.objects.visible_to(outsider).filter(pk=user.pk).exists()
    assert User.objects.visible_to(admin).filter(pk=user.pk).exists()
    with pytest.raises(DomainError):
        services.deactivate_user(user, actor=board, note="x")
    assert User.objects.get(pk=user.pk).is_active


def test_visible_accounts_of_a_board(persona_tree):
    board = persona_tree.users["region_officer"]
    names = set(User.objects.visible_to(board).values_list("username", flat=True))
    # every persona of T01's subtree, the board itself included; not the national admin
    # (system admin on TW) nor the outsider (T02)
    assert names == {
        "region_officer",
        "grassroots_office",
        "branch_secretary",
        "training_centre",
        "area_committee",
        "viewer",
    }
    assert set(User.objects.visible_to(persona_tree.users["branch_secretary"])) == set()


def test_reset_second_factor_forces_enrolment_again(persona_tree):
    board = persona_tree.users["region_officer"]
    user = make_account(
        persona_tree, role=Role.GRASSROOTS_OFFICE, organisation=persona_tree.commune_north
    )
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = Client()
    force_login_with_mfa(client, user)
    assert client.get(reverse("people:person-list")).status_code == 200
    removed = services.reset_second_factor(user, actor=board)
    assert removed == 1
    assert not Authenticator.objects.filter(user=user).exists()
    event = AuditEvent.objects.get(action="accounts.user.mfa_reset")
    assert event.actor == board and event.data["sessions_ended"] == 1
    # the session is gone; logging in again leads to enrolment
    response = client.get(reverse("people:person-list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.post(reverse("accounts:login"), {"login": "canbo", "password": PASSWORD})
    response = client.get(reverse("people:person-list"))
    assert response.status_code == 302
    assert "/accounts/reauthenticate/" in response["Location"] or "totp" in response["Location"]
    with pytest.raises(DomainError) as nothing:
        services.reset_second_factor(user, actor=board)
    assert nothing.value.rule == "mfa_reset"


def test_reset_password_and_deactivate_end_sessions(persona_tree):
    board = persona_tree.users["region_officer"]
    user = make_account(persona_tree)
    client = Client()
    client.force_login(user)
    services.reset_password(user, password="mot-cau-khac-han-2026", actor=board)
    user.refresh_from_db()
    assert user.check_password("mot-cau-khac-han-2026")
    assert AuditEvent.objects.get(action="accounts.user.password_reset").actor == board
    assert not Session.objects.exists()
    client.force_login(user)
    services.deactivate_user(user, actor=board, note="Nghỉ hưu")
    user.refresh_from_db()
    assert not user.is_active
    assert client.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.get(action="accounts.user.deactivated").data["note"] == "Nghỉ hưu"
    services.reactivate_user(user, actor=board)
    assert User.objects.get(pk=user.pk).is_active
    assert AuditEvent.objects.filter(action="accounts.user.reactivated").count() == 1


def test_an_administrator_does_not_lock_themselves_out(persona_tree):
    board = persona_tree.users["region_officer"]
    with pytest.raises(DomainError) as refused:
        services.deactivate_user(board, actor=board, note="x")
    assert refused.value.rule == "user_self"
    assert User.objects.get(pk=board.pk).is_active


def test_create_page_refuses_in_vietnamese_and_changes_nothing(persona_tree, client_for):
    client = client_for("region_officer")
    before = User.objects.count()
    response = client.post(
        reverse("accounts:user-create"),
        {
            "username": "qtv",
            "full_name": "Quản trị",
            "role": "system_admin",
            "organisation": persona_tree.branch.pk,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    # a role above the board's is not even offered
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode() or (
        "không hợp lệ" in response.content.decode()
    )
    assert User.objects.count() == before
    # out of scope: the organisation is a 404, nothing created
    response = client.post(
        reverse("accounts:user-create"),
        {
            "username": "qtv",
            "full_name": "Quản trị",
            "role": "viewer",
            "organisation": persona_tree.branch_south.pk,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 404
    assert User.objects.count() == before


# session, user, assignments, MFA check, the page's count, users, their roles (the worklist
# badge is fetched after the page)
USER_LIST_QUERIES = 9


def test_user_list_query_count_is_fixed(persona_tree, client_for, django_assert_num_queries):
    client = client_for("region_officer")
    for i in range(5):
        make_account(persona_tree, username=f"canbo{i}")
    client.get(reverse("accounts:user-list"))  # warm the per-process caches (rule sets, calendar)
    with django_assert_num_queries(USER_LIST_QUERIES):
        assert client.get(reverse("accounts:user-list")).status_code == 200
    for i in range(5, 15):
        make_account(persona_tree, username=f"canbo{i}")
    with django_assert_num_queries(USER_LIST_QUERIES):
        response = client.get(reverse("accounts:user-list"))
    assert response.content.decode().count("Bí thư chi bộ") >= 15


def test_detail_page_gives_and_ends_roles(persona_tree, client_for):
    client = client_for("region_officer")
    user = make_account(persona_tree)
    url = reverse("accounts:user-detail", args=[user.pk])
    html = client.get(url).content.decode()
    assert "Bí thư chi bộ" in html and "Giao thêm vai trò" in html
    response = client.post(
        reverse("accounts:user-role-add", args=[user.pk]),
        {"role": "viewer", "organisation": persona_tree.commune_north.pk},
    )
    assert response.status_code == 302
    viewer = RoleAssignment.objects.get(user=user, role="viewer")
    response = client.post(reverse("accounts:role-end", args=[viewer.pk]), {"note": ""})
    assert response.status_code == 400
    assert RoleAssignment.objects.get(pk=viewer.pk).ended_at is None
    response = client.post(reverse("accounts:role-end", args=[viewer.pk]), {"note": "Hết nhiệm kỳ"})
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "Hết nhiệm kỳ" in html
    # the cell secretary has no account administration at all
    assert client_for("branch_secretary").get(url).status_code == 403
    assert client_for("outsider").get(url).status_code == 404
