"""Designed answers for the people pages and API (see dangvien/accounts/matrix.py)."""

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
# person.change on the north branch CB01
CHANGERS = (
    "national_admin",
    "region_officer",
    "grassroots_office",
    "branch_secretary",
    "training_centre",
)
REVEALERS = ("national_admin", "region_officer", "grassroots_office")  # person.reveal_sensitive


def _form(world):
    return {
        "full_name": "Lò Thị Mới",
        "date_of_birth": "20/05/1998",
        "sex": "female",
        "ethnic_group": world.ethnic_group.pk,
        "religion": world.religion.pk,
        "occupation": world.occupation.pk,
        "citizen_id": "001198000111",
        "residence_area": "rural",
        "general_education": "upper_secondary",
        "professional_level": "none",
        "political_theory": "none",
        "organisation": world.tree.branch.pk,
    }


def _payload(world):
    return {
        "full_name": "Lò Thị Mới",
        "date_of_birth": "1998-05-20",
        "sex": "female",
        "ethnic_group": "01",
        "occupation": "farmer",
        "organisation_id": world.tree.branch.pk,
    }


PERMISSIONS = [
    Page("people:person-list", get=answers(200, anonymous=LOGIN)),
    Page(
        "people:person-create",
        # Every role may open the form; the organisation list offers only where the
        # reader may add people. The north branch is out of the outsider's scope: the posted
        # id goes through core.lookup (404, as on the API) and nothing is written.
        get=answers(200, anonymous=LOGIN),
        post=by_role(302, who=CHANGERS, denied=200, outsider=404),
        data=_form,
    ),
    Page(
        "people:person-detail",
        get=by_role(200, who=NORTH),
        kwargs=lambda w: {"pk": w.north_person.pk},
    ),
    Page(
        "people:person-edit",
        get=by_role(200, who=CHANGERS),
        post=by_role(302, who=CHANGERS),
        kwargs=lambda w: {"pk": w.north_person.pk},
        data=lambda w: {**_form(w), "full_name": "Tên đã sửa", "citizen_id": ""},
    ),
    Page(
        "people:person-reveal",
        get=by_role(405, who=REVEALERS, denied=405, outsider=405),
        post=by_role(200, who=REVEALERS),
        kwargs=lambda w: {"pk": w.north_person.pk},
        note="GET is refused (POST-only); a reveal is itself a logged write",
    ),
    Operation("GET /api/v1/people/", answers(200, anonymous=401)),
    Operation(
        "GET /api/v1/people/{person_id}",
        by_role(200, who=NORTH, anonymous=401),
        params=lambda w: {"person_id": w.north_person.pk},
    ),
    Operation(
        "POST /api/v1/people/",
        # outside their reach the organisation is not found (core.lookup)
        by_role(201, who=CHANGERS, denied=400, anonymous=401),
        payload=_payload,
    ),
    Operation(
        "PATCH /api/v1/people/{person_id}",
        by_role(200, who=CHANGERS, anonymous=401),
        params=lambda w: {"person_id": w.north_person.pk},
        payload=lambda w: {"full_name": "Tên đã sửa"},
    ),
]
