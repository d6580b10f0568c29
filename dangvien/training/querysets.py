from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models

from dangvien.core.typing import AnyUser

if TYPE_CHECKING:
    from dangvien.training.models import TrainingClass  # noqa: F401 (the QuerySet[...] base)


class TrainingClassQuerySet(models.QuerySet["TrainingClass"]):
    def visible_to(self, user: AnyUser) -> Self:
        from dangvien.core.scoping import scope_q

        return self.filter(scope_q(user, "organiser"))
