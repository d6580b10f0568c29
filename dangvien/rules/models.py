from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleSet(models.Model):
    """Every number the regulations fix (ages, months, fractions, working-day limits), with the
    date from which it applies and the documents it comes from. Never edited once used."""

    name = models.CharField(_("tên"), max_length=150)
    effective_from = models.DateField(_("hiệu lực từ"), unique=True)
    source = models.TextField(_("văn bản căn cứ"))
    values = models.JSONField(_("giá trị"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bộ quy định")
        verbose_name_plural = _("bộ quy định")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from:%d/%m/%Y})"

    def value(self, key: str) -> Any:
        """The value of ``key``; a DomainError (in Vietnamese) when this set lacks it."""
        if key not in self.values:
            from dangvien.core.errors import DomainError

            raise DomainError(
                _("Bộ quy định «%(name)s» không có giá trị «%(key)s».")
                % {"name": self.name, "key": key},
                rule=key,
                required=key,
            )
        return self.values[key]

    def int_value(self, key: str) -> int:
        return int(self.value(key))

    def fraction(self, key: str) -> Fraction:
        """A vote fraction stored as text, e.g. "2/3" → Fraction(2, 3)."""
        return Fraction(str(self.value(key)))


class CalendarDay(models.Model):
    """An administrator's correction to the working-day calendar: an extra day off, or a
    weekend day swapped into a working day."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ")
        WORKING_DAY = "working_day", _("Ngày làm việc bù")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("ngày điều chỉnh")
        verbose_name_plural = _("ngày điều chỉnh")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}"
