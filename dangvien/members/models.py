from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.members.choices import MemberStatus


class Membership(models.Model):
    """A person's party membership: the admission facts and the current cell and status.

    The status history is in MembershipEvent; ``status`` and ``organisation`` are the latest of it.
    ``admitted_in`` is the cell that admitted the member and never changes (reports count
    admissions by it).
    """

    person = models.OneToOneField(
        "people.Person", on_delete=models.PROTECT, related_name="membership"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("chi bộ sinh hoạt"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    admitted_in = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("chi bộ kết nạp"),
        on_delete=models.PROTECT,
        related_name="admissions",
    )
    dossier = models.OneToOneField(
        "admissions.Dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="membership",
    )
    status = models.CharField(_("trạng thái"), max_length=32, choices=MemberStatus.choices)
    decision_number = models.CharField(_("số quyết định kết nạp"), max_length=64, blank=True)
    decision_date = models.DateField(_("ngày quyết định kết nạp"))
    ceremony_date = models.DateField(_("ngày kết nạp"), null=True, blank=True)
    probation_end = models.DateField(_("ngày hết dự bị"), null=True, blank=True)
    official_date = models.DateField(_("ngày công nhận chính thức"), null=True, blank=True)
    card_number = models.CharField(_("số thẻ đảng"), max_length=32, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đảng viên")
        verbose_name_plural = _("đảng viên")
        constraints = [
            models.UniqueConstraint(
                fields=["card_number"],
                condition=models.Q(card_number__isnull=False),
                name="unique_card_number",
            )
        ]
        indexes = [
            models.Index(fields=["decision_date"]),
            models.Index(fields=["status"]),
        ]

    def __str__(self) -> str:
        return str(self.person)


class MembershipEvent(models.Model):
    """A change of a member's status or cell, dated, with its decision and actor."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="events")
    status = models.CharField(_("trạng thái"), max_length=32, choices=MemberStatus.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("ngày"))
    decision_number = models.CharField(_("số quyết định"), max_length=64, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("diễn biến đảng viên")
        verbose_name_plural = _("diễn biến đảng viên")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.date:%d/%m/%Y}"
