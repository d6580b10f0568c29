from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.targets.querysets import TargetQuerySet


class Target(models.Model):
    """A target of an organisation for a year, assigned by the organisation above it.

    ``kind`` ADMISSIONS is a number of new members; the coverage kinds are percentages (0–100)
    of village heads, Front working-group heads or mass-organisation heads who are members.
    ``period`` is empty for the whole year (the usual case); a committee may also set a target
    for a quarter or a half-year of that year, which reports for that quarter or half use.
    """

    class Period(models.TextChoices):
        YEAR = "", _("Cả năm")
        Q1 = "q1", _("Quý I")
        Q2 = "q2", _("Quý II")
        Q3 = "q3", _("Quý III")
        Q4 = "q4", _("Quý IV")
        H1 = "h1", _("6 tháng đầu năm")
        H2 = "h2", _("6 tháng cuối năm")

    class Kind(models.TextChoices):
        ADMISSIONS = "admissions", _("Kết nạp đảng viên")
        VILLAGE_HEADS = "village_heads", _("Tỷ lệ trưởng thôn, tổ dân phố là đảng viên (%)")
        FRONT_GROUP_HEADS = (
            "front_group_heads",
            _("Tỷ lệ trưởng ban công tác Mặt trận là đảng viên (%)"),
        )
        MASS_ORG_HEADS = (
            "mass_org_heads",
            _("Tỷ lệ người đứng đầu đoàn thể ở thôn là đảng viên (%)"),
        )

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="targets"
    )
    year = models.PositiveIntegerField(_("năm"))
    kind = models.CharField(
        _("loại chỉ tiêu"), max_length=32, choices=Kind.choices, default=Kind.ADMISSIONS
    )
    period = models.CharField(
        _("kỳ của chỉ tiêu"), max_length=2, choices=Period.choices, default="", blank=True
    )
    value = models.PositiveIntegerField(_("chỉ tiêu"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "kind", "period"], name="unique_target_per_period"
            )
        ]

    def __str__(self) -> str:
        when = f"{self.get_period_display()}/{self.year}" if self.period else str(self.year)
        return f"{self.organisation} {when}: {self.value}"

    @property
    def is_percentage(self) -> bool:
        return self.kind != self.Kind.ADMISSIONS


class TargetChange(models.Model):
    """One assignment or change of a target: the history shown beside it (never edited)."""

    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="changes")
    old_value = models.PositiveIntegerField(_("giá trị cũ"), null=True, blank=True)
    new_value = models.PositiveIntegerField(_("giá trị mới"))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lịch sử chỉ tiêu")
        verbose_name_plural = _("lịch sử chỉ tiêu")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.target}: {self.old_value} → {self.new_value}"
