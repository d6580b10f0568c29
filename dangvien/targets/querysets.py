from __future__ import annotations

from typing import Any

from django.db import models


class TargetQuerySet(models.QuerySet):  # type: ignore[type-arg,unused-ignore]
    def visible_to(self, user: Any) -> Any:
        from dangvien.core.scoping import scope_q

        return self.filter(scope_q(user))

    def in_subtree(self, organisation: Any) -> Any:
        return self.filter(organisation__path__startswith=organisation.path)
