from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.core.scans import ScanFile
from dangvien.members.breakdowns import CRITERIA
from dangvien.members.choices import (
    GAP_STATUSES,
    CardReason,
    EventKind,
    MemberStatus,
    RecognitionStage,
    ResidenceExemption,
    TransferKind,
    TransferStatus,
)
from dangvien.members.querysets import (
    MembershipQuerySet,
    ResidenceLinkQuerySet,
    TransferQuerySet,
)


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
    temporary_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("chi bộ sinh hoạt tạm thời"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="temporary_memberships",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

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
            # the probationers of a subtree, found from its cells (visible_to(status=...)):
            # about 190.000 of 5,6 million members
            models.Index(
                fields=["organisation"],
                condition=models.Q(status=str(MemberStatus.PROBATIONARY)),
                name="membership_probationer_cell",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person)


class MembershipEvent(models.Model):
    """A change of a member's status or cell, dated, with its decision and actor."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="events")
    status = models.CharField(_("trạng thái"), max_length=32, choices=MemberStatus.choices)
    kind = models.CharField(
        _("loại"), max_length=16, choices=EventKind.choices, default=EventKind.STATUS
    )
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
        indexes = [
            # the members with a gap (removed, lost contact, expelled, left): few of millions
            models.Index(
                fields=["membership"],
                condition=models.Q(status__in=sorted(str(status) for status in GAP_STATUSES)),
                name="membership_event_gap",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.date:%d/%m/%Y}"


class MemberColumns(models.Model):
    """The members' counter columns (``members.counters.COLUMNS``), shared by the cell rows
    and their roll-ups."""

    # no index of its own: the unique (organisation, date or month) index serves a node's rows
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    active = models.IntegerField(default=0)
    official = models.IntegerField(default=0)
    women = models.IntegerField(default=0)
    recognised = models.IntegerField(default=0)

    class Meta:
        abstract = True


class MemberCount(MemberColumns):
    """Counter (``core.counters``, ``members.counters``): the net change on ``date`` of the
    members counted in the cell ``organisation`` (``active``, of them ``official`` and
    ``women``), and the memberships recognised as official that day while in that cell
    (``recognised``, a flow). Kept in the transactions that write memberships and their
    events; rebuilt from them by ``manage.py rebuild_counters``."""

    date = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "date"], name="unique_member_count")
        ]
        indexes = [
            # the changes of a few days everywhere, read from the index alone (PostgreSQL):
            # the partial months of a roll-up figure (core.counters.subtree_sums)
            models.Index(
                fields=["date", "organisation"],
                include=["active", "official", "women", "recognised"],
                name="member_count_by_date",
            ),
            # a subtree's changes read from the index alone (PostgreSQL; elsewhere a plain
            # index): a province's 21.800 rows of 23 months, 97 → 22 ms on the national dataset
            models.Index(
                fields=["organisation", "date"],
                include=["active", "official", "women", "recognised"],
                name="member_count_covering",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.date}: {self.active}"


class MemberBalance(models.Model):
    """Counter: the sum of every ``MemberCount`` change of a cell (its members as the facts
    stand), so a day's figure is the balance minus the changes after it."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    active = models.IntegerField(default=0)
    official = models.IntegerField(default=0)
    women = models.IntegerField(default=0)

    class Meta:
        indexes = [
            # a subtree's balances read from the index alone (PostgreSQL; elsewhere a plain
            # index): a province's 7.800 cells, 45 → 17 ms on the national dataset
            models.Index(
                fields=["organisation"],
                include=["active", "official", "women"],
                name="member_balance_covering",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.active}"


class MemberRollup(MemberColumns):
    """Roll-up of ``MemberCount`` (``core.counters``, decision 0004): the changes of every cell
    under ``organisation`` (a province or central bloc, a commune, ward or bloc: the nodes at
    ``core.counters.ROLLUP_DEPTHS``) in the month beginning on ``month``. Kept with the cell
    rows; moved with a re-parented subtree (``core.counters.rerooted``)."""

    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="unique_member_rollup")
        ]
        indexes = [
            # a node's months read from the index alone (PostgreSQL; elsewhere a plain index):
            # the nation's 64 nodes, 21.600 rows, without a scan of the table
            models.Index(
                fields=["organisation", "month"],
                include=["active", "official", "women", "recognised"],
                name="member_rollup_covering",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month:%m/%Y}: {self.active:+d}"


class AdmittedCount(models.Model):
    """Counter (``core.counters``, ``members.admitted``): the memberships admitted on ``date``
    by the cell ``organisation`` (``Membership.admitted_in`` and ``decision_date``), of them
    those with a birth date (``aged``) and the sum of their ages at the decision (``age_sum``),
    and one column per admission criterion (``members.breakdowns.CRITERIA``, added below).
    Kept in the transactions that write memberships and people; rebuilt from them by
    ``manage.py rebuild_counters``."""

    # no index of its own: the unique (organisation, date) index serves a cell's rows
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    date = models.DateField()
    admitted = models.IntegerField(default=0)
    aged = models.IntegerField(default=0)
    age_sum = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "date"], name="unique_admitted_count")
        ]
        indexes = [models.Index(fields=["date", "organisation"])]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.date}: {self.admitted}"


