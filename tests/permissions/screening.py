"""Designed answers for the screening pages and API (see dangvien/accounts/matrix.py).

Reading is scope alone: without ``?org=`` each reader sees their home organisation (the
outsider reads T02: 200); named explicitly, the north branch CB01 is out of the outsider's
reach (404). The month sheet, the cell's ballots, the progress and the removal proposal need
``member.change`` on the cell (system admin, org board, grassroots office, cell secretary); the
committee's decision needs ``member.decide`` (system admin, org board). Action pages are
POST-only (GET → 405 once signed in) and redirect back to the case.
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

POST_ONLY = answers(405, anonymous=LOGIN)


def _today() -> dt.date:
    return timezone.localdate()


def _vn(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def build_world(world):
    from dangvien.members.tests.factories import make_member
    from dangvien.screening import services
    from dangvien.screening.choices import RemovalForm

    tree = world.tree
    admin = world.users["national_admin"]
    members = [make_member(tree.branch, full_name=f"Rà Soát {i}") for i in range(3)]
    world.screened_member, world.helped_member, world.proposed_member = members
    official = _official(world)
    vote = {
        "date": _today(),
        "votes_for": official,
        "votes_against": 0,
        "present": official,
        "votes_eligible": official,
    }
    world.helping_case = services.open_screening_case(world.helped_member, actor=admin, **vote)
    world.proposed_case = services.open_screening_case(world.proposed_member, actor=admin, **vote)
    services.propose_removal(world.proposed_case, form=RemovalForm.REMOVED, actor=admin, **vote)


def _official(w) -> int:
    """Every official member of CB01 when the request is made (other apps' worlds add some)."""
    from dangvien.members.models import Membership

    return Membership.objects.official_in(w.tree.branch).count()


def _vote(w):
    official = _official(w)
    return {
        "date": _vn(_today()),
        "votes_for": official,
        "votes_against": 0,
        "present": official,
        "votes_eligible": official,
    }


def _vote_api(w):
    return {**_vote(w), "date": _today().isoformat()}


PERMISSIONS = [
    # --- pages ---------------------------------------------------------------------------------
    Page("screening:flag-list", get=answers(200, anonymous=LOGIN)),
    Page(
        "screening:flag-list*",
        get=by_role(200, who=NORTH),
        samples=("/screening/?org=CB01",),
        note="the screening list of the north branch, named by code",
    ),
    Page("screening:case-list", get=answers(200, anonymous=LOGIN)),
    Page(
        "screening:case-list*",
        get=by_role(200, who=NORTH),
        samples=("/screening/cases/?org=CB01&status=open",),
        note="the cases of the north branch",
    ),
    Page(
        "screening:case-detail",
        get=by_role(200, who=NORTH),
        kwargs=lambda w: {"pk": w.helping_case.pk},
    ),
    Page(
        "screening:case-open",
        get=by_role(200, who=NORTH),
        post=by_role(302, who=CHANGERS),
        kwargs=lambda w: {"pk": w.screened_member.pk},
        data=_vote,
    ),
    Page(
        "screening:case-progress",
        get=POST_ONLY,
        post=by_role(302, who=CHANGERS),
        kwargs=lambda w: {"pk": w.helping_case.pk},
        data=lambda w: {"date": _vn(_today()), "note": "Đã nộp đủ đảng phí"},
    ),
    Page(
        "screening:case-propose",
        get=POST_ONLY,
        post=by_role(302, who=CHANGERS),
        kwargs=lambda w: {"pk": w.helping_case.pk},
        data=lambda w: {**_vote(w), "form": "removed"},
    ),
    Page(
        "screening:case-decide",
        get=POST_ONLY,
        post=by_role(302, who=DECIDERS),
        kwargs=lambda w: {"pk": w.proposed_case.pk},
        data=lambda w: {"removed": "1", "date": _vn(_today()), "decision_number": "12-QĐ/ĐU"},
    ),
    Page(
        "screening:dues-sheet",
        get=answers(200, anonymous=LOGIN),
        post=by_role(302, who=CHANGERS),
        data=lambda w: {
            "org": w.tree.branch.pk,
            "month": f"{_today():%Y-%m}",
            f"dues-{w.screened_member.pk}": "unpaid",
            f"activity-{w.screened_member.pk}": "attended",
        },
        note="the home organisation without ?org= (a cell for the secretary, the list of cells "
        "above); the POST names CB01",
    ),
    Page(
        "screening:dues-sheet*",
        get=by_role(200, who=NORTH),
        samples=("/screening/dues/?org=CB01&month=2026-01",),
        note="the sheet of the north branch (a commune's list of cells: screening test_views)",
    ),
    Page("screening:dues-alerts", get=answers(200, anonymous=LOGIN)),
    Page(
        "screening:dues-alerts*",
        get=by_role(200, who=NORTH),
        samples=("/screening/dues/alerts/?org=CB01",),
        note="the members behind the dues-alert figure",
    ),
    # --- API -----------------------------------------------------------------------------------
    Operation("GET /api/v1/screening/flags", answers(200, anonymous=401)),
    Operation("GET /api/v1/screening/cases", answers(200, anonymous=401)),
    Operation(
        "GET /api/v1/screening/cases/{case_id}",
        by_role(200, who=NORTH, anonymous=401),
        params=lambda w: {"case_id": w.helping_case.pk},
    ),
    Operation(
        "POST /api/v1/screening/members/{member_id}/cases",
        by_role(201, who=CHANGERS, anonymous=401),
        params=lambda w: {"member_id": w.screened_member.pk},
        payload=_vote_api,
    ),
    Operation(
        "POST /api/v1/screening/cases/{case_id}/progress",
        by_role(200, who=CHANGERS, anonymous=401),
        params=lambda w: {"case_id": w.helping_case.pk},
        payload=lambda w: {"date": _today().isoformat()},
    ),
    Operation(
        "POST /api/v1/screening/cases/{case_id}/proposal",
        by_role(200, who=CHANGERS, anonymous=401),
        params=lambda w: {"case_id": w.helping_case.pk},
        payload=lambda w: {**_vote_api(w), "form": "expelled"},
    ),
    Operation(
        "POST /api/v1/screening/cases/{case_id}/decision",
        by_role(200, who=DECIDERS, anonymous=401),
        params=lambda w: {"case_id": w.proposed_case.pk},
        payload=lambda w: {"removed": True, "date": _today().isoformat()},
    ),
    Operation(
        "GET /api/v1/screening/months",
        # the matrix sends no query string: org and month are required (422)
        answers(422, anonymous=401),
        note="the sheet's scoping is tested in dangvien/screening/tests/test_views.py",
    ),
    Operation(
        "POST /api/v1/screening/months",
        by_role(200, who=CHANGERS, anonymous=401),
        payload=lambda w: {
            "entries": [
                {
                    "member_id": w.screened_member.pk,
                    "month": _today().replace(day=1).isoformat(),
                    "dues": "unpaid",
                }
            ]
        },
    ),
]
