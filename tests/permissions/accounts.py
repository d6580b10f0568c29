"""Designed answers for the login, MFA and lockout pages and the Django admin
(see dangvien/accounts/matrix.py)."""

from tests.support.matrix import LOGIN, UNCHANGED, Operation, Page, answers, by_role, redirect

SIGNED_IN = answers(200, anonymous=LOGIN)
REAUTH = redirect("/accounts/reauthenticate/")
MANAGERS = ("national_admin", "region_officer")  # user.manage
POST_ONLY = by_role(405, who=MANAGERS, denied=405, outsider=405, anonymous=LOGIN)
LOGGED_OUT = answers(redirect("/accounts/login/", audited=True), anonymous=UNCHANGED)

PERMISSIONS = [
    # Login: the form for visitors; a signed-in user is sent on to the home page.
    Page(
        "accounts:login",
        get=answers(302, anonymous=200),
        post=answers(UNCHANGED),
        note="the login POST itself is tested in accounts/tests/test_login.py",
    ),
    Page("account_login", get=answers(302, anonymous=200), post=answers(UNCHANGED)),
    # Logout: a confirmation page; the POST ends the session and writes only the audit event
    # accounts.user.logged_out.
    Page("accounts:logout", get=answers(200, anonymous=LOGIN), post=LOGGED_OUT),
    Page("account_logout", get=answers(200, anonymous=LOGIN), post=LOGGED_OUT),
    Page("account_inactive", get=answers(200), post=answers(UNCHANGED)),
    Page("account_reauthenticate", get=SIGNED_IN, post=answers(UNCHANGED)),
    Page("account_change_password", get=SIGNED_IN, post=answers(UNCHANGED)),
    # MFA management: each user's own authenticators only.
    Page("mfa_index", get=SIGNED_IN, post=answers(UNCHANGED)),
    Page(
        "mfa_authenticate",
        get=answers(302, anonymous=LOGIN),
        post=answers(UNCHANGED),
        note="only inside a login in progress; otherwise back to login / home",
    ),
    Page("mfa_reauthenticate", get=answers(302, anonymous=LOGIN), post=answers(UNCHANGED)),
    # Enrolling is a security change: allauth first asks for the password again.
    Page(
        "mfa_activate_totp",
        get=answers(REAUTH, anonymous=LOGIN),
        post=answers(UNCHANGED),
    ),
    # Without an authenticator of one's own there is nothing to switch off or show: 404.
    Page("mfa_deactivate_totp", get=answers(404, anonymous=LOGIN), post=answers(UNCHANGED)),
    Page("mfa_view_recovery_codes", get=answers(404, anonymous=LOGIN), post=answers(UNCHANGED)),
    Page(
        "mfa_generate_recovery_codes",
        get=answers(302, anonymous=LOGIN),
        post=answers(UNCHANGED),
    ),
    Page(
        "mfa_download_recovery_codes",
        get=answers(404, anonymous=LOGIN),
        post=answers(UNCHANGED),
    ),
    # Lockouts: user.unlock (system administrators).
    Page(
        "accounts:lockout-list",
        get=by_role(200, who=("national_admin",), outsider=403),
    ),
    Page(
        "accounts:user-unlock",
        get=by_role(405, who=("national_admin",), denied=405, outsider=405, anonymous=LOGIN),
        post=by_role(302, who=("national_admin",), outsider=403),
        kwargs=lambda w: {"user_id": w.locked_user.pk},
    ),
    # Account administration: user.manage (system administrator, organisation board). The
    # accounts in the world sit in CB01, under the region officer; the outsider (org board on
    # T02) lists and creates in their own subtree but reaches none of them (404).
    Page("accounts:user-list", get=by_role(200, who=MANAGERS, outsider=200)),
    Page(
        "accounts:user-create",
        get=by_role(200, who=MANAGERS, outsider=200),
        post=by_role(302, who=MANAGERS),
        data=lambda w: {
            "username": "taikhoanmoi",
            "full_name": "Tài khoản mới",
            "role": "cell_secretary",
            "organisation": w.tree.branch.pk,
            "password1": "mot-mat-khau-rat-dai-2026",
            "password2": "mot-mat-khau-rat-dai-2026",
        },
    ),
    Page(
        "accounts:user-detail",
        get=by_role(200, who=MANAGERS),
        kwargs=lambda w: {"user_id": w.managed_user.pk},
    ),
    Page(
        "accounts:user-role-add",
        get=POST_ONLY,
        post=by_role(302, who=MANAGERS),
        kwargs=lambda w: {"user_id": w.managed_user.pk},
        data=lambda w: {"role": "viewer", "organisation": w.tree.commune_north.pk},
    ),
    Page(
        "accounts:user-password",
        get=by_role(200, who=MANAGERS),
        post=by_role(302, who=MANAGERS),
        kwargs=lambda w: {"user_id": w.managed_user.pk},
        data=lambda w: {
            "password1": "mot-mat-khau-rat-dai-2026",
            "password2": "mot-mat-khau-rat-dai-2026",
        },
    ),
    Page(
        "accounts:user-mfa-reset",
        get=POST_ONLY,
        post=by_role(302, who=MANAGERS),
        kwargs=lambda w: {"user_id": w.managed_user.pk},
    ),
    Page(
        "accounts:user-deactivate",
        get=POST_ONLY,
        post=by_role(302, who=MANAGERS),
        kwargs=lambda w: {"user_id": w.managed_user.pk},
        data=lambda w: {"note": "Đã chuyển công tác"},
    ),
    Page(
        "accounts:user-reactivate",
        get=POST_ONLY,
        post=by_role(302, who=MANAGERS),
        kwargs=lambda w: {"user_id": w.inactive_user.pk},
    ),
    Page(
        "accounts:role-end",
        get=POST_ONLY,
        post=by_role(302, who=MANAGERS),
        kwargs=lambda w: {"assignment_id": w.managed_assignment.pk},
        data=lambda w: {"note": "Thôi giữ chức vụ"},
    ),
    # The same administration over the API (user.manage, the same services and scope): the
    # outsider lists their own subtree, reaches none of the world's accounts (404).
    Operation(
        "GET /api/v1/accounts/users", by_role(200, who=(*MANAGERS, "outsider"), anonymous=401)
    ),
    Operation(
        "POST /api/v1/accounts/users",
        by_role(201, who=MANAGERS, anonymous=401),
        payload=lambda w: {
            "username": "taikhoanmoi",
            "full_name": "Tài khoản mới",
            "role": "cell_secretary",
            "organisation_id": w.tree.branch.pk,
            "password": "mot-mat-khau-rat-dai-2026",
        },
    ),
    Operation(
        "GET /api/v1/accounts/users/{user_id}",
        by_role(200, who=MANAGERS, anonymous=401),
        params=lambda w: {"user_id": w.managed_user.pk},
    ),
    Operation(
        "POST /api/v1/accounts/users/{user_id}/roles",
        by_role(201, who=MANAGERS, anonymous=401),
        params=lambda w: {"user_id": w.managed_user.pk},
        payload=lambda w: {"role": "viewer", "organisation_id": w.tree.commune_north.pk},
    ),
    Operation(
        "POST /api/v1/accounts/roles/{assignment_id}/end",
        by_role(200, who=MANAGERS, anonymous=401),
        params=lambda w: {"assignment_id": w.managed_assignment.pk},
        payload=lambda w: {"note": "Thôi giữ chức vụ"},
    ),
    Operation(
        "POST /api/v1/accounts/users/{user_id}/password",
        by_role(200, who=MANAGERS, anonymous=401),
        params=lambda w: {"user_id": w.managed_user.pk},
        payload=lambda w: {"password": "mot-mat-khau-rat-dai-2026"},
    ),
    Operation(
        "POST /api/v1/accounts/users/{user_id}/mfa-reset",
        by_role(200, who=MANAGERS, anonymous=401),
        params=lambda w: {"user_id": w.managed_user.pk},
    ),
    Operation(
        "POST /api/v1/accounts/users/{user_id}/deactivate",
        by_role(200, who=MANAGERS, anonymous=401),
        params=lambda w: {"user_id": w.managed_user.pk},
        payload=lambda w: {"note": "Đã chuyển công tác"},
    ),
    Operation(
        "POST /api/v1/accounts/users/{user_id}/reactivate",
        by_role(200, who=MANAGERS, anonymous=401),
        params=lambda w: {"user_id": w.inactive_user.pk},
    ),
    # The Django admin: staff only; no persona is staff, all are sent to the admin login.
    Page(
        "admin:*",
        get=answers(redirect("/admin/login/")),
        post=answers(UNCHANGED),
        samples=("admin:index", "admin:auth_group_changelist"),
        note="every admin URL is behind admin_view (is_staff); sampled",
    ),
]


def build_world(world):
    """Two accounts under the region officer: a cell secretary of CB01 with an authenticator
    app, and a locked (deactivated) one."""
    from allauth.mfa.models import Authenticator

    from dangvien.accounts.models import RoleAssignment, User

    world.managed_user = User.objects.create_user(
        username="bithu_cb01_moi", password="mot-mat-khau-rat-dai-2025", full_name="Bí thư mới"
    )
    world.managed_assignment = RoleAssignment.objects.create(
        user=world.managed_user, role="cell_secretary", organisation=world.tree.branch
    )
    Authenticator.objects.create(
        user=world.managed_user, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    world.inactive_user = User.objects.create_user(
        username="nghi_huu", password="mot-mat-khau-rat-dai-2025", is_active=False
    )
    RoleAssignment.objects.create(
        user=world.inactive_user, role="viewer", organisation=world.tree.branch
    )
