"""Input validation only; the services decide and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvien.core import forms as core_forms
from dangvien.core.forms import ScopedModelChoiceField, set_queryset
from dangvien.core.pickers import use_picker
from dangvien.members.choices import (
    CardReason,
    MemberStatus,
    RecognitionStage,
    ResidenceExemption,
    TransferKind,
)
from dangvien.members.models import Membership, RecognitionStep
from dangvien.organisations.models import Organisation
from dangvien.people.models import Person


def _date(label: Any, required: bool = True) -> forms.DateField:
    return core_forms.DateField(label=label, required=required)


class RegisterMemberForm(forms.Form):
    person = ScopedModelChoiceField(label=_("Người"), queryset=Person.objects.none())
    organisation = ScopedModelChoiceField(
        label=_("Chi bộ sinh hoạt"), queryset=Organisation.objects.none()
    )
    decision_date = _date(_("Ngày quyết định kết nạp"))
    decision_number = forms.CharField(
        label=_("Số quyết định kết nạp"), required=False, max_length=64
    )
    ceremony_date = _date(_("Ngày kết nạp (lễ)"), required=False)
    official_date = _date(_("Ngày công nhận chính thức"), required=False)
    card_number = forms.CharField(label=_("Số thẻ đảng"), required=False, max_length=32)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(
            self.fields["person"],
            Person.objects.visible_to(user).filter(membership__isnull=True),
            user=user,
        )
        set_queryset(
            self.fields["organisation"], Organisation.objects.visible_to(user).cells(), user=user
        )
        use_picker(self.fields["person"], "non-members")
        use_picker(self.fields["organisation"], "cells")


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Trạng thái mới"), choices=MemberStatus.choices)
    date = _date(_("Ngày"))
    decision_number = forms.CharField(label=_("Số quyết định"), required=False, max_length=64)
    note = forms.CharField(label=_("Lý do, ghi chú"), required=False)


class HelperForm(forms.Form):
    helper = ScopedModelChoiceField(
        label=_("Đảng viên giúp đỡ"), queryset=Membership.objects.none()
    )
    start_date = _date(_("Ngày phân công"))
    replace_reason = forms.CharField(
        label=_("Lý do thay người (nếu thay)"), required=False, max_length=255
    )

    def __init__(self, *args: Any, membership: Membership, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(
            self.fields["helper"],
            Membership.objects.official_in(membership.organisation)
            .exclude(pk=membership.pk)
            .select_related("person"),
            user=user,
        )


class RecognitionStepForm(forms.Form):
    """One recognition step. The two votes are counted over different wholes: the cell's
    resolution (13-KNĐ) over ALL the cell's official members, the grassroots committee's
    (15-KNĐ) over the committee's members: each has its own fields."""

    stage = forms.ChoiceField(
        label=_("Bước"),
        choices=[c for c in RecognitionStage.choices if c[0] != RecognitionStage.DECISION],
    )
    date = _date(_("Ngày"))
    document_number = forms.CharField(label=_("Số văn bản"), required=False, max_length=64)
    votes_eligible = core_forms.CountField(
        label=_("Tổng số đảng viên chính thức của chi bộ (chỉ với nghị quyết chi bộ 13-KNĐ)"),
        required=False,
        help_text=_("Để trống: tính theo danh sách đảng viên chính thức ngày biểu quyết."),
    )
    votes_for = core_forms.CountField(
        label=_("Số tán thành (chỉ với nghị quyết chi bộ 13-KNĐ)"), required=False
    )
    committee_total = core_forms.CountField(
        label=_("Tổng số cấp ủy viên đảng ủy cơ sở (chỉ với nghị quyết đảng ủy cơ sở 15-KNĐ)"),
        required=False,
    )
    committee_for = core_forms.CountField(
        label=_("Số cấp ủy viên tán thành (chỉ với nghị quyết đảng ủy cơ sở 15-KNĐ)"),
        required=False,
    )
    note = forms.CharField(label=_("Ghi chú"), required=False)

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        total, votes = data.pop("committee_total", None), data.pop("committee_for", None)
        if data["stage"] == RecognitionStage.GRASSROOTS_RESOLUTION:
            data["votes_eligible"], data["votes_for"] = total, votes
        return data


class RecognitionStepCorrectionForm(forms.Form):
    """The right values of a recognition step (empty keeps the recorded one); the total is
    the cell's official members for its resolution, the committee's members for 15-KNĐ."""

    date = _date(_("Ngày đúng"), required=False)
    document_number = forms.CharField(label=_("Số văn bản đúng"), max_length=64, required=False)
    votes_eligible = core_forms.CountField(label=_("Tổng số đúng"), required=False)
    votes_for = core_forms.CountField(label=_("Số tán thành đúng"), required=False)
    reason = forms.CharField(label=_("Lý do sửa"), max_length=500)

    def service_kwargs(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class RecognitionDecisionForm(forms.Form):
    date = _date(_("Ngày quyết định"))
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=64)


