"""The report as a meeting document (issue 13, item 2): the Word file opened and checked
paragraph by paragraph, and its PDF rendered by LibreOffice and checked page by page."""

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.utils import timezone

from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.reports.meeting import build_meeting_docx, docx_to_pdf
from dangvien.reports.periods import build_period
from dangvien.reports.selectors import get_admission_report
from dangvien.reports.tests.builders import Traits, admit_people, build_district, build_seed_000
from dangvien.targets.models import Target

SEED_PARAMS = {"from": "2016-01-01", "to": "2016-11-30"}
HAS_OFFICE = bool(shutil.which("soffice") and shutil.which("pdfinfo") and shutil.which("pdftotext"))


def _document(content):
    from docx import Document

    return Document(io.BytesIO(content))


def _text(document):
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


def _runs(document):
    for paragraph in document.paragraphs:
        yield from paragraph.runs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    yield from paragraph.runs


@pytest.fixture
def seeded(persona_tree, national_admin):
    return build_seed_000(persona_tree.region_north, actor=national_admin)


def test_the_word_report_is_a_document_for_the_standing_committee(client_for, seeded):
    response = client_for("region_officer").post(
        "/reports/admissions/export.docx", {"org": "DBD", **SEED_PARAMS}
    )
    assert response.status_code == 200
    document = _document(response.content)
    section = document.sections[0]
    # A4 portrait, margins of the administrative style (left 30, right 15, top/bottom 20 mm)
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert (round(section.left_margin.cm, 1), round(section.right_margin.cm, 1)) == (3.0, 1.5)
    assert round(section.top_margin.cm, 1) == round(section.bottom_margin.cm, 1) == 2.0
    # Times New Roman everywhere, 13–14 for the text (15–16 only for the motto and the title)
    runs = [run for run in _runs(document) if run.text.strip()]
    assert {run.font.name for run in runs} == {"Times New Roman"}
    body = list(document.paragraphs[6].runs)  # the opening sentence
    assert {run.font.size.pt for run in body} == {14}
    assert all(10 <= run.font.size.pt <= 16 for run in runs)
    # the party header
    left, right = document.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs] == [
        "ĐẢNG BỘ TỈNH MIỀN BẮC",
        "HUYỆN ỦY ĐIỆN BIÊN ĐÔNG",
        "*",
        "Số       -BC/HU",
    ]
    motto = right.paragraphs[0].runs[0]
    assert motto.text == "ĐẢNG CỘNG SẢN VIỆT NAM" and motto.bold and motto.underline
    place = right.paragraphs[1].runs[0]
    assert place.italic and place.text.startswith("…………, ngày ")
    text = _text(document)
    paragraphs = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in paragraphs
    assert "Kết quả công tác phát triển đảng viên đến hết tháng 11/2016" in paragraphs
    # the seeds' phrasing, no formula
    assert (
        "Đến hết tháng 11/2016, toàn Đảng bộ huyện kết nạp 265/150 đảng viên, đạt 176,7% kế "
        "hoạch (vượt 76,7%), tăng 62,6% so với cùng kỳ năm 2015; nâng tổng số đảng viên lên "
    ) in text
    assert not any("=" in p or "×" in p for p in paragraphs)
    assert (
        "Có 3/3 tổ chức trực thuộc được giao chỉ tiêu hoàn thành và hoàn thành vượt mức chỉ "
        "tiêu: Đảng bộ xã Mường Luân (89/40, đạt 222,5%); Đảng bộ xã Luân Giói (88/60, đạt "
        "146,7%); Đảng bộ xã Pú Nhi (88/60, đạt 146,7%)."
    ) in text
    for heading in (
        "I. KẾT QUẢ THỰC HIỆN",
        "II. HẠN CHẾ, NGUYÊN NHÂN",
        "III. NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI",
        "Nơi nhận:",
        "T/M BAN THƯỜNG VỤ",
        "BÍ THƯ",
        "PHỤ LỤC",
    ):
        assert heading in text
    assert "Chưa mở lớp" not in text  # zeros phrased in the sentence, lower case
    assert "chưa mở lớp bồi dưỡng nhận thức về Đảng nào" in text
    assert "Người lập: region_officer" in text


def test_zeros_read_naturally_and_the_preparer_can_sign(persona_tree, national_admin):
    report = get_admission_report(
        organisation=persona_tree.commune_north,
        period=build_period("year", year=2024),
        today=dt.date(2030, 1, 1),
    )
    content = build_meeting_docx(
        report, user=national_admin, when=timezone.now(), signer="preparer"
    )
    text = _text(_document(content))
    assert "Trong năm 2024, toàn Đảng bộ xã chưa kết nạp đảng viên nào (chưa được giao" in text
    assert "Trong kỳ chưa kết nạp đảng viên nào." in text
    assert " 0 người" not in text and "kết nạp 0" not in text
    assert "NGƯỜI LẬP" in text and "T/M" not in text
    with pytest.raises(DomainError):
        build_meeting_docx(report, user=national_admin, when=timezone.now(), signer="x")


