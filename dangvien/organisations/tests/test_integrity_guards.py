"""Organisation edits keep the facts whole (issue 15, item 8): no end date while something live
remains under the node, no kind change that strands members or dossiers, no move or new code
through an edit; every refusal names the rule, what was found and what is required, and
changes nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dangvien.admissions import services as admissions
from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.members.tests.factories import make_member
from dangvien.organisations import services
from dangvien.organisations.models import Organisation
from dangvien.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _state() -> list[tuple]:
    return [*Organisation.objects.order_by("pk").values_list(), (AuditEvent.objects.count(),)]


def test_the_root_cannot_end_while_its_tree_is_in_force(persona_tree, national_admin):
    before = _state()
    with pytest.raises(DomainError) as refused:
        services.update_organisation(
            persona_tree.root, actor=national_admin, valid_to=dt.date(2026, 1, 1)
        )
    assert refused.value.message == (
        "Không thể cho «Trung ương» hết hiệu lực từ 01/01/2026: còn 2 tổ chức trực thuộc còn "
        "hiệu lực. Cần chuyển hoặc kết thúc các tổ chức, đảng viên, hồ sơ này trước (sắp xếp "
        "lại tổ chức)."
    )
    assert (refused.value.rule, refused.value.found, refused.value.field) == (
        "end_without_live_facts",
        "2 tổ chức trực thuộc còn hiệu lực",
        "valid_to",
    )
    assert _state() == before


def test_a_cell_with_members_and_an_open_dossier_cannot_end(persona_tree, national_admin):
    cell = persona_tree.branch
    for name in ("A", "B"):
        make_member(cell, full_name=f"Đảng viên {name}")
    admissions.open_dossier(
        person=PersonFactory(organisation=cell),
        organisation=cell,
        date=dt.date(2026, 1, 5),
        actor=national_admin,
    )
    with pytest.raises(DomainError) as refused:
        services.update_organisation(cell, actor=national_admin, valid_to=dt.date(2026, 3, 1))
    # the live facts come from the registry (members, admissions), in key order
    assert refused.value.found == "1 đối tượng kết nạp đang xét, 2 đảng viên"


def test_an_empty_cell_ends(persona_tree, national_admin):
    cell = services.update_organisation(
        persona_tree.branch_two, actor=national_admin, valid_to=dt.date(2026, 3, 1)
    )
    assert cell.valid_to == dt.date(2026, 3, 1)


def test_a_cell_with_members_cannot_become_a_commune(persona_tree, national_admin, client_for):
    cell = persona_tree.branch
    make_member(cell, full_name="Đảng viên A")
    client = client_for("national_admin")  # logging in is audited: before the count
    before = _state()
    response = client.patch(
        f"/api/v1/organisations/{cell.pk}",
        json.dumps({"kind": "commune"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Không thể đổi «Chi bộ thôn 1» từ «Chi bộ trực thuộc» thành «Đảng bộ xã, "
        "phường, đặc khu»: còn 1 đảng viên. Việc sắp xếp lại tổ chức phải qua thao tác sáp "
        "nhập, chia tách, chuyển.",
        "errors": [
            {
                "field": "kind",
                "message": "Không thể đổi «Chi bộ thôn 1» từ «Chi bộ trực thuộc» thành «Đảng "
                "bộ xã, phường, đặc khu»: còn 1 đảng viên. Việc sắp xếp lại tổ chức phải qua "
                "thao tác sáp nhập, chia tách, chuyển.",
            }
        ],
        "rule": "kind_keeps_facts",
        "field": "kind",
        "found": "1 đảng viên",
        "required": "chi bộ không còn đảng viên, hồ sơ đang xét",
    }
    assert _state() == before


def test_a_commune_with_cells_cannot_become_a_cell(persona_tree, national_admin):
    with pytest.raises(DomainError) as refused:
        services.update_organisation(persona_tree.commune_north, actor=national_admin, kind="cell")
    assert (refused.value.rule, refused.value.found) == ("kind_keeps_facts", "2 tổ chức trực thuộc")


def test_a_kind_change_within_committees_is_allowed(persona_tree, national_admin):
    commune = services.update_organisation(
        persona_tree.commune_north, actor=national_admin, kind="grassroots_committee"
    )
    assert commune.kind == "grassroots_committee"


def test_a_move_is_a_reorganisation_not_an_edit(persona_tree, national_admin, client_for):
    with pytest.raises(DomainError) as refused:
        services.update_organisation(
            persona_tree.branch, actor=national_admin, parent=persona_tree.commune_south
        )
    assert refused.value.rule == "reorganisation_only"
    client = client_for("national_admin")  # logging in is audited: before the count
    before = _state()
    response = client.patch(
        f"/api/v1/organisations/{persona_tree.branch.pk}",
        json.dumps({"parent_id": persona_tree.commune_south.pk}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "Dữ liệu gửi lên không hợp lệ.",
        "errors": [
            {"field": "parent_id", "message": "Trường này không được gửi cho thao tác này."}
        ],
    }
    assert _state() == before


@pytest.mark.parametrize("field", ["kind", "area_kind", "disadvantaged_area", "name"])
def test_a_required_field_cannot_be_emptied(field, persona_tree, client_for):
    client = client_for("national_admin")  # logging in is audited: before the count
    before = _state()
    response = client.patch(
        f"/api/v1/organisations/{persona_tree.branch.pk}",
        json.dumps({field: None}),
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert (body["rule"], body["errors"][0]["field"]) == ("required", field)
    assert body["detail"].endswith("không được để trống.")
    assert _state() == before


def test_an_empty_patch_changes_nothing_and_audits_nothing(persona_tree, client_for):
    client = client_for("national_admin")  # logging in is audited: before the count
    before = _state()
    for body in ({}, {"name": "Chi bộ thôn 1"}):
        response = client.patch(
            f"/api/v1/organisations/{persona_tree.branch.pk}",
            json.dumps(body),
            content_type="application/json",
        )
        assert response.status_code == 200
    assert _state() == before
