"""The screening pages: scope (out of scope is 404 and changes nothing), the month sheet typed
down a column, the ballot and the case pages, with pinned query counts."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dangvien.members.choices import MemberStatus
from dangvien.members.tests.factories import make_member
from dangvien.screening import services
from dangvien.screening.choices import CaseStatus
from dangvien.screening.models import MonthRecord, ScreeningCase

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)

READ = {
    "anonymous": 302,
    "national_admin": 200,
    "region_officer": 200,
    "branch_secretary": 200,
    "viewer": 200,
    "outsider": 404,
}
CHANGE = {
    **READ,
    "national_admin": 302,
    "region_officer": 302,
    "branch_secretary": 302,
    "viewer": 403,
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0), tick=False):
        yield


@pytest.fixture
def members(persona_tree):
    return [make_member(persona_tree.branch, full_name=f"Thành Viên {i}") for i in range(3)]


@pytest.mark.parametrize("persona", sorted(READ))
def test_the_sheet_is_scoped(client_for, persona, persona_tree, members):
    url = f"{reverse('screening:dues-sheet')}?org={persona_tree.branch.pk}&month=2026-10"
    response = client_for(persona).get(url)
    assert response.status_code == READ[persona]


@pytest.mark.parametrize("persona", sorted(CHANGE))
def test_saving_the_sheet_needs_member_change(client_for, persona, persona_tree, members):
    data = {"org": persona_tree.branch.pk, "month": "2026-10"}
    data.update({f"dues-{m.pk}": "paid" for m in members})
    response = client_for(persona).post(reverse("screening:dues-sheet"), data)
    assert response.status_code == CHANGE[persona]
    written = MonthRecord.objects.count()
    assert written == (3 if CHANGE[persona] == 302 and persona != "anonymous" else 0)


def test_the_sheet_is_typed_down_a_column(
    client_for, persona_tree, members, django_assert_num_queries
):
    client = client_for("branch_secretary")
    url = f"{reverse('screening:dues-sheet')}?org={persona_tree.branch.pk}&month=2026-10"
    data = {"org": persona_tree.branch.pk, "month": "2026-10"}
    for i, member in enumerate(members):
        data[f"dues-{member.pk}"] = "unpaid" if i == 0 else "paid"
        data[f"activity-{member.pk}"] = "attended"
    response = client.post(reverse("screening:dues-sheet"), data)
    assert response.status_code == 302
    assert MonthRecord.objects.filter(month=dt.date(2026, 10, 1), dues="unpaid").count() == 1
    client.get(url)  # shows the flash message (a session write)
    with django_assert_num_queries(11):  # the worklist badge is fetched after the page
        response = client.get(url)
    html = response.content.decode()
    assert 'value="unpaid" selected' in html
    assert html.count('value="paid" selected') == 2
    # the same page with more members costs the same number of queries
    for i in range(5):
        make_member(persona_tree.branch, full_name=f"Thêm {i}")
    with django_assert_num_queries(11):  # the worklist badge is fetched after the page
        client.get(url)


def test_a_commune_picks_one_of_its_cells(client_for, persona_tree):
    response = client_for("region_officer").get(
        f"{reverse('screening:dues-sheet')}?org={persona_tree.commune_north.pk}"
    )
    assert response.status_code == 200
    assert persona_tree.branch.name in response.content.decode()


def test_a_bad_month_is_refused_in_words(client_for, persona_tree):
    response = client_for("branch_secretary").get(
        f"{reverse('screening:dues-sheet')}?org={persona_tree.branch.pk}&month=13/2026"
    )
    assert response.status_code == 200
    assert "không hợp lệ" in response.content.decode()


@pytest.mark.parametrize("persona", sorted(CHANGE))
def test_the_ballot_page(client_for, persona, persona_tree, members):
    member = members[0]
    url = reverse("screening:case-open", args=[member.pk])
    client = client_for(persona)
    assert client.get(url).status_code == READ[persona]
    data = {
        "date": "20/11/2026",
        "votes_eligible": 3,
        "present": 3,
        "votes_for": 2,
        "votes_against": 1,
    }
    response = client.post(url, data)
    assert response.status_code == CHANGE[persona]
    created = ScreeningCase.objects.filter(membership=member).count()
    assert created == (1 if CHANGE[persona] == 302 and persona != "anonymous" else 0)


def test_a_refused_ballot_says_why_and_writes_nothing(client_for, members):
    response = client_for("branch_secretary").post(
        reverse("screening:case-open", args=[members[0].pk]),
        {
            "date": "20/11/2026",
            "votes_eligible": 2,
            "present": 2,
            "votes_for": 2,
            "votes_against": 0,
        },
    )
    assert response.status_code == 400
    assert "kể cả đảng viên vắng mặt" in response.content.decode()
    assert not ScreeningCase.objects.exists()


def test_case_pages_walk_to_the_decision(client_for, persona_tree, members, region_officer):
    secretary = client_for("branch_secretary")
    member = members[0]
    secretary.post(
        reverse("screening:case-open", args=[member.pk]),
        {
            "date": "20/11/2026",
            "votes_eligible": 3,
            "present": 3,
            "votes_for": 3,
            "votes_against": 0,
        },
    )
    case = ScreeningCase.objects.get(membership=member)
    detail = reverse("screening:case-detail", args=[case.pk])
    assert "Chi bộ biểu quyết đề nghị đưa ra khỏi Đảng" in secretary.get(detail).content.decode()
    secretary.post(
        reverse("screening:case-propose", args=[case.pk]),
        {
            "form": "expelled",
            "date": "20/11/2026",
            "votes_eligible": 3,
            "present": 3,
            "votes_for": 3,
            "votes_against": 0,
        },
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.PROPOSED
    # the secretary cannot decide
    assert (
        secretary.post(
            reverse("screening:case-decide", args=[case.pk]), {"removed": "1", "date": "20/11/2026"}
        ).status_code
        == 403
    )
    board = client_for("region_officer")
    board.post(
        reverse("screening:case-decide", args=[case.pk]),
        {"removed": "1", "date": "20/11/2026", "decision_number": "07-QĐ/ĐU"},
    )
    case.refresh_from_db()
    member.refresh_from_db()
    assert (case.status, member.status) == (CaseStatus.REMOVED, MemberStatus.EXPELLED)


def test_flag_list_shows_flagged_members_in_fixed_queries(
    client_for, persona_tree, members, branch_secretary, django_assert_num_queries
):
    for member in members:
        services.record_months(
            [services.MonthEntry(member, dt.date(2026, m, 1), "unpaid") for m in (1, 2, 3)],
            actor=branch_secretary,
        )
    client = client_for("region_officer")
    url = f"{reverse('screening:flag-list')}?org={persona_tree.region_north.pk}"
    client.get(url)  # warm the per-process caches (rule sets, calendar)
    with django_assert_num_queries(15):  # the worklist badge is fetched after the page
        response = client.get(url)
    html = response.content.decode()
    assert all(str(m.person) in html for m in members)
    assert "3 tháng chưa nộp đảng phí" in html
    # the outsider names the north region: 404
    assert client_for("outsider").get(url).status_code == 404