class AdmittedRollup(models.Model):
    """Roll-up of ``AdmittedCount`` by month for the nodes at ``core.counters.ROLLUP_DEPTHS``
    (decision 0004), as ``MemberRollup`` is of the members' counters: the admitted of every
    cell under ``organisation`` in the month beginning on ``month``, with every column of
    the cell rows."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    month = models.DateField()
    admitted = models.IntegerField(default=0)
    aged = models.IntegerField(default=0)
    age_sum = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="unique_admitted_rollup")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month:%m/%Y}: {self.admitted}"


# one column per criterion, named by its key: a criterion added to CRITERIA is a new column
# (``makemigrations --check`` fails until its migration is written)
for _criterion in CRITERIA:
    AdmittedCount.add_to_class(_criterion.key, models.IntegerField(default=0))
    AdmittedRollup.add_to_class(_criterion.key, models.IntegerField(default=0))
del _criterion


class HelperAssignment(models.Model):
    """An official member assigned to help a probationary member; replaced, never edited."""

    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="helper_assignments"
    )
    helper = models.ForeignKey(
        Membership,
        verbose_name=_("đảng viên giúp đỡ"),
        on_delete=models.PROTECT,
        related_name="helping",
    )
    start_date = models.DateField(_("ngày phân công"))
    end_date = models.DateField(_("ngày thôi"), null=True, blank=True)
    end_reason = models.CharField(_("lý do thay"), max_length=255, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phân công giúp đỡ")
        verbose_name_plural = _("phân công giúp đỡ")
        ordering = ["start_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=models.Q(end_date__isnull=True),
                name="one_current_helper",
            ),
            models.CheckConstraint(
                condition=~models.Q(membership=models.F("helper")), name="helper_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.helper} → {self.membership}"


class CurrentRecognitionStepManager(models.Manager["RecognitionStep"]):
    """The recognition steps in force (``RecognitionStep.history`` has the corrected and
    cancelled ones too)."""

    def get_queryset(self) -> models.QuerySet[RecognitionStep]:
        return super().get_queryset().filter(superseded=False)


class RecognitionStep(models.Model):
    """A step of the recognition as an official member: when, which document, which votes.

    Never edited: a correction is a new row (``corrects`` points to the wrong one), a
    cancellation marks the row superseded; both keep the reason."""

    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="recognition_steps"
    )
    stage = models.CharField(_("bước"), max_length=32, choices=RecognitionStage.choices)
    # The cell may vote again after a failed vote, up to the rule set's number of rounds; every
    # round is its own row (1, 2, 3…). Other steps have one round.
    round = models.PositiveSmallIntegerField(_("lần"), default=1)
    date = models.DateField(_("ngày"))
    document_number = models.CharField(_("số văn bản"), max_length=64, blank=True)
    votes_eligible = models.PositiveIntegerField(_("tổng số đảng viên chính thức"), null=True)
    votes_for = models.PositiveIntegerField(_("số tán thành"), null=True)
    passed = models.BooleanField(_("đạt"), null=True)
    note = models.TextField(_("ghi chú"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
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
    objects = CurrentRecognitionStepManager()

    class Meta:
        verbose_name = _("bước công nhận chính thức")
        verbose_name_plural = _("bước công nhận chính thức")
        ordering = ["date", "round", "pk"]
        base_manager_name = "history"
        default_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "stage", "round"],
                condition=models.Q(superseded=False),
                name="unique_current_recognition_step_round",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.date:%d/%m/%Y}"


class PartyCard(models.Model):
    """A party card issued to an official member; a reissue is a new row, the old one is kept."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="cards")
    number = models.CharField(_("số thẻ"), max_length=32)
    reason = models.CharField(_("lý do cấp"), max_length=16, choices=CardReason.choices)
    decision_number = models.CharField(_("số quyết định"), max_length=64, blank=True)
    decision_date = models.DateField(_("ngày quyết định"))
    handed_over_on = models.DateField(_("ngày trao thẻ"), null=True, blank=True)
    handed_over_note = models.CharField(_("buổi sinh hoạt chi bộ"), max_length=255, blank=True)
    replaced_on = models.DateField(_("ngày thay thế"), null=True, blank=True)
    # A card recorded by mistake is corrected by a new row (``corrects`` points to the wrong
    # one) or cancelled; the wrong row keeps its values, marked ``superseded`` with the reason.
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
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thẻ đảng")
        verbose_name_plural = _("thẻ đảng")
        ordering = ["decision_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=models.Q(replaced_on__isnull=True, superseded=False),
                name="one_current_card_in_force",
            ),
            # The decision is the key: a repeated submission of the same issue (same
            # card number, reason, decision number and date) cannot make a second card.
            models.UniqueConstraint(
                fields=["membership", "number", "reason", "decision_number", "decision_date"],
                condition=models.Q(superseded=False),
                name="one_card_in_force_per_decision",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Transfer(models.Model):
    """A move of a member's party activity from one cell to another (official or temporary).

    The sending side starts it (the letter), the receiving side confirms it. While it is open
    the member stays in the sending cell, so a member is never in two cells nor in none.
    """

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="transfers")
    kind = models.CharField(_("loại"), max_length=16, choices=TransferKind.choices)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=TransferStatus.choices, default=TransferStatus.OPEN
    )
    from_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("nơi chuyển đi"),
        on_delete=models.PROTECT,
        related_name="transfers_out",
    )
    to_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("nơi chuyển đến"),
        on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    reason_date = models.DateField(_("ngày có quyết định hoặc thay đổi nơi cư trú"))
    started_on = models.DateField(_("ngày giới thiệu chuyển đi"))
    letter_number = models.CharField(_("số giấy giới thiệu"), max_length=64, blank=True)
    start_due = models.DateField(_("hạn làm thủ tục chuyển"))
    present_due = models.DateField(_("hạn xuất trình giấy giới thiệu"))
    confirmed_on = models.DateField(_("ngày nơi đến tiếp nhận"), null=True, blank=True)
    ended_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # An open transfer recorded with wrong details is corrected by a new row (``corrects``);
    # the wrong one keeps its values, with status ``corrected`` and the reason.
    corrects = models.OneToOneField(
        "self",
        verbose_name=_("sửa cho bản ghi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
    )
    correction_reason = models.TextField(_("lý do sửa"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("chuyển sinh hoạt đảng")
        verbose_name_plural = _("chuyển sinh hoạt đảng")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=models.Q(status="open"),
                name="one_open_transfer",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_organisation=models.F("to_organisation")),
                name="transfer_to_another_cell",
            ),
        ]
        indexes = [models.Index(fields=["status", "present_due"])]

    def __str__(self) -> str:
        return f"{self.membership}: {self.from_organisation} → {self.to_organisation}"


