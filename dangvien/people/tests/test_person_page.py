"""The person page shows everything about the person, read-only and scoped: dossiers with their
steps, classes and certificates, membership with its status history, recognition, cards and
transfers; a fixed number of queries whatever the history."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dangvien.admissions.choices import Stage
from dangvien.members import services as members
from dangvien.members.choices import MemberStatus, TransferKind
from dangvien.members.tests.factories import make_member
from dangvien.reports.tests.home_world import dossier_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2026, 12, 1, 8, 0), tick=False):
        yield


@pytest.fixture
def member(frozen, persona_tree):
    """An official member with a party card and a transfer to the neighbouring cell."""
    actor = persona_tree.users["national_admin"]
    membership = make_member(persona_tree.branch, full_name="Lò Văn Đầy Đủ")
    members.issue_card(membership, number="012345", decision_date=dt.date(2026, 3, 2), actor=actor)
    members.start_transfer(
        membership,
        to_organisation=persona_tree.branch_two,
        kind=TransferKind.OFFICIAL,
        reason_date=dt.date(2026, 11, 20),
        started_on=dt.date(2026, 11, 25),
        actor=actor,
    )
    return membership


def test_person_page_shows_membership_cards_and_transfers(member, client_for):
    response = client_for("branch_secretary").get(
        reverse("people:person-detail", args=[member.person_id])
    )
    html = response.content.decode()
    assert 'id="person-membership"' in html
    assert "Số 012345" in html and "chưa trao" in html
    assert "Chi bộ thôn 1 → Chi bộ thôn 2" in html
    assert str(MemberStatus.OFFICIAL.label) in html


def test_person_page_shows_dossier_steps_and_certificates(frozen, persona_tree, client_for):
    dossier = dossier_at(
        persona_tree.branch,
        persona_tree.users["national_admin"],
        Stage.INTRODUCTION,
        start=dt.date(2026, 11, 2),
        name="Vì Văn Hồ Sơ",
    )
    client = client_for("branch_secretary")
    html = client.get(reverse("people:person-detail", args=[dossier.person_id])).content.decode()
    assert 'id="person-dossiers"' in html and 'id="person-training"' in html
    for stage in (Stage.OUTSTANDING, Stage.CLASS, Stage.APPLICATION, Stage.INTRODUCTION):
        assert str(stage.label) in html
    assert "Số N-Vì Văn Hồ Sơ" in html
    assert 'id="person-membership"' not in html


def test_out_of_scope_is_404(member, client_for):
    response = client_for("outsider").get(reverse("people:person-detail", args=[member.person_id]))
    assert response.status_code == 404


def test_person_page_query_count_is_fixed(
    frozen, persona_tree, client_for, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    actor = persona_tree.users["national_admin"]
    dossier = dossier_at(
        persona_tree.branch, actor, Stage.APPLICATION, start=dt.date(2026, 11, 2), name="Đếm"
    )
    url = reverse("people:person-detail", args=[dossier.person_id])
    client = client_for("branch_secretary")
    client.get(url)  # warm the per-process caches (rule sets, calendar, horizons)
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    from dangvien.admissions.tests.factories import make_officials, walk

    walk(
        dossier,
        to=Stage.OPINIONS,
        actor=actor,
        start=dt.date(2026, 11, 10),
        introducers=make_officials(persona_tree.branch, 2),
    )
    with django_assert_num_queries(len(first)):
        client.get(url)
    assert len(first) == PERSON_PAGE_QUERIES


# session, user, assignments, MFA check, the person, audit events, the membership row of the
# existing line; dossiers + steps + failed votes; enrolments; membership (none here) (the
# worklist badge is fetched after the page)
PERSON_PAGE_QUERIES = 14
