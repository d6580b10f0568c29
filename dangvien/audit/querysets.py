from __future__ import annotations

from typing import Any

from django.db import models


class AuditEventQuerySet(models.QuerySet):  # type: ignore[type-arg,unused-ignore]
    def visible_to(self, user: Any) -> Any:
        """Events about organisations in the user's subtrees; events with no organisation
        (logins, system changes) only for superusers."""
        from dangvien.core.scoping import scope_q, subtree_paths

        paths = subtree_paths(user)
        if paths == [""]:
            return self.all()
        return self.filter(scope_q(user))

    def about(self, target: models.Model) -> Any:
        return self.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
