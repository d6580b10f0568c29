"""The whole allocation of a year on one page (issue 13 item 6): one service call, one save."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.members.tests.factories import make_member
from dangvien.organisations.choices import OrganisationKind
from dangvien.organisations.tests.factories import make_organisation
from dangvien.targets.models import Target, TargetChange
from dangvien.targets.selectors import get_allocation_sheet
from dangvien.targets.services import set_allocation, set_target

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def tree(persona_tree):
    return persona_tree


def test_one_call_sets_every_child_with_one_audit_event(tree, region_officer):
    a, b = tree.branch, tree.branch_two
    changes = set_allocation(
        tree.commune_north, year=2026, values={a.pk: 4, b.pk: 6}, actor=region_officer, note="NQ 1"
    )

    assert [(c.organisation, c.old_value, c.new_value) for c in changes] == [
        (a, None, 4),
        (b, None, 6),
    ]
    assert dict(Target.objects.values_list("organisation__code", "value")) == {
        "CB01": 4,
        "CB02": 6,
    }
    assert TargetChange.objects.count() == 2
    event = AuditEvent.objects.get(action="targets.allocation.set")
    assert event.organisation == tree.commune_north
    assert event.data["changes"] == [
        {"organisation": "CB01", "from": None, "to": 4},
        {"organisation": "CB02", "from": None, "to": 6},
    ]
    assert event.data["note"] == "NQ 1"


def test_a_repeated_save_writes_nothing(tree, region_officer):
    values = {tree.branch.pk: 4, tree.branch_two.pk: None}
    set_allocation(tree.commune_north, year=2026, values=values, actor=region_officer)

    again = set_allocation(tree.commune_north, year=2026, values=values, actor=region_officer)

    assert again == []
    assert AuditEvent.objects.filter(action="targets.allocation.set").count() == 1
    assert TargetChange.objects.count() == 1


def test_only_changes_are_recorded(tree, region_officer):
    set_allocation(
        tree.commune_north,
        year=2026,
        values={tree.branch.pk: 4, tree.branch_two.pk: 6},
        actor=region_officer,
    )
    changes = set_allocation(
        tree.commune_north,
        year=2026,
        values={tree.branch.pk: 4, tree.branch_two.pk: 7},
        actor=region_officer,
    )
    assert [(c.organisation.code, c.old_value, c.new_value) for c in changes] == [("CB02", 6, 7)]
    assert AuditEvent.objects.filter(action="targets.allocation.set").count() == 2


def test_all_or_nothing_on_a_bad_value(tree, region_officer):
    with pytest.raises(DomainError) as refused:
        set_allocation(
            tree.commune_north,
            year=2026,
            values={tree.branch.pk: 4, tree.branch_two.pk: -1},
            actor=region_officer,
        )
    assert refused.value.rule == "target_value_min"
    assert "Chi bộ thôn 2" in refused.value.message
    assert not Target.objects.exists()


def test_a_foreign_or_grandchild_organisation_is_refused(tree, region_officer):
    with pytest.raises(DomainError) as refused:
        set_allocation(
            tree.region_north, year=2026, values={tree.branch.pk: 3}, actor=region_officer
        )
    assert refused.value.rule == "allocation_direct_children"
    assert not Target.objects.exists()


def test_an_assigned_target_is_not_erased(tree, region_officer):
    set_allocation(tree.commune_north, year=2026, values={tree.branch.pk: 4}, actor=region_officer)
    with pytest.raises(DomainError) as refused:
        set_allocation(
            tree.commune_north, year=2026, values={tree.branch.pk: None}, actor=region_officer
        )
    assert refused.value.rule == "target_not_removed"
    assert "nhập 0" in refused.value.message


def test_only_who_may_change_targets_on_the_parent(tree, branch_secretary):
    with pytest.raises(DomainError) as refused:
        set_allocation(
            tree.commune_north, year=2026, values={tree.branch.pk: 4}, actor=branch_secretary
        )
    assert refused.value.rule == "target_assigned_by_parent"


def test_sheet_has_last_year_target_and_result_and_warnings(
    tree, region_officer, national_admin, django_assert_num_queries
):
    set_target(tree.commune_north, year=2026, value=10, actor=national_admin)
    set_allocation(tree.commune_north, year=2025, values={tree.branch.pk: 3}, actor=region_officer)
    set_allocation(tree.commune_north, year=2026, values={tree.branch.pk: 5}, actor=region_officer)
    make_member(tree.branch, decision_date=dt.date(2025, 3, 2))
    make_member(tree.branch, decision_date=dt.date(2025, 8, 9))
    make_member(tree.branch, decision_date=dt.date(2024, 8, 9))  # not last year
    make_member(tree.branch_two, decision_date=dt.date(2026, 1, 5))  # this year

    with django_assert_num_queries(4):
        sheet = get_allocation_sheet(parent=tree.commune_north, year=2026)
        rows = {row.organisation.code: row for row in sheet.rows}

    one, two = rows["CB01"], rows["CB02"]
    assert (one.target, one.last_target, one.last_result, one.members) == (5, 3, 2, 3)
    assert (two.target, two.last_target, two.last_result, two.members) == (None, None, 0, 1)
    assert (sheet.own, sheet.total, sheet.assigned) == (10, 5, 1)
    assert sheet.warnings == [
        "Tổng chỉ tiêu giao cho các tổ chức trực thuộc (5) còn thiếu 5 so với chỉ tiêu của cấp"
        " này (10).",
        "1/2 tổ chức trực thuộc chưa được giao chỉ tiêu: Chi bộ thôn 2.",
        "1 tổ chức có chỉ tiêu lớn hơn số đảng viên hiện có (cần xem lại): Chi bộ thôn 1 (5/3).",
    ]
    preview = sheet.with_values({tree.branch.pk: 3, tree.branch_two.pk: 1})
    assert preview.warnings == [
        "Tổng chỉ tiêu giao cho các tổ chức trực thuộc (4) còn thiếu 6 so với chỉ tiêu của cấp"
        " này (10).",
    ]
    assert sheet.last_year_values() == {}  # CB02 had none last year either


def test_query_count_does_not_grow_with_the_children(tree, django_assert_num_queries):
    for index in range(30):
        make_organisation(tree.commune_north, code=f"CX{index:02d}", kind=OrganisationKind.CELL)
    with django_assert_num_queries(4):
        sheet = get_allocation_sheet(parent=tree.commune_north, year=2026)
    assert len(sheet.rows) == 32


# --- the page --------------------------------------------------------------------------------


def _post(tree, values, **extra):
    data = {f"org-{org.pk}": value for org, value in values.items()}
    return {"year": 2026, **data, **extra}


def test_page_saves_every_row_in_one_post(client_for, tree):
    client = client_for("region_officer")
    url = f"/targets/allocation/{tree.commune_north.pk}/?year=2026"

    response = client.post(url, _post(tree, {tree.branch: 4, tree.branch_two: 6}, note="NQ 3"))

    assert response.status_code == 302
    assert Target.objects.filter(year=2026).count() == 2
    page = client.get(url).content.decode()
    assert "Đã lưu chỉ tiêu năm 2026: 2 tổ chức thay đổi." in page
    assert "chưa được cấp trên giao chỉ tiêu năm 2026" in page


def test_check_shows_warnings_and_saves_nothing(client_for, tree, national_admin):
    set_target(tree.commune_north, year=2026, value=5, actor=national_admin)
    client = client_for("region_officer")
    response = client.post(
        f"/targets/allocation/{tree.commune_north.pk}/?year=2026",
        _post(tree, {tree.branch: 4, tree.branch_two: 6}, action="check"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cảnh báo (chưa lưu)" in html
    assert "vượt chỉ tiêu của cấp này (5) 5 đảng viên" in html
    assert not Target.objects.filter(year=2026, organisation=tree.branch).exists()


def test_copy_from_last_year_fills_the_form_without_saving(client_for, tree, region_officer):
    set_allocation(
        tree.commune_north,
        year=2025,
        values={tree.branch.pk: 3, tree.branch_two.pk: 2},
        actor=region_officer,
    )
    client = client_for("region_officer")
    response = client.post(
        f"/targets/allocation/{tree.commune_north.pk}/?year=2026", {"action": "copy"}
    )
    html = response.content.decode()
    assert f'name="org-{tree.branch.pk}" value="3"' in html
    assert f'name="org-{tree.branch_two.pk}" value="2"' in html
    assert not Target.objects.filter(year=2026).exists()


def test_bad_value_shows_the_row_error(client_for, tree):
    response = client_for("region_officer").post(
        f"/targets/allocation/{tree.commune_north.pk}/?year=2026",
        _post(tree, {tree.branch: 4, tree.branch_two: -2}),
    )
    assert response.status_code == 400
    assert "Chỉ tiêu phải là số không âm." in response.content.decode()
    assert not Target.objects.exists()


def test_viewer_sees_the_page_but_cannot_save(client_for, tree):
    client = client_for("viewer")
    url = f"/targets/allocation/{tree.commune_north.pk}/?year=2026"
    assert client.get(url).status_code == 200
    assert 'id="allocation-save"' not in client.get(url).content.decode()
    assert client.post(url, _post(tree, {tree.branch: 4})).status_code == 403
    assert client_for("outsider").get(url).status_code == 404


# --- files -----------------------------------------------------------------------------------


def test_export_is_the_sheet(client_for, tree, region_officer):
    import openpyxl

    set_allocation(tree.commune_north, year=2026, values={tree.branch.pk: 4}, actor=region_officer)
    response = client_for("region_officer").get(
        f"/targets/allocation/{tree.commune_north.pk}/export.xlsx", {"year": 2026}
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [tuple(cell for cell in row) for row in sheet.iter_rows(values_only=True)]
    header = rows.index(
        (
            "Mã tổ chức",
            "Tổ chức",
            "Chỉ tiêu năm trước",
            "Kết nạp năm trước",
            "Đảng viên hiện có",
            "Chỉ tiêu",
        )
    )
    assert rows[header + 1] == ("CB01", "Chi bộ thôn 1", None, 0, 0, 4)
    assert rows[header + 2][:2] == ("CB02", "Chi bộ thôn 2")
    assert AuditEvent.objects.filter(action="targets.allocation.exported").count() == 1


def _template(client, tree):
    response = client.get(
        f"/targets/allocation/{tree.commune_north.pk}/template.xlsx", {"year": 2026}
    )
    assert response.status_code == 200
    return response.content


def _filled(content, values):
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    for row in range(2, sheet.max_row + 1):
        code = sheet.cell(row, 1).value
        if code in values:
            sheet.cell(row, 3).value = values[code]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_import_of_the_filled_template_saves_all(client_for, tree):
    client = client_for("region_officer")
    content = _filled(_template(client, tree), {"CB01": 7, "CB02": "3"})
    response = client.post(
        f"/targets/allocation/{tree.commune_north.pk}/import/?year=2026",
        {"file": SimpleUploadedFile("ct.xlsx", content, XLSX), "note": "NQ 9"},
    )
    assert response.status_code == 302
    assert dict(Target.objects.values_list("organisation__code", "value")) == {
        "CB01": 7,
        "CB02": 3,
    }
    assert AuditEvent.objects.get(action="targets.allocation.set").data["note"] == "NQ 9"


def test_import_with_an_error_saves_nothing_and_names_the_row(client_for, tree):
    import openpyxl

    client = client_for("region_officer")
    book = openpyxl.load_workbook(io.BytesIO(_filled(_template(client, tree), {"CB01": 7})))
    sheet = book.worksheets[0]
    sheet.cell(3, 3).value = "năm"
    sheet.cell(4, 1).value = "CB03"  # a foreign cell
    sheet.cell(4, 3).value = "2"
    out = io.BytesIO()
    book.save(out)
    response = client.post(
        f"/targets/allocation/{tree.commune_north.pk}/import/?year=2026",
        {"file": SimpleUploadedFile("ct.xlsx", out.getvalue(), XLSX)},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Dòng 3, cột «Chỉ tiêu năm 2026»: Chỉ tiêu «năm» không hợp lệ" in html
    assert "Dòng 4, cột «Mã tổ chức»: Mã «CB03» không phải tổ chức trực thuộc" in html
    assert not Target.objects.exists()


def test_print_is_the_official_decision(client_for, tree, region_officer, national_admin):
    import docx

    set_target(tree.commune_north, year=2026, value=10, actor=national_admin)
    set_allocation(
        tree.commune_north,
        year=2026,
        values={tree.branch.pk: 4, tree.branch_two.pk: 6},
        actor=region_officer,
    )
    response = client_for("region_officer").get(
        f"/targets/allocation/{tree.commune_north.pk}/print.docx", {"year": 2026}
    )
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    header = document.tables[0].rows[0].cells
    assert header[0].text.split("\n")[:2] == ["TỈNH ỦY MIỀN BẮC", "ĐẢNG BỘ XÃ BẮC MỘT"]
    assert header[1].text.startswith("ĐẢNG CỘNG SẢN VIỆT NAM")
    text = "\n".join(p.text for p in document.paragraphs)
    assert "giao chỉ tiêu kết nạp đảng viên năm 2026" in text
    assert "tổng cộng 10 đảng viên" in text
    body = [[cell.text for cell in row.cells] for row in document.tables[1].rows]
    assert body[0] == ["TT", "Tổ chức đảng", "Chỉ tiêu năm 2026", "Kết nạp năm 2025"]
    assert body[1] == ["1", "Chi bộ thôn 1", "4", "0"]
    assert body[-1][2] == "10"
    assert "T/M BAN THƯỜNG VỤ" in document.tables[2].rows[0].cells[1].text
    fonts = {run.font.name for p in document.paragraphs for run in p.runs}
    assert fonts == {"Times New Roman"}


# --- API -------------------------------------------------------------------------------------


def _put(client, body):
    import json

    return client.put(
        "/api/v1/targets/allocation", json.dumps(body), content_type="application/json"
    )


def test_api_put_and_get_the_allocation(client_for, tree):
    client = client_for("region_officer")
    body = {
        "organisation": "X01",
        "year": 2026,
        "values": [
            {"organisation": "CB01", "value": 4},
            {"organisation": tree.branch_two.pk, "value": 6},
        ],
    }
    first = _put(client, body)
    again = _put(client, body)

    assert first.status_code == 200, first.content
    assert first.json()["changed"] == 2 and again.json()["changed"] == 0
    assert first.json()["total"] == 10
    got = client.get("/api/v1/targets/allocation", {"org": "X01", "year": 2026}).json()
    assert [(r["organisation_code"], r["target"]) for r in got["rows"]] == [
        ("CB01", 4),
        ("CB02", 6),
    ]
    assert AuditEvent.objects.filter(action="targets.allocation.set").count() == 1


def test_api_refuses_a_foreign_child_with_404_and_a_non_child_with_400(client_for, tree):
    client = client_for("region_officer")
    foreign = _put(
        client,
        {
            "organisation": "X01",
            "year": 2026,
            "values": [{"organisation": tree.branch_south.pk, "value": 1}],
        },
    )
    not_child = _put(
        client,
        {"organisation": "T01", "year": 2026, "values": [{"organisation": "CB01", "value": 1}]},
    )
    assert foreign.status_code == 404
    assert not_child.status_code == 400
    assert not Target.objects.exists()
