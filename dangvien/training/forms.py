from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvien.core.forms import (
    DateField,
    ScopedModelChoiceField,
    ScopedModelMultipleChoiceField,
    set_queryset,
)
from dangvien.core.pickers import use_picker
from dangvien.organisations.models import Organisation
from dangvien.people.models import Person
from dangvien.training.models import Enrolment, TrainingClass


def _date(label: Any, required: bool = True) -> forms.DateField:
    return DateField(label=label, required=required)


def _reason() -> forms.CharField:
    return forms.CharField(label=_("Lý do"), max_length=1000, widget=forms.TextInput())


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
        use_picker(self.fields["organiser"], "organisations")


class EnrolForm(forms.Form):
    person = ScopedModelChoiceField(label=_("Học viên"), queryset=Person.objects.none())

    def __init__(self, data: Any = None, *, user: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        set_queryset(
            self.fields["person"],
            Person.objects.visible_to(user).order_by("full_name_folded", "pk"),
            user=user,
        )
        use_picker(self.fields["person"], "people")


class ProposeForm(EnrolForm):
    note = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)


class CandidateCellForm(forms.Form):
    """A cell in scope whose outstanding list (or probationers) to show (GET)."""

    cell = ScopedModelChoiceField(label=_("Chi bộ"), queryset=Organisation.objects.none())

    def __init__(self, data: Any = None, *, user: Any, **kwargs: Any) -> None:
        super().__init__(data, prefix="from", **kwargs)
        set_queryset(self.fields["cell"], Organisation.objects.visible_to(user).cells(), user=user)
        use_picker(self.fields["cell"], "cells")


class BulkEnrolForm(forms.Form):
    people = ScopedModelMultipleChoiceField(
        label=_("Người được chọn"), queryset=Person.objects.none()
    )

    def __init__(self, data: Any = None, *, user: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        set_queryset(self.fields["people"], Person.objects.visible_to(user), user=user)


class RosterForm(forms.Form):
    """Attendance, results or certificates for the students ticked on the roster."""

    ATTENDED, ABSENT, PASSED, FAILED, CERTIFICATES = (
        "attended",
        "absent",
        "passed",
        "failed",
        "certificates",
    )
    enrolments = forms.TypedMultipleChoiceField(
        label=_("Học viên"),
        coerce=int,
        choices=(),
        error_messages={"required": _("Chưa chọn học viên nào.")},
    )
    action = forms.ChoiceField(
        label=_("Thao tác"),
        choices=[
            (ATTENDED, _("Có tham gia học")),
            (ABSENT, _("Vắng")),
            (PASSED, _("Đạt")),
            (FAILED, _("Không đạt")),
            (CERTIFICATES, _("Cấp giấy chứng nhận")),
        ],
    )
    first_number = forms.CharField(label=_("Số giấy bắt đầu"), max_length=12, required=False)
    number_prefix = forms.CharField(label=_("Tiền tố số giấy"), max_length=40, required=False)
    certificate_date = _date(_("Ngày cấp"), required=False)

    def __init__(self, data: Any = None, *, roster: list[Enrolment], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        field = self.fields["enrolments"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(row.pk, str(row.person)) for row in roster]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == self.CERTIFICATES:
            for name in ("first_number", "certificate_date"):
                if not data.get(name):
                    self.add_error(name, _("Cần nhập khi cấp giấy chứng nhận."))
        return data


class CompleteForm(forms.Form):
    certificate_number = forms.CharField(label=_("Số giấy chứng nhận"), max_length=64)
    certificate_date = _date(_("Ngày cấp"))


class CorrectCertificateForm(CompleteForm):
    reason = _reason()


class ReasonForm(forms.Form):
    reason = _reason()


class ClassCorrectForm(forms.Form):
    name = forms.CharField(label=_("Tên lớp"), max_length=200)
    start_date = _date(_("Ngày khai giảng"))
    end_date = _date(_("Ngày bế giảng"))
    reason = _reason()
