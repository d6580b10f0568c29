from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvien.core import bounds
from dangvien.core.forms import CountField
from dangvien.targets.models import Target


class TargetForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=1930, max_value=2100)
    kind = forms.ChoiceField(
        label=_("Loại chỉ tiêu"), choices=Target.Kind.choices, initial=Target.Kind.ADMISSIONS
    )
    value = CountField(
        label=_("Chỉ tiêu"),
        max_value=bounds.TARGET_MAX,
        error_messages={"min_value": _("Chỉ tiêu phải là số không âm.")},
    )
    note = forms.CharField(label=_("Ghi chú (căn cứ giao)"), max_length=255, required=False)
