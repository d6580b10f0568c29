"""Grading pages and API: the sheet (typed scores saved, bad input refused with nothing
saved), scoping (ids out of scope or of another cell are 404), and the history page."""

from __future__ import annotations

import pytest

from dangvien.audit.models import AuditEvent
from dangvien.grading.choices import Grade, MemberStep
from dangvien.grading.models import MemberGrade, OrganisationGrade
from dangvien.members.tests.factories import make_member
from tests.support.personas import scope_matrix


@pytest.fixture
def members(persona_tree):
    return [
        make_member(persona_tree.branch, full_name=name)
        for name in ("Lò Văn An", "Quàng Thị Bình", "Vì Văn Cường")
    ]


def _post(client, cell, data, **period):
    body = {"year": 2025, "quarter": 0, "step": "cell_proposal", **period, **data}
    return client.post(f"/grading/cells/{cell.pk}/", body)


@scope_matrix(
    {
        "anonymous": 302,
        "national_admin": 200,
        "region_officer": 200,
        "branch_secretary": 200,
        "viewer": 200,
        "outsider": 404,
    }
)
def test_sheet_scope(persona, expected, client_for, persona_tree, members):
    response = client_for(persona).get(f"/grading/cells/{persona_tree.branch.pk}/?year=2025")
    assert response.status_code == expected
    if expected == 200:
        assert "Quàng Thị Bình" in response.content.decode()


def test_sheet_saves_typed_scores_and_shows_the_grades(client_for, persona_tree, members):
    client = client_for("branch_secretary")
    a, b, c = members
    response = _post(
        client,
        persona_tree.branch,
        {
            f"score_{a.pk}": "92",
            f"score_{b.pk}": "89,5",
            f"disciplined_{b.pk}": "on",
            f"score_{c.pk}": "",  # left empty: not recorded
        },
    )
    assert response.status_code == 302
    rows = {g.membership_id: g for g in MemberGrade.objects.all()}
    assert set(rows) == {a.pk, b.pk}
    assert rows[a.pk].grade == Grade.HTXS and rows[a.pk].step == MemberStep.CELL_PROPOSAL
    assert rows[b.pk].grade == Grade.HTT and rows[b.pk].disciplined
    page = client.get(response["Location"]).content.decode()
    assert "Đã lưu bước «Chi bộ đề xuất», Năm 2025: 2 dòng thay đổi." in page
    assert "89,5" in page


