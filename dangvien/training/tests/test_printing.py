"""The class roster and the certificate list printed as Word files: fields, A4 landscape,
Times New Roman, the QR code of the class page; scoped and audited; rendered with LibreOffice
where it is installed."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine
from docx import Document
from docx.shared import Cm

from dangvien.audit.models import AuditEvent
from dangvien.people.tests.factories import PersonFactory
from dangvien.training import services

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 30, 9, 0), tick=False):
        yield D(2026, 6, 30)


@pytest.fixture
def training_class(persona_tree):
    admin = persona_tree.users["national_admin"]
    cell = persona_tree.branch
    klass = services.create_class(
        kind="awareness",
        name="Lớp bồi dưỡng nhận thức về Đảng khóa 2",
        organiser=persona_tree.commune_north,
        start_date=D(2026, 6, 1),
        end_date=D(2026, 6, 5),
        actor=admin,
    )
    for number, name in enumerate(("Lò Văn Minh", "Cà Thị Hoa", "Quàng Văn Sơn"), start=1):
        enrolment = services.enrol_person(
            klass,
            person=PersonFactory(
                organisation=cell, full_name=name, date_of_birth=D(1999, 1, number)
            ),
            actor=admin,
        )
        if number < 3:
            services.complete_enrolment(
                enrolment,
                certificate_number=f"GCN-26-{number:03d}",
                certificate_date=D(2026, 6, 10),
                actor=admin,
            )
    return klass


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


@pytest.mark.parametrize(
    ("kind", "title", "count"),
    [("roster", "DANH SÁCH HỌC VIÊN", 3), ("certificates", "DANH SÁCH CẤP GIẤY CHỨNG NHẬN", 2)],
)
def test_the_lists_print_with_header_rows_and_qr(kind, title, count, training_class, client_for):
    response = client_for("grassroots_office").post(f"/training/{training_class.pk}/print/{kind}/")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    section = document.sections[0]
    assert abs(section.page_width - Cm(29.7)) < Cm(0.05)  # A4 landscape
    assert abs(section.page_height - Cm(21)) < Cm(0.05)
    assert document.styles["Normal"].font.name == "Times New Roman"
    text = _text(document)
    assert title in text
    assert "ĐẢNG BỘ XÃ BẮC MỘT" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "Lớp bồi dưỡng nhận thức về Đảng khóa 2" in text
    assert "(Từ 01/06/2026 đến 05/06/2026)" in text
    assert f"Tổng số: {count} học viên." in text
    assert "Cà Thị Hoa" in text and "Lò Văn Minh" in text
    assert ("Quàng Văn Sơn" in text) == (kind == "roster")
    if kind == "certificates":
        assert "GCN-26-001" in text and "10/06/2026" in text
    assert f"Mã tra cứu: LOP{training_class.pk}-" in text
    footer = section.footer
    assert footer._element.xml.count("<a:blip ") == 1
    event = AuditEvent.objects.filter(action="training.class.printed").latest("pk")
    assert event.data == {"kind": kind, "rows": 3}


@pytest.mark.parametrize(
    ("persona", "status"),
    [("viewer", 403), ("outsider", 404), ("branch_secretary", 200), ("anonymous", 302)],
)
def test_printing_is_scoped(persona, status, training_class, client_for):
    response = client_for(persona).post(f"/training/{training_class.pk}/print/roster/")
    assert response.status_code == status


def test_an_unknown_list_is_404(training_class, client_for):
    client = client_for("national_admin")
    assert client.post(f"/training/{training_class.pk}/print/other/").status_code == 404
    api = client.post(f"/api/v1/training/classes/{training_class.pk}/print/roster")
    assert api.status_code == 200
    assert "DANH SÁCH HỌC VIÊN" in _text(Document(io.BytesIO(api.content)))


RENDERED = Path(__file__).resolve().parents[3] / "var" / "forms"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is missing")
def test_the_certificate_list_renders_on_a4_landscape(training_class, client_for, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is missing")
    response = client_for("national_admin").post(
        f"/training/{training_class.pk}/print/certificates/"
    )
    source = tmp_path / "certificates.docx"
    source.write_bytes(response.content)
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
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "certificates.pdf")], capture_output=True, text=True, check=True
    )
    assert "842 x 595" in info.stdout.replace("841.89", "842").replace("595.304", "595")
    assert re.search(r"Pages:\s+1\n", info.stdout)
    RENDERED.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            str(tmp_path / "certificates.pdf"),
            str(RENDERED / "certificates"),
        ],
        check=True,
        timeout=60,
    )
