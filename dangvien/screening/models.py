from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.screening.choices import (
    OPEN_CASE_STATUSES,
    ActivityStatus,
    CaseStatus,
    DuesStatus,
    RemovalForm,
    StepKind,
)
from dangvien.screening.querysets import MonthRecordQuerySet, ScreeningCaseQuerySet


class MonthRecord(models.Model):
    """One member's dues status and attendance for one month, as the cell typed or imported
    them. No money: only whether the month's dues were paid. A correction updates the row and
    writes a ``MonthRecordChange`` (old → new), so the history is kept."""

    membership = models.ForeignKey(
        "members.Membership", on_delete=models.PROTECT, related_name="month_records"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("chi bộ"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    month = models.DateField(_("tháng"))  # the first day of the month
    dues = models.CharField(_("đảng phí"), max_length=16, choices=DuesStatus.choices, blank=True)
    activity = models.CharField(
        _("sinh hoạt chi bộ"), max_length=16, choices=ActivityStatus.choices, blank=True
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = MonthRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("đảng phí, sinh hoạt trong tháng")
        verbose_name_plural = _("đảng phí, sinh hoạt trong tháng")
        constraints = [
            models.UniqueConstraint(fields=["membership", "month"], name="one_record_per_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="month_first_day"),
        ]
        indexes = [models.Index(fields=["organisation", "month"])]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.month:%m/%Y}"


class MonthRecordChange(models.Model):
    """A correction of a month's record: the values before and after, who and when."""

    record = models.ForeignKey(MonthRecord, on_delete=models.PROTECT, related_name="changes")
    old_dues = models.CharField(max_length=16, blank=True)
    new_dues = models.CharField(max_length=16, blank=True)
    old_activity = models.CharField(max_length=16, blank=True)
    new_activity = models.CharField(max_length=16, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sửa đảng phí, sinh hoạt")
        verbose_name_plural = _("sửa đảng phí, sinh hoạt")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        old, new = f"{self.old_dues}/{self.old_activity}", f"{self.new_dues}/{self.new_activity}"
        return f"{self.record_id}: {old} → {new}"


class ScreeningCase(models.Model):
    """One screening of one member (Chỉ thị 28-CT/TW): the cell's secret ballot to list the
    member for education and help, the help period, and how it ended — progress, or a removal
    proposal the competent committee decides. Its steps are ``ScreeningStep`` rows."""

    membership = models.ForeignKey(
        "members.Membership", on_delete=models.PROTECT, related_name="screening_cases"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("chi bộ"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("tình trạng"), max_length=16, choices=CaseStatus.choices)
    grounds = models.JSONField(_("căn cứ"), default=list)  # the flags when the case opened
    opened_on = models.DateField(_("ngày chi bộ bỏ phiếu"))
    help_until = models.DateField(_("giúp đỡ đến ngày"), null=True, blank=True)
    removal_form = models.CharField(
        _("hình thức đề nghị"), max_length=16, choices=RemovalForm.choices, blank=True
    )
    closed_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScreeningCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("rà soát, sàng lọc đảng viên")
        verbose_name_plural = _("rà soát, sàng lọc đảng viên")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=models.Q(status__in=sorted(OPEN_CASE_STATUSES)),
                name="one_open_screening_case",
            )
        ]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["opened_on"])]

    def __str__(self) -> str:
        return f"{self.membership} — {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CASE_STATUSES


class ScreeningStep(models.Model):
    """A recorded step of a screening case: a cell vote (with its count: for, against, present,
    and every official member of the cell as the denominator) or the committee's decision."""

    case = models.ForeignKey(ScreeningCase, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(_("bước"), max_length=16, choices=StepKind.choices)
    date = models.DateField(_("ngày"))
    votes_for = models.PositiveIntegerField(_("số phiếu đồng ý"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("số phiếu không đồng ý"), null=True, blank=True)
    present = models.PositiveIntegerField(_("số đảng viên có mặt"), null=True, blank=True)
    votes_eligible = models.PositiveIntegerField(
        _("tổng số đảng viên chính thức của chi bộ"), null=True, blank=True
    )
    passed = models.BooleanField(_("đạt"), default=True)
    removal_form = models.CharField(max_length=16, choices=RemovalForm.choices, blank=True)
    document_number = models.CharField(_("số văn bản"), max_length=64, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bước rà soát")
        verbose_name_plural = _("bước rà soát")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"
