"""Every xlsx file the product writes from a list: typed text stays text (no formula from a
name), the filter line is in words, a bad filter exports nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dangvien.admissions.models import Dossier
from dangvien.admissions.services import open_dossier
from dangvien.audit.models import AuditEvent
from dangvien.members.choices import MemberStatus
from dangvien.members.services import register_existing_member
from dangvien.people.services import reveal_sensitive
from dangvien.people.tests.factories import PersonFactory

FORMULA = '=HYPERLINK("http://x")'


@pytest.fixture
def formula_people(persona_tree):
    """A member, a person with a dossier due in three days, and a reveal of the first one's
    citizen ID: all named like a spreadsheet formula."""
    admin = persona_tree.users["national_admin"]
    member = PersonFactory(organisation=persona_tree.branch, full_name=FORMULA)
    register_existing_member(
        person=member,
        organisation=persona_tree.branch,
        decision_date=dt.date(2015, 1, 1),
        ceremony_date=dt.date(2015, 1, 15),
        official_date=dt.date(2016, 1, 15),
        actor=admin,
    )
    candidate = PersonFactory(organisation=persona_tree.branch, full_name=FORMULA)
    dossier = open_dossier(
        person=candidate,
        organisation=persona_tree.branch,
        date=timezone.localdate() - dt.timedelta(days=10),
        actor=admin,
    )
    Dossier.objects.filter(pk=dossier.pk).update(
        next_deadline=timezone.localdate() + dt.timedelta(days=3), next_deadline_kind="decision"
    )
    reveal_sensitive(member, actor=admin, fields=("citizen_id",))
    return member, candidate


def _cells(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize(
    "url",
    [
        "imports:export-people",
        "imports:export-members",
        "imports:export-dossiers",
        "imports:export-worklist",
        "audit:event-export",
    ],
)
def test_a_name_typed_as_a_formula_exports_as_the_literal_text(client_for, formula_people, url):
    response = client_for("national_admin").get(reverse(url))
    assert response.status_code == 200
    cells = _cells(response.content)
    found = [cell for cell in cells if cell.value == FORMULA]
    assert found, "the person's name is in the file"
    assert all(cell.data_type == "s" for cell in found)
    assert not [cell for cell in cells if cell.data_type == "f"]


def test_the_filter_line_uses_labels_and_display_values(client_for, persona_tree):
    branch = persona_tree.branch
    query = f"?organisation={branch.pk}&status=official&probationary=on&sex=female&age_min=20"
    response = client_for("region_officer").get(reverse("imports:export-members") + query)
    values = [cell.value for cell in _cells(response.content) if cell.value]
    line = next(value for value in values if str(value).startswith("Điều kiện lọc: "))
    assert line == (
        f"Điều kiện lọc: Tổ chức: {branch}; Trạng thái: {MemberStatus.OFFICIAL.label}; "
        "Chỉ đảng viên dự bị: có; Giới tính: Nữ; Tuổi từ: 20"
    )
    event = AuditEvent.objects.get(action="imports.list.exported")
    assert event.data["filters"] == line.removeprefix("Điều kiện lọc: ")
    for raw in ("organisation=", "probationary", "status=", "=False", "age_min"):
        assert raw not in line


def test_an_export_without_filters_says_so(client_for, persona_tree):
    response = client_for("branch_secretary").get(reverse("imports:export-people"))
    values = [cell.value for cell in _cells(response.content) if cell.value]
    assert "Điều kiện lọc: không lọc" in values


@pytest.mark.parametrize(
    ("url", "back"),
    [
        ("imports:export-people", "people:person-list"),
        ("imports:export-members", "members:member-list"),
        ("imports:export-dossiers", "admissions:dossier-list"),
        ("audit:event-export", "audit:event-list"),
    ],
)
def test_an_out_of_scope_organisation_exports_nothing_and_says_why(
    client_for, persona_tree, url, back
):
    client = client_for("region_officer")
    query = f"organisation={persona_tree.branch_south.pk}"
    response = client.get(f"{reverse(url)}?{query}")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse(back)}?{query}"
    assert not AuditEvent.objects.filter(action__endswith=".exported").exists()
    page = client.get(response["Location"])
    messages = [str(m) for m in page.context["messages"]]
    assert any(m.startswith("Bộ lọc không hợp lệ: Tổ chức: ") for m in messages)


def test_bad_ages_are_refused_with_the_reason(client_for, persona_tree):
    client = client_for("region_officer")
    response = client.get(reverse("imports:export-members") + "?age_min=50&age_max=20")
    assert response.status_code == 302
    page = client.get(response["Location"])
    messages = [str(m) for m in page.context["messages"]]
    assert any("Tuổi đến phải không nhỏ hơn tuổi từ." in m for m in messages)
    assert not AuditEvent.objects.filter(action="imports.list.exported").exists()
