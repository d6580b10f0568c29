from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvien.imports.models import DuplicateChoice, ImportKind


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
