"""The audit browser: filters, scope, the reveal trail, and the logged xlsx export."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from dangvien.audit.models import AuditEvent
from dangvien.people.services import reveal_sensitive
from dangvien.people.tests.factories import PersonFactory
from tests.support.personas import scope_matrix


@pytest.fixture
def trail(persona_tree):
    """One citizen-ID reveal in the north branch, one in the south branch."""
    north = PersonFactory(organisation=persona_tree.branch, citizen_id="001204012345")
    south = PersonFactory(organisation=persona_tree.branch_south, citizen_id="079204099999")
    client_admin = persona_tree.users["national_admin"]
    reveal_sensitive(north, actor=client_admin, fields=("citizen_id", "phone"))
    reveal_sensitive(south, actor=persona_tree.users["outsider"], fields=("citizen_id",))
    return north, south


def test_a_reveal_shows_in_the_audit_browser_with_who_whose_when_and_where(client_for, trail):
    north, _south = trail
    response = client_for("region_officer").get(
        reverse("audit:event-list"), {"action": "people.person.sensitive_revealed"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Xem số CCCD, số điện thoại" in html
    assert north.full_name in html and "national_admin" in html
    assert "001204012345" not in html  # the trail never holds the number itself
    event = AuditEvent.objects.get(target_id=str(north.pk))
    assert event.data == {"fields": ["citizen_id", "phone"]}


def test_browser_is_scoped_to_the_readers_subtree(client_for, trail):
    north, south = trail
    html = client_for("region_officer").get(reverse("audit:event-list")).content.decode()
    assert north.full_name in html and south.full_name not in html
    html = client_for("outsider").get(reverse("audit:event-list")).content.decode()
    assert south.full_name in html and north.full_name not in html


def test_filters_by_user_organisation_action_and_date(client_for, persona_tree, trail):
    north, south = trail
    client = client_for("national_admin")
    by_user = client.get(reverse("audit:event-list"), {"actor": "outsider"}).content.decode()
    assert south.full_name in by_user and north.full_name not in by_user
    by_org = client.get(
        reverse("audit:event-list"), {"organisation": persona_tree.region_north.pk}
    ).content.decode()
    assert north.full_name in by_org and south.full_name not in by_org
    by_date = client.get(reverse("audit:event-list"), {"date_to": "01/01/2000"}).content.decode()
    assert north.full_name not in by_date


def workbook_rows(response):
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_export_names_the_user_and_time_is_scoped_and_is_logged(client_for, persona_tree, trail):
    north, south = trail
    response = client_for("region_officer").get(reverse("audit:event-export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="nhat-ky-')
    rows = workbook_rows(response)
    assert rows[1][0] == "Người xuất: region_officer (region_officer)"
    assert rows[2][0].startswith("Thời điểm xuất: ")
    assert rows[3][0] == "Điều kiện lọc: không lọc"
    header = 6  # the core export layout: 5 lines, a blank line, the column headers
    assert rows[header][:5] == [
        "Thời điểm",
        "Người thực hiện",
        "Hành động",
        "Mã hành động",
        "Đối tượng",
    ]
    targets = [row[4] for row in rows[header + 1 :]]
    assert north.full_name in targets and south.full_name not in targets
    exported = AuditEvent.objects.get(action="audit.events.exported")
    assert exported.actor == persona_tree.users["region_officer"]
    assert exported.data == {"filters": "", "rows": len(rows) - header - 1}


@scope_matrix(
    {
        "anonymous": 302,
        "national_admin": 200,
        "region_officer": 200,
        "branch_secretary": 200,
        "viewer": 403,  # viewers read, they do not take files away
        "outsider": 200,
    }
)
def test_export_permission(persona, expected, client_for):
    response = client_for(persona).get(reverse("audit:event-export"))
    assert response.status_code == expected
    assert AuditEvent.objects.filter(action="audit.events.exported").count() == (
        1 if expected == 200 else 0
    )


def test_export_query_count_does_not_grow(client_for, trail, persona_tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("national_admin")
    client.get(reverse("audit:event-export"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("audit:event-export"))
    for _ in range(20):
        reveal_sensitive(trail[0], actor=persona_tree.users["national_admin"])
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("audit:event-export"))
    assert len(large) == len(small)