class ResidenceLink(models.Model):
    """The introduction of a member working in an agency, enterprise, school or the armed
    forces to the party organisation where they live (213-QĐ/TW, 33-HD/BTCTW)."""

    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="residence_links"
    )
    workplace_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("chi bộ nơi công tác"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    required_from = models.DateField(_("ngày phát sinh nghĩa vụ"))
    due = models.DateField(_("hạn giới thiệu"))
    residence_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("tổ chức đảng nơi cư trú"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    residence_place = models.CharField(_("nơi cư trú"), max_length=255, blank=True)
    introduced_on = models.DateField(_("ngày giới thiệu"), null=True, blank=True)
    exemption = models.CharField(
        _("miễn"), max_length=16, choices=ResidenceExemption.choices, blank=True, default=""
    )
    exemption_reason = models.CharField(_("lý do miễn"), max_length=255, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ResidenceLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("giới thiệu sinh hoạt nơi cư trú")
        verbose_name_plural = _("giới thiệu sinh hoạt nơi cư trú")
        ordering = ["due", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "workplace_organisation", "required_from"],
                name="unique_residence_requirement",
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership} ({self.workplace_organisation})"


class RecognitionAttachment(ScanFile):
    """A scanned signed copy of a printed recognition form (PDF, JPEG or PNG), attached to the
    recognition step it was printed for (the QR code and reference on the form lead back to
    the step on the probation page) or to the membership (checked by ``core.scans``)."""

    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="recognition_attachments"
    )
    step = models.ForeignKey(
        RecognitionStep,
        verbose_name=_("bước"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(_("tệp"), upload_to="members/scans/%Y/%m/")

    class Meta(ScanFile.Meta):
        verbose_name = _("bản scan đính kèm (công nhận chính thức)")
        verbose_name_plural = _("bản scan đính kèm (công nhận chính thức)")
        constraints = [
            # the same file attached twice to a membership is a replay: the first row stands
            models.UniqueConstraint(fields=["membership", "sha256"], name="unique_membership_scan")
        ]
