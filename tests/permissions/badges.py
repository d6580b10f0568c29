"""Designed answers for the badge pages and API (see dangvien/accounts/matrix.py).

Reading is scope alone: without ``?org=`` each reader sees their home organisation (the
outsider reads T02: 200); named explicitly, CB01 is out of the outsider's reach (404).
Proposing a member needs ``member.change`` on the cell; recording the badge in the register
needs ``member.decide``; printing the proposal list needs ``export.run`` and is audited.
"""

import datetime as dt

from django.utils import timezone

from tests.support.matrix import LOGIN, Operation, Page, answers, by_role

NORTH = (
    "national_admin",
    "region_officer",
    "grassroots_office",
    "branch_secretary",
    "training_centre",
    "area_committee",
    "viewer",
)
CHANGERS = ("national_admin", "region_officer", "grassroots_office", "branch_secretary")
DECIDERS = ("national_admin", "region_officer")
EXPORTERS = tuple(persona for persona in NORTH if persona != "viewer")

POST_ONLY = answers(405, anonymous=LOGIN)


def _today() -> dt.date:
    return timezone.localdate()


def build_world(world):
    from dangvien.badges import selectors, services
    from dangvien.members.tests.factories import make_member

    tree = world.tree
    admin = world.users["national_admin"]
    award_date = selectors.next_award_date(_today())
    world.award_date = award_date
    decided = award_date.replace(year=award_date.year - 31)
    world.veteran = make_member(tree.branch, decision_date=decided, full_name="Lão Thành Một")
    world.proposed_veteran = make_member(
        tree.branch, decision_date=decided, full_name="Lão Thành Hai"
    )
    world.badge_proposal = services.propose_badge(
        world.proposed_veteran, milestone=30, award_date=award_date, actor=admin
    )


PERMISSIONS = [
    Page("badges:due-list", get=answers(200, anonymous=LOGIN)),
    Page(
        "badges:due-list*",
        get=by_role(200, who=NORTH),
        samples=("/badges/?org=CB01",),
        note="the badges due in the north branch at the next award day",
    ),
    Page(
        "badges:propose",
        get=POST_ONLY,
        post=by_role(302, who=CHANGERS),
        kwargs=lambda w: {"pk": w.veteran.pk},
        data=lambda w: {"milestone": 30, "award_date": w.award_date.strftime("%d/%m/%Y")},
    ),
    Page("badges:proposal-list", get=answers(200, anonymous=LOGIN)),
    Page(
        "badges:proposal-list*",
        get=by_role(200, who=NORTH),
        samples=("/badges/proposals/?org=CB01",),
        note="the proposals of the north branch",
    ),
    Page(
        "badges:proposal-export",
        get=POST_ONLY,
        post=by_role(200, who=EXPORTERS),
        data=lambda w: {"org": w.tree.branch.pk, "award_date": w.award_date.isoformat()},
        note="the Word file is the 200; audited",
    ),
    Page(
        "badges:award",
        get=POST_ONLY,
        post=by_role(302, who=DECIDERS),
        kwargs=lambda w: {"pk": w.badge_proposal.pk},
        data=lambda w: {
            "badge_number": "HH-30-0001",
            "decision_number": "45-QĐ/TU",
            "decision_date": _today().strftime("%d/%m/%Y"),
        },
    ),
    Page("badges:award-list", get=answers(200, anonymous=LOGIN)),
    Page(
        "badges:award-list*",
        get=by_role(200, who=NORTH),
        samples=("/badges/register/?org=CB01&milestone=30",),
        note="the register of the north branch",
    ),
    # --- API -----------------------------------------------------------------------------------
    Operation("GET /api/v1/badges/due", answers(200, anonymous=401)),
    Operation("GET /api/v1/badges/proposals", answers(200, anonymous=401)),
    Operation("GET /api/v1/badges/awards", answers(200, anonymous=401)),
    Operation(
        "POST /api/v1/badges/members/{member_id}/proposals",
        by_role(201, who=CHANGERS, anonymous=401),
        params=lambda w: {"member_id": w.veteran.pk},
        payload=lambda w: {"milestone": 30, "award_date": w.award_date.isoformat()},
    ),
    Operation(
        "POST /api/v1/badges/proposals/{proposal_id}/award",
        by_role(201, who=DECIDERS, anonymous=401),
        params=lambda w: {"proposal_id": w.badge_proposal.pk},
        payload=lambda w: {
            "badge_number": "HH-30-0001",
            "decision_number": "45-QĐ/TU",
            "decision_date": _today().isoformat(),
        },
    ),
]
