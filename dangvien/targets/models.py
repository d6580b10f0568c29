from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Target(models.Model):
    """A yearly target of an organisation, assigned by the organisation above it."""

    class Kind(models.TextChoices):
        ADMISSIONS = "admissions", _("Kết nạp đảng viên")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="targets"
    )
    year = models.PositiveIntegerField(_("năm"))
    kind = models.CharField(
        _("loại chỉ tiêu"), max_length=32, choices=Kind.choices, default=Kind.ADMISSIONS
    )
    value = models.PositiveIntegerField(_("chỉ tiêu"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "kind"], name="unique_target_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}: {self.value}"
