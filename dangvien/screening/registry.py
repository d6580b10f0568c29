"""The flags that put a member on their cell's screening list.

A flag source is ``(memberships, year, today) -> {membership_id: detail}``: given a queryset of
memberships (already scoped and narrowed to a subtree), the year looked at and today, it
returns, in a fixed number of queries, the members it flags with a short Vietnamese detail
("4 tháng chưa nộp đảng phí: 03, 05, 06, 09/2026"). Screening registers its own (dues,
activity, long absence) in ``ScreeningConfig.ready``; an app that grades members registers
"KHT two years in a row" the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

FlagSource = Callable[[QuerySet[Any], int, dt.date], dict[int, str]]


@dataclass(frozen=True)
class FlagKind:
    code: str
    label: Any  # a lazy Vietnamese string
    source: FlagSource


_SOURCES: dict[str, FlagKind] = {}


def register_flag_source(code: str, *, label: Any, source: FlagSource) -> None:
    _SOURCES[code] = FlagKind(code, label, source)


def flag_kinds() -> list[FlagKind]:
    return list(_SOURCES.values())
