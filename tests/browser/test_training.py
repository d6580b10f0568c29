"""A district centre fills a class from two cells' outstanding lists by typing, issues the
certificates in bulk (a future date refused first), and revokes a wrong one: the figures follow."""

import datetime as dt

import pytest

from dangvien.admissions import services as admissions
from dangvien.people.tests.factories import PersonFactory
from dangvien.training import services
from dangvien.training.models import Enrolment
from tests.browser.pickers import pick

pytestmark = pytest.mark.django_db(transaction=True)


def _fmt(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def test_centre_enrols_twenty_from_two_cells_and_issues_certificates(page_as, persona_tree, shot):
    today = dt.date.today()
    admin = persona_tree.users["national_admin"]
    for cell, family in ((persona_tree.branch, "Lò"), (persona_tree.branch_two, "Quàng")):
        for n in range(10):
            admissions.open_dossier(
                person=PersonFactory(
                    organisation=cell,
                    full_name=f"{family} Văn Ưu Tú {n + 1}",
                    date_of_birth=dt.date(1998, 1, 1) + dt.timedelta(days=40 * n),
                ),
                organisation=cell,
                date=today - dt.timedelta(days=30),
                actor=admin,
            )
    klass = services.create_class(
        kind="awareness",
        name="Lớp nhận thức về Đảng khóa 5",
        organiser=persona_tree.region_north,
        start_date=today - dt.timedelta(days=8),
        end_date=today - dt.timedelta(days=2),
        actor=admin,
    )

    page = page_as("training_centre")
    page.goto(f"/training/{klass.pk}/")
    # typing a name without accents suggests people with their birth date and cell
    page.locator("#id_person").fill("quang van uu tu 1")
    suggestions = page.locator("#id_person ~ [data-picker-results] [role=option]")
    suggestions.first.wait_for()
    assert suggestions.count() == 2  # «… 1» and «… 10»
    assert "01/01/1998 · Chi bộ thôn 2 — Đảng bộ xã Bắc Một" in suggestions.first.inner_text()
    shot(page, "training-0-person-picker")
    page.locator("#id_person").press("Escape")
    # the first cell, found by typing its name without accents: its outstanding list
    for cell_text, cell_label in (("thon 1", "Chi bộ thôn 1"), ("thon 2", "Chi bộ thôn 2")):
        pick(page, "#id_from-cell", cell_text, cell_label)
        page.get_by_role("button", name="Xem danh sách").click()
        page.wait_for_load_state()
        candidates = page.locator("#candidates input[name=people]:checked")
        assert candidates.count() == 10
        if cell_text == "thon 1":
            shot(page, "training-1-outstanding-list-of-a-cell")
        page.get_by_role("button", name="Thêm những người đã chọn").click()
        page.wait_for_load_state()
        assert page.get_by_text("Đã thêm 10 học viên.").is_visible()
    rows = page.locator("#enrolments tbody tr")
    assert rows.count() == 20
    assert "Chi bộ thôn 2 — Đảng bộ xã Bắc Một" in page.locator("#enrolments").inner_text()
    shot(page, "training-2-roster-of-twenty")

    # a certificate dated in the future is refused, nothing issued
    page.locator("#check-all").check()
    page.fill("#roster-number_prefix", "GCN/")
    page.fill("#roster-first_number", "001")
    page.fill("#roster-certificate_date", _fmt(today + dt.timedelta(days=15)))
    page.get_by_role("button", name="Cấp giấy chứng nhận", exact=True).click()
    page.wait_for_load_state()
    refusal = page.locator("#roster .alert-danger")
    assert "ở tương lai" in refusal.inner_text()
    assert not Enrolment.objects.filter(completed=True).exists()
    shot(page, "training-3-future-certificate-refused")

    page.locator("#check-all").check()
    page.fill("#roster-certificate_date", _fmt(today))
    page.get_by_role("button", name="Cấp giấy chứng nhận", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_text("Đã cấp 20 giấy chứng nhận.").is_visible()
    numbers = sorted(Enrolment.objects.certificates().values_list("certificate_number", flat=True))
    assert numbers == [f"GCN/{n:03d}" for n in range(1, 21)]
    shot(page, "training-4-certificates-issued")

    # the figures: twenty sympathisers this month, seen by the province board
    period = f"org=T01&from={today.replace(day=1).isoformat()}&to={today.isoformat()}"
    board = page_as("region_officer")
    board.goto(f"/reports/admissions/?{period}")
    assert board.get_by_text("Cảm tình Đảng (được cấp giấy chứng nhận) trong kỳ: 20").is_visible()

    # a certificate went to someone who did not finish the class: the centre revokes it
    wrong = Enrolment.objects.certificates().get(person__full_name="Quàng Văn Ưu Tú 3")
    row = page.locator(f"#enrolment-{wrong.pk}")
    row.locator("summary").click()
    row.locator(f"#revoke-{wrong.pk} input[name=reason]").fill(
        "Không dự đủ thời gian học, cấp nhầm"
    )
    row.get_by_role("button", name="Thu hồi giấy").click()
    page.wait_for_load_state()
    assert page.get_by_text("Đã thu hồi giấy chứng nhận của Quàng Văn Ưu Tú 3.").is_visible()
    history = page.locator("#history").inner_text()
    assert (
        f"giấy số {wrong.certificate_number}" in history
        and "Không dự đủ thời gian học, cấp nhầm" in history
    )
    shot(page, "training-5-certificate-revoked-history")

    board.goto(f"/reports/admissions/?{period}")
    assert board.get_by_text("Cảm tình Đảng (được cấp giấy chứng nhận) trong kỳ: 19").is_visible()
    shot(board, "training-6-figures-after-the-correction")
