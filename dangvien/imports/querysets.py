from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import Q

from dangvien.core.typing import AnyUser

if TYPE_CHECKING:
    from dangvien.imports.models import ImportJob  # noqa: F401 (the QuerySet[...] base)


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    def visible_to(self, user: AnyUser) -> Self:
        """The user's own jobs, and jobs whose scope lies in the user's subtrees."""
        from dangvien.core.scoping import scope_q

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(Q(created_by=user) | scope_q(user))
