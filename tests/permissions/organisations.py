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

# --- reorganisation (issue 11) ----------------------------------------------------------------
REORGANISERS = ("national_admin", "region_officer")  # organisation.reorganise
X01_READERS = tuple(p for p in NORTH if p != "branch_secretary")  # the commune X01 in reach


def build_world(world):
    from dangvien.organisations import plans

    world.reorg_plan = plans.create_plan(
        root=world.tree.commune_north,
        effective_date=_reorg_date(),
        decision_number="01-QĐ/ĐU",
        operations=[_rename_cb02(world)],
        actor=world.users["national_admin"],
    )


def _reorg_date():
    import datetime as dt

    return dt.date.today()


def _rename_cb02(world):
    return {"kind": "rename", "spec": {"organisation": "CB02", "name": "Chi bộ thôn Hai"}}


def _plan_payload(world):
    return {
        "root_id": world.tree.commune_north.pk,
        "effective_date": _reorg_date().isoformat(),
        "decision_number": "02-QĐ/ĐU",
        "operations": [_rename_cb02(world)],
    }


def _wizard_rename(world):
    return {
        "effective_date": _reorg_date().strftime("%d/%m/%Y"),
        "decision_number": "03-QĐ/ĐU",
        "organisation": "CB02",
        "new_name": "Chi bộ thôn Hai",
        "action": "apply",
    }


_REORG = {**by_role(200, who=REORGANISERS), "branch_secretary": 404}
_REORG_API = {**by_role(200, who=REORGANISERS, anonymous=401), "branch_secretary": 404}
_PLAN_READ = {**by_role(200, who=X01_READERS, anonymous=401), "branch_secretary": 404}

PERMISSIONS += [
    Page(
        "organisations:reorganise",
        get=_REORG,
        post={**by_role(302, who=REORGANISERS), "branch_secretary": 404},
        kwargs=lambda w: {"pk": w.tree.commune_north.pk, "kind": "rename"},
        data=_wizard_rename,
    ),
    Page(
        "organisations:plan-detail",
        get={**by_role(200, who=X01_READERS), "branch_secretary": 404},
        post={**by_role(302, who=REORGANISERS), "branch_secretary": 404},
        kwargs=lambda w: {"plan_pk": w.reorg_plan.pk},
        data=lambda w: {"action": "apply"},
    ),
    Operation(
        "GET /api/v1/organisations/{organisation_id}/lineage",
        by_role(200, who=NORTH, anonymous=401),
        params=lambda w: {"organisation_id": w.tree.branch.pk},
    ),
    Operation(
        "POST /api/v1/organisations/reorganisation-plans",
        {**by_role(201, who=REORGANISERS, anonymous=401), "branch_secretary": 404},
        payload=_plan_payload,
    ),
    Operation(
        "GET /api/v1/organisations/reorganisation-plans/{plan_id}",
        _PLAN_READ,
        params=lambda w: {"plan_id": w.reorg_plan.pk},
    ),
    Page(
        "organisations:plan-template",
        get=answers(200, anonymous=LOGIN),
        note="a blank template: nothing of anyone's data",
    ),
    Operation(
        "POST /api/v1/organisations/reorganisation-plans/{plan_id}/import",
        # the matrix posts JSON, not a file: the reorganisers get the Vietnamese refusal
        {**by_role(400, who=REORGANISERS, anonymous=401), "branch_secretary": 404},
        params=lambda w: {"plan_id": w.reorg_plan.pk},
    ),
    Operation(
        "POST /api/v1/organisations/reorganisation-plans/{plan_id}/preview",
        _REORG_API,
        params=lambda w: {"plan_id": w.reorg_plan.pk},
    ),
    Operation(
        "POST /api/v1/organisations/reorganisation-plans/{plan_id}/apply",
        _REORG_API,
        params=lambda w: {"plan_id": w.reorg_plan.pk},
    ),
    Operation(
        "POST /api/v1/organisations/reorganisation-plans/{plan_id}/cancel",
        _REORG_API,
        params=lambda w: {"plan_id": w.reorg_plan.pk},
    ),
]
