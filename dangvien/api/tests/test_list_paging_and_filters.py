"""API lists: ninja's pagination with the clamped limit/offset, and the lists' FilterSets
(an organisation out of scope is a 404 as everywhere, another bad filter a Vietnamese 400)."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvien.admissions.services import open_dossier
from dangvien.people.tests.factories import PersonFactory

HUGE = "99999999999999999999"


@pytest.fixture
def rows(persona_tree):
    admin = persona_tree.users["national_admin"]
    people = [
        PersonFactory(organisation=persona_tree.branch, full_name=f"Người {i}") for i in range(3)
    ]
    for person in people:
        open_dossier(
            person=person, organisation=persona_tree.branch, date=dt.date(2026, 1, 5), actor=admin
        )
    return people


@pytest.mark.parametrize(
    "url", ["/api/v1/people/", "/api/v1/admissions/", "/api/v1/organisations/"]
)
@pytest.mark.parametrize(
    ("query", "empty"),
    [
        (f"offset={HUGE}", True),
        (f"offset={HUGE}&limit={HUGE}", True),
        (f"offset=-{HUGE}&limit=-{HUGE}", False),
        ("offset=-5&limit=0", False),
    ],
)
def test_huge_and_negative_paging_is_clamped(client_for, rows, url, query, empty):
    response = client_for("national_admin").get(f"{url}?{query}")
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body, list)
    # a negative or zero limit is one row; a huge offset is past the end
    assert len(body) == (0 if empty else 1)


@pytest.mark.parametrize("url", ["/api/v1/people/", "/api/v1/admissions/"])
def test_limit_and_offset_page_through_a_plain_list(client_for, rows, url):
    client = client_for("national_admin")
    everything = [row["id"] for row in client.get(url).json()]
    assert len(everything) == 3
    pages = [client.get(url, {"limit": 2, "offset": offset}).json() for offset in (0, 2)]
    assert [row["id"] for page in pages for row in page] == everything
    assert len(client.get(url, {"limit": 10_000}).json()) == 3


def test_a_limit_above_the_maximum_is_the_maximum(client_for, persona_tree):
    from dangvien.core.pagination import MAX_LIMIT, clamp

    assert clamp(offset=0, limit=10**30) == (0, MAX_LIMIT)
    assert clamp(offset=10**30, limit=1) == (2**31 - 1, 2**31)
    assert clamp(offset=-1, limit=-1) == (0, 1)
    assert clamp(offset=7, limit=20, max_limit=10) == (7, 17)


@pytest.mark.parametrize(
    "url", ["/api/v1/people/", "/api/v1/admissions/", "/api/v1/organisations/?parent="]
)
def test_an_organisation_out_of_scope_is_a_404(client_for, persona_tree, url):
    separator = "" if url.endswith("=") else "?organisation="
    response = client_for("region_officer").get(f"{url}{separator}{persona_tree.branch_south.pk}")
    assert response.status_code == 404


def test_the_member_list_refuses_an_organisation_out_of_scope(client_for, persona_tree):
    response = client_for("region_officer").get(
        "/api/v1/members/", {"organisation": persona_tree.branch_south.pk}
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Bộ lọc không hợp lệ: Tổ chức: ")


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/api/v1/members/", {"age_min": 50, "age_max": 20}),
        ("/api/v1/members/", {"age_min": "abc"}),
        ("/api/v1/admissions/", {"deadline": "someday"}),
        ("/api/v1/people/", {"ethnic_group": 999_999}),
    ],
)
def test_a_bad_filter_is_a_vietnamese_400(client_for, persona_tree, url, query):
    response = client_for("region_officer").get(url, query)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Bộ lọc không hợp lệ: ")


def test_filters_apply_in_scope(client_for, persona_tree, rows):
    PersonFactory(organisation=persona_tree.branch_two, full_name="Ở chi bộ hai")
    client = client_for("region_officer")
    in_branch = client.get("/api/v1/people/", {"organisation": persona_tree.branch.pk}).json()
    assert sorted(row["full_name"] for row in in_branch) == ["Người 0", "Người 1", "Người 2"]
    found = client.get("/api/v1/people/", {"q": "chi bo hai"}).json()
    assert [row["full_name"] for row in found] == ["Ở chi bộ hai"]
