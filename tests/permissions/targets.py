"""Designed answers for the target pages and API (see dangvien/accounts/matrix.py).

A target is assigned by the organisation *above*: the north branch CB01's target needs
``target.change`` on the commune X01, which only the system admin and the T01 org board hold.
"""

import datetime as dt

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
ASSIGNERS = ("national_admin", "region_officer")  # target.change on X01, CB01's parent


def _form(world):
    return {
        "year": world.target_year,
        "kind": "admissions",
        "value": 7,
        "note": "Nghị quyết đại hội",
        "back": world.tree.branch.pk,
    }


PERMISSIONS = [
    # Without ?org= every reader lands on their own home organisation (the outsider on T02).
    Page("targets:target-list", get=answers(200, anonymous=LOGIN)),
    Page(
        "targets:target-list*",
        get=by_role(200, who=NORTH),
        samples=("/targets/?org=CB01",),
        note="the targets of the north branch CB01 (named by code): out of scope is 404",
    ),
    Page(
        "targets:target-set",
        get=by_role(405, who=NORTH, denied=405, outsider=405),
        post=by_role(302, who=ASSIGNERS),
        kwargs=lambda w: {"pk": w.tree.branch.pk},
        data=_form,
        note="POST-only; permission is checked on the parent organisation X01",
    ),
    Operation("GET /api/v1/targets/", answers(200, anonymous=401)),
    Operation(
        "PUT /api/v1/targets/",
        by_role(200, who=ASSIGNERS, anonymous=401),
        payload=lambda w: {
            "organisation": w.tree.branch.code,
            "year": w.target_year,
            "value": 7,
            "note": "Nghị quyết đại hội",
        },
    ),
]


def build_world(world):
    from dangvien.targets.services import set_target

    world.target_year = dt.date.today().year
    world.north_target = set_target(
        world.tree.branch, year=world.target_year, value=3, actor=world.users["national_admin"]
    )
