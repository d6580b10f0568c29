"""Chainable filters of the screening app; every read starts from ``visible_to(user)``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models

from dangvien.core.typing import AnyUser
from dangvien.screening.choices import OPEN_CASE_STATUSES

if TYPE_CHECKING:
    from dangvien.organisations.models import Organisation
    from dangvien.screening.models import MonthRecord, ScreeningCase  # noqa: F401


class MonthRecordQuerySet(models.QuerySet["MonthRecord"]):
    def visible_to(self, user: AnyUser) -> Self:
        """Records of cells in the user's subtrees (the cell where the month was recorded)."""
        from dangvien.core.scoping import scope_q

        return self.filter(scope_q(user))

    def in_subtree(self, organisation: Organisation) -> Self:
        return self.filter(organisation__in_subtree=organisation.path)


class ScreeningCaseQuerySet(models.QuerySet["ScreeningCase"]):
    def visible_to(self, user: AnyUser) -> Self:
        from dangvien.core.scoping import scope_q

        return self.filter(scope_q(user))

    def in_subtree(self, organisation: Organisation) -> Self:
        return self.filter(organisation__in_subtree=organisation.path)

    def open(self) -> Self:
        return self.filter(status__in=OPEN_CASE_STATUSES)
