"""A cell secretary prints the cell resolution (6-KNĐ) from the dossier page and attaches the
signed scan back to its step, in the browser."""

import datetime as dt

import pytest
from docx import Document

from dangvien.admissions import services
from dangvien.admissions.choices import Stage
from dangvien.admissions.models import StepAttachment
from dangvien.admissions.tests.factories import make_certificate, make_official, walk
from dangvien.core.documents import qr_png
from dangvien.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_secretary_prints_a_form_and_attaches_the_signed_scan(
    page_as, persona_tree, shot, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    today = dt.date.today()
    cell = persona_tree.branch
    admin = persona_tree.users["national_admin"]
    introducers = [
        make_official(cell, full_name="Hoàng Thị Lan"),
        make_official(cell, full_name="Vì Văn Pá"),
    ]
    person = PersonFactory(organisation=cell, full_name="Lò Văn Minh")
    dossier = services.open_dossier(
        person=person, organisation=cell, date=today - dt.timedelta(days=70), actor=admin
    )
    certificate = make_certificate(
        person, persona_tree.commune_north, today - dt.timedelta(days=65)
    )
    dossier = walk(
        dossier,
        to=Stage.CELL_VOTE,
        actor=admin,
        start=today - dt.timedelta(days=60),
        introducers=introducers,
        certificate=certificate,
    )
    step = dossier.steps.get(stage=Stage.CELL_VOTE)

    page = page_as("branch_secretary")
    page.goto(f"/admissions/{dossier.pk}/")
    page.locator("#print-forms summary").click()
    with page.expect_download() as download_info:
        page.locator("#print-forms").get_by_role("button", name="6-KNĐ").click()
    download = download_info.value
    assert download.suggested_filename == f"6-knd-hs{dossier.pk}.docx"
    document = Document(str(download.path()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Lò Văn Minh" in text and "NGHỊ QUYẾT" in text

    entry = page.locator(f"#step-{step.pk}")
    entry.locator(".step-attach summary").click()
    scan = tmp_path / "6-knd-da-ky.png"
    scan.write_bytes(qr_png("signed"))
    entry.locator("input[type=file]").set_input_files(str(scan))
    entry.locator("input[name=reference]").fill(f"HS{dossier.pk}-B{step.pk}-6KNĐ")
    entry.get_by_role("button", name="Đính kèm").click()
    page.locator(f"#step-{step.pk} .step-scans").get_by_text("6-knd-da-ky.png").wait_for()
    assert StepAttachment.objects.get(dossier=dossier).step_id == step.pk
    page.locator("#print-forms summary").click()
    shot(page, "forms-dossier-print-and-scan")


def test_secretary_attaches_the_signed_self_review_to_its_recognition_step(
    page_as, persona_tree, shot, tmp_path, settings
):
    from dangvien.members import services as member_services
    from dangvien.members.choices import MemberStatus, RecognitionStage
    from dangvien.members.models import RecognitionAttachment
    from dangvien.members.tests.factories import make_member

    settings.MEDIA_ROOT = tmp_path / "media"
    today = dt.date.today()
    member = make_member(
        persona_tree.branch,
        status=MemberStatus.PROBATIONARY,
        decision_date=today - dt.timedelta(days=400),
        ceremony_date=today - dt.timedelta(days=380),
        probation_end=today - dt.timedelta(days=15),
        full_name="Lò Văn Dự",
    )
    member_services.record_recognition_step(
        member,
        stage=RecognitionStage.SELF_REVIEW,
        date=today - dt.timedelta(days=10),
        actor=persona_tree.users["national_admin"],
    )
    step = member.recognition_steps.get()

    page = page_as("branch_secretary")
    page.goto(f"/members/{member.pk}/probation/#recognition-self_review")
    row = page.locator("#recognition-self_review")
    row.locator(".step-attach summary").click()
    scan = tmp_path / "10-knd-da-ky.pdf"
    scan.write_bytes(b"%PDF-1.4\n% signed self-review\n")
    row.locator("input[type=file]").set_input_files(str(scan))
    row.locator("input[name=reference]").fill(f"DV{member.pk}-CN{step.pk}-10KNĐ")
    row.get_by_role("button", name="Đính kèm").click()
    page.locator("#recognition-self_review .step-scans").get_by_text("10-knd-da-ky.pdf").wait_for()
    assert page.get_by_text("Đã đính kèm «10-knd-da-ky.pdf».").is_visible()
    attachment = RecognitionAttachment.objects.get(membership=member)
    assert (attachment.step_id, attachment.content_type) == (step.pk, "application/pdf")

    # a Word file is refused, in Vietnamese, and nothing is kept
    row = page.locator("#recognition-self_review")
    row.locator(".step-attach summary").click()
    wrong = tmp_path / "ban-word.docx"
    wrong.write_bytes(b"PK\x03\x04 not a scan")
    row.locator("input[type=file]").set_input_files(str(wrong))
    row.get_by_role("button", name="Đính kèm").click()
    page.get_by_text("Tệp «ban-word.docx» không phải PDF, JPEG hoặc PNG").wait_for()
    assert RecognitionAttachment.objects.count() == 1
    shot(page, "forms-probation-scan")
