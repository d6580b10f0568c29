from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager

from dangvien.organisations.choices import (
    CELL_KINDS,
    GRASSROOTS_KINDS,
    AreaKind,
    OrganisationKind,
    ReorganisationKind,
)
from dangvien.organisations.querysets import OrganisationQuerySet


class OrganisationManager(MP_NodeManager.from_queryset(OrganisationQuerySet)):  # type: ignore[misc,unused-ignore]
    def get_queryset(self) -> OrganisationQuerySet:
        return OrganisationQuerySet(self.model, using=self._db).order_by("path")


class Organisation(MP_Node):
    """A node of the party tree: a province committee, a commune committee, a cell…

    Stored once as a materialized path; a validity interval says when it existed, so reports
    for a past period still see the organisations of that period.
    """

    steplen = 4
    node_order_by = ["code"]

    kind = models.CharField(_("loại tổ chức"), max_length=32, choices=OrganisationKind.choices)
    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    area_kind = models.CharField(
        _("loại hình"), max_length=32, choices=AreaKind.choices, default=AreaKind.OTHER
    )
    disadvantaged_area = models.BooleanField(
        _("vùng cao, biên giới, hải đảo, dân tộc thiểu số, đặc biệt khó khăn"), default=False
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    name_folded = models.CharField(max_length=255, editable=False, default="", db_index=True)

    objects = OrganisationManager()

    class Meta:
        verbose_name = _("tổ chức đảng")
        verbose_name_plural = _("tổ chức đảng")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="organisation_valid_interval",
            )
        ]
        # the provinces and central blocs under the root (core.counters.subtree_sums for the
        # nation): 40 of 256.764 rows, found without a scan
        indexes = [models.Index(fields=["depth"], name="organisation_depth")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_cell(self) -> bool:
        return self.kind in CELL_KINDS

    @property
    def is_grassroots(self) -> bool:
        return self.kind in GRASSROOTS_KINDS

    def is_valid_on(self, day: dt.date) -> bool:
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_to and day > self.valid_to)


class ReorganisationPlan(models.Model):
    """Many operations decided together on one date (31-HD/BTCTW: one plan per province),
    previewed as a whole, saved as a draft and applied atomically."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        APPLIED = "applied", _("Đã thực hiện")
        CANCELLED = "cancelled", _("Đã hủy")

    root = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="reorganisation_plans"
    )
    name = models.CharField(_("tên phương án"), max_length=255, blank=True)
    effective_date = models.DateField(_("ngày hiệu lực"))
    decision_number = models.CharField(_("số quyết định"), max_length=64, blank=True)
    handover_reference = models.CharField(_("biên bản bàn giao"), max_length=128, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("phương án sắp xếp tổ chức")
        verbose_name_plural = _("phương án sắp xếp tổ chức")
        ordering = ["-effective_date", "-pk"]

    def __str__(self) -> str:
        return self.name or f"{self.root} {self.effective_date:%d/%m/%Y}"


class ReorganisationPlanOperation(models.Model):
    """One operation of a plan, in order: its kind and the arguments of the service (JSON)."""

    plan = models.ForeignKey(
        ReorganisationPlan, on_delete=models.CASCADE, related_name="operations"
    )
    position = models.PositiveIntegerField(_("thứ tự"))
    kind = models.CharField(_("loại"), max_length=16, choices=ReorganisationKind.choices)
    spec = models.JSONField(_("nội dung"), default=dict)

    class Meta:
        verbose_name = _("thao tác của phương án")
        verbose_name_plural = _("thao tác của phương án")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="plan_operation_position")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.get_kind_display()}"


class ReorganisationEvent(models.Model):
    """A merge, split, move, rename or dissolution, with its decision and handover minutes;
    never rewrites history (facts stay where they happened, placements are closed and opened)."""

    kind = models.CharField(_("loại"), max_length=16, choices=ReorganisationKind.choices)
    date = models.DateField(_("ngày hiệu lực"))
    decision_number = models.CharField(_("số quyết định"), max_length=64, blank=True)
    handover_reference = models.CharField(_("biên bản bàn giao"), max_length=128, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    sources = models.ManyToManyField(Organisation, related_name="reorganised_from", blank=True)
    targets = models.ManyToManyField(Organisation, related_name="reorganised_into", blank=True)
    plan = models.ForeignKey(
        ReorganisationPlan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # what moved: counts and ids per kind of fact, the children re-parented, the split mapping
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sự kiện sắp xếp tổ chức")
        verbose_name_plural = _("sự kiện sắp xếp tổ chức")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"


class OrganisationPlacement(models.Model):
    """Where a node sat in the tree, and when. The treebeard path is today's tree; placements
    are its history. ``path`` is made of the primary keys of the node's ancestors and itself,
    each ``PLACEMENT_STEP`` digits wide, so it never shifts when treebeard renumbers siblings:
    on any date the valid placements form the tree of that date."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="placements"
    )
    parent = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    path = models.CharField(max_length=255, db_index=True)
    depth = models.PositiveIntegerField()
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    event = models.ForeignKey(
        ReorganisationEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("vị trí trong cây tổ chức")
        verbose_name_plural = _("vị trí trong cây tổ chức")
        ordering = ["organisation", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="placement_valid_interval",
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(valid_to__isnull=True),
                name="placement_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} @ {self.path}"


PLACEMENT_STEP = 10


def placement_segment(pk: int) -> str:
    return f"{pk:0{PLACEMENT_STEP}d}"


class OrganisationLineage(models.Model):
    """predecessor → successor through an event: a merge (exact) or a split (approximate: the
    figures of the predecessor are shared among the parts by the mapping chosen at the split)."""

    predecessor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="successor_links"
    )
    successor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="predecessor_links"
    )
    event = models.ForeignKey(ReorganisationEvent, on_delete=models.CASCADE, related_name="lineage")
    approximate = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("kế thừa tổ chức")
        verbose_name_plural = _("kế thừa tổ chức")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor", "event"], name="lineage_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id}"


class OrganisationAlias(models.Model):
    """A former code and name of a renamed organisation: still found by search and pickers."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="aliases")
    code = models.CharField(_("mã cũ"), max_length=32, db_index=True)
    name = models.CharField(_("tên cũ"), max_length=255)
    name_folded = models.CharField(max_length=255, editable=False, default="", db_index=True)
    valid_to = models.DateField(_("dùng đến ngày"), null=True, blank=True)
    event = models.ForeignKey(
        ReorganisationEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("tên, mã cũ")
        verbose_name_plural = _("tên, mã cũ")
        ordering = ["organisation", "-valid_to"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
