"""Signed scans attached back to the recognition steps (10–13, 15-KNĐ and the decision), on the
probation page and through the API: the same checks as an admission step's scan
(``core.scans``: PDF, JPEG or PNG by content, 10 MB), scoped and audited."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from dangvien.audit.models import AuditEvent
from dangvien.core.documents import qr_png
from dangvien.core.errors import DomainError
from dangvien.members import services
from dangvien.members.choices import RecognitionStage
from dangvien.members.models import RecognitionAttachment
from dangvien.members.tests.factories import make_member

pytestmark = pytest.mark.django_db

CEREMONY = dt.date(2024, 9, 15)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2025, 12, 1, 9, 0), tick=False):
        yield


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


@pytest.fixture
def probationer(persona_tree):
    secretary = persona_tree.users["branch_secretary"]
    member = make_member(
        persona_tree.branch,
        status="probationary",
        decision_date=dt.date(2024, 8, 25),
        ceremony_date=CEREMONY,
        probation_end=dt.date(2025, 9, 15),
        full_name="Lò Văn Dự",
    )
    services.record_recognition_step(
        member, stage=RecognitionStage.SELF_REVIEW, date=dt.date(2025, 9, 16), actor=secretary
    )
    return member


def _png(name="tu-kiem-diem-da-ky.png", content=None):
    return SimpleUploadedFile(name, content or qr_png("scan"), content_type="image/png")


def test_a_signed_scan_is_attached_to_its_recognition_step_once(probationer, client_for, media):
    step = probationer.recognition_steps.get(stage=RecognitionStage.SELF_REVIEW)
    client = client_for("branch_secretary")
    url = f"/members/{probationer.pk}/attach/"
    data = {"step": step.pk, "reference": f"DV{probationer.pk}-CN{step.pk}-10KNĐ"}
    response = client.post(url, {**data, "file": _png()})
    assert response.status_code == 302
    assert response["Location"].endswith("#recognition-self_review")
    attachment = RecognitionAttachment.objects.get(membership=probationer)
    assert attachment.step == step and attachment.content_type == "image/png"
    assert attachment.reference == f"DV{probationer.pk}-CN{step.pk}-10KNĐ"
    event = AuditEvent.objects.filter(action="members.scan.attached").latest("pk")
    assert event.data["step"] == step.pk and event.data["type"] == "PNG"
    assert event.data["stage"] == "self_review"
    # the same file again: the first row stands, nothing more is written
    client.post(url, {**data, "file": _png("lan-hai.png")})
    assert RecognitionAttachment.objects.filter(membership=probationer).count() == 1
    assert AuditEvent.objects.filter(action="members.scan.attached").count() == 1
    # listed under its step on the probation page, downloadable in scope only
    page = client.get(f"/members/{probationer.pk}/probation/").content.decode()
    row = page.split('id="recognition-self_review"', 1)[1].split("</tr>", 1)[0]
    assert "tu-kiem-diem-da-ky.png" in row
    download = client_for("viewer").get(f"/members/scans/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")
    assert client_for("outsider").get(f"/members/scans/{attachment.pk}/").status_code == 404


def test_a_scan_of_the_wrong_kind_or_size_is_refused_in_vietnamese(probationer, client_for, media):
    client = client_for("branch_secretary")
    url = f"/members/{probationer.pk}/attach/"
    response = client.post(url, {"file": _png("ghi-chu.txt", b"just text")}, follow=True)
    assert "Tệp «ghi-chu.txt» không phải PDF, JPEG hoặc PNG" in response.content.decode()
    media.SCAN_MAX_FILE_BYTES = 100
    response = client.post(url, {"file": _png()}, follow=True)
    assert "vượt giới hạn" in response.content.decode()
    assert not RecognitionAttachment.objects.exists()
    assert not AuditEvent.objects.filter(action="members.scan.attached").exists()


def test_a_step_of_another_member_is_refused(probationer, persona_tree, media):
    admin = persona_tree.users["national_admin"]
    other = make_member(
        persona_tree.branch,
        status="probationary",
        decision_date=dt.date(2024, 8, 25),
        ceremony_date=CEREMONY,
        probation_end=dt.date(2025, 9, 15),
    )
    services.record_recognition_step(
        other, stage=RecognitionStage.SELF_REVIEW, date=dt.date(2025, 9, 16), actor=admin
    )
    foreign = other.recognition_steps.get()
    with pytest.raises(DomainError) as refused:
        services.attach_recognition_scan(probationer, upload=_png(), step=foreign, actor=admin)
    assert refused.value.rule == "attachment_step"


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("outsider", 404)])
def test_attaching_is_scoped(persona, status, probationer, client_for, media):
    response = client_for(persona).post(f"/members/{probationer.pk}/attach/", {"file": _png()})
    assert response.status_code == status
    response = client_for(persona).post(f"/api/v1/members/{probationer.pk}/scans", {"file": _png()})
    assert response.status_code == status
    assert not RecognitionAttachment.objects.exists()


def test_the_api_attaches_lists_and_refuses(probationer, client_for, media):
    step = probationer.recognition_steps.get()
    client = client_for("branch_secretary")
    url = f"/api/v1/members/{probationer.pk}/scans"
    response = client.post(url, {"file": _png(), "step": step.pk, "reference": "DV-10KNĐ"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["step_id"], body["stage"], body["content_type"]) == (
        step.pk,
        "self_review",
        "image/png",
    )
    # a replay answers the row already kept
    again = client.post(url, {"file": _png("lai.png"), "step": step.pk})
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    listed = client_for("viewer").get(url)
    assert [row["id"] for row in listed.json()] == [body["id"]]
    # wrong content: 400 in Vietnamese, with the rule, the value found and the value required
    refused = client.post(url, {"file": _png("bien-ban.docx", b"PK\x03\x04 word")})
    assert refused.status_code == 400
    answer = refused.json()
    assert "Tệp «bien-ban.docx» không phải PDF, JPEG hoặc PNG" in answer["detail"]
    assert (answer["rule"], answer["found"], answer["required"]) == (
        "scan_file_type",
        ".docx",
        "PDF, JPEG, PNG",
    )
    # no file; a step that is not this member's
    assert client.post(url, {}).json()["rule"] == "scan_missing"
    assert client.post(url, {"file": _png("x.png", qr_png("x")), "step": 999999}).status_code == 404
    assert RecognitionAttachment.objects.count() == 1
    assert AuditEvent.objects.filter(action="members.scan.attached").count() == 1
    # out of scope: 404 on the list too
    assert client_for("outsider").get(url).status_code == 404
