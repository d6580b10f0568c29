from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models


class DossierQuerySet(models.QuerySet):  # type: ignore[type-arg,unused-ignore]
    def visible_to(self, user: Any) -> Any:
        from dangvien.core.scoping import scope_q

        return self.filter(scope_q(user))

    def in_subtree(self, organisation: Any) -> Any:
        return self.filter(organisation__path__startswith=organisation.path)

    def open(self) -> Any:
        return self.filter(status="open")

    def overdue(self, today: dt.date) -> Any:
        return self.open().filter(next_deadline__lt=today)

    def due_within(self, today: dt.date, days: int) -> Any:
        return self.open().filter(
            next_deadline__gte=today, next_deadline__lte=today + dt.timedelta(days=days)
        )
