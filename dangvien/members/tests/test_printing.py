"""The recognition forms (10–13, 15-KNĐ and the decision) printed from a probationer walked
through the recognition: opened with python-docx and checked field by field; scoped and
audited."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from docx import Document
from docx.shared import Cm

from dangvien.audit.models import AuditEvent
from dangvien.members import printing, services
from dangvien.members.choices import RecognitionStage
from dangvien.members.tests.factories import make_certificate, make_member
from dangvien.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

CEREMONY = dt.date(2024, 9, 15)
TODAY = dt.date(2025, 12, 1)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2025, 12, 1, 9, 0), tick=False):
        yield TODAY


@pytest.fixture
def probationer(persona_tree):
    secretary = persona_tree.users["branch_secretary"]
    cell = persona_tree.branch
    for _n in range(5):
        make_member(cell)
    helper = make_member(cell, full_name="Hoàng Thị Lan")
    member = services.admit_member(
        person=PersonFactory(
            organisation=cell, full_name="Lò Văn Dự", date_of_birth=dt.date(1999, 5, 2)
        ),
        organisation=cell,
        decision_date=dt.date(2024, 8, 25),
        decision_number="123-QĐ/ĐU",
        ceremony_date=CEREMONY,
        actor=secretary,
    )
    services.assign_helper(member, helper=helper, start_date=CEREMONY, actor=secretary)
    make_certificate(member, on=dt.date(2025, 3, 1))
    for stage in (
        RecognitionStage.SELF_REVIEW,
        RecognitionStage.HELPER_COMMENT,
        RecognitionStage.OPINIONS,
    ):
        services.record_recognition_step(
            member, stage=stage, date=dt.date(2025, 9, 16), actor=secretary
        )
    services.record_recognition_step(
        member,
        stage=RecognitionStage.CELL_VOTE,
        date=dt.date(2025, 9, 20),
        document_number="05-NQ/CB",
        votes_for=6,
        actor=secretary,
    )
    return member


def _text(document) -> str:
    parts: list[str] = []

    def walk(block) -> None:
        parts.extend(paragraph.text for paragraph in block.paragraphs)
        for table in block.tables:
            for row in table.rows:
                for cell in row.cells:
                    walk(cell)

    walk(document)
    walk(document.sections[0].footer)
    return "\n".join(parts)


@pytest.mark.parametrize("spec", printing.FORMS, ids=lambda spec: spec.slug)
def test_every_recognition_form_prints(spec, probationer, client_for):
    response = client_for("branch_secretary").post(f"/members/{probationer.pk}/forms/{spec.slug}/")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    section = document.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.05)
    assert document.styles["Normal"].font.name == "Times New Roman"
    text = _text(document)
    assert "Lò Văn Dự" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "{{" not in text
    assert f"Mã tra cứu: DV{probationer.pk}-" in text
    assert section.footer._element.xml.count("<a:blip ") == 1
    event = AuditEvent.objects.filter(action="members.form.exported").latest("pk")
    assert event.data["form"] == spec.code


def test_the_cell_resolution_carries_votes_dates_and_helper(probationer, persona_tree):
    spec = printing.FORMS_BY_SLUG["13-knd"]
    steps = printing.current_steps(probationer)
    context, url = printing.form_context(
        probationer,
        spec,
        steps,
        chain=printing.organisation_chain(probationer.organisation),
        base_url="https://dangvien.example.vn",
        actor=persona_tree.users["branch_secretary"],
        when=dt.datetime(2025, 12, 1, 2, 0, tzinfo=dt.UTC),
    )
    assert (
        url
        == f"https://dangvien.example.vn/members/{probationer.pk}/probation/#recognition-cell_vote"
    )
    assert context["number"] == "Số 05-NQ/CB"
    assert context["votes_for"] == "6"
    assert context["votes_share"].endswith("%")
    assert context["helper_name"] == "Hoàng Thị Lan"
    assert context["ceremony_date"] == "15/09/2024"
    assert context["probation_end"] == "15/09/2025"
    assert context["decision_number"] == "123-QĐ/ĐU"
    assert context["vote_date"] == "20 tháng 09 năm 2025"
    assert context["header_org"] == "CHI BỘ THÔN 1"
    assert context["committee"] == "CHI BỘ"


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("outsider", 404)])
def test_printing_is_scoped(persona, status, probationer, client_for):
    response = client_for(persona).post(f"/members/{probationer.pk}/forms/13-knd/")
    assert response.status_code == status
    api = client_for(persona).post(f"/api/v1/members/{probationer.pk}/forms/13-knd")
    assert api.status_code == status


def test_the_probation_page_lists_the_forms(probationer, client_for):
    page = client_for("branch_secretary").get(f"/members/{probationer.pk}/probation/")
    body = page.content.decode()
    assert "In biểu mẫu" in body
    assert 'id="recognition-cell_vote"' in body
    for spec in printing.FORMS:
        assert f"/members/{probationer.pk}/forms/{spec.slug}/" in body
