"""Input validation only; the services decide and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvien.core.forms import CountField, DateField
from dangvien.screening.choices import RemovalForm

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})


class VoteForm(forms.Form):
    date = DateField(label=_("Ngày họp chi bộ"), widget=DATE_WIDGET)
    votes_eligible = CountField(
        label=_("Tổng số đảng viên chính thức của chi bộ (kể cả vắng mặt)"), min_value=0
    )
    present = CountField(label=_("Số đảng viên chính thức có mặt"))
    votes_for = CountField(label=_("Số phiếu đồng ý"))
    votes_against = CountField(label=_("Số phiếu không đồng ý"))
    document_number = forms.CharField(
        label=_("Số biên bản, nghị quyết"), required=False, max_length=64
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=1000)


class ProposalForm(VoteForm):
    form = forms.ChoiceField(label=_("Hình thức đề nghị"), choices=RemovalForm.choices)

    field_order = ["form", "date", "votes_eligible", "present", "votes_for", "votes_against"]


class ProgressForm(forms.Form):
    date = DateField(label=_("Ngày chi bộ kết luận"), widget=DATE_WIDGET)
    document_number = forms.CharField(label=_("Số biên bản"), required=False, max_length=64)
    note = forms.CharField(label=_("Nhận xét"), required=False, max_length=1000)


class DecisionForm(forms.Form):
    removed = forms.TypedChoiceField(
        label=_("Quyết định"),
        choices=[("1", _("Đồng ý đưa ra khỏi Đảng")), ("0", _("Không đưa ra khỏi Đảng"))],
        coerce=lambda value: value == "1",
    )
    date = DateField(label=_("Ngày quyết định"), widget=DATE_WIDGET)
    decision_number = forms.CharField(label=_("Số quyết định"), required=False, max_length=64)
    note = forms.CharField(label=_("Lý do"), required=False, max_length=1000)

    def clean_removed(self) -> Any:
        return self.cleaned_data["removed"]
