"""Input validation only; the services decide and save."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvien.core.forms import DateField

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})


class ProposalForm(forms.Form):
    milestone = forms.IntegerField(label=_("Huy hiệu (năm tuổi đảng)"), min_value=1, max_value=200)
    award_date = DateField(label=_("Đợt trao tặng"), widget=DATE_WIDGET)
    early_reason = forms.CharField(
        label=_("Lý do tặng sớm (đảng viên ốm nặng)"), required=False, max_length=255
    )


class AwardForm(forms.Form):
    badge_number = forms.CharField(label=_("Số huy hiệu"), max_length=32)
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=64)
    decision_date = DateField(label=_("Ngày quyết định"), widget=DATE_WIDGET)
