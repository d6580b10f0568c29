from __future__ import annotations

from typing import Any

from django.db import models

from dangvien.core.text import fold


class PersonQuerySet(models.QuerySet):  # type: ignore[type-arg,unused-ignore]
    def visible_to(self, user: Any) -> Any:
        from dangvien.core.scoping import scope_q

        return self.filter(scope_q(user))

    def in_subtree(self, organisation: Any) -> Any:
        return self.filter(organisation__path__startswith=organisation.path)

    def search(self, text: str) -> Any:
        """Accent- and case-insensitive: 'nguyen van a' finds 'Nguyễn Văn A', 'd' finds 'đ'."""
        folded = fold(text)
        if not folded:
            return self
        if folded.isdigit():
            return self.filter(citizen_id=folded)
        return self.filter(full_name_folded__contains=folded)
