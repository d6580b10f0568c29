from django import forms

from dangvien.core.errors import DomainError
from dangvien.core.forms import add_domain_error


class DateForm(forms.Form):
    date = forms.DateField()


def test_a_domain_error_goes_on_the_field_it_names():
    form = DateForm({"date": "2026-01-05"})
    assert form.is_valid()
    add_domain_error(form, DomainError("Ngày 05/01/2026 chưa đến.", field="date"))
    assert form.errors == {"date": ["Ngày 05/01/2026 chưa đến."]}


def test_a_domain_error_without_a_field_of_the_form_goes_on_the_whole_form():
    form = DateForm({"date": "2026-01-05"})
    assert form.is_valid()
    add_domain_error(form, DomainError("Thiếu bộ quy định.", field="introducers"))
    add_domain_error(form, DomainError("Hồ sơ đã kết thúc."))
    assert form.errors == {"__all__": ["Thiếu bộ quy định.", "Hồ sơ đã kết thúc."]}
    assert form.non_field_errors() == ["Thiếu bộ quy định.", "Hồ sơ đã kết thúc."]
