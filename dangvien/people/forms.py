from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvien.core.forms import DateField, ScopedModelChoiceField, set_queryset
from dangvien.organisations.models import Organisation
from dangvien.people.models import EthnicGroup, Occupation, Person, Religion
from dangvien.people.services import PERSON_FIELDS


class PersonForm(forms.ModelForm):  # type: ignore[type-arg,unused-ignore]
    """Input validation only; the service decides and saves."""

    citizen_id = forms.CharField(label=_("Số CCCD"), required=False, max_length=20)

    class Meta:
        model = Person
        fields = list(PERSON_FIELDS)  # the one list, shared with the services and the import
        field_classes = {"organisation": ScopedModelChoiceField, "date_of_birth": DateField}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self.fields["organisation"], Organisation.objects.visible_to(user), user=user)
        set_queryset(self.fields["ethnic_group"], EthnicGroup.objects.all())
        set_queryset(self.fields["religion"], Religion.objects.all())
        set_queryset(self.fields["occupation"], Occupation.objects.all())
        self._hide_sensitive_values(user)

    def _hide_sensitive_values(self, user: Any) -> None:
        """Editing a person must not show the full citizen ID or phone to someone who may
        not reveal them: the fields start empty (masked placeholder) and stay unchanged
        unless a new value is typed."""
        from dangvien.core.scoping import can
        from dangvien.people.masking import mask_citizen_id, mask_phone

        person = self.instance
        if person.pk is None or can(user, "person.reveal_sensitive", person.organisation):
            return
        for name, masked in (
            ("citizen_id", mask_citizen_id(person.citizen_id)),
            ("phone", mask_phone(person.phone)),
        ):
            self.initial[name] = ""
            self.fields[name].widget.attrs["placeholder"] = masked
            if masked:
                self.fields[name].help_text = _("Để trống để giữ nguyên giá trị đang lưu.")

    def _post_clean(self) -> None:
        # Model validation (unique citizen ID…) is the service's job, with its own messages.
        pass


class DuplicateConfirmForm(forms.Form):
    """The «create anyway» confirmation shown with the possible duplicates of a new person."""

    confirm_duplicate = forms.BooleanField(
        label=_("Vẫn tạo mới: tôi đã kiểm tra, đây là một người khác"), required=False
    )
    # How many possible duplicates were shown: a confirmation holds for those only.
    seen_duplicates = forms.IntegerField(
        required=False, min_value=0, max_value=10_000, widget=forms.HiddenInput
    )

    def seen(self) -> int:
        if not self.is_valid():
            return 0
        return int(self.cleaned_data.get("seen_duplicates") or 0)
