"""Input of the grading pages: the period and step of a sheet, and the typed lines."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvien.grading.choices import MemberStep, OrganisationStep, Quarter
from dangvien.grading.periods import MAX_YEAR, MIN_YEAR
from dangvien.grading.services import Entry

YES = {"on", "1", "true", "yes", "có", "x"}


class PeriodForm(forms.Form):
    """Year, quarter (0 = the whole year) and step of a sheet; a bad value is refused."""

    year = forms.IntegerField(label=_("Năm"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    quarter = forms.TypedChoiceField(
        label=_("Kỳ"), choices=Quarter.choices, coerce=int, required=False
    )
    step = forms.ChoiceField(label=_("Bước"), choices=MemberStep.choices)
    note = forms.CharField(label=_("Ghi chú, căn cứ"), max_length=255, required=False)

    def __init__(self, *args: Any, organisations: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations:
            self.fields["step"] = forms.ChoiceField(
                label=_("Bước"), choices=OrganisationStep.choices
            )


def sheet_entries(data: Any, *, keys: set[int]) -> tuple[list[Entry], list[str]]:
    """The typed lines of a sheet POST: ``score_<id>`` (empty: the line is left out) and
    ``disciplined_<id>``. Returns the entries and the ids sent that are not on the sheet
    (the view answers those with 404: an id out of scope or of another cell)."""
    entries: list[Entry] = []
    unknown: list[str] = []
    for name in data:
        if not name.startswith(("score_", "disciplined_")):
            continue
        raw_key = name.split("_", 1)[1]
        if not raw_key.isdigit() or int(raw_key) not in keys:
            unknown.append(raw_key)
            continue
        if name.startswith("disciplined_"):
            continue
        value = str(data.get(name, "")).strip()
        if not value:
            continue
        key = int(raw_key)
        disciplined = str(data.get(f"disciplined_{key}", "")).strip().lower() in YES
        entries.append(Entry(key=key, score=value, disciplined=disciplined))
    entries.sort(key=lambda e: e.key)
    return entries, unknown
