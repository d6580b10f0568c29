"""Dates the members app derives from the rule set in force and the working-day calendar.

Every number comes from ``dangvien.rules.selectors.get_rule_set(on=...)``; working days from
``dangvien.core.calendar``. Keys used: probation_months, recognition_cell_working_days,
recognition_decision_working_days, recognition_vote_fraction (falls back to cell_vote_fraction),
transfer_start_working_days, transfer_present_working_days and
residence_introduction_working_days.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from dangvien.core.dates import add_months


def rule_set(on: dt.date) -> Any:
    """The rule set in force on ``on``. For dates before the first recorded rule set (members
    entered from old registers) the earliest recorded set is used: the numbers used here
    (12 months, 30/60/30 working days, 2/3) have not changed since 2011 (research brief §0)."""
    from dangvien.rules.selectors import get_rule_set_or_earliest

    return get_rule_set_or_earliest(on=on)


def rule_int(key: str, on: dt.date) -> int:
    return int(rule_set(on).value(key))


def add_working_days(start: dt.date, n: int) -> dt.date:
    from dangvien.core.calendar import add_working_days as add

    return add(start, n)


def working_days_between(start: dt.date, end: dt.date) -> int:
    from dangvien.core.calendar import working_days_between as between

    return between(start, end)


def probation_end(ceremony_date: dt.date) -> dt.date:
    """Exactly ``probation_months`` after the ceremony (rule set in force on the ceremony)."""
    return add_months(ceremony_date, rule_int("probation_months", ceremony_date))


def recognition_cell_due(probation_end_date: dt.date) -> dt.date:
    days = rule_int("recognition_cell_working_days", probation_end_date)
    return add_working_days(probation_end_date, days)


def recognition_decision_due(cell_vote_date: dt.date) -> dt.date:
    days = rule_int("recognition_decision_working_days", cell_vote_date)
    return add_working_days(cell_vote_date, days)


def recognition_fraction(on: dt.date) -> Fraction:
    rules = rule_set(on)
    key = (
        "recognition_vote_fraction"
        if "recognition_vote_fraction" in rules.values
        else "cell_vote_fraction"
    )
    return Fraction(str(rules.value(key)))


def transfer_start_due(reason_date: dt.date) -> dt.date:
    return add_working_days(reason_date, rule_int("transfer_start_working_days", reason_date))


def transfer_present_due(started_on: dt.date) -> dt.date:
    return add_working_days(started_on, rule_int("transfer_present_working_days", started_on))


def residence_due(required_from: dt.date) -> dt.date:
    days = rule_int("residence_introduction_working_days", required_from)
    return add_working_days(required_from, days)
