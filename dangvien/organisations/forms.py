from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvien.core.forms import DateField
from dangvien.organisations.choices import AreaKind, OrganisationKind


class OrganisationForm(forms.Form):
    code = forms.CharField(label=_("Mã"), max_length=32)
    name = forms.CharField(label=_("Tên"), max_length=255)
    kind = forms.ChoiceField(label=_("Loại tổ chức"), choices=OrganisationKind.choices)
    area_kind = forms.ChoiceField(label=_("Loại hình"), choices=AreaKind.choices)
    disadvantaged_area = forms.BooleanField(
        label=_("Vùng cao, biên giới, hải đảo, dân tộc thiểu số, đặc biệt khó khăn"),
        required=False,
    )
    valid_from = DateField(label=_("Hiệu lực từ"), required=False)
    valid_to = DateField(label=_("Hiệu lực đến"), required=False)
