"""The site's own 404 and 500 pages are Vietnamese (Django's are English)."""

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
