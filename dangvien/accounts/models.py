from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.accounts.choices import Role
from dangvien.accounts.querysets import RoleAssignmentQuerySet, UserQuerySet


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    """Django's user manager (``create_user``…) with the scoped ``visible_to``."""


class User(AbstractUser):
    """A person who logs in. What they may see and do comes from their role assignments."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username


class RoleAssignment(models.Model):
    """A role on an organisation and its whole subtree, from ``created_at`` until it is ended
    (``ended_at``). An ended assignment is kept: it is the account's role history and files
    the account under its organisation for the administrators (``UserQuerySet.visible_to``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="role_assignments"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phân quyền"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ended_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người kết thúc"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    end_note = models.CharField(_("lý do kết thúc"), max_length=500, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            # one *current* assignment per user, role and organisation; ended ones stay
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=models.Q(ended_at__isnull=True),
                name="unique_role_assignment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 is stored, the raw value is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("tên"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self) -> str:
        return f"{self.user} — {self.name}"


class SecondFactorThrottle(models.Model):
    """Second-factor codes tried for one account in the current window, and the lock they led to.

    The password step has django-axes; this is the same for the TOTP / recovery-code step
    (``accounts.services.start_second_factor_attempt``). Kept in the database so every worker
    process counts the same attempts.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="second_factor_throttle"
    )
    attempts = models.PositiveIntegerField(_("số lần thử sai"), default=0)
    window_started_at = models.DateTimeField(_("bắt đầu đếm lúc"))
    locked_until = models.DateTimeField(_("khóa đến"), null=True, blank=True)
    last_address = models.CharField(_("địa chỉ gần nhất"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("giới hạn nhập mã xác thực")
        verbose_name_plural = _("giới hạn nhập mã xác thực")

    def __str__(self) -> str:
        return f"{self.user} — {self.attempts}"
