from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.training.querysets import EnrolmentQuerySet, TrainingClassQuerySet


class TrainingClass(models.Model):
    """An awareness class (for outstanding people) or a new-member class (for probationers).

    A class is open (people are enrolled, results recorded), then closed by its organiser, or
    cancelled. A correction of its name or dates, and its cancellation, are ``ClassCorrection``
    rows that keep the values before and after."""

    class Kind(models.TextChoices):
        AWARENESS = "awareness", _("Lớp bồi dưỡng nhận thức về Đảng")
        NEW_MEMBER = "new_member", _("Lớp bồi dưỡng đảng viên mới")

    class Status(models.TextChoices):
        OPEN = "open", _("Đang mở")
        CLOSED = "closed", _("Đã kết thúc")
        CANCELLED = "cancelled", _("Đã hủy")

    kind = models.CharField(_("loại lớp"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("tên lớp"), max_length=200)
    organiser = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("đơn vị tổ chức"),
        on_delete=models.PROTECT,
        related_name="training_classes",
    )
    start_date = models.DateField(_("ngày khai giảng"))
    end_date = models.DateField(_("ngày bế giảng"))
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    closed_on = models.DateField(_("ngày kết thúc lớp"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrainingClassQuerySet.as_manager()

    class Meta:
        verbose_name = _("lớp bồi dưỡng")
        verbose_name_plural = _("lớp bồi dưỡng")
        ordering = ["-start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="training_class_dates",
            ),
            # One class per organiser, kind, name and opening day: a repeated create is refused.
            models.UniqueConstraint(
                fields=["organiser", "kind", "name", "start_date"], name="unique_training_class"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class ClassCorrection(models.Model):
    """A correction (name, dates) or the cancellation of a class, with its reason and the
    values before and after: the class row holds the corrected values, this row the history."""

    class Kind(models.TextChoices):
        CORRECTED = "corrected", _("Sửa thông tin lớp")
        CANCELLED = "cancelled", _("Hủy lớp")

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.PROTECT, related_name="corrections"
    )
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    reason = models.TextField(_("lý do"))
    before = models.JSONField(_("trước"), default=dict)
    after = models.JSONField(_("sau"), default=dict)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sửa, hủy lớp")
        verbose_name_plural = _("sửa, hủy lớp")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.training_class}"


class Enrolment(models.Model):
    """A person in a class: attendance, result and the certificate once they finish.

    History is never rewritten: a correction of the certificate, its revocation and the
    removal of the student are new rows that supersede this one (``supersedes``); the old
    row keeps its values and gets ``superseded_at``. Only current rows (not superseded) count,
    and among them those not ``removed`` are the class's roster (``Enrolment.objects.active()``).
    """

    class Result(models.TextChoices):
        NONE = "", _("Chưa có kết quả")
        PASSED = "passed", _("Đạt")
        FAILED = "failed", _("Không đạt")

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.PROTECT, related_name="enrolments"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="enrolments")
    attended = models.BooleanField(_("có tham gia học"), default=False)
    result = models.CharField(
        _("kết quả"), max_length=8, choices=Result.choices, default=Result.NONE, blank=True
    )
    completed = models.BooleanField(_("hoàn thành"), default=False)
    certificate_number = models.CharField(_("số giấy chứng nhận"), max_length=64, blank=True)
    certificate_date = models.DateField(_("ngày cấp"), null=True, blank=True)
    # the body that issued the certificate (the class's organiser), for the uniqueness of its
    # numbers; null on rows without a certificate
    issuing_body = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("cơ quan cấp"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    removed = models.BooleanField(_("đã rút khỏi lớp"), default=False)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("thay cho"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    superseded_at = models.DateTimeField(_("bị thay thế lúc"), null=True, blank=True)
    reason = models.TextField(_("lý do sửa, hủy"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, null=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("học viên")
        verbose_name_plural = _("học viên")
        constraints = [
            # one current row per person and class (corrections supersede the previous row)
            models.UniqueConstraint(
                fields=["training_class", "person"],
                condition=models.Q(superseded_at__isnull=True),
                name="unique_enrolment",
            ),
            models.UniqueConstraint(
                fields=["issuing_body", "certificate_number"],
                condition=models.Q(superseded_at__isnull=True, completed=True, removed=False),
                name="unique_certificate_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.training_class}"


class ClassProposal(models.Model):
    """A cell or a commune office proposing one of its people for a class open to them; the
    class's organiser accepts (the person is enrolled) or declines."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ duyệt")
        ACCEPTED = "accepted", _("Đã nhận vào lớp")
        DECLINED = "declined", _("Không nhận")

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.PROTECT, related_name="proposals"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    # the person's organisation when proposed: the proposal is scoped like the person
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đề nghị cử đi học")
        verbose_name_plural = _("đề nghị cử đi học")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "person"],
                condition=models.Q(status="pending"),
                name="unique_pending_proposal",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.training_class}"


class EnrolmentColumns(models.Model):
    """The training counter columns (``training.counters.COLUMNS``), shared by the cell rows
    and their roll-ups. A class is counted on its opening and its closing day, so that the
    students of the classes that overlap a period [S, E] are those of the classes opened by E
    minus those of the classes closed before S (a class opens on or before it closes)."""

    # no index of its own: the unique (organisation, date or month) index serves a node's rows
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    awareness_opened = models.IntegerField(default=0)
    awareness_closed = models.IntegerField(default=0)
    sympathisers = models.IntegerField(default=0)
    new_member_opened = models.IntegerField(default=0)
    new_member_closed = models.IntegerField(default=0)

    class Meta:
        abstract = True


class EnrolmentCount(EnrolmentColumns):
    """Counter (``core.counters``, ``training.counters``): the students on a class's roster
    counted in their own cell (``Person.organisation``) on ``date``: the class's opening day
    (``*_opened``), its closing day (``*_closed``) and, for an awareness certificate in
    force, the day it was issued (``sympathisers``). Kept in the transactions that write the
    rosters, the classes and the people; rebuilt from them by ``manage.py
    rebuild_counters``."""

    date = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "date"], name="unique_enrolment_count")
        ]
        indexes = [
            # the changes of a few days everywhere (core.counters.subtree_sums)
            models.Index(
                fields=["date", "organisation"],
                include=[
                    "awareness_opened",
                    "awareness_closed",
                    "sympathisers",
                    "new_member_opened",
                    "new_member_closed",
                ],
                name="enrolment_count_by_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.date}: {self.awareness_opened:+d}"


class EnrolmentRollup(EnrolmentColumns):
    """Roll-up of ``EnrolmentCount`` by month for the nodes at ``core.counters.ROLLUP_DEPTHS``
    (decision 0004), as ``members.MemberRollup`` is of the members' counters."""

    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "month"], name="unique_enrolment_rollup"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month:%m/%Y}: {self.awareness_opened:+d}"
