"""Designed answers for the admission pages and API (see dangvien/accounts/matrix.py).

The world: ``admission_dossier`` (open, at the application stage, CB01), ``voted_dossier``
(open, after the cell vote, CB01: the only stage where an extension is accepted), a candidate
without dossier and an official member to assign as helper, both in CB01.
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
# dossier.change on the north branch CB01
CHANGERS = ("national_admin", "region_officer", "grassroots_office", "branch_secretary")
# dossier.committee on CB01: the grassroots committee's steps (verification, its vote); the
# cell secretary records the cell's steps only (step authority, docs/permissions.md)
COMMITTEE = ("national_admin", "region_officer", "grassroots_office")
# dossier.decide on CB01 (decision step, extensions)
DECIDERS = ("national_admin", "region_officer")
POST_ONLY = by_role(405, who=NORTH, denied=405, outsider=405)
# export.run on CB01: printing a KNĐ form is an audited export (the viewer reads only)
PRINTERS = tuple(persona for persona in NORTH if persona != "viewer")


def _today() -> dt.date:
    return timezone.localdate()


def _vn(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def build_world(world):
    from dangvien.admissions import services
    from dangvien.admissions.choices import Stage
    from dangvien.admissions.tests.factories import make_certificate, make_officials, walk
    from dangvien.people.tests.factories import PersonFactory

    admin = world.users["national_admin"]
    cell = world.tree.branch
    opened = _today() - dt.timedelta(days=120)
    introducers = make_officials(cell, 3)
    world.admission_helper = introducers[2]
    world.admission_candidate = PersonFactory(organisation=cell, date_of_birth=dt.date(1998, 3, 15))

    def dossier_at(stage):
        person = PersonFactory(organisation=cell, date_of_birth=dt.date(1998, 3, 15))
        dossier = services.open_dossier(person=person, organisation=cell, date=opened, actor=admin)
        certificate = make_certificate(person, cell, opened + dt.timedelta(days=5))
        return walk(
            dossier,
            to=stage,
            actor=admin,
            start=opened + dt.timedelta(days=7),
            introducers=introducers[:2],
            certificate=certificate,
        )

    world.admission_dossier = dossier_at(Stage.APPLICATION)
    world.voted_dossier = dossier_at(Stage.CELL_VOTE)
    # a grassroots committee's vote on it that failed (2/9): corrected or cancelled by those
    # who may record that vote (dossier.committee); the dossier stays at the cell vote
    world.failed_vote = services.record_step(
        world.voted_dossier,
        stage=Stage.GRASSROOTS_VOTE,
        date=_today() - dt.timedelta(days=60),
        votes_eligible=9,
        votes_for=2,
        votes_against=7,
        document_number="8-KNĐ",
        actor=admin,
    )
    world.admission_scan, _created = services.attach_scan(
        world.voted_dossier, upload=_scan("nghi-quyet-chi-bo.pdf"), actor=admin
    )


def _scan(name="ban-scan.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4\n% scan\n", content_type="application/pdf")


def _dossier(world):
    return {"pk": world.admission_dossier.pk}


def _api_dossier(world):
    return {"dossier_id": world.admission_dossier.pk}


def _latest_step(world):
    from dangvien.admissions.models import Step

    return Step.objects.get(dossier=world.admission_dossier, stage="application")


PERMISSIONS = [
    Page("admissions:dossier-list", get=answers(200, anonymous=LOGIN)),
    Page("admissions:worklist", get=answers(200, anonymous=LOGIN)),
    Page("admissions:worklist-count", get=answers(200, anonymous=LOGIN)),
    Page(
        "admissions:dossier-create",
        # Every role may open the form; the person and cell lists only offer what the reader
        # sees. Outsiders do not see the CB01 candidate: its posted id is a 404 (core.lookup,
        # as on the API) and nothing is written; readers without dossier.change get 403.
        get=answers(200, anonymous=LOGIN),
        post=by_role(302, who=CHANGERS, outsider=404),
        data=lambda w: {
            "person": w.admission_candidate.pk,
            "organisation": w.tree.branch.pk,
            "date": _vn(_today()),
            "document_number": "1-KNĐ",
        },
    ),
    Page(
        "admissions:dossier-detail",
        get=by_role(200, who=NORTH),
        kwargs=_dossier,
    ),
    Page(
        "admissions:dossier-step",
        get=POST_ONLY,
        post=by_role(302, who=COMMITTEE),
        kwargs=_dossier,
        data=lambda w: {"stage": "verification", "date": _vn(_today()), "document_number": "2"},
    ),
    Page(
        "admissions:step-correct",
        get=POST_ONLY,
        post=by_role(302, who=CHANGERS),
        kwargs=lambda w: {"pk": _latest_step(w).pk},
        data=lambda w: {"reason": "Ghi nhầm số văn bản", "document_number": "1-KNĐ/2"},
    ),
    Page(
        "admissions:step-cancel",
        get=POST_ONLY,
        post=by_role(302, who=CHANGERS),
        kwargs=lambda w: {"pk": _latest_step(w).pk},
        data=lambda w: {"reason": "Ghi nhầm hồ sơ"},
    ),
    Page(
        "admissions:failed-vote-correct",
        get=POST_ONLY,
        post=by_role(302, who=COMMITTEE),
        kwargs=lambda w: {"pk": w.failed_vote.pk},
        data=lambda w: {"reason": "Ghi nhầm số phiếu", "votes_for": 3, "votes_against": 6},
    ),
    Page(
        "admissions:failed-vote-cancel",
        get=POST_ONLY,
        post=by_role(302, who=COMMITTEE),
        kwargs=lambda w: {"pk": w.failed_vote.pk},
        data=lambda w: {"reason": "Ghi nhầm hồ sơ"},
    ),
    Page(
        "admissions:dossier-stop",
        get=POST_ONLY,
        post=by_role(302, who=CHANGERS),
        kwargs=_dossier,
        data=lambda w: {"reason": "withdrawn", "date": _vn(_today()), "note": "Xin rút hồ sơ"},
    ),
    Page(
        "admissions:dossier-approval",
        get=POST_ONLY,
        post=by_role(302, who=CHANGERS),
        kwargs=_dossier,
        data=lambda w: {
            "kind": "literacy_only",
            "issuing_body": "Ban Tổ chức Tỉnh ủy",
            "document_number": "15-CV/BTC",
            "date": _vn(_today()),
        },
    ),
    Page(
        "admissions:dossier-extension",
        get=POST_ONLY,
        post=by_role(302, who=DECIDERS),
        kwargs=lambda w: {"pk": w.voted_dossier.pk},
        data=lambda w: {"working_days": 10, "document_number": "7-CV/ĐU", "date": _vn(_today())},
    ),
    Page(
        "admissions:dossier-helper",
        get=POST_ONLY,
        post=by_role(302, who=CHANGERS),
        kwargs=_dossier,
        data=lambda w: {"person": w.admission_helper.pk, "date": _vn(_today())},
    ),
    Page(
        "admissions:dossier-form",
        get=POST_ONLY,
        post=by_role(200, who=PRINTERS),
        kwargs=lambda w: {"pk": w.voted_dossier.pk, "code": "6-knd"},
        note="the Word file of the cell resolution is the 200; audited as an export",
    ),
    Page(
        "admissions:dossier-attach",
        get=POST_ONLY,
        post=by_role(302, who=CHANGERS),
        kwargs=_dossier,
        data=lambda w: {"file": _scan(), "reference": "HS-6KNĐ"},
        note="a replay of the same file keeps the first row (302 with a notice)",
    ),
    Page(
        "admissions:attachment-download",
        get=by_role(200, who=NORTH),
        kwargs=lambda w: {"pk": w.admission_scan.pk},
    ),
    Page(
        "admissions:outstanding-list",
        get=by_role(200, who=NORTH),
        kwargs=lambda w: {"org_pk": w.tree.branch.pk},
    ),
    Operation("GET /api/v1/admissions/", answers(200, anonymous=401)),
    Operation("GET /api/v1/admissions/worklist", answers(200, anonymous=401)),
    Operation(
        "POST /api/v1/admissions/",
        # outside their reach the cell is not found (core.lookup), like one that does not exist
        by_role(201, who=CHANGERS, anonymous=401),
        payload=lambda w: {
            "person_id": w.admission_candidate.pk,
            "organisation_id": w.tree.branch.pk,
            "date": _today().isoformat(),
        },
    ),
    Operation(
        "GET /api/v1/admissions/{dossier_id}",
        by_role(200, who=NORTH, anonymous=401),
        params=_api_dossier,
    ),
    Operation(
        "POST /api/v1/admissions/{dossier_id}/steps",
        by_role(201, who=COMMITTEE, anonymous=401),
        params=_api_dossier,
        payload=lambda w: {
            "stage": "verification",
            "date": _today().isoformat(),
            "document_number": "2-KNĐ",
        },
    ),
    Operation(
        "POST /api/v1/admissions/steps/{step_id}/correct",
        by_role(201, who=CHANGERS, anonymous=401),
        params=lambda w: {"step_id": _latest_step(w).pk},
        payload=lambda w: {"reason": "Ghi nhầm số văn bản", "document_number": "1-KNĐ/2"},
    ),
    Operation(
        "POST /api/v1/admissions/steps/{step_id}/cancel",
        by_role(200, who=CHANGERS, anonymous=401),
        params=lambda w: {"step_id": _latest_step(w).pk},
        payload=lambda w: {"reason": "Ghi nhầm hồ sơ"},
    ),
    Operation(
        "POST /api/v1/admissions/failed-votes/{vote_id}/correct",
        by_role(201, who=COMMITTEE, anonymous=401),
        params=lambda w: {"vote_id": w.failed_vote.pk},
        payload=lambda w: {"reason": "Ghi nhầm số phiếu", "votes_for": 3, "votes_against": 6},
    ),
    Operation(
        "POST /api/v1/admissions/failed-votes/{vote_id}/cancel",
        by_role(200, who=COMMITTEE, anonymous=401),
        params=lambda w: {"vote_id": w.failed_vote.pk},
        payload=lambda w: {"reason": "Ghi nhầm hồ sơ"},
    ),
    Operation(
        "POST /api/v1/admissions/{dossier_id}/stop",
        by_role(200, who=CHANGERS, anonymous=401),
        params=_api_dossier,
        payload=lambda w: {
            "reason": "withdrawn",
            "date": _today().isoformat(),
            "note": "Xin rút hồ sơ",
        },
    ),
    Operation(
        "POST /api/v1/admissions/{dossier_id}/approvals",
        by_role(201, who=CHANGERS, anonymous=401),
        params=_api_dossier,
        payload=lambda w: {
            "kind": "literacy_only",
            "issuing_body": "Ban Tổ chức Tỉnh ủy",
            "document_number": "15-CV/BTC",
            "date": _today().isoformat(),
        },
    ),
    Operation(
        "POST /api/v1/admissions/{dossier_id}/extension",
        by_role(200, who=DECIDERS, anonymous=401),
        params=lambda w: {"dossier_id": w.voted_dossier.pk},
        payload=lambda w: {
            "working_days": 10,
            "document_number": "7-CV/ĐU",
            "date": _today().isoformat(),
        },
    ),
    Operation(
        "POST /api/v1/admissions/{dossier_id}/helpers",
        by_role(201, who=CHANGERS, anonymous=401),
        params=_api_dossier,
        payload=lambda w: {"person_id": w.admission_helper.pk, "date": _today().isoformat()},
    ),
    Operation(
        "GET /api/v1/admissions/{dossier_id}/forms",
        by_role(200, who=NORTH, anonymous=401),
        params=_api_dossier,
    ),
    Operation(
        "POST /api/v1/admissions/{dossier_id}/forms/{code}",
        by_role(200, who=PRINTERS, anonymous=401),
        params=lambda w: {"dossier_id": w.voted_dossier.pk, "code": "6-knd"},
        note="the Word file is the 200; audited as an export",
    ),
]
