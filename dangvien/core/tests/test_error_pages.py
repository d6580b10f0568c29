"""The site's own 404 and 500 pages are Vietnamese (Django's are English)."""

import json

import pytest
from django.template.loader import render_to_string


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["anonymous", "branch_secretary"])
def test_an_unknown_page_is_a_vietnamese_404(client_for, persona):
    response = client_for(persona).get("/khong-co-trang-nay/")

    assert response.status_code == 404
    text = response.content.decode()
    assert "Không tìm thấy trang" in text
    assert "nằm ngoài phạm vi tổ chức bạn được phân quyền" in text
    assert "Not Found" not in text


def test_the_500_page_is_vietnamese_and_needs_no_context():
    text = render_to_string("500.html")

    assert "Lỗi máy chủ" in text
    assert "không được thực hiện" in text
    assert 'lang="vi"' in text


def test_a_stale_form_gets_a_vietnamese_403_not_djangos_csrf_page(client_for):
    from django.test import Client

    client = client_for("branch_secretary")
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    response = strict.post("/people/add/", {"full_name": "X"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Hãy tải lại trang rồi gửi lại." in page
    assert "CSRF verification failed" not in page


@pytest.mark.django_db
def test_a_nul_character_is_refused_before_the_database_sees_it(client_for, persona_tree):
    """PostgreSQL cannot hold or compare text with the NUL character: a query or JSON field
    carrying one is a Vietnamese 400 (JSON under /api/), never a 500, and writes nothing."""
    from dangvien.people.models import Person

    client = client_for("region_officer")
    api = client.get("/api/v1/targets/", {"org": "T01\x00", "kind": "admissions"})
    assert api.status_code == 400
    assert "ký tự NUL" in api.json()["detail"]
    page = client.get("/people/", {"q": "Nguyễn\x00"})
    assert page.status_code == 400
    assert "ký tự NUL" in page.content.decode()
    before = Person.objects.count()
    posted = client.post(
        "/api/v1/people/",
        json.dumps({"full_name": "Tên\x00Lạ", "organisation_id": persona_tree.branch.pk}),
        content_type="application/json",
    )
    assert posted.status_code == 400
    assert Person.objects.count() == before
    # an ordinary query still goes through
    assert client.get("/people/", {"q": "Nguyễn"}).status_code == 200
