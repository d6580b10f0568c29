from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvien.core import bounds
from dangvien.core.forms import CountField
from dangvien.targets.models import Target

if TYPE_CHECKING:
    from dangvien.organisations.models import Organisation


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


class AllocationForm(forms.Form):
    """The whole allocation of a year: one field per child (``org-<id>``), blank = no target."""

    note = forms.CharField(label=_("Căn cứ giao (số nghị quyết…)"), max_length=255, required=False)

    def __init__(self, *args: Any, children: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.children = children
        for child in children:
            self.fields[f"org-{child.pk}"] = CountField(
                label=child.name,
                required=False,
                max_value=bounds.TARGET_MAX,
                error_messages={
                    "min_value": _("Chỉ tiêu phải là số không âm."),
                    "invalid": _("Chỉ tiêu phải là số nguyên."),
                },
            )

    def values(self) -> dict[int, int | None]:
        return {child.pk: self.cleaned_data.get(f"org-{child.pk}") for child in self.children}


class AllocationUploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel chỉ tiêu (.xlsx)"))
    note = forms.CharField(label=_("Căn cứ giao (số nghị quyết…)"), max_length=255, required=False)
