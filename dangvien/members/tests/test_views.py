import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dangvien.members import services
from dangvien.members.choices import MemberStatus, RecognitionStage, TransferKind
from dangvien.members.models import (
    HelperAssignment,
    Membership,
    PartyCard,
    RecognitionStep,
    ResidenceLink,
    Transfer,
)
from dangvien.members.tests.factories import make_member
from dangvien.organisations.choices import AreaKind
from dangvien.organisations.choices import OrganisationKind as K
from dangvien.organisations.tests.factories import make_organisation
from tests.support.personas import scope_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.date(2025, 12, 1), tick=False):
        yield


READ = {
    "anonymous": 302,
    "national_admin": 200,
    "region_officer": 200,
    "branch_secretary": 200,
    "viewer": 200,
    "outsider": 404,
}
CHANGE = {
    "anonymous": 302,
    "national_admin": 302,
    "region_officer": 302,
    "branch_secretary": 302,
    "viewer": 403,
    "outsider": 404,
}
DECIDE = {**CHANGE, "branch_secretary": 403}


def _done(persona, expected):
    """The change happened only for a logged-in persona that got the redirect."""
    return expected == 302 and persona != "anonymous"


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
        full_name="Lò Thị Dự",
    )


@scope_matrix(READ)
def test_member_detail_scope(persona, expected, client_for, official):
    response = client_for(persona).get(reverse("members:member-detail", args=[official.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert "Quàng Văn Chính" in response.content.decode()


@scope_matrix(READ)
def test_probation_page_scope(persona, expected, client_for, probationer):
    response = client_for(persona).get(reverse("members:member-probation", args=[probationer.pk]))
    assert response.status_code == expected
    if expected == 200:
        html = response.content.decode()
        assert "15/09/2025" in html
        assert "Lớp bồi dưỡng đảng viên mới" in html


@scope_matrix({**READ, "outsider": 200})
def test_member_list_scope(persona, expected, client_for, official):
    response = client_for(persona).get(reverse("members:member-list"))
    assert response.status_code == expected
    if expected == 200:
        shown = "Quàng Văn Chính" in response.content.decode()
        assert shown == (persona != "outsider")


def test_member_list_counts_the_rows_it_pages_through(client_for, persona_tree):
    """The list pages through one shape of the user's members and counts another (faster to
    count): the count shown is the number of rows the pages hold, filters included."""
    for number in range(3):
        make_member(persona_tree.branch, full_name=f"Lường Văn Đếm {number}")
    make_member(persona_tree.branch_two, full_name="Lường Thị Khác")
    client = client_for("region_officer")
    html = client.get(reverse("members:member-list")).content.decode()
    total = Membership.objects.visible_to(persona_tree.users["region_officer"]).count()
    assert f"{total} đảng viên" in html
    searched = client.get(reverse("members:member-list"), {"q": "luong van dem"})
    assert searched.status_code == 200
    assert "3 đảng viên" in searched.content.decode()


@scope_matrix({**READ, "outsider": 200, "viewer": 403})
def test_register_page_scope(persona, expected, client_for, persona_tree):
    response = client_for(persona).get(reverse("members:member-register"))
    assert response.status_code == expected


@scope_matrix(DECIDE)
def test_status_change_scope(persona, expected, client_for, official):
    response = client_for(persona).post(
        reverse("members:member-status", args=[official.pk]),
        {"status": "lost_contact", "date": "01/11/2025"},
    )
    assert response.status_code == expected
    official.refresh_from_db()
    assert (official.status == MemberStatus.LOST_CONTACT) == _done(persona, expected)


@scope_matrix(CHANGE)
def test_helper_assign_scope(persona, expected, client_for, probationer, official):
    response = client_for(persona).post(
        reverse("members:helper-assign", args=[probationer.pk]),
        {"helper": official.pk, "start_date": "15/09/2024"},
    )
    assert response.status_code == expected
    assert HelperAssignment.objects.exists() == _done(persona, expected)


@scope_matrix(CHANGE)
def test_recognition_step_scope(persona, expected, client_for, probationer):
    response = client_for(persona).post(
        reverse("members:recognition-step", args=[probationer.pk]),
        {"stage": "self_review", "date": "16/09/2025"},
    )
    assert response.status_code == expected
    assert RecognitionStep.objects.exists() == _done(persona, expected)


@scope_matrix(DECIDE)
def test_recognition_decide_scope(persona, expected, client_for, probationer, national_admin):
    for stage in RecognitionStage:
        if stage != RecognitionStage.DECISION:
            RecognitionStep.objects.create(
                membership=probationer,
                stage=stage,
                date=dt.date(2025, 10, 1),
                passed=True,
                actor=national_admin,
            )
    response = client_for(persona).post(
        reverse("members:recognition-decide", args=[probationer.pk]),
        {"date": "20/11/2025", "decision_number": "45-QĐ/ĐU"},
    )
    assert response.status_code == expected
    probationer.refresh_from_db()
    assert (probationer.status == MemberStatus.OFFICIAL) == _done(persona, expected)
    if _done(persona, expected):
        assert probationer.official_date == dt.date(2025, 9, 15)


@scope_matrix(DECIDE)
def test_removal_scope(persona, expected, client_for, probationer):
    response = client_for(persona).post(
        reverse("members:member-remove", args=[probationer.pk]),
        {"date": "20/11/2025", "decision_number": "9", "reason": "Không đủ tư cách"},
    )
    assert response.status_code == expected
    probationer.refresh_from_db()
    assert (probationer.status == MemberStatus.REMOVED) == _done(persona, expected)


@scope_matrix(DECIDE)
def test_card_issue_scope(persona, expected, client_for, official):
    response = client_for(persona).post(
        reverse("members:card-issue", args=[official.pk]),
        {"number": "01000123", "reason": "first", "decision_date": "01/11/2025"},
    )
    assert response.status_code == expected
    assert PartyCard.objects.exists() == _done(persona, expected)


@scope_matrix(CHANGE)
def test_card_handover_scope(persona, expected, client_for, official, national_admin):
    card = services.issue_card(
        official, number="01000123", decision_date=dt.date(2025, 11, 1), actor=national_admin
    )
    response = client_for(persona).post(
        reverse("members:card-handover", args=[card.pk]),
        {"date": "15/11/2025", "meeting": "Sinh hoạt tháng 11"},
    )
    assert response.status_code == expected
    card.refresh_from_db()
    assert (card.handed_over_on is not None) == _done(persona, expected)


@scope_matrix(CHANGE)
def test_transfer_start_scope(persona, expected, client_for, official):
    response = client_for(persona).post(
        reverse("members:transfer-start", args=[official.pk]),
        {
            "kind": "official",
            "to_organisation": "CB03",
            "reason_date": "01/10/2025",
            "started_on": "10/10/2025",
        },
    )
    assert response.status_code == expected
    assert Transfer.objects.exists() == _done(persona, expected)


@pytest.fixture
def transfer_south(official, branch_secretary):
    from dangvien.organisations.models import Organisation

    return services.start_transfer(
        official,
        to_organisation=Organisation.objects.get(code="CB03"),
        kind=TransferKind.OFFICIAL,
        reason_date=dt.date(2025, 10, 1),
        started_on=dt.date(2025, 10, 10),
        actor=branch_secretary,
    )


@scope_matrix({**READ, "outsider": 200})
def test_transfer_detail_is_seen_from_both_sides(persona, expected, client_for, transfer_south):
    response = client_for(persona).get(reverse("members:transfer-detail", args=[transfer_south.pk]))
    assert response.status_code == expected


@scope_matrix(
    {
        "anonymous": 302,
        "national_admin": 302,
        "region_officer": 403,  # sending side: sees it, cannot confirm for the receiver
        "branch_secretary": 403,
        "viewer": 403,
        "outsider": 302,
    }
)
def test_transfer_confirm_is_the_receiving_sides(
    persona, expected, client_for, transfer_south, official
):
    response = client_for(persona).post(
        reverse("members:transfer-confirm", args=[transfer_south.pk]),
        {"confirmed_on": "20/10/2025"},
    )
    assert response.status_code == expected
    official.refresh_from_db()
    assert (official.organisation.code == "CB03") == _done(persona, expected)


@scope_matrix(CHANGE)
def test_residence_record_scope(persona, expected, client_for, persona_tree, national_admin):
    agency = make_organisation(
        persona_tree.commune_north,
        code="CQ1",
        name="Chi bộ cơ quan",
        kind=K.CELL,
        area_kind=AreaKind.AGENCY,
    )
    # the branch secretary's reach is CB01: put the agency cell's member in reach of the matrix
    member = make_member(persona_tree.branch)
    link = ResidenceLink.objects.create(
        membership=member,
        workplace_organisation=persona_tree.branch,
        required_from=dt.date(2025, 10, 1),
        due=dt.date(2025, 12, 24),
        actor=national_admin,
    )
    assert agency.pk
    response = client_for(persona).post(
        reverse("members:residence-record", args=[link.pk]),
        {"introduced_on": "15/10/2025", "residence_place": "Thôn 2"},
    )
    assert response.status_code == expected
    link.refresh_from_db()
    assert (link.introduced_on is not None) == _done(persona, expected)


def test_refusal_shows_the_vietnamese_message_and_changes_nothing(client_for, probationer):
    response = client_for("branch_secretary").post(
        reverse("members:recognition-step", args=[probationer.pk]),
        {"stage": "cell_vote", "date": "14/09/2025", "votes_for": "3"},
        follow=True,
    )
    html = response.content.decode()
    assert "hết 12 tháng dự bị" in html
    assert "15/09/2025" in html
    assert not RecognitionStep.objects.exists()


def test_list_filters_by_status_sex_and_age(client_for, persona_tree):
    make_member(
        persona_tree.branch, full_name="Nữ Trẻ", sex="female", date_of_birth=dt.date(2000, 1, 1)
    )
    make_member(persona_tree.branch, full_name="Nam Cao Tuổi", date_of_birth=dt.date(1950, 1, 1))
    make_member(
        persona_tree.branch,
        full_name="Dự Bị",
        status=MemberStatus.PROBATIONARY,
        date_of_birth=dt.date(1990, 1, 1),
    )
    client = client_for("branch_secretary")
    url = reverse("members:member-list")

    def names(params):
        html = client.get(url, params).content.decode()
        return {n for n in ("Nữ Trẻ", "Nam Cao Tuổi", "Dự Bị") if n in html}

    assert names({"sex": "female"}) == {"Nữ Trẻ"}
    assert names({"probationary": "on"}) == {"Dự Bị"}
    assert names({"age_min": 70}) == {"Nam Cao Tuổi"}
    assert names({"age_min": 20, "age_max": 40}) == {"Nữ Trẻ", "Dự Bị"}
    assert names({"status": "official"}) == {"Nữ Trẻ", "Nam Cao Tuổi"}


def test_list_query_count_does_not_grow(
    client_for, persona_tree, django_assert_num_queries, django_assert_max_num_queries
):
    """16 queries today (session, user, roles, count, rows, filter choices and the worklist
    sources other apps show in the navigation); the same with 30 more members."""
    client = client_for("region_officer")
    url = reverse("members:member-list")
    for _n in range(3):
        make_member(persona_tree.branch)
    client.get(url)  # warm caches (content types, sessions)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    for _n in range(30):
        make_member(persona_tree.branch_two)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


def test_detail_query_count_does_not_grow_with_history(
    client_for, official, django_assert_max_num_queries, national_admin
):
    client = client_for("region_officer")
    url = reverse("members:member-detail", args=[official.pk])
    for year in range(2012, 2020):
        services.change_status(
            official, status="lost_contact", date=dt.date(year, 1, 1), actor=national_admin
        )
        services.change_status(
            official, status="official", date=dt.date(year, 6, 1), actor=national_admin
        )
    with django_assert_max_num_queries(28):
        response = client.get(url)
    html = response.content.decode()
    assert "Mất liên lạc" in html
    assert Membership.objects.get(pk=official.pk).events.count() == 18
