"""The KNĐ forms printed from a dossier: each one generated from a dossier walked through the
pipeline, opened with python-docx and checked field by field; the print page is scoped and
audited; a few are rendered to PNG with LibreOffice (skipped where soffice is missing)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine
from docx import Document
from docx.shared import Cm

from dangvien.admissions import printing, services
from dangvien.admissions.choices import Stage
from dangvien.admissions.tests.factories import make_certificate, make_official, walk
from dangvien.audit.models import AuditEvent
from dangvien.people.tests.factories import PersonFactory

D = dt.date
pytestmark = pytest.mark.django_db
BASE = "https://dangvien.example.vn/"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 30, 9, 0), tick=False):
        yield D(2026, 6, 30)


@pytest.fixture
def decided(persona_tree):
    """Lò Văn Minh, walked to the admission decision in CB01 (Chi bộ thôn 1), introduced by
    two official members of the cell."""
    admin = persona_tree.users["national_admin"]
    cell = persona_tree.branch
    introducers = [
        make_official(cell, full_name="Hoàng Thị Lan", date_of_birth=D(1980, 4, 2)),
        make_official(cell, full_name="Vì Văn Pá", date_of_birth=D(1975, 9, 12)),
    ]
    person = PersonFactory(
        organisation=cell,
        full_name="Lò Văn Minh",
        date_of_birth=D(1998, 3, 15),
        hometown="xã Bắc Một, tỉnh Miền Bắc",
    )
    dossier = services.open_dossier(
        person=person, organisation=cell, date=D(2026, 2, 1), actor=admin
    )
    certificate = make_certificate(person, persona_tree.commune_north, D(2026, 2, 5), "GCN-0425")
    return walk(
        dossier,
        to=Stage.DECISION,
        actor=admin,
        start=D(2026, 2, 10),
        introducers=introducers,
        certificate=certificate,
    )


def _text(document) -> str:
    """Every paragraph of the body and of its tables (nested), in order."""
    parts: list[str] = []

    def walk_block(block) -> None:
        for paragraph in block.paragraphs:
            parts.append(paragraph.text)
        for table in block.tables:
            for row in table.rows:
                for cell in row.cells:
                    walk_block(cell)

    walk_block(document)
    for section in document.sections:
        walk_block(section.footer)
    return "\n".join(parts)


def _build(dossier, spec, user):
    content = printing.build_form(
        dossier, spec, base_url=BASE, actor=user, when=dt.datetime(2026, 6, 30, 2, 0, tzinfo=dt.UTC)
    )
    return Document(io.BytesIO(content))


@pytest.mark.parametrize("spec", printing.FORMS, ids=lambda spec: spec.slug)
def test_every_form_is_a4_times_new_roman_with_header_qr_and_reference(spec, decided, persona_tree):
    user = persona_tree.users["national_admin"]
    document = _build(decided, spec, user)
    section = document.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.05)
    assert abs(section.page_height - Cm(29.7)) < Cm(0.05)
    assert document.styles["Normal"].font.name == "Times New Roman"
    sizes = {run.font.size.pt for p in document.paragraphs for run in p.runs if run.font.size}
    assert sizes and min(sizes) >= 12 and max(sizes) <= 15
    text = _text(document)
    assert f"Mẫu {spec.code}" in text
    assert "Lò Văn Minh" in text
    assert "{{" not in text and "{%" not in text
    if spec.level == "union":
        assert "ĐOÀN TNCS HỒ CHÍ MINH" in text
    else:
        assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    # the QR code: one inline PNG picture in the page footer, next to the short reference
    footer = document.sections[0].footer
    images = [rel for rel in footer.part.rels.values() if rel.reltype.endswith("/image")]
    assert len(images) == 1
    assert images[0].target_part.blob.startswith(b"\x89PNG")
    assert footer._element.xml.count("<a:blip ") == 1
    assert f"Mã tra cứu: HS{decided.pk}-" in text
    assert spec.code.replace("-", "") in text


def test_the_cell_resolution_carries_the_votes_header_and_date(decided, persona_tree):
    step = decided.steps.get(stage=Stage.CELL_VOTE)
    text = _text(_build(decided, printing.FORMS_BY_SLUG["6-knd"], persona_tree.users["viewer"]))
    assert "ĐẢNG BỘ XÃ BẮC MỘT" in text
    assert "CHI BỘ THÔN 1" in text
    assert "Số 05-NQ/CB" in text
    day = step.date
    assert f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}" in text
    assert (
        f"tán thành việc kết nạp: {step.votes_for}/{step.votes_eligible} đồng chí (đạt 100,0%"
        in text
    )
    assert "không tán thành: 0 đồng chí" in text
    assert "Hoàng Thị Lan, Vì Văn Pá" in text
    assert "T/M CHI BỘ" in text and "BÍ THƯ" in text
    assert "sinh ngày 15/03/1998" in text
    assert "quê quán xã Bắc Một, tỉnh Miền Bắc" in text


def test_the_introduction_prints_one_page_per_introducer(decided, persona_tree):
    text = _text(_build(decided, printing.FORMS_BY_SLUG["3-knd"], persona_tree.users["viewer"]))
    assert text.count("GIẤY GIỚI THIỆU NGƯỜI VÀO ĐẢNG") == 2
    assert "Tôi là: Hoàng Thị Lan" in text and "Tôi là: Vì Văn Pá" in text
    assert "được 12 tháng" in text
    assert text.count("NGƯỜI GIỚI THIỆU") == 2


def test_the_grassroots_resolution_and_the_decision(decided, persona_tree):
    viewer = persona_tree.users["viewer"]
    grassroots = decided.steps.get(stage=Stage.GRASSROOTS_VOTE)
    cell_vote = decided.steps.get(stage=Stage.CELL_VOTE)
    decision = decided.steps.get(stage=Stage.DECISION)
    text = _text(_build(decided, printing.FORMS_BY_SLUG["8-knd"], viewer))
    assert "TỈNH ỦY MIỀN BẮC" in text and "ĐẢNG BỘ XÃ BẮC MỘT" in text
    assert "tán thành việc kết nạp: 9/9 đồng chí (đạt 100,0%)" in text
    assert f"Nghị quyết số 05-NQ/CB ngày {cell_vote.date:%d/%m/%Y}" in text
    assert "Số 12-NQ/ĐU" in text
    assert "T/M ĐẢNG ỦY" in text
    text = _text(_build(decided, printing.FORMS_BY_SLUG["9-knd"], viewer))
    assert decision.document_number == "QĐ 12-QĐ/ĐU"
    assert "Số 12-QĐ/ĐU" in text
    assert f"Nghị quyết số 12-NQ/ĐU ngày {grassroots.date:%d/%m/%Y}" in text
    assert "Điều 1. Kết nạp quần chúng Lò Văn Minh, sinh ngày 15/03/1998" in text
    assert "QUYẾT ĐỊNH:" in text


def test_a_form_before_its_step_leaves_blanks_and_points_at_the_dossier(persona_tree):
    admin = persona_tree.users["national_admin"]
    person = PersonFactory(organisation=persona_tree.branch, full_name="Cà Thị Hoa")
    dossier = services.open_dossier(
        person=person, organisation=persona_tree.branch, date=D(2026, 6, 1), actor=admin
    )
    spec = printing.FORMS_BY_SLUG["6-knd"]
    context, url = printing.form_context(
        dossier,
        spec,
        printing.current_steps(dossier),
        chain=printing.organisation_chain(dossier.organisation),
        base_url=BASE,
        actor=admin,
        when=dt.datetime(2026, 6, 30, 2, 0, tzinfo=dt.UTC),
    )
    assert url == f"https://dangvien.example.vn/admissions/{dossier.pk}/"
    assert context["votes_for"].startswith("…")
    assert context["reference"] == f"HS{dossier.pk}-6KNĐ"
    text = _text(_build(dossier, spec, admin))
    assert "tán thành việc kết nạp: ……………/……………" in text
    assert "ngày …… tháng …… năm ………" in text


def test_the_qr_code_leads_to_the_step(decided, persona_tree):
    step = decided.steps.get(stage=Stage.CELL_VOTE)
    _context, url = printing.form_context(
        decided,
        printing.FORMS_BY_SLUG["6-knd"],
        printing.current_steps(decided),
        chain=printing.organisation_chain(decided.organisation),
        base_url=BASE,
        actor=persona_tree.users["viewer"],
        when=dt.datetime(2026, 6, 30, 2, 0, tzinfo=dt.UTC),
    )
    assert url == f"https://dangvien.example.vn/admissions/{decided.pk}/#step-{step.pk}"


PRINT = {
    "anonymous": 302,
    "national_admin": 200,
    "branch_secretary": 200,
    "viewer": 403,
    "outsider": 404,
}


@pytest.mark.parametrize(("persona", "status"), PRINT.items())
def test_printing_is_scoped_and_audited(persona, status, decided, client_for):
    client = client_for(persona)
    before = AuditEvent.objects.filter(action="admissions.form.exported").count()
    response = client.post(f"/admissions/{decided.pk}/forms/6-knd/")
    assert response.status_code == status
    after = AuditEvent.objects.filter(action="admissions.form.exported").count()
    assert after - before == (1 if status == 200 else 0)
    if status == 200:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        document = Document(io.BytesIO(response.content))
        assert "Lò Văn Minh" in _text(document)
        event = AuditEvent.objects.filter(action="admissions.form.exported").latest("pk")
        assert event.data["form"] == "6-KNĐ"


def test_an_unknown_form_is_404(decided, client_for):
    assert (
        client_for("national_admin").post(f"/admissions/{decided.pk}/forms/7-knd/").status_code
        == 404
    )


def test_the_dossier_page_lists_the_forms(decided, client_for):
    page = client_for("branch_secretary").get(f"/admissions/{decided.pk}/").content.decode()
    assert "In biểu mẫu" in page
    for spec in printing.FORMS:
        assert f"/admissions/{decided.pk}/forms/{spec.slug}/" in page
    assert (
        client_for("viewer").get(f"/admissions/{decided.pk}/").content.decode().count("/forms/")
        == 0
    )


def test_the_api_lists_and_downloads_the_forms(decided, client_for):
    client = client_for("branch_secretary")
    listing = client.get(f"/api/v1/admissions/{decided.pk}/forms")
    assert listing.status_code == 200
    codes = [row["code"] for row in listing.json()]
    assert codes == [spec.code for spec in printing.FORMS]
    response = client.post(f"/api/v1/admissions/{decided.pk}/forms/9-knd")
    assert response.status_code == 200
    assert "Điều 1. Kết nạp" in _text(Document(io.BytesIO(response.content)))
    assert (
        client_for("outsider").post(f"/api/v1/admissions/{decided.pk}/forms/9-knd").status_code
        == 404
    )
    assert (
        client_for("viewer").post(f"/api/v1/admissions/{decided.pk}/forms/9-knd").status_code == 403
    )


RENDERED = Path(__file__).resolve().parents[3] / "var" / "forms"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is missing")
@pytest.mark.parametrize("slug", ["6-knd", "9-knd", "1-knd"])
def test_forms_render_to_one_a4_page(slug, decided, persona_tree, tmp_path):
    """Render with LibreOffice and pdftoppm; the PNGs are kept in var/forms/ to look at."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is missing")
    document = printing.build_form(
        decided,
        printing.FORMS_BY_SLUG[slug],
        base_url=BASE,
        actor=persona_tree.users["branch_secretary"],
        when=dt.datetime(2026, 6, 30, 2, 0, tzinfo=dt.UTC),
    )
    source = tmp_path / f"{slug}.docx"
    source.write_bytes(document)
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / f"{slug}.pdf"
    assert pdf.exists()
    RENDERED.mkdir(parents=True, exist_ok=True)
    for old in RENDERED.glob(f"{slug}-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", str(pdf), str(RENDERED / slug)], check=True, timeout=60
    )
    pages = sorted(RENDERED.glob(f"{slug}-*.png"))
    assert 1 <= len(pages) <= 2
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert "(A4)" in info.stdout


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


