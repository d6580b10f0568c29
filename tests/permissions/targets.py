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
# X01's allocation: every north reader but the cell secretary of CB01 (X01 is above them: 404).
X01_READERS = answers(200, anonymous=LOGIN, branch_secretary=404, outsider=404)
X01_FILES = X01_READERS


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
    Page(
        "targets:allocation",
        get=X01_READERS,
        post=by_role(302, who=ASSIGNERS, denied=403, outsider=404) | {"branch_secretary": 404},
        kwargs=lambda w: {"pk": w.tree.commune_north.pk},
        data=lambda w: {
            "year": w.target_year,
            f"org-{w.tree.branch.pk}": 7,
            f"org-{w.tree.branch_two.pk}": 2,
            "note": "Nghị quyết giao chỉ tiêu",
        },
        note="X01's whole allocation in one save; target.change on X01 itself",
    ),
    Page(
        "targets:allocation-import",
        get=answers(405, anonymous=LOGIN),
        post=by_role(400, who=ASSIGNERS, denied=403, outsider=404) | {"branch_secretary": 404},
        kwargs=lambda w: {"pk": w.tree.commune_north.pk},
        note="POST-only; without a file the page answers 400 and saves nothing",
    ),
    Page(
        "targets:allocation-export",
        get=X01_FILES,
        kwargs=lambda w: {"pk": w.tree.commune_north.pk},
    ),
    Page(
        "targets:allocation-template",
        get=X01_FILES,
        kwargs=lambda w: {"pk": w.tree.commune_north.pk},
    ),
    Page(
        "targets:allocation-print",
        get=X01_FILES,
        kwargs=lambda w: {"pk": w.tree.commune_north.pk},
    ),
    Operation("GET /api/v1/targets/", answers(200, anonymous=401)),
    Operation(
        "GET /api/v1/targets/allocation",
        answers(200, anonymous=401),
        note="without ?org= every reader gets their home organisation's allocation",
    ),
    Operation(
        "PUT /api/v1/targets/allocation",
        by_role(200, who=ASSIGNERS, anonymous=401) | {"branch_secretary": 404},
        payload=lambda w: {
            "organisation": w.tree.commune_north.code,
            "year": w.target_year,
            "values": [
                {"organisation": w.tree.branch.code, "value": 7},
                {"organisation": w.tree.branch_two.code, "value": 2},
            ],
            "note": "Nghị quyết giao chỉ tiêu",
        },
    ),
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
