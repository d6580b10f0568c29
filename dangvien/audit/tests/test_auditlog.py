"""django-auditlog is the safety net beneath the explicit events: field changes are recorded."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps

from dangvien.audit.apps import AUDITLOG_MODELS
from dangvien.audit.models import AuditEvent
from dangvien.organisations.services import update_organisation
from dangvien.people.services import update_person
from dangvien.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_every_existing_domain_model_is_registered():
    for app_label, model_name, _options in AUDITLOG_MODELS:
        model = apps.get_model(app_label, model_name)
        assert auditlog.contains(model), model


def test_service_change_leaves_log_entry_and_domain_event(persona_tree):
    admin = persona_tree.users["national_admin"]
    cell = persona_tree.branch

    update_organisation(cell, actor=admin, name="Chi bộ bản Co Kham")

    entry = LogEntry.objects.get_for_object(cell).latest("timestamp")
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.changes_dict["name"] == ["Chi bộ thôn 1", "Chi bộ bản Co Kham"]
    assert "name_folded" not in entry.changes_dict
    assert AuditEvent.objects.filter(action="organisations.organisation.changed").count() == 1


def test_person_log_entry_masks_citizen_id(persona_tree):
    admin = persona_tree.users["national_admin"]
    person = PersonFactory(organisation=persona_tree.branch, citizen_id="011095000001")

    update_person(person, actor=admin, citizen_id="011095000002", full_name="Lò Văn Pánh")

    entry = LogEntry.objects.get_for_object(person).latest("timestamp")
    assert entry.changes_dict["full_name"][1] == "Lò Văn Pánh"
    assert "011095000002" not in str(entry.changes_dict["citizen_id"])
