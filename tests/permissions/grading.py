"""Designed answers for the grading pages and API (see tests/support/matrix.py).

grading.view: every role (scope decides). grading.change on CB01 (self-review, the cell's
proposal): system admin, org board, grassroots office, cell secretary. grading.approve on
X01 (the grassroots committee's decision, the grading of the cells under it): system admin,
org board, grassroots office. Sheets are GET (show) and POST (save) on the same URL; a saved
sheet redirects back to itself.
"""

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
X01_READERS = tuple(p for p in NORTH if p != "branch_secretary")
CHANGERS = ("national_admin", "region_officer", "grassroots_office", "branch_secretary")
APPROVERS = ("national_admin", "region_officer", "grassroots_office")
YEAR = 2025


def build_world(world):
    from dangvien.members.tests.factories import make_member

    world.graded_member = make_member(world.tree.branch, full_name="Điêu Văn Xếp")


def _proposal(world):
    return {
        "year": YEAR,
        "quarter": 0,
        "step": "cell_proposal",
        f"score_{world.graded_member.pk}": "85",
    }


def _cells_approval(world):
    return {
        "year": YEAR,
        "quarter": 0,
        "step": "approval",
        f"score_{world.tree.branch.pk}": "91",
        f"score_{world.tree.branch_two.pk}": "72,5",
    }


def _api_sheet(world):
    return {
        "organisation": world.tree.branch.code,
        "year": YEAR,
        "step": "cell_proposal",
        "entries": [{"id": world.graded_member.pk, "score": "85"}],
    }


def _api_cells(world):
    return {
        "organisation": world.tree.commune_north.code,
        "year": YEAR,
        "step": "approval",
        "entries": [{"id": world.tree.branch.pk, "score": "91"}],
    }


PERMISSIONS = [
    # Without ?org= every reader lands on their home organisation; the cell secretary's is a
    # cell, whose sheet the index redirects to.
    Page("grading:index", get=answers(200, anonymous=LOGIN, branch_secretary=302)),
    Page(
        "grading:index*",
        get=by_role(200, who=X01_READERS, denied=404),
        samples=("/grading/?org=X01&year=2025",),
        note="the commune X01's index: out of the cell secretary's scope (CB01) is 404",
    ),
    Page(
        "grading:member-sheet",
        get=by_role(200, who=NORTH),
        post=by_role(302, who=CHANGERS),
        kwargs=lambda w: {"pk": w.tree.branch.pk},
        data=_proposal,
        note="POST saves the cell's proposal for one member (grading.change on CB01)",
    ),
    Page(
        "grading:organisation-sheet",
        get=by_role(200, who=X01_READERS, denied=404),
        post={**by_role(302, who=APPROVERS), "branch_secretary": 404},
        kwargs=lambda w: {"pk": w.tree.commune_north.pk},
        data=_cells_approval,
        note="the committee of X01 grades its cells; CB01's secretary cannot see X01 (404)",
    ),
    Page(
        "grading:member-history",
        get=by_role(200, who=NORTH),
        kwargs=lambda w: {"pk": w.graded_member.pk},
    ),
    # the matrix sends no query string: org and year are required (422); the scoping of the
    # reads is tested in dangvien/grading/tests/test_views.py
    Operation("GET /api/v1/grading/sheet", answers(422, anonymous=401)),
    Operation(
        "POST /api/v1/grading/sheet",
        by_role(200, who=CHANGERS, anonymous=401),
        payload=_api_sheet,
    ),
    Operation("GET /api/v1/grading/organisations", answers(422, anonymous=401)),
    Operation(
        "POST /api/v1/grading/organisations",
        {**by_role(200, who=APPROVERS, anonymous=401), "branch_secretary": 404},
        payload=_api_cells,
    ),
    Operation("GET /api/v1/grading/distribution", answers(422, anonymous=401)),
]
