from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models

from dangvien.core.typing import AnyUser

if TYPE_CHECKING:
    from dangvien.audit.models import AuditEvent  # noqa: F401 (the QuerySet[...] base)


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def visible_to(self, user: AnyUser) -> Self:
        """Events about organisations in the user's subtrees; events with no organisation
        (logins, system changes) only for superusers."""
        from dangvien.core.scoping import scope_q, subtree_paths

        paths = subtree_paths(user)
        if paths == [""]:
            return self.all()
        return self.filter(scope_q(user))

    def about(self, target: models.Model) -> Self:
        return self.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
