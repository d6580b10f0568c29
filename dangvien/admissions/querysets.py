from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Self

from django.db import models

from dangvien.core.typing import AnyUser

if TYPE_CHECKING:
    from dangvien.admissions.models import Dossier  # noqa: F401 (the QuerySet[...] base)
    from dangvien.organisations.models import Organisation


class DossierQuerySet(models.QuerySet["Dossier"]):
    def visible_to(self, user: AnyUser) -> Self:
        from dangvien.core.scoping import scope_q

        return self.filter(scope_q(user))

    def in_subtree(self, organisation: Organisation) -> Self:
        return self.filter(organisation__in_subtree=organisation.path)

    def open(self) -> Self:
        return self.filter(status="open")

    def overdue(self, today: dt.date) -> Self:
        return self.open().filter(next_deadline__lt=today)

    def due_within(self, today: dt.date, days: int) -> Self:
        return self.open().filter(
            next_deadline__gte=today, next_deadline__lte=today + dt.timedelta(days=days)
        )
