from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models

from dangvien.core.typing import AnyUser

if TYPE_CHECKING:
    from dangvien.organisations.models import Organisation
    from dangvien.targets.models import Target  # noqa: F401 (the QuerySet[...] base)


class TargetQuerySet(models.QuerySet["Target"]):
    def visible_to(self, user: AnyUser) -> Self:
        from dangvien.core.scoping import scope_q

        return self.filter(scope_q(user))

    def in_subtree(self, organisation: Organisation) -> Self:
        return self.filter(organisation__in_subtree=organisation.path)
