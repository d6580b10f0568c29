"""Designed answers for the training pages and API (see dangvien/accounts/matrix.py).

The world: ``training_class`` (an awareness class organised by CB01, finished a week ago)
with one enrolment (``training_enrolment``, not completed yet), one with a certificate
(``training_certified``), a pending proposal (``training_proposal``), and
``training_student``, a CB01 person not enrolled.
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
# training.change on the north branch CB01 (a cell secretary may not run classes)
TRAINERS = ("national_admin", "region_officer", "grassroots_office", "training_centre")
# training.propose on CB01 (the cells and offices that send their people)
PROPOSERS = ("national_admin", "region_officer", "grassroots_office", "branch_secretary")
POST_ONLY = by_role(405, who=NORTH, denied=405, outsider=405)
# export.run (printing the roster or the certificate list is an audited export)
PRINTERS = tuple(persona for persona in NORTH if persona != "viewer")


def _today() -> dt.date:
    return timezone.localdate()


def build_world(world):
    from dangvien.people.tests.factories import PersonFactory
    from dangvien.training import services

    admin = world.users["national_admin"]
    cell = world.tree.branch
    world.training_class = services.create_class(
        kind="awareness",
        name="Lớp đảng viên mới khóa 1",
        organiser=cell,
        start_date=_today() - dt.timedelta(days=14),
        end_date=_today() - dt.timedelta(days=7),
        actor=admin,
    )
    world.training_enrolment = services.enrol_person(
        world.training_class, person=PersonFactory(organisation=cell), actor=admin
    )
    world.training_student = PersonFactory(organisation=cell)
    certified = services.enrol_person(
        world.training_class, person=PersonFactory(organisation=cell), actor=admin
    )
    world.training_certified = services.complete_enrolment(
        certified, certificate_number="GCN-00", certificate_date=_today(), actor=admin
    )
    world.training_proposal = services.propose_person(
        world.training_class, person=PersonFactory(organisation=cell), actor=admin
    )


def _class(world):
    return {"pk": world.training_class.pk}


def _enrolment(world):
    return {"pk": world.training_class.pk, "enrolment_pk": world.training_enrolment.pk}


def _certified(world):
    return {"pk": world.training_class.pk, "enrolment_pk": world.training_certified.pk}


def _proposal(world):
    return {"pk": world.training_class.pk, "proposal_pk": world.training_proposal.pk}


REASON = {"reason": "Nhập nhầm"}


def _new_class(world, *, page: bool):
    start, end = _today(), _today() + dt.timedelta(days=5)
    dates = (
        {"start_date": f"{start:%d/%m/%Y}", "end_date": f"{end:%d/%m/%Y}"}
        if page
        else {"start_date": start.isoformat(), "end_date": end.isoformat()}
    )
    key = "organiser" if page else "organiser_id"
    return {"kind": "awareness", "name": "Lớp nhận thức mới", key: world.tree.branch.pk, **dates}


PERMISSIONS = [
    Page("training:class-list", get=answers(200, anonymous=LOGIN)),
    Page(
        "training:class-create",
        # Every role may open the form (organisers offered: what the reader sees). The
        # outsider does not see CB01: its posted id is a 404 (core.lookup), nothing written.
        get=answers(200, anonymous=LOGIN),
        post=by_role(302, who=TRAINERS, outsider=404),
        data=lambda w: _new_class(w, page=True),
    ),
    Page("training:class-detail", get=by_role(200, who=NORTH), kwargs=_class),
    Page(
        "training:class-enrol",
        get=POST_ONLY,
        post=by_role(302, who=TRAINERS),
        kwargs=_class,
        data=lambda w: {"person": w.training_student.pk},
    ),
    Page(
        "training:enrolment-complete",
        get=POST_ONLY,
        post=by_role(302, who=TRAINERS),
        kwargs=lambda w: {"pk": w.training_class.pk, "enrolment_pk": w.training_enrolment.pk},
        data=lambda w: {"certificate_number": "GCN-01", "certificate_date": f"{_today():%d/%m/%Y}"},
    ),
    Page(
        "training:class-enrol-bulk",
        get=POST_ONLY,
        post=by_role(302, who=TRAINERS),
        kwargs=_class,
        data=lambda w: {"people": [w.training_student.pk]},
    ),
    Page(
        "training:class-roster",
        get=POST_ONLY,
        post=by_role(302, who=TRAINERS),
        kwargs=_class,
        data=lambda w: {"enrolments": [w.training_enrolment.pk], "action": "passed"},
    ),
    Page(
        "training:class-correct",
        get=POST_ONLY,
        post=by_role(302, who=TRAINERS),
        kwargs=_class,
        data=lambda w: {
            "name": "Lớp nhận thức (sửa tên)",
            "start_date": f"{_today() - dt.timedelta(days=14):%d/%m/%Y}",
            "end_date": f"{_today() - dt.timedelta(days=7):%d/%m/%Y}",
            **REASON,
        },
    ),
    Page(
        "training:class-cancel",
        get=POST_ONLY,
        # certificates were issued in the world's class: the page shows the refusal (200)
        post=by_role(200, who=TRAINERS),
        kwargs=_class,
        data=lambda w: REASON,
    ),
    Page(
        "training:class-close",
        get=POST_ONLY,
        # a student has no result yet: the page shows the refusal (200), nothing changes
        post=by_role(200, who=TRAINERS),
        kwargs=_class,
    ),
    Page(
        "training:class-propose",
        get=POST_ONLY,
        # everyone in reach of the class may ask; proposing needs training.propose
        post=by_role(302, who=PROPOSERS),
        kwargs=_class,
        data=lambda w: {"person": w.training_student.pk},
    ),
    Page(
        "training:proposal-accept",
        get=POST_ONLY,
        post=by_role(302, who=TRAINERS),
        kwargs=_proposal,
    ),
    Page(
        "training:proposal-decline",
        get=POST_ONLY,
        post=by_role(302, who=TRAINERS),
        kwargs=_proposal,
    ),
    Page(
        "training:enrolment-correct",
        get=POST_ONLY,
        post=by_role(302, who=TRAINERS),
        kwargs=_certified,
        data=lambda w: {
            "certificate_number": "GCN-99",
            "certificate_date": f"{_today():%d/%m/%Y}",
            **REASON,
        },
    ),
    Page(
        "training:enrolment-revoke",
        get=POST_ONLY,
        post=by_role(302, who=TRAINERS),
        kwargs=_certified,
        data=lambda w: REASON,
    ),
    Page(
        "training:enrolment-remove",
        get=POST_ONLY,
        post=by_role(302, who=TRAINERS),
        kwargs=_enrolment,
        data=lambda w: REASON,
    ),
    Operation("GET /api/v1/training/classes", answers(200, anonymous=401)),
    Operation(
        "POST /api/v1/training/classes",
        # outside their reach the organiser is not found (core.lookup)
        by_role(201, who=TRAINERS, anonymous=401),
        payload=lambda w: _new_class(w, page=False),
    ),
    Operation(
        "GET /api/v1/training/classes/{class_id}",
        by_role(200, who=NORTH, anonymous=401),
        params=lambda w: {"class_id": w.training_class.pk},
    ),
    Operation(
        "GET /api/v1/training/classes/{class_id}/enrolments",
        by_role(200, who=NORTH, anonymous=401),
        params=lambda w: {"class_id": w.training_class.pk},
    ),
    Operation(
        "POST /api/v1/training/classes/{class_id}/enrolments",
        by_role(201, who=TRAINERS, anonymous=401),
        params=lambda w: {"class_id": w.training_class.pk},
        payload=lambda w: {"person_id": w.training_student.pk},
    ),
    Operation(
        "POST /api/v1/training/classes/{class_id}/enrolments/{enrolment_id}/complete",
        by_role(200, who=TRAINERS, anonymous=401),
        params=lambda w: {
            "class_id": w.training_class.pk,
            "enrolment_id": w.training_enrolment.pk,
        },
        payload=lambda w: {
            "certificate_number": "GCN-01",
            "certificate_date": _today().isoformat(),
        },
    ),
]


def _class_params(world):
    return {"class_id": world.training_class.pk}


def _enrolment_params(world, name="training_enrolment"):
    return {"class_id": world.training_class.pk, "enrolment_id": getattr(world, name).pk}


TRAINER_API = by_role(200, who=TRAINERS, anonymous=401)

PERMISSIONS += [
    Operation(
        "POST /api/v1/training/classes/{class_id}/enrolments/bulk",
        by_role(201, who=TRAINERS, anonymous=401),
        params=_class_params,
        payload=lambda w: {"person_ids": [w.training_student.pk]},
    ),
    Operation(
        "POST /api/v1/training/classes/{class_id}/results",
        TRAINER_API,
        params=_class_params,
        payload=lambda w: {"enrolment_ids": [w.training_enrolment.pk], "result": "passed"},
    ),
    Operation(
        "POST /api/v1/training/classes/{class_id}/certificates",
        TRAINER_API,
        params=_class_params,
        payload=lambda w: {
            "enrolment_ids": [w.training_enrolment.pk],
            "first_number": "101",
            "prefix": "GCN-",
            "certificate_date": _today().isoformat(),
        },
    ),
    Operation(
        "POST /api/v1/training/classes/{class_id}/enrolments/{enrolment_id}/correct",
        TRAINER_API,
        params=lambda w: _enrolment_params(w, "training_certified"),
        payload=lambda w: {
            "certificate_number": "GCN-98",
            "certificate_date": _today().isoformat(),
            **REASON,
        },
    ),
    Operation(
        "POST /api/v1/training/classes/{class_id}/enrolments/{enrolment_id}/revoke",
        TRAINER_API,
        params=lambda w: _enrolment_params(w, "training_certified"),
        payload=lambda w: REASON,
    ),
    Operation(
        "POST /api/v1/training/classes/{class_id}/enrolments/{enrolment_id}/remove",
        TRAINER_API,
        params=_enrolment_params,
        payload=lambda w: REASON,
    ),
    Operation(
        "POST /api/v1/training/classes/{class_id}/correct",
        TRAINER_API,
        params=_class_params,
        payload=lambda w: {
            "name": "Lớp nhận thức (sửa tên)",
            "start_date": (_today() - dt.timedelta(days=14)).isoformat(),
            "end_date": (_today() - dt.timedelta(days=7)).isoformat(),
            **REASON,
        },
    ),
    Operation(
        "POST /api/v1/training/classes/{class_id}/cancel",
        # certificates are in force in the world's class: refused (400), nothing changes
        by_role(400, who=TRAINERS, anonymous=401),
        params=_class_params,
        payload=lambda w: REASON,
    ),
    Operation(
        "POST /api/v1/training/classes/{class_id}/close",
        # a student has no result yet: refused (400), nothing changes
        by_role(400, who=TRAINERS, anonymous=401),
        params=_class_params,
    ),
    Operation(
        "POST /api/v1/training/classes/{class_id}/proposals",
        by_role(201, who=PROPOSERS, anonymous=401),
        params=_class_params,
        payload=lambda w: {"person_id": w.training_student.pk},
    ),
    Operation(
        "POST /api/v1/training/classes/{class_id}/proposals/{proposal_id}/decision",
        TRAINER_API,
        params=lambda w: {
            "class_id": w.training_class.pk,
            "proposal_id": w.training_proposal.pk,
        },
        payload=lambda w: {"accept": True},
    ),
    Page(
        "training:class-print",
        get=POST_ONLY,
        post=by_role(200, who=PRINTERS),
        kwargs=lambda w: {"pk": w.training_class.pk, "kind": "certificates"},
        note="the Word file is the 200; audited as an export",
    ),
    Operation(
        "POST /api/v1/training/classes/{class_id}/print/{kind}",
        by_role(200, who=PRINTERS, anonymous=401),
        params=lambda w: {"class_id": w.training_class.pk, "kind": "roster"},
        note="the Word file is the 200; audited as an export",
    ),
]
