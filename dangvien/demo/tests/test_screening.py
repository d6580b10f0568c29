import datetime as dt

import time_machine
from django.core.management import call_command

from dangvien.badges.models import BadgeAward, BadgeProposal
from dangvien.demo.context import DEMO_TODAY
from dangvien.screening.models import MonthRecord, ScreeningCase


def test_demo_has_month_sheets_screening_cases_and_badges(db):
    with time_machine.travel(DEMO_TODAY + dt.timedelta(days=1), tick=False):
        call_command("seed_demo", "--small", verbosity=0)
    assert MonthRecord.objects.filter(dues="unpaid").exists()
    assert sorted(ScreeningCase.objects.values_list("status", flat=True)) == [
        "helping",
        "proposed",
        "removed",
    ]
    assert ScreeningCase.objects.get(status="removed").membership.status == "removed"
    assert BadgeAward.objects.exists()
    assert BadgeProposal.objects.filter(status="proposed").exists()
