"""Designed answers for the login, MFA and lockout pages and the Django admin
(see dangvien/accounts/matrix.py)."""

from tests.support.matrix import LOGIN, UNCHANGED, Page, answers, by_role, redirect

SIGNED_IN = answers(200, anonymous=LOGIN)
REAUTH = redirect("/accounts/reauthenticate/")
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
    # The Django admin: staff only; no persona is staff, all are sent to the admin login.
    Page(
        "admin:*",
        get=answers(redirect("/admin/login/")),
        post=answers(UNCHANGED),
        samples=("admin:index", "admin:auth_group_changelist"),
        note="every admin URL is behind admin_view (is_staff); sampled",
    ),
]
