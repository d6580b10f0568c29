from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvien.audit.models import AuditEvent
from dangvien.core.forms import set_queryset

# audit sits below organisations in the layers (every app writes audit events, organisations
# included), so it reaches the organisation table only through its own foreign key.
Organisation: Any = AuditEvent._meta.get_field("organisation").related_model


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Người thực hiện"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Tổ chức"), queryset=Organisation.objects.none(), required=False
    )
    action = forms.CharField(label=_("Hành động"), required=False)
    date_from = forms.DateField(label=_("Từ ngày"), required=False)
    date_to = forms.DateField(label=_("Đến ngày"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self.fields["organisation"], Organisation.objects.visible_to(user))


def list_events(*, user: Any, filters: dict[str, Any]) -> Any:
    from django.utils import timezone

    events = AuditEvent.objects.visible_to(user).select_related("organisation")
    if filters.get("actor"):
        events = events.filter(actor_name__icontains=filters["actor"])
    if filters.get("organisation"):
        events = events.filter(organisation__path__startswith=filters["organisation"].path)
    if filters.get("action"):
        events = events.filter(action__startswith=filters["action"])
    tz = timezone.get_current_timezone()
    if filters.get("date_from"):
        start = dt.datetime.combine(filters["date_from"], dt.time.min, tzinfo=tz)
        events = events.filter(created_at__gte=start)
    if filters.get("date_to"):
        end = dt.datetime.combine(filters["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        events = events.filter(created_at__lt=end)
    return events


def describe_filters(filters: dict[str, Any]) -> str:
    """The filters as one line of text, for the header of an export and its audit row."""
    parts = []
    labels = {
        "actor": "người thực hiện",
        "organisation": "tổ chức",
        "action": "hành động",
        "date_from": "từ ngày",
        "date_to": "đến ngày",
    }
    for key, label in labels.items():
        value = filters.get(key)
        if value:
            text = value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else str(value)
            parts.append(f"{label}: {text}")
    return "; ".join(parts)
