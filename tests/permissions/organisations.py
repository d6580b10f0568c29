"""Designed answers for the organisation pages and API (see dangvien/accounts/matrix.py)."""

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
ORG_CHANGERS = ("national_admin", "region_officer")  # organisation.change


def _new_cell(world):
    return {"code": "CB99", "name": "Chi bộ thôn 99", "kind": "cell", "area_kind": "village"}


PERMISSIONS = [
    Page("home", get=answers(200, anonymous=LOGIN)),
    Page("organisations:organisation-tree", get=answers(200, anonymous=LOGIN)),
    Page(
        "organisations:organisation-detail",
        get=by_role(200, who=NORTH),
        kwargs=lambda w: {"pk": w.tree.branch.pk},
    ),
    Page(
        "organisations:organisation-children",
        # the commune X01 is above the branch secretary's cell: out of their reach
        get={**by_role(200, who=NORTH), "branch_secretary": 404},
        kwargs=lambda w: {"pk": w.tree.commune_north.pk},
    ),
    Page(
        "organisations:organisation-create",
        get={**by_role(200, who=ORG_CHANGERS), "branch_secretary": 404},
        post={**by_role(302, who=ORG_CHANGERS), "branch_secretary": 404},
        kwargs=lambda w: {"pk": w.tree.commune_north.pk},
        data=_new_cell,
    ),
    Page(
        "organisations:organisation-edit",
        get=by_role(200, who=ORG_CHANGERS),
        post=by_role(302, who=ORG_CHANGERS),
        kwargs=lambda w: {"pk": w.tree.branch.pk},
        data=lambda w: {
            "code": "CB01",
            "name": "Chi bộ thôn Một (đổi tên)",
            "kind": "cell",
            "area_kind": "village",
        },
    ),
    Operation("GET /api/v1/organisations/", answers(200, anonymous=401)),
    Operation(
        "GET /api/v1/organisations/{organisation_id}",
        by_role(200, who=NORTH, anonymous=401),
        params=lambda w: {"organisation_id": w.tree.branch.pk},
    ),
    Operation(
        "POST /api/v1/organisations/",
        {**by_role(201, who=ORG_CHANGERS, anonymous=401), "branch_secretary": 404},
        payload=lambda w: {"parent_id": w.tree.commune_north.pk, **_new_cell(w)},
    ),
    Operation(
        "PATCH /api/v1/organisations/{organisation_id}",
        by_role(200, who=ORG_CHANGERS, anonymous=401),
        params=lambda w: {"organisation_id": w.tree.branch.pk},
        payload=lambda w: {"name": "Chi bộ thôn Một (đổi tên)"},
    ),
]
