"""Quality grading on the 100-point scale: one row per recorded step, never edited.

A correction is a new row whose ``supersedes`` points at the row it replaces; the current value
of a step is the row nobody supersedes. The partial unique constraint on the first row and the
one-to-one ``supersedes`` make two simultaneous submissions of the same step leave one row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangvien.grading.choices import Grade, MemberStep, OrganisationStep, Quarter
from dangvien.grading.querysets import MemberGradeQuerySet, OrganisationGradeQuerySet


class GradeRow(models.Model):
    """The fields every recorded grading step has (abstract)."""

    year = models.PositiveSmallIntegerField(_("năm"))
    quarter = models.PositiveSmallIntegerField(
        _("kỳ"), choices=Quarter.choices, default=Quarter.YEAR
    )
    score = models.DecimalField(_("điểm"), max_digits=4, decimal_places=1)
    disciplined = models.BooleanField(_("bị kỷ luật trong kỳ"), default=False)
    grade = models.CharField(_("xếp loại"), max_length=8, choices=Grade.choices)
    rule_set = models.ForeignKey("rules.RuleSet", on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def score_text(self) -> str:
        """92.5 → "92,5"; 90.0 → "90" (Vietnamese decimal comma)."""
        text = f"{self.score:.1f}"
        return text[:-2] if text.endswith(".0") else text.replace(".", ",")

    @property
    def grade_short(self) -> str:
        from dangvien.grading.choices import GRADE_SHORT

        return GRADE_SHORT.get(self.grade, self.grade)

    @property
    def period_label(self) -> str:
        from dangvien.grading.periods import period_label

        return period_label(self.year, self.quarter)


class MemberGrade(GradeRow):
    """One step of grading one member for one period: the member's self-review, the cell's
    proposal or the grassroots committee's approval, with the score and the grade it gives
    under the rule set in force at the end of the period. ``organisation`` is the member's cell
    when the step was recorded (a transfer later does not move past grades)."""

    membership = models.ForeignKey(
        "members.Membership", on_delete=models.PROTECT, related_name="grades"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    step = models.CharField(_("bước"), max_length=16, choices=MemberStep.choices)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("thay cho"),
    )

    objects = MemberGradeQuerySet.as_manager()

    class Meta:
        verbose_name = _("xếp loại đảng viên")
        verbose_name_plural = _("xếp loại đảng viên")
        ordering = ["year", "quarter", "membership_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "year", "quarter", "step"],
                condition=Q(supersedes__isnull=True),
                name="grading_member_step_first_row",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="grading_member_score_range"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=0) & Q(quarter__lte=4), name="grading_member_quarter"
            ),
        ]
        indexes = [models.Index(fields=["year", "quarter", "step"], name="grading_member_period")]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.period_label} {self.step}: {self.score}"


class OrganisationGrade(GradeRow):
    """One step of grading a party organisation (a cell or a grassroots organisation) for one
    period: its self-review, or the decision of the committee above it."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    step = models.CharField(_("bước"), max_length=16, choices=OrganisationStep.choices)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("thay cho"),
    )

    objects = OrganisationGradeQuerySet.as_manager()

    class Meta:
        verbose_name = _("xếp loại tổ chức đảng")
        verbose_name_plural = _("xếp loại tổ chức đảng")
        ordering = ["year", "quarter", "organisation_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "quarter", "step"],
                condition=Q(supersedes__isnull=True),
                name="grading_org_step_first_row",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="grading_org_score_range"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=0) & Q(quarter__lte=4), name="grading_org_quarter"
            ),
        ]
        indexes = [models.Index(fields=["year", "quarter", "step"], name="grading_org_period")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.period_label} {self.step}: {self.score}"
