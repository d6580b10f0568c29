"""Designed answers for the rule-set and calendar pages and API (see dangvien/accounts/matrix.py).

Rule sets and the working-day calendar are national, not attached to an organisation: every
signed-in role reads them (the outsider too: 200, not 404); only the system administrator
changes them (rules.change, calendar.change), everyone else gets 403.

The world: ``rule_set`` (the set in force today, loaded by the data migration) and
``calendar_day`` (an extra day off a month from now).
"""

import datetime as dt
import json

from django.utils import timezone

from tests.support.matrix import LOGIN, Operation, Page, answers, by_role

ADMINS = ("national_admin",)  # rules.change, calendar.change
ADMIN_ONLY = by_role(200, who=ADMINS, outsider=403)


def _today() -> dt.date:
    return timezone.localdate()


def build_world(world):
    from dangvien.rules import selectors, services

    world.rule_set = selectors.get_rule_set(on=_today())
    world.calendar_day = services.set_calendar_day(
        date=_today() + dt.timedelta(days=30),
        kind="day_off",
        note="Nghỉ bù",
        actor=world.users["national_admin"],
    )


def _new_rule_set(world):
    from dangvien.rules.defaults import COMMON_VALUES

    return {
        "name": "Quy định thử nghiệm",
        "effective_from": (_today() + dt.timedelta(days=400)).isoformat(),
        "source": "Văn bản thử nghiệm",
        "values": dict(COMMON_VALUES),
    }


def _new_rule_set_form(world):
    data = _new_rule_set(world)
    day = dt.date.fromisoformat(data["effective_from"])
    return {
        **data,
        "effective_from": f"{day:%d/%m/%Y}",
        "values": json.dumps(data["values"], ensure_ascii=False),
    }


def _new_day(world, *, page: bool):
    day = _today() + dt.timedelta(days=45)
    return {
        "date": f"{day:%d/%m/%Y}" if page else day.isoformat(),
        "kind": "day_off",
        "note": "Nghỉ thêm",
    }


# Two API reads take a required query parameter the matrix cannot pass (it only fills path
# parameters): every signed-in role gets the validation answer 422, which shows that no role
# is refused; anonymous is refused (401) before validation.
MISSING_QUERY = answers(422, anonymous=401)

PERMISSIONS = [
    Page("rules:rule-set-list", get=answers(200, anonymous=LOGIN)),
    Page(
        "rules:rule-set-create",
        get=ADMIN_ONLY,
        post=by_role(302, who=ADMINS, outsider=403),
        data=_new_rule_set_form,
    ),
    Page(
        "rules:rule-set-detail",
        get=answers(200, anonymous=LOGIN),
        kwargs=lambda w: {"pk": w.rule_set.pk},
    ),
    Page(
        "rules:calendar",
        get=ADMIN_ONLY,
        post=by_role(302, who=ADMINS, outsider=403),
        data=lambda w: _new_day(w, page=True),
    ),
    Page(
        "rules:calendar-remove",
        get=answers(405, anonymous=LOGIN),
        post=by_role(302, who=ADMINS, outsider=403),
        kwargs=lambda w: {"pk": w.calendar_day.pk},
    ),
    Operation("GET /api/v1/rules/rule-sets", answers(200, anonymous=401)),
    Operation(
        "GET /api/v1/rules/rule-sets/in-force",
        MISSING_QUERY,
        note="needs ?on=YYYY-MM-DD; open to every signed-in role",
    ),
    Operation(
        "POST /api/v1/rules/rule-sets",
        by_role(201, who=ADMINS, outsider=403, anonymous=401),
        payload=_new_rule_set,
    ),
    Operation("GET /api/v1/rules/calendar", answers(200, anonymous=401)),
    Operation(
        "POST /api/v1/rules/calendar",
        by_role(201, who=ADMINS, outsider=403, anonymous=401),
        payload=lambda w: _new_day(w, page=False),
    ),
    Operation(
        "GET /api/v1/rules/working-days",
        MISSING_QUERY,
        note="needs ?start=YYYY-MM-DD; open to every signed-in role",
    ),
]
