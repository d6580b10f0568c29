"""The badge pages: scope, the due list and the register in a fixed number of queries, and the
proposal list printed as a Word document in the official layout (rendered to PNG with
LibreOffice and poppler to look at it: ``make office`` installs them)."""

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from dangvien.audit.models import AuditEvent
from dangvien.badges import services
from dangvien.badges.models import BadgeAward
from dangvien.members.tests.factories import make_member

pytestmark = pytest.mark.django_db

D = dt.date
READ = {
    "anonymous": 302,
    "national_admin": 200,
    "region_officer": 200,
    "branch_secretary": 200,
    "viewer": 200,
    "outsider": 404,
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0), tick=False):
        yield


@pytest.fixture
def veterans(persona_tree, branch_secretary):
    branch = persona_tree.branch
    members = [
        make_member(branch, decision_date=D(1996, 1, 5), full_name="Nguyễn Văn Ba Mươi"),
        make_member(branch, decision_date=D(1976, 12, 1), full_name="Lò Thị Năm Mươi"),
        make_member(branch, decision_date=D(1997, 6, 1), full_name="Quàng Văn Ốm"),
    ]
    services.propose_badge(
        members[0], milestone=30, award_date=D(2027, 2, 3), actor=branch_secretary
    )
    services.propose_badge(
        members[1], milestone=50, award_date=D(2027, 2, 3), actor=branch_secretary
    )
    services.propose_badge(
        members[2],
        milestone=30,
        award_date=D(2027, 2, 3),
        actor=branch_secretary,
        early_reason="Ốm nặng, điều trị dài ngày",
    )
    return members


@pytest.mark.parametrize("persona", sorted(READ))
@pytest.mark.parametrize("name", ["badges:due-list", "badges:proposal-list", "badges:award-list"])
def test_pages_are_scoped(client_for, persona, name, persona_tree, veterans):
    url = f"{reverse(name)}?org={persona_tree.branch.pk}"
    assert client_for(persona).get(url).status_code == READ[persona]


def test_due_list_in_fixed_queries(client_for, persona_tree, veterans, django_assert_num_queries):
    client = client_for("region_officer")
    url = f"{reverse('badges:due-list')}?org={persona_tree.region_north.pk}&award_date=2027-02-03"
    client.get(url)
    with django_assert_num_queries(14):  # the worklist badge is fetched after the page
        response = client.get(url)
    html = response.content.decode()
    assert "Nguyễn Văn Ba Mươi" in html and "tặng sớm" in html
    for year in (1950, 1960, 1970, 1980):
        make_member(persona_tree.branch_two, decision_date=D(year, 1, 1))
    with django_assert_num_queries(14):  # the worklist badge is fetched after the page
        client.get(url)


def test_register_counts_by_milestone(client_for, persona_tree, veterans, region_officer):
    services.award_badge(
        veterans[1],
        milestone=50,
        award_date=D(2027, 2, 3),
        badge_number="E-50-001",
        decision_number="15-QĐ/TU",
        decision_date=D(2026, 11, 1),
        actor=region_officer,
    )
    response = client_for("branch_secretary").get(
        f"{reverse('badges:award-list')}?org={persona_tree.branch.pk}&year=2027"
    )
    html = response.content.decode()
    assert "E-50-001" in html
    assert BadgeAward.objects.count() == 1


def test_award_from_the_proposal_list(client_for, persona_tree, veterans):
    proposal = veterans[0].badge_proposals.get()
    response = client_for("region_officer").post(
        reverse("badges:award", args=[proposal.pk]),
        {"badge_number": "30-0001", "decision_number": "20-QĐ/TU", "decision_date": "20/11/2026"},
    )
    assert response.status_code == 302
    award = BadgeAward.objects.get()
    assert (award.milestone, award.award_date, award.badge_number) == (30, D(2027, 2, 3), "30-0001")
    # the secretary may propose but not record the award
    other = veterans[1].badge_proposals.get()
    response = client_for("branch_secretary").post(
        reverse("badges:award", args=[other.pk]),
        {"badge_number": "50-0001", "decision_number": "20-QĐ/TU", "decision_date": "20/11/2026"},
    )
    assert response.status_code == 403
    assert BadgeAward.objects.count() == 1


