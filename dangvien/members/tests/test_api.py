import datetime as dt
import json

import pytest
import time_machine

from dangvien.members import services
from dangvien.members.choices import MemberStatus, RecognitionStage, TransferKind
from dangvien.members.models import PartyCard, RecognitionStep, ResidenceLink, Transfer
from dangvien.members.tests.factories import make_certificate, make_member
from tests.support.personas import scope_matrix

pytestmark = pytest.mark.django_db

READ = {
    "anonymous": 401,
    "national_admin": 200,
    "region_officer": 200,
    "branch_secretary": 200,
    "viewer": 200,
    "outsider": 404,
}
CHANGE = {**READ, "viewer": 403}
DECIDE = {**CHANGE, "branch_secretary": 403}


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.date(2025, 12, 1), tick=False):
        yield


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def official(persona_tree):
    return make_member(persona_tree.branch, full_name="Quàng Văn Chính")


@pytest.fixture
def probationer(persona_tree):
    return make_member(
        persona_tree.branch,
        status=MemberStatus.PROBATIONARY,
        decision_date=dt.date(2024, 8, 25),
        ceremony_date=dt.date(2024, 9, 15),
        probation_end=dt.date(2025, 9, 15),
    )


@scope_matrix(READ)
def test_get_member_with_party_age_and_timeline(persona, expected, client_for, official):
    response = client_for(persona).get(f"/api/v1/members/{official.pk}")
    assert response.status_code == expected
    if expected == 200:
        body = response.json()
        assert body["full_name"] == "Quàng Văn Chính"
        assert body["party_age"]["start"] == "2010-01-10"
        assert body["party_age"]["gaps"] == []
        assert [e["label"] for e in body["timeline"]][:2] == [
            "Quyết định kết nạp",
            "Đảng viên dự bị",
        ]


@scope_matrix(READ)
def test_probation_checklist_scope(persona, expected, client_for, probationer):
    response = client_for(persona).get(f"/api/v1/members/{probationer.pk}/probation")
    assert response.status_code == expected
    if expected == 200:
        keys = [item["key"] for item in response.json()]
        assert keys[:2] == ["helper", "new_member_class"]
        assert "cell_vote" in keys


@scope_matrix({**READ, "outsider": 200})
def test_list_is_scoped(persona, expected, client_for, official):
    response = client_for(persona).get("/api/v1/members/", {"status": "official"})
    assert response.status_code == expected
    if expected == 200:
        ids = [m["id"] for m in response.json()]
        assert (official.pk in ids) == (persona != "outsider")


@scope_matrix(DECIDE)
def test_status_change_scope(persona, expected, client_for, official):
    response = post(
        client_for(persona),
        f"/api/v1/members/{official.pk}/status",
        {"status": "exempt", "date": "2025-11-01", "note": "Tuổi cao, sức yếu"},
    )
    assert response.status_code == expected
    official.refresh_from_db()
    assert (official.status == MemberStatus.EXEMPT) == (expected == 200)


@scope_matrix({**CHANGE, "national_admin": 201, "region_officer": 201, "branch_secretary": 201})
def test_recognition_step_scope(persona, expected, client_for, probationer):
    response = post(
        client_for(persona),
        f"/api/v1/members/{probationer.pk}/recognition/steps",
        {"stage": "self_review", "date": "2025-09-16"},
    )
    assert response.status_code == expected
    assert RecognitionStep.objects.exists() == (expected == 201)