def _png_upload(name="nghi-quyet-da-ky.png", content=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangvien.core.documents import qr_png

    return SimpleUploadedFile(name, content or qr_png("scan"), content_type="image/png")


def test_a_signed_scan_is_attached_to_its_step_once(decided, client_for, media):
    from dangvien.admissions.models import StepAttachment

    step = decided.steps.get(stage=Stage.CELL_VOTE)
    client = client_for("branch_secretary")
    url = f"/admissions/{decided.pk}/attach/"
    data = {"step": step.pk, "reference": f"HS{decided.pk}-B{step.pk}-6KNĐ"}
    response = client.post(url, {**data, "file": _png_upload()})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#step-{step.pk}")
    attachment = StepAttachment.objects.get(dossier=decided)
    assert attachment.step == step and attachment.content_type == "image/png"
    event = AuditEvent.objects.filter(action="admissions.scan.attached").latest("pk")
    assert event.data["step"] == step.pk and event.data["type"] == "PNG"
    # the same file again: the first row stands, nothing more is written
    client.post(url, {**data, "file": _png_upload("lan-hai.png")})
    assert StepAttachment.objects.filter(dossier=decided).count() == 1
    assert AuditEvent.objects.filter(action="admissions.scan.attached").count() == 1
    page = client.get(f"/admissions/{decided.pk}/").content.decode()
    assert "nghi-quyet-da-ky.png" in page
    download = client_for("viewer").get(f"/admissions/scans/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")
    assert client_for("outsider").get(f"/admissions/scans/{attachment.pk}/").status_code == 404


def test_a_scan_of_the_wrong_kind_or_size_is_refused_in_vietnamese(decided, client_for, media):
    from dangvien.admissions.models import StepAttachment

    client = client_for("branch_secretary")
    url = f"/admissions/{decided.pk}/attach/"
    response = client.post(url, {"file": _png_upload("ghi-chu.txt", b"just text")}, follow=True)
    assert "không phải PDF, JPEG hoặc PNG" in response.content.decode()
    media.SCAN_MAX_FILE_BYTES = 100
    response = client.post(url, {"file": _png_upload()}, follow=True)
    assert "vượt giới hạn" in response.content.decode()
    assert not StepAttachment.objects.exists()


def test_a_foreign_step_is_refused(decided, persona_tree, media):
    from dangvien.core.errors import DomainError

    admin = persona_tree.users["national_admin"]
    other = services.open_dossier(
        person=PersonFactory(organisation=persona_tree.branch),
        organisation=persona_tree.branch,
        date=D(2026, 6, 1),
        actor=admin,
    )
    foreign = other.steps.first()
    with pytest.raises(DomainError) as refused:
        services.attach_scan(decided, upload=_png_upload(), step=foreign, actor=admin)
    assert refused.value.rule == "attachment_step"


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("outsider", 404)])
def test_attaching_is_scoped(persona, status, decided, client_for, media):
    response = client_for(persona).post(
        f"/admissions/{decided.pk}/attach/", {"file": _png_upload()}
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    ("recorded", "printed"),
    [
        ("05-NQ/CB", "Số 05-NQ/CB"),
        ("05", "Số 05-NQ/CB"),
        ("Số 7", "Số 7-NQ/CB"),
        # a form's code, a minutes number, a number of another kind: never the resolution's
        ("6-KNĐ", "Số ……-NQ/CB"),
        ("BB 01/CB", "Số ……-NQ/CB"),
        ("12-QĐ/ĐU", "Số ……-NQ/CB"),
        ("", "Số ……-NQ/CB"),
    ],
)
def test_the_number_line_prints_a_resolution_number_or_a_blank(
    recorded, printed, decided, persona_tree
):
    # (set directly: what matters is what the form makes of a recorded value)
    decided.steps.filter(stage=Stage.CELL_VOTE).update(document_number=recorded)
    text = _text(_build(decided, printing.FORMS_BY_SLUG["6-knd"], persona_tree.users["viewer"]))
    assert printed in text
    assert "Số 6-KNĐ" not in text


def test_the_other_forms_number_lines(decided, persona_tree):
    viewer = persona_tree.users["viewer"]
    # the opinions step was recorded with the form's code: the report's number stays blank
    text = _text(_build(decided, printing.FORMS_BY_SLUG["5-knd"], viewer))
    assert "Số ……-BC/CB" in text and "5-KNĐ" not in text.split("Mẫu 5-KNĐ", 1)[1].split("Mã")[0]
    text = _text(_build(decided, printing.FORMS_BY_SLUG["4-knd"], viewer))
    assert "Số ……-NQ/ĐTN" in text
