from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvien.core.forms import set_queryset
from dangvien.imports.models import DuplicateChoice, ImportKind
from dangvien.members.choices import MemberStatus
from dangvien.organisations.models import Organisation


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại dữ liệu"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class ChoicesForm(forms.Form):
    """The for-all choice; per-row choices come as ``row-<n>`` fields, read by the view."""

    default_choice = forms.ChoiceField(
        label=_("Với tất cả các dòng trùng"),
        choices=[("", _("— chọn từng dòng —")), *DuplicateChoice.choices],
        required=False,
    )


class MemberExportFilterForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Tổ chức"), queryset=Organisation.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"), choices=[("", _("Tất cả")), *MemberStatus.choices], required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self.fields["organisation"], Organisation.objects.visible_to(user))
