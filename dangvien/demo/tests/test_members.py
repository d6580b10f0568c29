import datetime as dt

import time_machine
from django.core.management import call_command

from dangvien.core.worklist import collect
from dangvien.demo.context import DEMO_TODAY
from dangvien.members.models import PartyCard, ResidenceLink, Transfer


def test_demo_has_probationers_near_the_end_a_pending_transfer_and_cards_to_hand_over(db):
    with time_machine.travel(DEMO_TODAY + dt.timedelta(days=1), tick=False):
        call_command("seed_demo", "--small", verbosity=0)
    assert (
        PartyCard.objects.filter(number__startswith="DB-", handed_over_on__isnull=True).count() == 3
    )
    assert Transfer.objects.filter(status="open").count() == 1
    assert ResidenceLink.objects.filter(introduced_on__isnull=True).count() >= 1

    from dangvien.accounts.models import User

    kinds = {item.kind for item in collect(User.objects.get(username="bithu"), DEMO_TODAY)}
    assert {
        "members.probation_ending",
        "members.recognition_overdue",
        "members.card_hand_over",
        "members.transfer_unconfirmed",
    } <= kinds

    from dangvien.demo.members import seed

    count = PartyCard.objects.count()
    seed(None)  # no context: nothing
    from dangvien.demo.context import DemoContext

    seed(DemoContext())  # no tree: nothing
    assert PartyCard.objects.count() == count
