from __future__ import annotations

from typing import Any

from django.db import models


class TrainingClassQuerySet(models.QuerySet):  # type: ignore[type-arg,unused-ignore]
    def visible_to(self, user: Any) -> Any:
        from dangvien.core.scoping import scope_q

        return self.filter(scope_q(user, "organiser"))
