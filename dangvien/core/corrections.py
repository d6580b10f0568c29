"""Corrections without rewriting history: the shared shape of every "correct" and "cancel".

A record entered wrong is never edited. A correction is a new row with the right values that
replaces the old one; a cancellation only marks the old one. Either way the old row keeps its
values, is marked (``superseded`` and the reason, or a status), and stays visible as history.
The owning app's service checks who may do it and what the new values must satisfy, locks the
rows, writes its audit row, and calls these helpers for the mechanics, so the admission steps,
failed votes, recognition steps, party cards and transfers all behave the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext as _

from dangvien.core.errors import DomainError

M = TypeVar("M", bound=models.Model)

REASON_MAX_LENGTH = 1000


def check_reason(reason: str | None) -> str:
    """The reason of a correction or cancellation, required (history says why)."""
    text = " ".join((reason or "").split())
    if not text:
        raise DomainError(
            _("Phải ghi lý do sửa hoặc hủy (lịch sử giữ cả bản cũ và bản mới)."),
            rule="correction_reason",
            found="",
            required=_("lý do"),
            field="reason",
        )
    return text[:REASON_MAX_LENGTH]


def mark(old: M, **flags: Any) -> M:
    """Mark ``old`` as no longer in force (``superseded=True``, a reason, a status…): only
    those fields are written, its values stay as they were."""
    for name, value in flags.items():
        setattr(old, name, value)
    old.save(update_fields=list(flags))
    return old


def copy_values(old: models.Model, *, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """The stored values of ``old`` to build its replacement from: every concrete field but
    the primary key, automatic timestamps and ``exclude`` (by attribute name, ``actor_id``)."""
    skip = set(exclude)
    values: dict[str, Any] = {}
    for field in old._meta.concrete_fields:
        if field.primary_key or getattr(field, "auto_now_add", False):
            continue
        if getattr(field, "auto_now", False) or field.name in skip or field.attname in skip:
            continue
        values[field.attname] = getattr(old, field.attname)
    return values


def supersede(
    old: M,
    *,
    flags: Mapping[str, Any],
    changes: Mapping[str, Any],
    link: str | None = "corrects",
    exclude: Iterable[str] = (),
) -> M:
    """Replace ``old`` by a new row: its values with ``changes``, pointing back to it through
    ``link`` (a one-to-one on the model, or None when the link lives elsewhere); ``old`` is
    marked with ``flags`` first, so constraints on the rows in force see one row only."""
    values = copy_values(old, exclude=[*exclude, *(flags.keys())])
    mark(old, **flags)
    new = type(old)(**values)
    for name, value in changes.items():
        setattr(new, name, value)
    if link is not None:
        setattr(new, link, old)
    new.save(force_insert=True)
    return new


def changed(old: models.Model, new: models.Model, names: Iterable[str]) -> dict[str, list[str]]:
    """What a correction changed, for the audit row: ``{field: [old, new]}``."""
    return {
        name: [str(getattr(old, name)), str(getattr(new, name))]
        for name in names
        if getattr(old, name) != getattr(new, name)
    }


def same_values(row: models.Model, wanted: Mapping[str, Any]) -> bool:
    """``row`` already holds every value of ``wanted`` that was given (not None): a repeated
    correction request finds its own result and answers it again instead of failing."""
    return all(value is None or getattr(row, name) == value for name, value in wanted.items())


def replacement_of(old: M, *, link: str = "corrects") -> M | None:
    """The row that corrected ``old`` (None when it was cancelled or is still in force)."""
    manager = type(old)._base_manager
    return manager.filter(**{link: old}).order_by("pk").first()


def replayed(old: M, wanted: Mapping[str, Any], *, link: str = "corrects") -> M | None:
    """A correction request sent again: ``old`` was already corrected, and its replacement
    holds the values asked for. The API answers 200 with it (nothing new written) instead of
    refusing the superseded row; any other request on a superseded row is refused as usual."""
    replacement = replacement_of(old, link=link)
    if replacement is not None and same_values(replacement, wanted):
        return replacement
    return None
