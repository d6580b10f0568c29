from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q


class ImportJobQuerySet(models.QuerySet):  # type: ignore[type-arg,unused-ignore]
    def visible_to(self, user: Any) -> Any:
        """The user's own jobs, and jobs whose scope lies in the user's subtrees."""
        from dangvien.core.scoping import scope_q

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(Q(created_by=user) | scope_q(user))
