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


# the badges of the regulations (Quy định 73-QĐ/TW), years of party age: one counter column
# each (``badges.counters``). A rule set with a milestone outside them is counted from the facts.
COUNTED_MILESTONES = (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)


class BadgeDueColumns(models.Model):
    """The badges' counter columns (``badges.counters.COLUMNS``), shared by the cell rows and
    their roll-ups: ``below_N`` counts the active members whose highest badge awarded is below
    N years (none counts as 0). The members of a decision day whose highest milestone reached
    on an award day is N are due that badge unless they have it: the ``below_N`` of the
    decision days between the two milestones' limits."""

    # no index of its own: the unique (organisation, date or month) index serves a node's rows
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    below_30 = models.IntegerField(default=0)
    below_40 = models.IntegerField(default=0)
    below_45 = models.IntegerField(default=0)
    below_50 = models.IntegerField(default=0)
    below_55 = models.IntegerField(default=0)
    below_60 = models.IntegerField(default=0)
    below_65 = models.IntegerField(default=0)
    below_70 = models.IntegerField(default=0)
    below_75 = models.IntegerField(default=0)
    below_80 = models.IntegerField(default=0)
    below_85 = models.IntegerField(default=0)
    below_90 = models.IntegerField(default=0)

    class Meta:
        abstract = True


BADGE_DUE_COLUMNS = [f"below_{years}" for years in COUNTED_MILESTONES]


class BadgeDueCount(BadgeDueColumns):
    """Counter (``core.counters``, ``badges.counters``): the active members of a cell by their
    admission decision day (``date``), by the highest badge they were awarded. Kept in the
    transactions that write the memberships and the awards; rebuilt from them by ``manage.py
    rebuild_counters``."""

    date = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "date"], name="unique_badge_due_count")
        ]
        indexes = [
            # the decision days of a partial month everywhere (core.counters.subtree_sums)
            models.Index(
                fields=["date", "organisation"],
                include=BADGE_DUE_COLUMNS,
                name="badge_due_count_by_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.date}: {self.below_30:+d}"


class BadgeDueRollup(BadgeDueColumns):
    """Roll-up of ``BadgeDueCount`` by month for the nodes at ``core.counters.ROLLUP_DEPTHS``
    (decision 0004), as ``members.MemberRollup`` is of the members' counters."""

    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "month"], name="unique_badge_due_rollup"
            )
        ]
        indexes = [
            # a node's months from the index alone: the nation's 64 nodes × the decision months
            models.Index(
                fields=["organisation", "month"],
                include=BADGE_DUE_COLUMNS,
                name="badge_due_rollup_covering",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month:%m/%Y}: {self.below_30:+d}"
