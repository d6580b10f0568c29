from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvien.admissions.choices import DossierStatus, Stage
from dangvien.core.forms import set_queryset
from dangvien.organisations.models import Organisation

DEADLINE_CHOICES = [
    ("", _("Mọi hạn")),
    ("overdue", _("Quá hạn")),
    ("due_soon", _("Sắp đến hạn")),
]


class DossierFilterForm(forms.Form):
    """The list page's filters; ``cleaned_data`` is what ``selectors.list_dossiers`` takes."""

    q = forms.CharField(label=_("Họ tên"), required=False)
    stage = forms.ChoiceField(
        label=_("Bước"), choices=[("", _("Mọi bước")), *Stage.choices], required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Tổ chức"), queryset=Organisation.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        choices=[("", _("Mọi trạng thái")), *DossierStatus.choices],
        required=False,
    )
    deadline = forms.ChoiceField(label=_("Thời hạn"), choices=DEADLINE_CHOICES, required=False)

    def __init__(self, data: Any = None, *, user: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        set_queryset(self.fields["organisation"], Organisation.objects.visible_to(user))
