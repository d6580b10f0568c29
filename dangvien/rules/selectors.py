"""Reads of the rules app: the rule set in force on a date, the calendar overrides."""

from __future__ import annotations

import datetime as dt
import operator
from fractions import Fraction
from functools import reduce
from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, QuerySet, Value
from django.utils.translation import gettext as _

from dangvien.core.errors import DomainError
from dangvien.core.memo import memoised
from dangvien.rules.models import CalendarDay, RuleSet
from dangvien.rules.registry import rule_set_users


def _rule_sets() -> list[RuleSet]:
    """Every rule set, newest first: a handful of rows, read once per request."""
    return memoised(
        "rules.rule_sets", lambda: list(RuleSet.objects.order_by("-effective_from", "-pk"))
    )


def _in_force(on: dt.date) -> RuleSet | None:
    return next((rule_set for rule_set in _rule_sets() if rule_set.effective_from <= on), None)


def get_rule_set(*, on: dt.date) -> RuleSet:
    """The rule set in force on ``on`` (the latest with effective_from ≤ on)."""
    rule_set = _in_force(on)
    if rule_set is None:
        raise DomainError(
            _("Không có bộ quy định nào có hiệu lực vào ngày %(on)s.")
            % {"on": format(on, "%d/%m/%Y")},
            rule="rule_set_in_force",
            found=f"{on:%d/%m/%Y}",
            required=_("một bộ quy định có hiệu lực"),
        )
    return rule_set


def get_rule_set_or_earliest(*, on: dt.date) -> RuleSet:
    """The rule set in force on ``on``; for a date before the first recorded rule set (a
    certificate or a member entered from old registers) the earliest recorded set. Raises the
    DomainError of ``get_rule_set`` only when there is no rule set at all."""
    rule_set = _in_force(on)
    if rule_set is None:
        rule_set = next(reversed(_rule_sets()), None)
    if rule_set is None:
        return get_rule_set(on=on)
    return rule_set


def is_rule_set_used(rule_set: RuleSet, *, today: dt.date | None = None) -> bool:
    """A rule set is used once it has come into force (any decision since may rest on it) or a
    recorded step refers to it. A used rule set is never edited."""
    today = today or dt.date.today()
    if rule_set.effective_from <= today:
        return True
    return any(rows().filter(rule_set=rule_set).exists() for rows in rule_set_users())


def list_rule_sets(*, today: dt.date | None = None) -> QuerySet[RuleSet]:
    """Every rule set, newest first, with ``has_steps``: some recorded row rests on it."""
    uses = [Exists(rows().filter(rule_set=OuterRef("pk"))) for rows in rule_set_users()]
    used: Any = reduce(operator.or_, uses) if uses else Value(False)
    return RuleSet.objects.annotate(
        has_steps=ExpressionWrapper(used, output_field=BooleanField())
    ).order_by("-effective_from")


def calendar_overrides(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """{date: kind} of administrator corrections between ``start`` and ``end`` inclusive (the
    corrections are a few dozen rows: inside a request they are read once, all of them)."""
    every = memoised(
        "rules.calendar_days", lambda: dict(CalendarDay.objects.values_list("date", "kind"))
    )
    return {day: kind for day, kind in every.items() if start <= day <= end}


def list_calendar_days(*, year: int | None = None) -> QuerySet[CalendarDay]:
    qs = CalendarDay.objects.all()
    if year:
        qs = qs.filter(date__year=year)
    return qs.order_by("date")


def votes_needed(fraction: Fraction, eligible: int) -> int:
    """The smallest number of votes for that reaches ``fraction`` of ``eligible``: 2/3 of 18
    → 12, 2/3 of 8 → 6."""
    return -(-fraction.numerator * eligible // fraction.denominator)


def describe_votes_needed(fraction: Fraction, eligible: int, *, of: str) -> str:
    """ "cần ít nhất 12/18 phiếu tán thành, bằng 2/3 số đảng viên chính thức" — what a vote
    needs, for the refusals and the vote forms of admissions and members. ``of`` names the
    whole the fraction is taken of."""
    return _(
        "cần ít nhất %(needed)s/%(eligible)s phiếu tán thành, bằng %(numerator)s/%(denominator)s"
        " %(of)s"
    ) % {
        "needed": votes_needed(fraction, eligible),
        "eligible": eligible,
        "numerator": fraction.numerator,
        "denominator": fraction.denominator,
        "of": of,
    }


def check_committee_total(total: int | None, rule_set: RuleSet) -> None:
    """A committee's member total within the rule set's bound (``committee_max_members``):
    the admission votes of the grassroots committee and the recognition resolution (15-KNĐ)."""
    limit = rule_set.int_value("committee_max_members")
    if total is not None and total > limit:
        raise DomainError(
            _(
                "Tổng số cấp ủy viên %(found)s vượt quá số cấp ủy viên tối đa của một cấp ủy"
                " (%(limit)s)."
            )
            % {"found": total, "limit": limit},
            rule="committee_max_members",
            found=total,
            required=_("≤ %(limit)s") % {"limit": limit},
            field="votes_eligible",
        )
