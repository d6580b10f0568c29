from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.training.querysets import TrainingClassQuerySet


class TrainingClass(models.Model):
    """An awareness class (for outstanding people) or a new-member class (for probationers)."""

    class Kind(models.TextChoices):
        AWARENESS = "awareness", _("Lớp bồi dưỡng nhận thức về Đảng")
        NEW_MEMBER = "new_member", _("Lớp bồi dưỡng đảng viên mới")

    kind = models.CharField(_("loại lớp"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("tên lớp"), max_length=200)
    organiser = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("đơn vị tổ chức"),
        on_delete=models.PROTECT,
        related_name="training_classes",
    )
    start_date = models.DateField(_("ngày khai giảng"))
    end_date = models.DateField(_("ngày bế giảng"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrainingClassQuerySet.as_manager()

    class Meta:
        verbose_name = _("lớp bồi dưỡng")
        verbose_name_plural = _("lớp bồi dưỡng")
        ordering = ["-start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="training_class_dates",
            ),
            # One class per organiser, kind, name and opening day: a repeated create is refused.
            models.UniqueConstraint(
                fields=["organiser", "kind", "name", "start_date"], name="unique_training_class"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    """A person in a class; the certificate once they finish."""

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.PROTECT, related_name="enrolments"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="enrolments")
    completed = models.BooleanField(_("hoàn thành"), default=False)
    certificate_number = models.CharField(_("số giấy chứng nhận"), max_length=64, blank=True)
    certificate_date = models.DateField(_("ngày cấp"), null=True, blank=True)

    class Meta:
        verbose_name = _("học viên")
        verbose_name_plural = _("học viên")
        constraints = [
            models.UniqueConstraint(fields=["training_class", "person"], name="unique_enrolment")
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.training_class}"
