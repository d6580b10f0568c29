"""Chainable filters of grading rows; every read starts from ``visible_to(user)``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models

from dangvien.core.typing import AnyUser

if TYPE_CHECKING:
    from dangvien.grading.models import MemberGrade, OrganisationGrade  # noqa: F401
    from dangvien.organisations.models import Organisation


class MemberGradeQuerySet(models.QuerySet["MemberGrade"]):
    def visible_to(self, user: AnyUser) -> Self:
        """Rows recorded in a cell of the user's subtrees."""
        from dangvien.core.scoping import scope_q

        return self.filter(scope_q(user))

    def in_subtree(self, organisation: Organisation) -> Self:
        return self.filter(organisation__in_subtree=organisation.path)

    def current(self) -> Self:
        """The rows no correction has replaced."""
        return self.filter(superseded_by__isnull=True)

    def for_period(self, year: int, quarter: int = 0) -> Self:
        return self.filter(year=year, quarter=quarter)


class OrganisationGradeQuerySet(models.QuerySet["OrganisationGrade"]):
    def visible_to(self, user: AnyUser) -> Self:
        from dangvien.core.scoping import scope_q

        return self.filter(scope_q(user))

    def in_subtree(self, organisation: Organisation) -> Self:
        return self.filter(organisation__in_subtree=organisation.path)

    def current(self) -> Self:
        return self.filter(superseded_by__isnull=True)

    def for_period(self, year: int, quarter: int = 0) -> Self:
        return self.filter(year=year, quarter=quarter)
