"""A failed htmx submission is shown in the page, in Vietnamese, above the form that sent it."""

import datetime as dt

import pytest
from django.template.loader import render_to_string

from dangvien.admissions import services
from dangvien.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_failed_step_submission_is_shown_above_the_form(page_as, persona_tree, shot):
    cell = persona_tree.branch
    admin = persona_tree.users["national_admin"]
    person = PersonFactory(organisation=cell, full_name="Lò Thị Lỗi")
    dossier = services.open_dossier(
        person=person, organisation=cell, date=dt.date.today() - dt.timedelta(days=10), actor=admin
    )
    page = page_as("national_admin")
    page.goto(f"/admissions/{dossier.pk}/")
    form = page.locator("#step-form")
    form.wait_for()

    # the server fails (its 500 page): the page says so, the form stays as typed
    error_page = render_to_string("500.html")
    page.route(
        "**/step/",
        lambda route: route.fulfill(
            status=500, body=error_page, content_type="text/html; charset=utf-8"
        ),
    )
    form.locator("#id_date").fill(f"{dt.date.today():%d/%m/%Y}")
    form.locator("button[type=submit]").click()
    alert = page.locator("[data-request-failure]")
    alert.wait_for()
    assert "không được thực hiện" in alert.inner_text()
    assert form.locator("#id_date").input_value() == f"{dt.date.today():%d/%m/%Y}"
    shot(page, "request-error-500")

    # the network is down: the offline message replaces the previous one
    page.unroute("**/step/")
    page.route("**/step/", lambda route: route.abort())
    form.locator("button[type=submit]").click()
    page.get_by_text("Không kết nối được máy chủ").wait_for()
    assert page.locator("[data-request-failure]").count() == 1
    shot(page, "request-error-offline")
