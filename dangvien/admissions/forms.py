from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvien.admissions.models import Dossier, Step
from dangvien.core import bounds
from dangvien.core.forms import (
    CountField,
    DateField,
    ScopedModelChoiceField,
    ScopedModelMultipleChoiceField,
    set_queryset,
)
from dangvien.core.pickers import use_picker
from dangvien.organisations.models import Organisation
from dangvien.people.models import Person


def _date_field(label: Any, required: bool = True) -> forms.DateField:
    return DateField(label=label, required=required)


def _official_members(user: Any) -> Any:
    from dangvien.people.models import Person

    return (
        Person.objects.visible_to(user)
        .filter(membership__status="official")
        .order_by("full_name_folded", "pk")
    )


class DossierCreateForm(forms.Form):
    """Put a person on a cell's outstanding list (opens a dossier)."""

    person = ScopedModelChoiceField(label=_("Quần chúng"), queryset=Person.objects.none())
    organisation = ScopedModelChoiceField(label=_("Chi bộ"), queryset=Organisation.objects.none())
    date = _date_field(_("Ngày chi bộ đưa vào danh sách"))
    document_number = forms.CharField(
        label=_("Số biên bản, nghị quyết"), required=False, max_length=64
    )
    helpers = ScopedModelMultipleChoiceField(
        label=_("Đảng viên chính thức giúp đỡ"),
        queryset=Person.objects.none(),
        required=False,
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.TextInput())

    def __init__(self, data: Any = None, *, user: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        from dangvien.people.models import Person

        set_queryset(
            self.fields["person"],
            Person.objects.visible_to(user)
            .filter(membership__isnull=True)
            .exclude(dossiers__status="open")
            .order_by("full_name_folded", "pk"),
            user=user,
        )
        set_queryset(
            self.fields["organisation"], Organisation.objects.visible_to(user).cells(), user=user
        )
        set_queryset(self.fields["helpers"], _official_members(user), user=user)
        # typed, never a dropdown of everyone in scope (core.pickers)
        use_picker(self.fields["person"], "candidates")
        use_picker(self.fields["organisation"], "cells")
        use_picker(self.fields["helpers"], "official-members")


class StepForm(forms.Form):
    """Input for one step; the fields shown depend on the stage."""

    date = _date_field(_("Ngày"))
    document_number = forms.CharField(label=_("Số văn bản"), required=False, max_length=64)
    votes_eligible = CountField(label=_("Tổng số có quyền biểu quyết"), required=False)
    votes_for = CountField(label=_("Số tán thành"), required=False)
    votes_against = CountField(label=_("Số không tán thành"), required=False)
    union_committee = forms.CharField(
        label=_("Ban chấp hành đoàn cơ sở/công đoàn cơ sở giới thiệu (nếu có)"),
        required=False,
        max_length=200,
    )
    introducer_1 = ScopedModelChoiceField(
        label=_("Người giới thiệu 1"), queryset=Person.objects.none(), required=False
    )
    months_1 = CountField(
        label=_("Số tháng cùng công tác (người 1)"), max_value=bounds.MONTHS_MAX, required=False
    )
    replacement_1 = forms.BooleanField(
        label=_("Người 1 là người giới thiệu thay thế"), required=False
    )
    introducer_2 = ScopedModelChoiceField(
        label=_("Người giới thiệu 2"), queryset=Person.objects.none(), required=False
    )
    months_2 = CountField(
        label=_("Số tháng cùng công tác (người 2)"), max_value=bounds.MONTHS_MAX, required=False
    )
    replacement_2 = forms.BooleanField(
        label=_("Người 2 là người giới thiệu thay thế"), required=False
    )
    received_on = _date_field(_("Ngày chi bộ nhận quyết định"), required=False)
    helper = ScopedModelChoiceField(
        label=_("Đảng viên giúp đỡ đảng viên dự bị"), queryset=Person.objects.none(), required=False
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.TextInput())

    STAGE_FIELDS: dict[str, tuple[str, ...]] = {
        "introduction": (
            "union_committee",
            "introducer_1",
            "months_1",
            "replacement_1",
            "introducer_2",
            "months_2",
            "replacement_2",
        ),
        "cell_vote": ("votes_for", "votes_against"),
        "grassroots_vote": ("votes_eligible", "votes_for", "votes_against"),
        "decision": ("received_on",),
        "ceremony": ("helper",),
    }
    OPTIONAL = (
        "votes_eligible",
        "votes_for",
        "votes_against",
        "union_committee",
        "introducer_1",
        "months_1",
        "replacement_1",
        "introducer_2",
        "months_2",
        "replacement_2",
        "received_on",
        "helper",
    )

    def __init__(
        self,
        data: Any = None,
        *,
        user: Any,
        stage: str,
        near: Organisation | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        self.stage = stage
        keep = set(self.STAGE_FIELDS.get(stage, ()))
        for name in self.OPTIONAL:
            if name not in keep:
                del self.fields[name]
        members = _official_members(user)
        for name in ("introducer_1", "introducer_2", "helper"):
            if name in self.fields:
                set_queryset(self.fields[name], members, user=user)
                use_picker(self.fields[name], "official-members")
        if stage in ("cell_vote", "grassroots_vote"):
            self.fields["votes_for"].required = True
        if stage == "grassroots_vote":
            self.fields["votes_eligible"].required = True
            self.fields["votes_eligible"].label = _("Tổng số cấp ủy viên")
        if stage == "decision":
            self.fields["document_number"].required = True
            self.fields["date"].label = _("Ngày quyết định")

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs: dict[str, Any] = {
            "date": data["date"],
            "document_number": data.get("document_number") or "",
            "note": data.get("note") or "",
        }
        for name in ("votes_eligible", "votes_for", "votes_against", "received_on", "helper"):
            if name in data:
                kwargs[name] = data[name]
        if self.stage == "introduction":
            kwargs["union_committee"] = data.get("union_committee") or ""
            kwargs["introducers"] = [
                {
                    "person": data[f"introducer_{i}"],
                    "months_together": data.get(f"months_{i}"),
                    "replacement": data.get(f"replacement_{i}", False),
                }
                for i in (1, 2)
                if data.get(f"introducer_{i}") is not None
            ]
        return kwargs


class StepCorrectionForm(forms.Form):
    """Correct a recorded step: the values to change (empty keeps the recorded one) and the
    reason. The service checks the order of dates and, for a vote, the fraction."""

    date = _date_field(_("Ngày đúng"), required=False)
    document_number = forms.CharField(label=_("Số văn bản đúng"), required=False, max_length=64)
    votes_eligible = forms.IntegerField(
        label=_("Tổng số cấp ủy viên đúng"), min_value=1, max_value=999, required=False
    )
    votes_for = forms.IntegerField(
        label=_("Số tán thành đúng"), min_value=0, max_value=999, required=False
    )
    votes_against = forms.IntegerField(
        label=_("Số không tán thành đúng"), min_value=0, max_value=999, required=False
    )
    received_on = _date_field(_("Ngày chi bộ nhận quyết định đúng"), required=False)
    reason = forms.CharField(label=_("Lý do sửa"), max_length=500)

    STAGE_FIELDS: dict[str, tuple[str, ...]] = {
        "cell_vote": ("votes_for", "votes_against"),
        "grassroots_vote": ("votes_eligible", "votes_for", "votes_against"),
        "decision": ("received_on",),
    }

    def __init__(self, data: Any = None, *, stage: str = "", **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        keep = set(self.STAGE_FIELDS.get(stage, ()))
        for name in ("votes_eligible", "votes_for", "votes_against", "received_on"):
            if name not in keep:
                del self.fields[name]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs = {name: value for name, value in data.items() if value not in (None, "")}
        return kwargs


class StepCancelForm(forms.Form):
    reason = forms.CharField(label=_("Lý do hủy"), max_length=500)


class StopForm(forms.Form):
    from dangvien.admissions.choices import StopReason as _StopReason

    reason = forms.ChoiceField(label=_("Lý do dừng"), choices=_StopReason.choices)
    date = _date_field(_("Ngày"))
    note = forms.CharField(label=_("Giải thích"), widget=forms.TextInput())


class ApprovalForm(forms.Form):
    from dangvien.admissions.models import Approval as _Approval

    kind = forms.ChoiceField(label=_("Ngoại lệ"), choices=_Approval.Kind.choices)
    issuing_body = forms.CharField(label=_("Cơ quan cho phép"), max_length=200)
    document_number = forms.CharField(label=_("Số văn bản"), max_length=64)
    date = _date_field(_("Ngày văn bản"))


class ExtensionForm(forms.Form):
    working_days = CountField(
        label=_("Số ngày làm việc gia hạn"), min_value=1, max_value=bounds.WORKING_DAYS_MAX
    )
    document_number = forms.CharField(label=_("Số văn bản gia hạn"), max_length=64)
    date = _date_field(_("Ngày văn bản"))


class HelperForm(forms.Form):
    person = ScopedModelChoiceField(label=_("Đảng viên giúp đỡ"), queryset=Person.objects.none())
    date = _date_field(_("Ngày phân công"))

    def __init__(
        self, data: Any = None, *, user: Any, near: Organisation | None = None, **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        members = _official_members(user)
        set_queryset(self.fields["person"], members, user=user)
        use_picker(self.fields["person"], "official-members")


class AttachmentForm(forms.Form):
    """A scanned signed copy of a printed form, for a step of the dossier (or the dossier)."""

    file = forms.FileField(label=_("Bản scan (PDF, JPEG, PNG)"))
    step = forms.ModelChoiceField(label=_("Bước"), queryset=Step.objects.none(), required=False)
    reference = forms.CharField(label=_("Mã tra cứu trên bản in"), max_length=64, required=False)

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].queryset = Step.objects.filter(dossier=dossier)  # type: ignore[attr-defined]