def test_cell_vote_before_the_end_is_refused_with_rule_found_required(
    client_for, probationer, branch_secretary
):
    make_certificate(probationer, on=dt.date(2025, 3, 1))
    for stage in (
        RecognitionStage.SELF_REVIEW,
        RecognitionStage.HELPER_COMMENT,
        RecognitionStage.OPINIONS,
    ):
        services.record_recognition_step(
            probationer, stage=stage, date=dt.date(2025, 9, 1), actor=branch_secretary
        )
    response = post(
        client_for("branch_secretary"),
        f"/api/v1/members/{probationer.pk}/recognition/steps",
        {"stage": "cell_vote", "date": "2025-09-14", "votes_for": 3},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["rule"] == "probation_months"
    assert body["found"] == "14/09/2025"
    assert "15/09/2025" in body["required"]
    assert body["errors"][0]["field"] == "date"


@scope_matrix({**DECIDE, "national_admin": 201, "region_officer": 201})
def test_card_issue_scope(persona, expected, client_for, official):
    response = post(
        client_for(persona),
        f"/api/v1/members/{official.pk}/cards",
        {"number": "01000123", "decision_date": "2025-11-01"},
    )
    assert response.status_code == expected
    assert PartyCard.objects.exists() == (expected == 201)


@scope_matrix({**CHANGE, "national_admin": 201, "region_officer": 201, "branch_secretary": 201})
def test_transfer_start_scope(persona, expected, client_for, official):
    response = post(
        client_for(persona),
        f"/api/v1/members/{official.pk}/transfers",
        {
            "kind": "official",
            "to_organisation": "CB03",
            "reason_date": "2025-10-01",
            "started_on": "2025-10-10",
        },
    )
    assert response.status_code == expected
    assert Transfer.objects.exists() == (expected == 201)


@scope_matrix(
    {
        "anonymous": 401,
        "national_admin": 200,
        "region_officer": 403,
        "branch_secretary": 403,
        "viewer": 403,
        "outsider": 200,
    }
)
def test_transfer_confirm_is_the_receiving_sides(
    persona, expected, client_for, official, persona_tree, branch_secretary
):
    transfer = services.start_transfer(
        official,
        to_organisation=persona_tree.branch_south,
        kind=TransferKind.OFFICIAL,
        reason_date=dt.date(2025, 10, 1),
        started_on=dt.date(2025, 10, 10),
        actor=branch_secretary,
    )
    response = post(
        client_for(persona),
        f"/api/v1/members/transfers/{transfer.pk}/confirm",
        {"confirmed_on": "2025-10-20"},
    )
    assert response.status_code == expected
    official.refresh_from_db()
    assert (official.organisation == persona_tree.branch_south) == (expected == 200)


def test_second_open_transfer_via_api_is_a_vietnamese_400(client_for, official):
    client = client_for("branch_secretary")
    body = {
        "kind": "official",
        "to_organisation": "CB02",
        "reason_date": "2025-10-01",
        "started_on": "2025-10-10",
    }
    assert post(client, f"/api/v1/members/{official.pk}/transfers", body).status_code == 201
    response = post(
        client, f"/api/v1/members/{official.pk}/transfers", {**body, "to_organisation": "CB03"}
    )
    assert response.status_code == 400
    assert response.json()["rule"] == "one_open_transfer"
    assert Transfer.objects.count() == 1


@scope_matrix({**READ, "outsider": 404})
def test_residence_count_scope(persona, expected, client_for, persona_tree, official):
    ResidenceLink.objects.create(
        membership=official,
        workplace_organisation=persona_tree.branch,
        required_from=dt.date(2025, 1, 1),
        due=dt.date(2025, 3, 1),
        introduced_on=dt.date(2025, 2, 1),
        actor=persona_tree.users["national_admin"],
    )
    response = client_for(persona).get(
        "/api/v1/members/residence-introductions",
        {"organisation": persona_tree.branch.pk, "start": "2025-01-01", "end": "2025-12-31"},
    )
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["on_time"] == 1
        assert response.json()["on_time_percent"] == 100.0


@pytest.mark.parametrize(
    "query",
    [
        "offset=99999999999999999999",
        "offset=99999999999999999999&limit=99999999999999999999",
        "offset=-99999999999999999999&limit=-99999999999999999999",
    ],
)
def test_member_list_clamps_huge_offset_and_limit(client_for, official, query):
    response = client_for("national_admin").get(f"/api/v1/members/?{query}")
    assert response.status_code == 200
    expected = [] if query.startswith("offset=9") else [official.pk]
    assert [row["id"] for row in response.json()] == expected


def test_a_helper_out_of_scope_is_a_404_revealing_nothing(client_for, persona_tree, probationer):
    """Issue 15, item 2: the helper was looked up unscoped; the error named them and a member
    of another commune was written as helper."""
    from dangvien.members.models import HelperAssignment

    stranger = make_member(persona_tree.branch_south, full_name="Người Xã Khác")
    for helper_id in (stranger.pk, stranger.pk + 1000):
        response = post(
            client_for("branch_secretary"),
            f"/api/v1/members/{probationer.pk}/helper",
            {"helper_id": helper_id, "start_date": "2025-09-20"},
        )
        assert response.status_code == 404
        assert response.json() == {
            "detail": "Không tìm thấy hoặc bạn không có quyền xem.",
            "errors": [],
        }
    assert not HelperAssignment.objects.exists()


def test_a_helper_from_another_cell_in_scope_is_refused(client_for, persona_tree, probationer):
    from dangvien.members.models import HelperAssignment

    neighbour = make_member(persona_tree.branch_two, full_name="Người Chi Bộ Bên")
    response = post(
        client_for("region_officer"),
        f"/api/v1/members/{probationer.pk}/helper",
        {"helper_id": neighbour.pk, "start_date": "2025-09-20"},
    )
    assert response.status_code == 400
    assert response.json()["rule"] == "helper_same_cell"
    assert response.json()["detail"] == (
        "Người giúp đỡ phải là đảng viên chính thức của chi bộ Chi bộ thôn 1."
    )
    assert not HelperAssignment.objects.exists()
