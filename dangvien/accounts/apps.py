from typing import Any

from django.apps import AppConfig


def _on_locked_out(
    sender: Any, request: Any = None, username: str = "", ip_address: str = "", **_: Any
) -> None:
    from dangvien.accounts.services import record_lockout

    record_lockout(username=username or "", ip_address=ip_address or "")


def _address(request: Any) -> str:
    from dangvien.core.client_ip import client_ip

    return client_ip(request) if request is not None else ""


def _on_logged_in(sender: Any, request: Any = None, user: Any = None, **_: Any) -> None:
    from dangvien.accounts.services import record_login

    if user is not None and getattr(user, "pk", None) is not None:
        record_login(user, address=_address(request))


def _on_logged_out(sender: Any, request: Any = None, user: Any = None, **_: Any) -> None:
    from dangvien.accounts.services import record_logout

    if user is not None and getattr(user, "pk", None) is not None:
        record_logout(user, address=_address(request))


def _on_login_failed(
    sender: Any, credentials: dict[str, Any] | None = None, request: Any = None, **_: Any
) -> None:
    from dangvien.accounts.services import record_login_failure

    username = str((credentials or {}).get("username") or "").strip()
    record_login_failure(username=username, address=_address(request))


def _on_user_saved(sender: Any, instance: Any, created: bool = False, **_: Any) -> None:
    """Any password change (allauth's page, the admin, ``changepassword``, a service): Django
    keeps the new raw password on the instance until ``save()`` has finished."""
    if created or getattr(instance, "_password", None) is None:
        return
    from dangvien.accounts.services import record_password_change
    from dangvien.core.middleware import current_actor

    record_password_change(instance, actor=current_actor())


class AccountsConfig(AppConfig):
    name = "dangvien.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allauth.mfa import signals
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django.db.models.signals import post_save

        from dangvien.accounts.logging import install_redaction
        from dangvien.accounts.mfa import record_enrolment, record_removal

        signals.authenticator_added.connect(record_enrolment, dispatch_uid="dv_mfa_added")
        signals.authenticator_removed.connect(record_removal, dispatch_uid="dv_mfa_removed")
        user_locked_out.connect(_on_locked_out, dispatch_uid="dv_locked_out")
        user_logged_in.connect(_on_logged_in, dispatch_uid="dv_logged_in")
        user_logged_out.connect(_on_logged_out, dispatch_uid="dv_logged_out")
        user_login_failed.connect(_on_login_failed, dispatch_uid="dv_login_failed")
        post_save.connect(_on_user_saved, sender=self.get_model("User"), dispatch_uid="dv_pw")
        install_redaction()

        from dangvien.accounts.rules import can, can_anywhere
        from dangvien.accounts.scope import subtree_paths
        from dangvien.core.scoping import ScopePolicy, install_policy

        install_policy(ScopePolicy(subtree_paths=subtree_paths, can=can, can_anywhere=can_anywhere))

        from django.utils.translation import gettext_lazy as _

        from dangvien.accounts import services
        from dangvien.organisations.registry import register_fact_mover

        register_fact_mover(
            "role_assignments",
            label=_("Phân quyền người dùng"),
            ids=services.reorganisation_role_ids,
            move=services.reorganisation_move_roles,
            end=services.reorganisation_end_roles,
            order=50,
        )
