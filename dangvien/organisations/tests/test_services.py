import datetime as dt

import pytest

from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.organisations import services
from dangvien.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_create_adds_a_child_and_an_audit_row(persona_tree, region_officer):
    cell = services.create_organisation(
        parent=persona_tree.commune_north,
        code="CB09",
        name="Chi bộ thôn 9",
        kind="cell",
        actor=region_officer,
    )
    assert cell.get_parent() == persona_tree.commune_north
    event = AuditEvent.objects.get(action="organisations.organisation.created")
    assert event.target_id == str(cell.pk)
    assert event.actor == region_officer
    assert event.organisation == cell


def test_duplicate_code_is_refused_and_nothing_saved(persona_tree, region_officer):
    before = Organisation.objects.count()
    with pytest.raises(DomainError, match=r"(?i)cb01.*đã được dùng"):
        services.create_organisation(
            parent=persona_tree.commune_north,
            code="cb01",
            name="Trùng",
            kind="cell",
            actor=region_officer,
        )
    assert Organisation.objects.count() == before
    assert not AuditEvent.objects.exists()


def test_child_of_a_dissolved_parent_is_refused(persona_tree, region_officer):
    Organisation.objects.filter(pk=persona_tree.branch_two.pk).update(valid_to=dt.date(2025, 6, 30))
    with pytest.raises(DomainError) as caught:
        services.create_organisation(
            parent=persona_tree.branch_two,
            code="CBX",
            name="Mới",
            kind="cell",
            actor=region_officer,
        )
    assert "giải thể" in caught.value.message
    assert "30/06/2025" in caught.value.message
    assert not Organisation.objects.filter(code="CBX").exists()


def test_update_records_before_and_after(persona_tree, region_officer):
    services.update_organisation(persona_tree.branch, actor=region_officer, name="Chi bộ thôn Một")
    event = AuditEvent.objects.get(action="organisations.organisation.changed")
    assert event.data["before"]["name"] == "Chi bộ thôn 1"
    assert event.data["after"]["name"] == "Chi bộ thôn Một"


def test_validity_interval_must_not_run_backwards(persona_tree, region_officer):
    with pytest.raises(DomainError, match="không được trước"):
        services.update_organisation(
            persona_tree.branch,
            actor=region_officer,
            valid_from=dt.date(2025, 1, 1),
            valid_to=dt.date(2024, 1, 1),
        )
