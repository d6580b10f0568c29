from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models

from dangvien.core.typing import AnyUser

if TYPE_CHECKING:
    from dangvien.training.models import Enrolment, TrainingClass  # noqa: F401


def _ancestor_paths(paths: list[str], steplen: int = 4) -> list[str]:
    """Every proper ancestor path of ``paths`` (treebeard paths, ``steplen`` per level)."""
    return sorted({path[:end] for path in paths for end in range(steplen, len(path), steplen)})


class TrainingClassQuerySet(models.QuerySet["TrainingClass"]):
    def visible_to(self, user: AnyUser) -> Self:
        """Classes organised in the user's subtrees, and the classes open to their people:
        those organised above them (the district or province centre a cell sends people to)."""
        from dangvien.core.scoping import scope_q, subtree_paths

        paths = subtree_paths(user)
        return self.filter(
            scope_q(user, "organiser") | models.Q(organiser__at_paths=_ancestor_paths(paths))
        )

    def organised_by(self, user: AnyUser) -> Self:
        """Only the classes organised in the user's subtrees (what a centre runs)."""
        from dangvien.core.scoping import scope_q

        return self.filter(scope_q(user, "organiser"))


class EnrolmentQuerySet(models.QuerySet["Enrolment"]):
    def current(self) -> Self:
        """Rows not superseded by a correction."""
        return self.filter(superseded_at__isnull=True)

    def active(self) -> Self:
        """The roster: current rows of students not removed from the class."""
        return self.filter(superseded_at__isnull=True, removed=False)

    def certificates(self) -> Self:
        """Certificates in force: current, not removed, issued."""
        return self.active().filter(completed=True, certificate_date__isnull=False)

    def visible_to(self, user: AnyUser) -> Self:
        """Enrolments of people in the user's subtrees."""
        from dangvien.core.scoping import scope_q

        return self.filter(scope_q(user, "person__organisation"))
