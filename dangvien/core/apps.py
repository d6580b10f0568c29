from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The first option of every select that may stay empty, instead of Django's "---------".
EMPTY_LABEL = _("— Chọn —")


class CoreConfig(AppConfig):
    name = "dangvien.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangvien.core import subtree

        set_empty_choice_label(EMPTY_LABEL)
        subtree.register()  # <foreign key>__in_subtree=paths


def set_empty_choice_label(label: Any) -> None:
    """One place for the placeholder of every select: the blank choice of model fields
    (``BLANK_CHOICE_DASH``, the list Django's ``get_choices`` takes by default, changed in
    place) and the default ``empty_label`` of ``ModelChoiceField``. django-filter's filters read
    ``FILTERS_EMPTY_CHOICE_LABEL`` (settings), set to the same text."""
    from django import forms
    from django.db.models import fields

    fields.BLANK_CHOICE_DASH[:] = [("", label)]
    defaults = forms.ModelChoiceField.__init__.__kwdefaults__
    if defaults is not None and "empty_label" in defaults:
        defaults["empty_label"] = label