class RemovalForm(forms.Form):
    date = _date(_("Ngày quyết định"))
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=64)
    reason = forms.CharField(label=_("Lý do xóa tên"))


class CardForm(forms.Form):
    number = forms.CharField(label=_("Số thẻ đảng"), max_length=32)
    reason = forms.ChoiceField(label=_("Lý do cấp"), choices=CardReason.choices)
    decision_number = forms.CharField(label=_("Số quyết định"), required=False, max_length=64)
    decision_date = _date(_("Ngày quyết định"))


class CardCorrectionForm(forms.Form):
    """The right values of a card recorded by mistake (empty keeps the recorded one)."""

    number = forms.CharField(label=_("Số thẻ đúng"), max_length=32, required=False)
    decision_number = forms.CharField(label=_("Số quyết định đúng"), max_length=64, required=False)
    decision_date = _date(_("Ngày quyết định đúng"), required=False)
    reason = forms.CharField(label=_("Lý do sửa"), max_length=500)

    def service_kwargs(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Lý do hủy"), max_length=500)


class TransferCorrectionForm(forms.Form):
    """The right values of an open transfer (empty keeps the recorded one)."""

    to_organisation = forms.ModelChoiceField(
        label=_("Chi bộ nơi đến đúng"),
        queryset=Organisation.objects.none(),
        to_field_name="code",
        widget=forms.TextInput,
        required=False,
        help_text=_("Mã chi bộ nơi đến."),
    )
    reason_date = _date(_("Ngày có quyết định/thay đổi nơi ở đúng"), required=False)
    started_on = _date(_("Ngày giới thiệu đúng"), required=False)
    letter_number = forms.CharField(
        label=_("Số giấy giới thiệu đúng"), max_length=64, required=False
    )
    reason = forms.CharField(label=_("Lý do sửa"), max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any cell of the tree, as when the transfer was started: the code is the key.
        set_queryset(self.fields["to_organisation"], Organisation.objects.cells())
        self.fields["to_organisation"].error_messages["invalid_choice"] = _(
            "Không có chi bộ nào mang mã này."
        )

    def service_kwargs(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class CardHandOverForm(forms.Form):
    date = _date(_("Ngày trao thẻ"))
    meeting = forms.CharField(label=_("Buổi sinh hoạt chi bộ"), required=False, max_length=255)


class TransferStartForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=TransferKind.choices)
    to_organisation = forms.ModelChoiceField(
        label=_("Chi bộ nơi đến"),
        queryset=Organisation.objects.none(),
        to_field_name="code",
        help_text=_("Gõ tên chi bộ nơi đến (có thể ngoài phạm vi quản lý của bạn)."),
    )
    reason_date = _date(_("Ngày có quyết định hoặc thay đổi nơi cư trú"))
    started_on = _date(_("Ngày giới thiệu chuyển đi"))
    letter_number = forms.CharField(label=_("Số giấy giới thiệu"), required=False, max_length=64)
    note = forms.CharField(label=_("Ghi chú"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any cell of the tree, inside or outside the sender's subtree: the code is the key.
        set_queryset(self.fields["to_organisation"], Organisation.objects.cells())
        use_picker(self.fields["to_organisation"], "cells-anywhere")  # posts the cell's code
        self.fields["to_organisation"].error_messages["invalid_choice"] = _(
            "Không có chi bộ nào mang mã này."
        )


class TransferConfirmForm(forms.Form):
    confirmed_on = _date(_("Ngày tiếp nhận"))


class TransferEndForm(forms.Form):
    date = _date(_("Ngày kết thúc"))


class ResidenceForm(forms.Form):
    introduced_on = _date(_("Ngày giới thiệu"), required=False)
    residence_place = forms.CharField(
        label=_("Nơi cư trú (chi bộ, thôn, tổ dân phố)"), required=False, max_length=255
    )
    exemption = forms.ChoiceField(
        label=_("Miễn"), choices=ResidenceExemption.choices, required=False
    )
    exemption_reason = forms.CharField(label=_("Lý do miễn"), required=False, max_length=255)


class RecognitionAttachmentForm(forms.Form):
    """A scanned signed copy of a printed recognition form, for one of the member's current
    recognition steps (or the membership)."""

    file = forms.FileField(label=_("Bản scan (PDF, JPEG, PNG)"))
    step = forms.ModelChoiceField(
        label=_("Bước"), queryset=RecognitionStep.objects.none(), required=False
    )
    reference = forms.CharField(label=_("Mã tra cứu trên bản in"), max_length=64, required=False)

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].queryset = RecognitionStep.objects.filter(  # type: ignore[attr-defined]
            membership=membership
        )
