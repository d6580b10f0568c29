"""Every select's empty choice reads "— Chọn —", never Django's "---------"."""

from __future__ import annotations

import pytest
from django import forms

from dangvien.people.models import Person


def test_model_choice_and_model_field_choices_read_chon():
    field = forms.ModelChoiceField(queryset=Person.objects.none())
    assert field.empty_label == "— Chọn —"
    sex = Person._meta.get_field("sex")
    assert sex.get_choices()[0] == ("", "— Chọn —")


@pytest.mark.django_db
def test_no_page_shows_the_dashes(client_for):
    client = client_for("national_admin")
    for url in ("/people/add/", "/admissions/add/", "/members/", "/admissions/", "/training/add/"):
        page = client.get(url).content.decode()
        assert "---------" not in page, url
    assert "— Chọn —" in client.get("/people/add/").content.decode()
