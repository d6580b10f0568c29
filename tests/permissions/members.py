"""Designed answers for the members pages and API (see dangvien/accounts/matrix.py).

member.view: every role (scope decides); member.change on CB01: system admin, org board,
grassroots office, cell secretary; member.decide: system admin and org board. The action
pages are POST-only (GET → 405 once signed in) and always redirect back to the member or the
transfer (a refusal by the service is a flash message, nothing changed).
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
# member.committee on CB01: the grassroots committee's resolution (15-KNĐ) and its corrections
COMMITTEE = ("national_admin", "region_officer", "grassroots_office")
# member.change on CB02, the receiving cell of the world's transfer (not the CB01 secretary)
RECEIVERS = ("national_admin", "region_officer", "grassroots_office")
# the register page opens for every role holding member.change somewhere (the outsider too)
REGISTER_OPENERS = (*CHANGERS, "outsider")

POST_ONLY = answers(405, anonymous=LOGIN)
# export.run on CB01: printing a recognition form is an audited export (the viewer reads only)
PRINTERS = tuple(persona for persona in NORTH if persona != "viewer")


def _today() -> dt.date:
    return timezone.localdate()


def _vn(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _scan(name="ban-scan.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4\n% scan\n", content_type="application/pdf")


def build_world(world):
    from dangvien.members import services
    from dangvien.members.choices import MemberStatus, RecognitionStage, TransferKind
    from dangvien.members.models import PartyCard, RecognitionStep, ResidenceLink
    from dangvien.members.tests.factories import make_member

    tree = world.tree
    admin = world.users["national_admin"]
    today = _today()
    world.official_member = make_member(tree.branch, full_name="Quàng Văn Chính")
    world.probationer = make_member(
        tree.branch,
        status=MemberStatus.PROBATIONARY,
        decision_date=today - dt.timedelta(days=500),
        ceremony_date=today - dt.timedelta(days=480),
        probation_end=today - dt.timedelta(days=115),
        full_name="Lò Văn Dự",
    )
    # a probationer whose grassroots resolution has passed: ready for the decision
    world.candidate = make_member(
        tree.branch,
        status=MemberStatus.PROBATIONARY,
        decision_date=today - dt.timedelta(days=500),
        ceremony_date=today - dt.timedelta(days=480),
        probation_end=today - dt.timedelta(days=115),
        full_name="Cầm Thị Sẵn",
    )
    world.recognition_resolution = RecognitionStep.objects.create(
        membership=world.candidate,
        stage=RecognitionStage.GRASSROOTS_RESOLUTION,
        date=today - dt.timedelta(days=30),
        document_number="15-NQ/ĐU",
        passed=True,
        actor=admin,
    )
    world.recognition_scan, _created = services.attach_recognition_scan(
        world.candidate,
        upload=_scan("nghi-quyet-dang-uy.pdf"),
        step=world.recognition_resolution,
        actor=admin,
    )
    world.card = PartyCard.objects.create(
        membership=world.official_member,
        number="01000999",
        reason="first",
        decision_date=today - dt.timedelta(days=20),
        actor=admin,
    )
    # an open transfer CB01 → CB02 (seen from both cells; CB02 confirms, CB01 cancels)
    world.mover = make_member(tree.branch, full_name="Hà Văn Chuyển")
    world.transfer = services.start_transfer(
        world.mover,
        to_organisation=tree.branch_two,
        kind=TransferKind.OFFICIAL,
        reason_date=today - dt.timedelta(days=3),
        started_on=today - dt.timedelta(days=2),
        actor=admin,
    )
    # a confirmed temporary transfer CB01 → CB02 (CB01 ends it)
    world.visitor = make_member(tree.branch, full_name="Lường Thị Tạm")
    world.temporary_transfer = services.start_transfer(
        world.visitor,
        to_organisation=tree.branch_two,
        kind=TransferKind.TEMPORARY,
        reason_date=today - dt.timedelta(days=10),
        started_on=today - dt.timedelta(days=9),
        actor=admin,
    )
    services.confirm_transfer(
        world.temporary_transfer, confirmed_on=today - dt.timedelta(days=8), actor=admin
    )
    world.residence_link = ResidenceLink.objects.create(
        membership=world.official_member,
        workplace_organisation=tree.branch,
        required_from=today - dt.timedelta(days=30),
        due=today + dt.timedelta(days=30),
        actor=admin,
    )
    # a person without membership, to register
    world.newcomer = world.north_person


def _register_form(w):
    return {
        "person": w.newcomer.pk,
        "organisation": w.tree.branch.pk,
        "decision_date": "10/01/2015",
        "decision_number": "123-QĐ/HU",
        "ceremony_date": "30/01/2015",
        "official_date": "30/01/2016",
    }


def _register_payload(w):
    return {
        "person_id": w.newcomer.pk,
        "organisation_id": w.tree.branch.pk,
        "decision_date": "2015-01-10",
        "decision_number": "123-QĐ/HU",
        "ceremony_date": "2015-01-30",
        "official_date": "2016-01-30",
    }


def _member(name):
    return lambda w: {"pk": getattr(w, name).pk}


def _member_id(name):
    return lambda w: {"member_id": getattr(w, name).pk}


PERMISSIONS = [
    # --- pages ---------------------------------------------------------------------------------
    Page("members:member-list", get=answers(200, anonymous=LOGIN)),
    Page(
        "members:member-register",
        get=by_role(200, who=REGISTER_OPENERS),
        # the north person is out of the outsider's scope: 404 (core.lookup), nothing written
        post={**by_role(302, who=CHANGERS), "outsider": 404},
        data=_register_form,
    ),
    Page("members:member-detail", get=by_role(200, who=NORTH), kwargs=_member("official_member")),
    Page("members:member-probation", get=by_role(200, who=NORTH), kwargs=_member("probationer")),
    Page(
        "members:member-form",
        get=POST_ONLY,
        post=by_role(200, who=PRINTERS),
        kwargs=lambda w: {"pk": w.probationer.pk, "code": "10-knd"},
        note="the Word file is the 200; audited as an export",
    ),
    Page(
        "members:member-attach",
        get=POST_ONLY,
        # the outsider: 404 (core.lookup); the viewer and the training centre: 403
        post=by_role(302, who=CHANGERS),
        kwargs=_member("probationer"),
        data=lambda w: {"file": _scan(), "reference": "DV-10KNĐ"},
        note="a replay of the same file keeps the first row (302 with a notice)",
    ),
    Page(
        "members:recognition-scan-download",
        get=by_role(200, who=NORTH),
        kwargs=lambda w: {"pk": w.recognition_scan.pk},
    ),
    Page(
        "members:member-status",
        get=POST_ONLY,
        post=by_role(302, who=DECIDERS),
        kwargs=_member("official_member"),
        data=lambda w: {"status": "exempt", "date": _vn(_today()), "note": "Tuổi cao"},
    ),
    Page(
        "members:helper-assign",
        get=POST_ONLY,
        post=by_role(302, who=CHANGERS),
        kwargs=_member("probationer"),
        data=lambda w: {"helper": w.official_member.pk, "start_date": _vn(_today())},
    ),
    Page(
        "members:recognition-step",
        get=POST_ONLY,
        post=by_role(302, who=CHANGERS),
        kwargs=_member("probationer"),
        data=lambda w: {"stage": "self_review", "date": _vn(_today())},
    ),
    Page(
        "members:recognition-decide",
        get=POST_ONLY,
        post=by_role(302, who=DECIDERS),
        kwargs=_member("candidate"),
        data=lambda w: {"date": _vn(_today()), "decision_number": "45-QĐ/HU"},
    ),
    Page(
        "members:member-remove",
        get=POST_ONLY,
        post=by_role(302, who=DECIDERS),
        kwargs=_member("probationer"),
        data=lambda w: {"date": _vn(_today()), "reason": "Không đủ tư cách"},
    ),
    Page(
        "members:card-issue",
        get=POST_ONLY,
        post=by_role(302, who=DECIDERS),
        kwargs=_member("official_member"),
        data=lambda w: {
            "number": "01000123",
            "reason": "lost",
            "decision_date": _vn(_today()),
        },
    ),
    Page(
        "members:card-handover",
        get=POST_ONLY,
        post=by_role(302, who=CHANGERS),
        kwargs=lambda w: {"pk": w.card.pk},
        data=lambda w: {"date": _vn(_today()), "meeting": "Sinh hoạt chi bộ tháng"},
    ),
    Page(
        "members:transfer-start",
        get=POST_ONLY,
        post=by_role(302, who=CHANGERS),
        kwargs=_member("official_member"),
        data=lambda w: {
            "kind": "official",
            "to_organisation": "CB02",
            "reason_date": _vn(_today()),
            "started_on": _vn(_today()),
        },
    ),
    Page("members:transfer-list", get=answers(200, anonymous=LOGIN)),
    Page(
        "members:transfer-detail",
        get=by_role(200, who=NORTH),
        kwargs=lambda w: {"pk": w.transfer.pk},
    ),
    Page(
        "members:transfer-confirm",
        get=POST_ONLY,
        post=by_role(302, who=RECEIVERS),
        kwargs=lambda w: {"pk": w.transfer.pk},
        data=lambda w: {"confirmed_on": _vn(_today())},
    ),
    Page(
        "members:card-correct",
        get=POST_ONLY,
        post=by_role(302, who=DECIDERS),
        kwargs=lambda w: {"pk": w.card.pk},
        data=lambda w: {"number": "01000998", "reason": "Ghi nhầm số thẻ"},
    ),
    Page(
        "members:card-cancel",
        get=POST_ONLY,
        post=by_role(302, who=DECIDERS),
        kwargs=lambda w: {"pk": w.card.pk},
        data=lambda w: {"reason": "Ghi nhầm người"},
    ),
    Page(
        "members:recognition-step-correct",
        get=POST_ONLY,
        post=by_role(302, who=COMMITTEE),
        kwargs=lambda w: {"pk": w.recognition_resolution.pk},
        data=lambda w: {"document_number": "16-NQ/ĐU", "reason": "Ghi nhầm số nghị quyết"},
    ),
    Page(
        "members:recognition-step-cancel",
        get=POST_ONLY,
        post=by_role(302, who=COMMITTEE),
        kwargs=lambda w: {"pk": w.recognition_resolution.pk},
        data=lambda w: {"reason": "Ghi nhầm người"},
    ),
    Page(
        "members:transfer-correct",
        get=POST_ONLY,
        post=by_role(302, who=CHANGERS),
        kwargs=lambda w: {"pk": w.transfer.pk},
        data=lambda w: {"letter_number": "GT-02", "reason": "Ghi nhầm số giấy"},
    ),
    Page(
        "members:transfer-cancel",
        get=POST_ONLY,
        post=by_role(302, who=CHANGERS),
        kwargs=lambda w: {"pk": w.transfer.pk},
        data=lambda w: {"note": "Nhầm nơi đến"},
    ),
    Page(
        "members:transfer-end",
        get=POST_ONLY,
        post=by_role(302, who=CHANGERS),
        kwargs=lambda w: {"pk": w.temporary_transfer.pk},
        data=lambda w: {"date": _vn(_today())},
    ),
    Page(
        "members:residence-record",
        get=POST_ONLY,
        post=by_role(302, who=CHANGERS),
        kwargs=lambda w: {"pk": w.residence_link.pk},
        data=lambda w: {"introduced_on": _vn(_today()), "residence_place": "Thôn 5"},
    ),
    # --- API -----------------------------------------------------------------------------------
    Operation("GET /api/v1/members/", answers(200, anonymous=401)),
    Operation("GET /api/v1/members/transfers", answers(200, anonymous=401)),
    Operation(
        "GET /api/v1/members/residence-introductions",
        # the matrix sends no query string: organisation/start/end are required (422)
        answers(422, anonymous=401),
        note="scoping of the count is tested in dangvien/members/tests/test_api.py",
    ),
    Operation(
        "GET /api/v1/members/{member_id}",
        by_role(200, who=NORTH, anonymous=401),
        params=_member_id("official_member"),
    ),
    Operation(
        "POST /api/v1/members/{member_id}/forms/{code}",
        by_role(200, who=PRINTERS, anonymous=401),
        params=lambda w: {"member_id": w.probationer.pk, "code": "13-knd"},
        note="the Word file is the 200; audited as an export",
    ),
    Operation(
        "GET /api/v1/members/{member_id}/scans",
        by_role(200, who=NORTH, anonymous=401),
        params=_member_id("probationer"),
    ),
    Operation(
        "POST /api/v1/members/{member_id}/scans",
        # the matrix sends JSON, no file: scope first (403/404), then the missing file (400)
        by_role(400, who=CHANGERS, anonymous=401),
        params=_member_id("probationer"),
        note="uploads (201, replay 200, wrong type 400) are tested in dangvien/members/tests/test_scans.py",
    ),
    Operation(
        "GET /api/v1/members/{member_id}/probation",
        by_role(200, who=NORTH, anonymous=401),
        params=_member_id("probationer"),
    ),
    Operation(
        "POST /api/v1/members/register",
        by_role(201, who=CHANGERS, anonymous=401),
        payload=_register_payload,
    ),
    Operation(
        "POST /api/v1/members/{member_id}/status",
        by_role(200, who=DECIDERS, anonymous=401),
        params=_member_id("official_member"),
        payload=lambda w: {"status": "exempt", "date": _today().isoformat(), "note": "Tuổi cao"},
    ),
    Operation(
        "POST /api/v1/members/{member_id}/helper",
        by_role(201, who=CHANGERS, anonymous=401),
        params=_member_id("probationer"),
        payload=lambda w: {
            "helper_id": w.official_member.pk,
            "start_date": _today().isoformat(),
        },
    ),
    Operation(
        "POST /api/v1/members/{member_id}/recognition/steps",
        by_role(201, who=CHANGERS, anonymous=401),
        params=_member_id("probationer"),
        payload=lambda w: {"stage": "self_review", "date": _today().isoformat()},
    ),
    Operation(
        "POST /api/v1/members/{member_id}/recognition/decision",
        by_role(200, who=DECIDERS, anonymous=401),
        params=_member_id("candidate"),
        payload=lambda w: {"date": _today().isoformat(), "decision_number": "45-QĐ/HU"},
    ),
    Operation(
        "POST /api/v1/members/{member_id}/removal",
        by_role(200, who=DECIDERS, anonymous=401),
        params=_member_id("probationer"),
        payload=lambda w: {
            "date": _today().isoformat(),
            "decision_number": "9-QĐ/ĐU",
            "reason": "Không đủ tư cách",
        },
    ),
    Operation(
        "POST /api/v1/members/{member_id}/cards",
        by_role(201, who=DECIDERS, anonymous=401),
        params=_member_id("official_member"),
        payload=lambda w: {
            "number": "01000123",
            "reason": "lost",
            "decision_date": _today().isoformat(),
        },
    ),
    Operation(
        "POST /api/v1/members/cards/{card_id}/hand-over",
        by_role(200, who=CHANGERS, anonymous=401),
        params=lambda w: {"card_id": w.card.pk},
        payload=lambda w: {"date": _today().isoformat()},
    ),
    Operation(
        "POST /api/v1/members/{member_id}/transfers",
        by_role(201, who=CHANGERS, anonymous=401),
        params=_member_id("official_member"),
        payload=lambda w: {
            "kind": "official",
            "to_organisation": "CB02",
            "reason_date": _today().isoformat(),
            "started_on": _today().isoformat(),
        },
    ),
    Operation(
        "POST /api/v1/members/transfers/{transfer_id}/confirm",
        by_role(200, who=RECEIVERS, anonymous=401),
        params=lambda w: {"transfer_id": w.transfer.pk},
        payload=lambda w: {"confirmed_on": _today().isoformat()},
    ),
    Operation(
        "POST /api/v1/members/transfers/{transfer_id}/cancel",
        by_role(200, who=CHANGERS, anonymous=401),
        params=lambda w: {"transfer_id": w.transfer.pk},
    ),
    Operation(
        "POST /api/v1/members/transfers/{transfer_id}/correct",
        by_role(201, who=CHANGERS, anonymous=401),
        params=lambda w: {"transfer_id": w.transfer.pk},
        payload=lambda w: {"letter_number": "GT-02", "reason": "Ghi nhầm số giấy"},
    ),
    Operation(
        "POST /api/v1/members/cards/{card_id}/correct",
        by_role(201, who=DECIDERS, anonymous=401),
        params=lambda w: {"card_id": w.card.pk},
        payload=lambda w: {"number": "01000998", "reason": "Ghi nhầm số thẻ"},
    ),
    Operation(
        "POST /api/v1/members/cards/{card_id}/cancel",
        by_role(200, who=DECIDERS, anonymous=401),
        params=lambda w: {"card_id": w.card.pk},
        payload=lambda w: {"reason": "Ghi nhầm người"},
    ),
    Operation(
        "POST /api/v1/members/recognition-steps/{step_id}/correct",
        by_role(201, who=COMMITTEE, anonymous=401),
        params=lambda w: {"step_id": w.recognition_resolution.pk},
        payload=lambda w: {"document_number": "16-NQ/ĐU", "reason": "Ghi nhầm số nghị quyết"},
    ),
    Operation(
        "POST /api/v1/members/recognition-steps/{step_id}/cancel",
        by_role(200, who=COMMITTEE, anonymous=401),
        params=lambda w: {"step_id": w.recognition_resolution.pk},
        payload=lambda w: {"reason": "Ghi nhầm người"},
    ),
    Operation(
        "POST /api/v1/members/transfers/{transfer_id}/end",
        by_role(200, who=CHANGERS, anonymous=401),
        params=lambda w: {"transfer_id": w.temporary_transfer.pk},
        payload=lambda w: {"date": _today().isoformat()},
    ),
    Operation(
        "POST /api/v1/members/residence/{link_id}",
        by_role(200, who=CHANGERS, anonymous=401),
        params=lambda w: {"link_id": w.residence_link.pk},
        payload=lambda w: {"introduced_on": _today().isoformat(), "residence_place": "Thôn 5"},
    ),
]
