"""The bounds every number and date a user types must stay within, whatever its meaning.

They keep absurd input (99999999999999999999999, the year 9999) out of the services and away
from the database, where it would overflow an integer column or a date; each field then narrows
them to its own meaning (a vote count to the cell's official members, the months an introducer
worked with the candidate to the time since both were 16, from the rule set in force — those
checks are the services', with the rule named). Used by ``core.forms`` (the form fields) and
``core.api`` (the API schemas), so a page and the API refuse the same values.
"""

from __future__ import annotations

import datetime as dt

# Dates: members born before 1900 are no longer alive; nothing is planned after 2100.
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)
# A count of people who vote (a cell's or a committee's members, an organisation's voters): no
# party organisation that votes on an admission has 10.000 members.
COUNT_MAX = 10_000
# Months a person can have spent anywhere: a lifetime.
MONTHS_MAX = 1_200
# Working days of an extension or a deadline: more than any regulation gives (4 years).
WORKING_DAYS_MAX = 1_000
# An admissions target for a year: above the whole country's yearly admissions (≈ 200.000).
TARGET_MAX = 1_000_000
