from __future__ import annotations

import datetime as dt

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


class ReorganisationEvent(models.Model):
    """A merge, split, move, rename or dissolution, with its decision; never rewrites history."""

    kind = models.CharField(_("loại"), max_length=16, choices=ReorganisationKind.choices)
    date = models.DateField(_("ngày"))
    decision_number = models.CharField(_("số quyết định"), max_length=64, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    sources = models.ManyToManyField(Organisation, related_name="reorganised_from", blank=True)
    targets = models.ManyToManyField(Organisation, related_name="reorganised_into", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sự kiện sắp xếp tổ chức")
        verbose_name_plural = _("sự kiện sắp xếp tổ chức")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"
