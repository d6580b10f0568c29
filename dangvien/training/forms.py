from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvien.core.forms import DateField, ScopedModelChoiceField, set_queryset
from dangvien.organisations.models import Organisation
from dangvien.people.models import Person
from dangvien.training.models import TrainingClass


def _date(label: Any) -> forms.DateField:
    return DateField(label=label)


class ClassForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại lớp"), choices=TrainingClass.Kind.choices)
    name = forms.CharField(label=_("Tên lớp"), max_length=200)
    organiser = ScopedModelChoiceField(
        label=_("Đơn vị tổ chức"), queryset=Organisation.objects.none()
    )
    start_date = _date(_("Ngày khai giảng"))
    end_date = _date(_("Ngày bế giảng"))

    def __init__(self, data: Any = None, *, user: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        set_queryset(self.fields["organiser"], Organisation.objects.visible_to(user), user=user)


class EnrolForm(forms.Form):
    person = ScopedModelChoiceField(label=_("Học viên"), queryset=Person.objects.none())

    def __init__(self, data: Any = None, *, user: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        from dangvien.people.models import Person

        set_queryset(
            self.fields["person"],
            Person.objects.visible_to(user).order_by("full_name_folded", "pk"),
            user=user,
        )


class CompleteForm(forms.Form):
    certificate_number = forms.CharField(label=_("Số giấy chứng nhận"), max_length=64)
    certificate_date = _date(_("Ngày cấp"))
