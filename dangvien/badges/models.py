from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.badges.querysets import BadgeAwardQuerySet, BadgeProposalQuerySet


class BadgeProposal(models.Model):
    """A member proposed for the party badge of a milestone (30 … 90 years of party age) on an
    award day, by their cell; ``early`` when the member is seriously ill and the badge comes
    before the milestone is reached (01-HD/TW §18.1). Awarded once the decision is recorded."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Đã đề nghị")
        AWARDED = "awarded", _("Đã tặng")

    membership = models.ForeignKey(
        "members.Membership", on_delete=models.PROTECT, related_name="badge_proposals"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("chi bộ"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    milestone = models.PositiveSmallIntegerField(_("huy hiệu (năm tuổi đảng)"))
    award_date = models.DateField(_("đợt trao tặng"))
    party_age_years = models.PositiveSmallIntegerField(_("tuổi đảng (năm) vào ngày trao"))
    party_age_months = models.PositiveSmallIntegerField(_("và số tháng"))
    early = models.BooleanField(_("tặng sớm"), default=False)
    early_reason = models.CharField(_("lý do tặng sớm"), max_length=255, blank=True)
    status = models.CharField(
        _("tình trạng"), max_length=16, choices=Status.choices, default=Status.PROPOSED
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BadgeProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("đề nghị tặng huy hiệu Đảng")
        verbose_name_plural = _("đề nghị tặng huy hiệu Đảng")
        ordering = ["award_date", "organisation__path", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "milestone"], name="one_proposal_per_milestone"
            ),
            models.CheckConstraint(
                condition=~models.Q(early=True, early_reason=""), name="early_needs_reason"
            ),
        ]
        indexes = [models.Index(fields=["award_date"])]

    def __str__(self) -> str:
        return str(
            _("%(member)s — huy hiệu %(years)d năm")
            % {"member": self.membership, "years": self.milestone}
        )


class BadgeAward(models.Model):
    """The badge register: one badge of one milestone to one member, with its number, the
    decision and the award day. Never edited."""

    membership = models.ForeignKey(
        "members.Membership", on_delete=models.PROTECT, related_name="badge_awards"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("chi bộ"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposal = models.OneToOneField(
        BadgeProposal, on_delete=models.PROTECT, null=True, blank=True, related_name="award"
    )
    milestone = models.PositiveSmallIntegerField(_("huy hiệu (năm tuổi đảng)"))
    award_date = models.DateField(_("ngày trao tặng"))
    badge_number = models.CharField(_("số huy hiệu"), max_length=32)
    decision_number = models.CharField(_("số quyết định"), max_length=64)
    decision_date = models.DateField(_("ngày quyết định"))
    early = models.BooleanField(_("tặng sớm"), default=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BadgeAwardQuerySet.as_manager()

    class Meta:
        verbose_name = _("sổ tặng huy hiệu Đảng")
        verbose_name_plural = _("sổ tặng huy hiệu Đảng")
        ordering = ["-award_date", "organisation__path", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "milestone"], name="one_badge_per_milestone"
            ),
            models.UniqueConstraint(fields=["badge_number"], name="unique_badge_number"),
        ]
        indexes = [models.Index(fields=["award_date"])]

    def __str__(self) -> str:
        return str(
            _("%(number)s — %(member)s, huy hiệu %(years)d năm")
            % {"number": self.badge_number, "member": self.membership, "years": self.milestone}
        )
