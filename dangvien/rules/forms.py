from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvien.rules.defaults import COMMON_VALUES, GRADING_VALUES
from dangvien.rules.models import CalendarDay


class RuleSetForm(forms.Form):
    name = forms.CharField(label=_("Tên"), max_length=150)
    effective_from = forms.DateField(
        label=_("Hiệu lực từ"), widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})
    )
    source = forms.CharField(label=_("Văn bản căn cứ"), widget=forms.TextInput())
    values = forms.CharField(
        label=_("Giá trị (JSON)"),
        widget=forms.Textarea(attrs={"rows": 14, "class": "font-monospace"}),
        initial=json.dumps({**COMMON_VALUES, **GRADING_VALUES}, indent=2, ensure_ascii=False),
    )

    def clean_values(self) -> dict[str, Any]:
        try:
            values = json.loads(self.cleaned_data["values"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("Không phải JSON hợp lệ.")) from exc
        if not isinstance(values, dict):
            raise forms.ValidationError(_("Phải là một đối tượng JSON."))
        return values


class CalendarDayForm(forms.Form):
    date = forms.DateField(
        label=_("Ngày"), widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})
    )
    kind = forms.ChoiceField(label=_("Loại"), choices=CalendarDay.Kind.choices)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=255)