def test_organisations_are_ranked_and_limitations_come_from_the_figures(
    persona_tree, national_admin
):
    d = build_district(persona_tree.region_north, communes=3)
    Target.objects.bulk_create(
        [
            Target(organisation=c, year=2024, value=v, assigned_by=national_admin)
            for c, v in zip(d.communes, [2, 10, 3], strict=True)
        ]
    )
    for cells, n, tag in ((d.cells[0:2], 4, "a"), (d.cells[2:4], 5, "b"), (d.cells[4:6], 3, "c")):
        admit_people(cells, Traits(n), dates=[dt.date(2024, 3, 1)], tag=tag)
    report = get_admission_report(
        organisation=d.district, period=build_period("year", year=2024), today=dt.date(2030, 1, 1)
    )
    text = _text(_document(build_meeting_docx(report, user=None, when=timezone.now())))

    assert (
        "Có 2/3 tổ chức trực thuộc được giao chỉ tiêu hoàn thành và hoàn thành vượt mức chỉ "
        "tiêu: Đảng bộ xã Mường Luân (4/2, đạt 200,0%); Đảng bộ xã Pú Nhi (3/3, đạt 100,0%)."
    ) in text
    assert (
        "Có 1 tổ chức chậm so với tiến độ (xếp từ thấp đến cao): Đảng bộ xã Luân Giói (5/10, "
        "đạt 50,0%)."
    ) in text
    # II: generated from the figures (12 of the children's 15), then lines to complete
    assert (
        "- Kết quả kết nạp chậm so với tiến độ: mới đạt 80,0% chỉ tiêu năm 2024 khi đã qua "
        "100,0% thời gian."
    ) in text
    assert "- 1 tổ chức trực thuộc chậm tiến độ, thấp nhất là Đảng bộ xã Luân Giói" in text
    assert "- Hạn chế khác, nguyên nhân (bổ sung):" in text
    assert "Tập trung chỉ đạo, kiểm tra các tổ chức chậm tiến độ: Đảng bộ xã Luân Giói." in text


def test_without_libreoffice_the_pdf_is_refused_in_vietnamese(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(DomainError) as refused:
        docx_to_pdf(b"not used")
    assert refused.value.rule == "pdf_renderer"
    assert "chưa cài LibreOffice" in refused.value.message


@pytest.mark.skipif(not HAS_OFFICE, reason="LibreOffice and poppler are not installed")
def test_the_pdf_is_the_same_document_on_a4_pages(client_for, seeded, tmp_path):
    response = client_for("region_officer").post(
        "/reports/admissions/export.pdf", {"org": "DBD", **SEED_PARAMS}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('.pdf"')
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    info = subprocess.run(
        ["pdfinfo", str(pdf)], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))
    assert 2 <= pages <= 4  # two pages of report, the annex
    assert "(A4)" in info
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "HUYỆN ỦY ĐIỆN BIÊN ĐÔNG",
        "BÁO CÁO",
        "265/150",
        "II. HẠN CHẾ, NGUYÊN NHÂN",
        "T/M BAN THƯỜNG VỤ",
        "PHỤ LỤC",
    ):
        assert expected in text
    # the annex starts a page of its own
    assert "PHỤ LỤC" in text.split("\f")[pages - 1]
    assert AuditEvent.objects.filter(action="reports.report.exported", data__format="pdf").exists()


@pytest.mark.skipif(not HAS_OFFICE, reason="LibreOffice and poppler are not installed")
def test_the_command_writes_the_pdf(seeded, tmp_path):
    out = tmp_path / "bao-cao.pdf"
    call_command(
        "report",
        "--org",
        "DBD",
        "--from",
        "2016-01-01",
        "--to",
        "2016-11-30",
        "--format",
        "pdf",
        "--signer",
        "preparer",
        "-o",
        str(out),
    )
    assert out.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", str(out), "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    assert "NGƯỜI LẬP" in text


API_DOCUMENT = "/api/v1/reports/admissions/document/{}?org=DBD&from=2016-01-01&to=2016-11-30"


def test_the_api_gives_the_word_document_scoped_and_audited(client_for, seeded):
    response = client_for("region_officer").post(API_DOCUMENT.format("docx") + "&signer=preparer")
    assert response.status_code == 200, response.content
    assert response["Content-Disposition"] == (
        'attachment; filename="bao-cao-ket-nap-DBD-20160101-20161130.docx"'
    )
    text = _text(_document(response.content))
    assert "HUYỆN ỦY ĐIỆN BIÊN ĐÔNG" in text and "NGƯỜI LẬP" in text
    event = AuditEvent.objects.filter(action="reports.report.exported").latest("pk")
    assert event.data["format"] == "docx"
    # a viewer reads the figures but cannot export; out of scope and unknown formats are 404
    assert client_for("viewer").post(API_DOCUMENT.format("docx")).status_code == 403
    assert client_for("outsider").post(API_DOCUMENT.format("docx")).status_code == 404
    assert client_for("region_officer").post(API_DOCUMENT.format("odt")).status_code == 404
    assert AuditEvent.objects.filter(action="reports.report.exported").count() == 1


@pytest.mark.skipif(not HAS_OFFICE, reason="LibreOffice and poppler are not installed")
def test_the_api_gives_the_pdf_on_a4_pages(client_for, seeded, tmp_path):
    response = client_for("region_officer").post(
        API_DOCUMENT.format("pdf") + "&structure=2016-11-30"
    )
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "api.pdf"
    pdf.write_bytes(response.content)
    info = subprocess.run(
        ["pdfinfo", str(pdf)], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))
    assert 2 <= pages <= 4 and "(A4)" in info
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "HUYỆN ỦY ĐIỆN BIÊN ĐÔNG",
        "265/150",
        "T/M BAN THƯỜNG VỤ",
    ):
        assert expected in text
    assert AuditEvent.objects.filter(action="reports.report.exported", data__format="pdf").exists()
