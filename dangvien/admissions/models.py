from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.admissions.choices import DossierStatus, Stage, StopReason


class Dossier(models.Model):
    """One admission attempt of one person, in the cell that proposes them."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="dossiers")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("chi bộ"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    stage = models.CharField(_("bước"), max_length=32, choices=Stage.choices)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=DossierStatus.choices, default=DossierStatus.OPEN
    )
    stop_reason = models.CharField(
        _("lý do dừng"), max_length=32, choices=StopReason.choices, blank=True
    )
    stop_note = models.TextField(_("ghi chú khi dừng"), blank=True)
    opened_on = models.DateField(_("ngày lập"))
    closed_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hồ sơ kết nạp")
        verbose_name_plural = _("hồ sơ kết nạp")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="open"),
                name="one_open_dossier_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_stage_display()})"


class Step(models.Model):
    """A stage reached by a dossier: when, by whom, under which document, with which votes."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="steps")
    stage = models.CharField(_("bước"), max_length=32, choices=Stage.choices)
    date = models.DateField(_("ngày"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    document_number = models.CharField(_("số văn bản"), max_length=64, blank=True)
    votes_eligible = models.PositiveIntegerField(_("tổng số có quyền biểu quyết"), null=True)
    votes_for = models.PositiveIntegerField(_("số tán thành"), null=True)
    votes_against = models.PositiveIntegerField(_("số không tán thành"), null=True)
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bước hồ sơ")
        verbose_name_plural = _("bước hồ sơ")
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "stage"], name="unique_step_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.date:%d/%m/%Y}"