def test_bad_input_is_refused_in_the_page_and_nothing_is_saved(client_for, persona_tree, members):
    client = client_for("branch_secretary")
    a, b, c = members
    response = _post(
        client,
        persona_tree.branch,
        {f"score_{a.pk}": "92", f"score_{b.pk}": "120", f"score_{c.pk}": "abc"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Chưa lưu bảng xếp loại: 2 dòng có lỗi" in html
    assert f'id="error-{b.pk}"' in html and "cần từ 0 đến 100" in html
    assert f'id="error-{c.pk}"' in html and "không phải là số" in html
    # what was typed is kept on the page
    assert 'value="120"' in html and 'value="abc"' in html
    assert not MemberGrade.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="grading.").exists()


def test_a_member_id_out_of_scope_or_of_another_cell_is_404(client_for, persona_tree, members):
    client = client_for("branch_secretary")
    other_cell = make_member(persona_tree.branch_two)
    south = make_member(persona_tree.branch_south)
    for stranger in (other_cell, south):
        response = _post(
            client,
            persona_tree.branch,
            {f"score_{members[0].pk}": "80", f"score_{stranger.pk}": "80"},
        )
        assert response.status_code == 404
    assert _post(client, persona_tree.branch, {"score_abc": "80"}).status_code == 404
    assert not MemberGrade.objects.exists()


def test_a_bad_period_is_refused(client_for, persona_tree, members):
    response = _post(
        client_for("branch_secretary"),
        persona_tree.branch,
        {f"score_{members[0].pk}": "80"},
        year=2025,
        quarter=2,  # ends 30/06/2025: under the 24-QĐ/TW rule set, without points
    )
    assert response.status_code == 400
    assert "chưa có thang điểm 100" in response.content.decode()
    assert not MemberGrade.objects.exists()


def test_the_cell_secretary_sees_the_approval_read_only(client_for, persona_tree, members):
    client = client_for("branch_secretary")
    page = client.get(f"/grading/cells/{persona_tree.branch.pk}/?year=2025&step=approval")
    assert page.status_code == 200
    assert 'id="read-only"' in page.content.decode()
    denied = _post(client, persona_tree.branch, {f"score_{members[0].pk}": "80"}, step="approval")
    assert denied.status_code == 403
    assert not MemberGrade.objects.exists()


def test_approval_page_starts_from_the_cells_proposal(client_for, persona_tree, members):
    a = members[0]
    _post(client_for("branch_secretary"), persona_tree.branch, {f"score_{a.pk}": "77"})
    office = client_for("grassroots_office")
    page = office.get(f"/grading/cells/{persona_tree.branch.pk}/?year=2025&step=approval")
    assert f'name="score_{a.pk}" value="77"' in page.content.decode()
    saved = _post(office, persona_tree.branch, {f"score_{a.pk}": "77"}, step="approval")
    assert saved.status_code == 302
    assert MemberGrade.objects.filter(step=MemberStep.APPROVAL, grade=Grade.HTT).count() == 1


def test_sheet_query_count_does_not_grow_with_the_members(
    client_for, persona_tree, members, django_assert_max_num_queries
):
    client = client_for("branch_secretary")
    url = f"/grading/cells/{persona_tree.branch.pk}/?year=2025"
    client.get(url)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    for i in range(10):
        make_member(persona_tree.branch, full_name=f"Thêm {i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_history_shows_a_correction_and_keeps_the_old_row(client_for, persona_tree, members):
    client = client_for("branch_secretary")
    a = members[0]
    _post(client, persona_tree.branch, {f"score_{a.pk}": "60"})
    _post(client, persona_tree.branch, {f"score_{a.pk}": "71"})
    html = client.get(f"/grading/members/{a.pk}/").content.decode()
    assert "sửa lại, thay cho 60 HT" in html
    assert MemberGrade.objects.filter(membership=a).count() == 2
    assert client_for("outsider").get(f"/grading/members/{a.pk}/").status_code == 404


def test_organisation_sheet_grades_the_cells(client_for, persona_tree):
    office = client_for("grassroots_office")
    url = f"/grading/organisations/{persona_tree.commune_north.pk}/"
    page = office.get(url, {"year": 2025})
    assert "Chi bộ thôn 2" in page.content.decode()
    response = office.post(
        url,
        {
            "year": 2025,
            "quarter": 0,
            "step": "approval",
            f"score_{persona_tree.branch.pk}": "95",
            f"score_{persona_tree.branch_two.pk}": "40",
        },
    )
    assert response.status_code == 302
    grades = dict(OrganisationGrade.objects.values_list("organisation__code", "grade"))
    assert grades == {"CB01": Grade.HTXS, "CB02": Grade.KHT}
    # an organisation that is not on this sheet (the commune itself, or the south's cell): 404
    for other in (persona_tree.commune_north, persona_tree.branch_south):
        refused = office.post(url, {"year": 2025, "step": "approval", f"score_{other.pk}": "95"})
        assert refused.status_code == 404
    assert OrganisationGrade.objects.count() == 2


def test_api_sheet_round_trip_and_refusals(client_for, persona_tree, members):
    client = client_for("branch_secretary")
    a, b, _c = members
    body = {
        "organisation": "CB01",
        "year": 2025,
        "step": "cell_proposal",
        "entries": [{"id": a.pk, "score": "88"}, {"id": b.pk, "score": "101"}],
    }
    refused = client.post("/api/v1/grading/sheet", body, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == f"entries.{b.pk}"
    assert not MemberGrade.objects.exists()
    body["entries"] = [{"id": a.pk, "score": "88"}]
    assert client.post("/api/v1/grading/sheet", body, content_type="application/json").json() == {
        "written": 1
    }
    sheet = client.get("/api/v1/grading/sheet", {"org": "CB01", "year": 2025}).json()
    line = next(line for line in sheet["lines"] if line["id"] == a.pk)
    assert line["steps"][0]["grade"] == "htt"
    assert (
        client_for("outsider")
        .get("/api/v1/grading/sheet", {"org": "CB01", "year": 2025})
        .status_code
        == 404
    )
    south = make_member(persona_tree.branch_south)
    body["entries"] = [{"id": south.pk, "score": "88"}]
    assert (
        client.post("/api/v1/grading/sheet", body, content_type="application/json").status_code
        == 404
    )