def _docx_text(content: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_the_proposal_list_prints_in_the_official_layout(client_for, persona_tree, veterans):
    response = client_for("grassroots_office").post(
        reverse("badges:proposal-export"),
        {"org": persona_tree.commune_north.pk, "award_date": "2027-02-03"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = _docx_text(response.content)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "đảng viên đề nghị tặng Huy hiệu Đảng đợt 03/02/2027" in text
    assert "Nguyễn Văn Ba Mươi" in text and "Lò Thị Năm Mươi" in text
    assert "Tặng sớm: Ốm nặng, điều trị dài ngày" in text
    assert "Tổng số: 3 đồng chí." in text
    assert "T/M BAN THƯỜNG VỤ" in text  # the commune committee's standing committee signs
    from docx import Document

    section = Document(io.BytesIO(response.content)).sections[0]
    assert round(section.page_width.cm, 1) == 29.7 and round(section.page_height.cm, 1) == 21.0
    assert AuditEvent.objects.filter(action="badges.proposal_list.exported").count() == 1
    # a viewer may read but not print
    viewer = client_for("viewer").post(
        reverse("badges:proposal-export"),
        {"org": persona_tree.commune_north.pk, "award_date": "2027-02-03"},
    )
    assert viewer.status_code == 403


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftoppm")),
    reason="LibreOffice and poppler are not installed (make office)",
)
def test_the_proposal_list_renders_to_png(client_for, persona_tree, veterans, tmp_path):
    """The Word file converted by LibreOffice, then to PNG: the screenshot is
    ``screenshots/badge_proposal.png`` (open it and look)."""
    response = client_for("grassroots_office").post(
        reverse("badges:proposal-export"),
        {"org": persona_tree.commune_north.pk, "award_date": "2027-02-03"},
    )
    docx = tmp_path / "badge_proposal.docx"
    docx.write_bytes(response.content)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "badge_proposal.pdf"
    assert pdf.exists()
    out = Path(settings.BASE_DIR) / "screenshots"
    out.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-singlefile", str(pdf), str(out / "badge_proposal")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    png = out / "badge_proposal.png"
    assert png.exists() and png.stat().st_size > 10_000
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, timeout=60)
    if fonts.returncode == 0:
        assert "Times" in fonts.stdout or "Liberation" in fonts.stdout


def test_a_due_list_too_long_to_read_shows_the_figures_and_the_organisations_below(
    client_for, persona_tree, veterans, monkeypatch
):
    """Above ``DUE_LIST_LIMIT`` members read, the page does not compute the list: it shows
    the figures by milestone (``count_badges_due``) and links to each organisation below."""
    from dangvien.badges import views

    monkeypatch.setattr(views, "DUE_LIST_LIMIT", 2)
    client = client_for("region_officer")
    url = f"{reverse('badges:due-list')}?org={persona_tree.region_north.pk}&award_date=2027-02-03"
    html = client.get(url).content.decode()
    assert 'id="badges-due-figures"' in html and 'id="badges-due"' not in html
    assert "Nguyễn Văn Ba Mươi" not in html
    assert "hơn 2 đảng viên" in html
    assert '<td>30 năm</td><td class="text-end">2</td>' in html
    assert '<td>50 năm</td><td class="text-end">1</td>' in html
    assert f"org={persona_tree.commune_north.pk}" in html
    # a cell below the limit gets its list
    branch = f"{reverse('badges:due-list')}?org={persona_tree.branch.pk}&award_date=2027-02-03"
    monkeypatch.setattr(views, "DUE_LIST_LIMIT", 10)
    assert "Nguyễn Văn Ba Mươi" in client.get(branch).content.decode()
