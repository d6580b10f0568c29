from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangvien.admissions.choices import DossierStatus, Stage, StopReason
from dangvien.admissions.querysets import DossierQuerySet
from dangvien.core.scans import ScanFile


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
    enrolment = models.ForeignKey(
        "training.Enrolment",
        verbose_name=_("giấy chứng nhận lớp nhận thức"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
    )
    escalated = models.BooleanField(
        _("đã báo cáo cấp trên (biểu quyết không đạt đủ số lần quy định)"), default=False
    )
    extension_working_days = models.PositiveSmallIntegerField(
        _("số ngày làm việc gia hạn quyết định"), null=True, blank=True
    )
    extension_document = models.CharField(_("văn bản gia hạn"), max_length=64, blank=True)
    extension_date = models.DateField(_("ngày gia hạn"), null=True, blank=True)
    # A cache of the next legal deadline, rebuilt by services.refresh_deadline from the steps,
    # so lists can filter and sort by it in SQL.
    next_deadline = models.DateField(_("hạn tiếp theo"), null=True, blank=True, db_index=True)
    next_deadline_kind = models.CharField(_("việc đến hạn"), max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DossierQuerySet.as_manager()

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


class CurrentStepManager(models.Manager["Step"]):
    """The steps in force: a step corrected or cancelled (``superseded``) is history only.
    This is ``Step.objects`` (the default manager, so related managers, reports and deadlines
    read the corrected values); ``Step.history`` has every row."""

    def get_queryset(self) -> models.QuerySet[Step]:
        return super().get_queryset().filter(superseded=False)


class Step(models.Model):
    """A stage reached by a dossier: when, by whom, under which document, with which votes.

    Never edited: a correction is a new row (``StepCorrection.replacement``) and the old row is
    marked ``superseded``; a cancellation marks it superseded with no replacement."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="steps")
    # the cell that held the dossier when the step was recorded (where it happened): a dossier
    # handed over by a reorganisation changes cell, its earlier steps stay where they were
    # recorded (reports count steps by this column, not by the dossier's current cell)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("chi bộ"),
        on_delete=models.PROTECT,
        related_name="admission_steps",
    )
    stage = models.CharField(_("bước"), max_length=32, choices=Stage.choices)
    date = models.DateField(_("ngày"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    document_number = models.CharField(_("số văn bản"), max_length=64, blank=True)
    votes_eligible = models.PositiveIntegerField(_("tổng số có quyền biểu quyết"), null=True)
    votes_for = models.PositiveIntegerField(_("số tán thành"), null=True)
    votes_against = models.PositiveIntegerField(_("số không tán thành"), null=True)
    note = models.TextField(_("ghi chú"), blank=True)
    received_on = models.DateField(_("ngày nhận quyết định"), null=True, blank=True)
    rule_set = models.ForeignKey(
        "rules.RuleSet", on_delete=models.PROTECT, null=True, blank=True, related_name="steps"
    )
    details = models.JSONField(_("chi tiết"), default=dict, blank=True)
    superseded = models.BooleanField(_("đã được sửa hoặc hủy"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = models.Manager()
    objects = CurrentStepManager()

    class Meta:
        verbose_name = _("bước hồ sơ")
        verbose_name_plural = _("bước hồ sơ")
        ordering = ["date", "pk"]
        base_manager_name = "history"
        default_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "stage"],
                condition=models.Q(superseded=False),
                name="unique_current_step_per_stage",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.date:%d/%m/%Y}"


class StepCorrection(models.Model):
    """A correction (a replacement row with the right values) or a cancellation (no
    replacement: the dossier goes back to the stage before) of a recorded step, with the
    reason and who did it. The corrected step keeps its values and is marked superseded."""

    class Kind(models.TextChoices):
        CORRECTED = "corrected", _("Sửa")
        CANCELLED = "cancelled", _("Hủy")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="corrections")
    step = models.OneToOneField(
        Step, on_delete=models.PROTECT, related_name="correction", verbose_name=_("bước bị sửa")
    )
    replacement = models.OneToOneField(
        Step,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrects",
        verbose_name=_("bước thay thế"),
    )
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    reason = models.TextField(_("lý do"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sửa, hủy bước hồ sơ")
        verbose_name_plural = _("sửa, hủy bước hồ sơ")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.step}"


class CurrentFailedVoteManager(models.Manager["FailedVote"]):
    """The failed rounds in force (``FailedVote.history`` has the corrected and cancelled
    ones too): rounds, escalation and worklists count these."""

    def get_queryset(self) -> models.QuerySet[FailedVote]:
        return super().get_queryset().filter(superseded=False)


class FailedVote(models.Model):
    """A vote (cell or grassroots committee) that did not reach the required fraction. The
    dossier stays at its stage; after the limit of failed rounds it goes up a level.

    Never edited: a correction is a new row (``corrects`` points to the wrong one), a
    cancellation marks the row superseded; both keep the reason."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="failed_votes")
    stage = models.CharField(_("bước"), max_length=32, choices=Stage.choices)
    round = models.PositiveSmallIntegerField(_("lần biểu quyết"))
    date = models.DateField(_("ngày"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    document_number = models.CharField(_("số văn bản"), max_length=64, blank=True)
    votes_eligible = models.PositiveIntegerField(_("tổng số có quyền biểu quyết"))
    votes_for = models.PositiveIntegerField(_("số tán thành"))
    votes_against = models.PositiveIntegerField(_("số không tán thành"))
    note = models.TextField(_("ghi chú"), blank=True)
    corrects = models.OneToOneField(
        "self",
        verbose_name=_("sửa cho bản ghi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
    )
    superseded = models.BooleanField(_("đã được sửa hoặc hủy"), default=False)
    superseded_reason = models.TextField(_("lý do sửa, hủy"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = models.Manager()
    objects = CurrentFailedVoteManager()

    class Meta:
        verbose_name = _("lần biểu quyết không đạt")
        verbose_name_plural = _("lần biểu quyết không đạt")
        ordering = ["date", "pk"]
        base_manager_name = "history"
        default_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "stage", "round"],
                condition=models.Q(superseded=False),
                name="unique_current_failed_vote_round",
            )
        ]

    def __str__(self) -> str:
        return gettext("%(get_stage_display)s lần %(round)s %(date)s") % {
            "get_stage_display": self.get_stage_display(),
            "round": self.round,
            "date": format(self.date, "%d/%m/%Y"),
        }


class Approval(models.Model):
    """A written approval that lets an exception pass (over 60, literacy-only education)."""

    class Kind(models.TextChoices):
        OVER_AGE = "over_age", _("Vượt tuổi tối đa")
        LITERACY_ONLY = "literacy_only", _("Chỉ biết đọc, biết viết")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="approvals")
    kind = models.CharField(_("loại ngoại lệ"), max_length=16, choices=Kind.choices)
    issuing_body = models.CharField(_("cơ quan cho phép"), max_length=200)
    document_number = models.CharField(_("số văn bản"), max_length=64)
    date = models.DateField(_("ngày văn bản"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản đồng ý ngoại lệ")
        verbose_name_plural = _("văn bản đồng ý ngoại lệ")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "kind"], name="unique_approval_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.document_number}"


class Participant(models.Model):
    """An official member who helps (đảng viên giúp đỡ) or introduces the candidate."""

    class Role(models.TextChoices):
        HELPER = "helper", _("Đảng viên giúp đỡ")
        INTRODUCER = "introducer", _("Người giới thiệu")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="participants")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices)
    months_together = models.PositiveSmallIntegerField(
        _("số tháng cùng công tác, học tập, cư trú"), null=True, blank=True
    )
    replacement = models.BooleanField(_("người giới thiệu thay thế"), default=False)
    assigned_on = models.DateField(_("ngày phân công"))
    # set when the introduction step that named this introducer was cancelled: kept as history
    withdrawn = models.BooleanField(_("đã hủy cùng bước giới thiệu"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đảng viên giúp đỡ, giới thiệu")
        verbose_name_plural = _("đảng viên giúp đỡ, giới thiệu")
        ordering = ["role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "role", "person"],
                condition=models.Q(withdrawn=False),
                name="unique_current_participant_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.person}"


class StepAttachment(ScanFile):
    """A scanned signed copy of a printed form (PDF, JPEG or PNG), attached to the step it was
    printed for (the QR code and reference on the form lead back here) or to the dossier."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="attachments")
    step = models.ForeignKey(
        Step,
        verbose_name=_("bước"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(_("tệp"), upload_to="admissions/scans/%Y/%m/")

    class Meta(ScanFile.Meta):
        verbose_name = _("bản scan đính kèm")
        verbose_name_plural = _("bản scan đính kèm")
        constraints = [
            # the same file attached twice to a dossier is a replay: the first row stands
            models.UniqueConstraint(fields=["dossier", "sha256"], name="unique_dossier_scan")
        ]


class StepColumns(models.Model):
    """The steps' counter columns (``admissions.counters.COLUMNS``), shared by the cell rows
    and their roll-ups: ``reached_<stage>`` counts the steps in force of that stage (added
    below, one per ``Stage``)."""

    # no index of its own: the unique (organisation, date or month) index serves a node's rows
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        abstract = True


class StepCount(StepColumns):
    """Counter (``core.counters``, ``admissions.counters``): the steps in force recorded on
    ``date`` at the cell ``organisation`` (``Step.organisation``, where they happened), by
    stage. Kept in the transactions that record, correct and cancel steps; rebuilt from them
    by ``manage.py rebuild_counters``."""

    date = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "date"], name="unique_step_count")
        ]
        # the days of a partial month everywhere (core.counters.subtree_sums)
        indexes = [models.Index(fields=["date", "organisation"], name="step_count_by_date")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.date}"


class StepRollup(StepColumns):
    """Roll-up of ``StepCount`` by month for the nodes at ``core.counters.ROLLUP_DEPTHS``
    (decision 0004), as ``members.MemberRollup`` is of the members' counters."""

    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="unique_step_rollup")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month:%m/%Y}"


# one column per stage: a stage added to Stage is a new column (``makemigrations --check``
# fails until its migration is written)
for _stage in Stage:
    StepCount.add_to_class(f"reached_{_stage.value}", models.IntegerField(default=0))
    StepRollup.add_to_class(f"reached_{_stage.value}", models.IntegerField(default=0))
del _stage
