from typing import Any

from django.apps import AppConfig


def _on_locked_out(
    sender: Any, request: Any = None, username: str = "", ip_address: str = "", **_: Any
) -> None:
    from dangvien.accounts.services import record_lockout

    record_lockout(username=username or "", ip_address=ip_address or "")


class AccountsConfig(AppConfig):
    name = "dangvien.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allauth.mfa import signals
        from axes.signals import user_locked_out

        from dangvien.accounts.mfa import record_enrolment, record_removal

        signals.authenticator_added.connect(record_enrolment, dispatch_uid="dv_mfa_added")
        signals.authenticator_removed.connect(record_removal, dispatch_uid="dv_mfa_removed")
        user_locked_out.connect(_on_locked_out, dispatch_uid="dv_locked_out")

        from dangvien.accounts.rules import can, can_anywhere
        from dangvien.accounts.scope import subtree_paths
        from dangvien.core.scoping import ScopePolicy, install_policy

        install_policy(ScopePolicy(subtree_paths=subtree_paths, can=can, can_anywhere=can_anywhere))
