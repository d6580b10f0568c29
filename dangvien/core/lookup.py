"""The one scoped lookup of an id a user sends: in a URL, an API payload or a form.

Every id received from outside (the object of the page or operation, and every other object it
names: a helper, an introducer, a person, an organisation, a class…) is resolved through
``get_visible_or_404``: the row when ``Model.objects.visible_to(user)`` holds it, otherwise
``Http404``, whether the row does not exist, lies outside the user's subtrees or the id is not a
valid key at all. The 404 carries no name, status or other detail of the row, so an id out of
scope cannot be told from an id that does not exist.

``tests/test_structure.py`` holds the API modules and views to it: no
``<Model>.objects.filter(pk=…)``/``.get(pk=…)`` on an id received from the request.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)

# the largest primary key any database we run on accepts (a signed 64-bit integer)
MAX_ID = 2**63 - 1


def valid_id(value: Any) -> int | None:
    """``value`` as a primary key, or None when it cannot be one (not a positive 64-bit int)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or not 0 < value <= MAX_ID:
        return None
    return value


def get_visible_or_404(
    source: type[M] | QuerySet[M], user: Any, pk: Any = None, /, *, what: str = "", **lookup: Any
) -> M:
    """The row of ``source`` (a model with a ``visible_to`` queryset, or a queryset of one,
    narrowed by the caller) with primary key ``pk`` (or matching ``lookup``), if the
    user may see it; ``Http404`` otherwise, revealing nothing about the row."""
    if isinstance(source, QuerySet):
        # a narrowed queryset (the member's cell…) is still scoped; a model without its own
        # scope (an enrolment) is reached only through a parent the caller got in scope
        queryset = source
        manager = source.model._default_manager
        if hasattr(manager, "visible_to"):
            queryset = source.filter(pk__in=manager.visible_to(user).values("pk"))
    else:
        queryset = source._default_manager.visible_to(user)  # type: ignore[attr-defined]
    if pk is not None or not lookup:
        key = valid_id(pk)
        if key is None:
            raise Http404(what or queryset.model._meta.model_name)
        lookup = {**lookup, "pk": key}
    found = queryset.filter(**lookup).first()
    if found is None:
        raise Http404(what or queryset.model._meta.model_name)
    return found


def get_all_visible_or_404(
    source: type[M] | QuerySet[M], user: Any, pks: list[Any], /, *, what: str = ""
) -> list[M]:
    """Each of ``pks`` through ``get_visible_or_404``, in order."""
    return [get_visible_or_404(source, user, pk, what=what) for pk in pks]
