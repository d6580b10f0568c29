from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models

from dangvien.core.text import fold
from dangvien.core.typing import AnyUser

if TYPE_CHECKING:
    from dangvien.organisations.models import Organisation
    from dangvien.people.models import Person  # noqa: F401 (the QuerySet[...] base)


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, user: AnyUser) -> Self:
        from dangvien.core.scoping import scope_q

        return self.filter(scope_q(user))

    def in_subtree(self, organisation: Organisation) -> Self:
        return self.filter(organisation__in_subtree=organisation.path)

    def search(self, text: str) -> Self:
        """Accent- and case-insensitive: 'nguyen van a' finds 'Nguyễn Văn A', 'd' finds 'đ'."""
        folded = fold(text)
        if not folded:
            return self
        if folded.isdigit():
            return self.filter(citizen_id=folded)
        return self.filter(full_name_folded__contains=folded)
