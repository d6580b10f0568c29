from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.people.choices import (
    GeneralEducation,
    PoliticalTheory,
    ProfessionalLevel,
    ResidenceArea,
    Sex,
)
from dangvien.people.querysets import PersonQuerySet
from dangvien.people.reference_data import KINH_CODE


class EthnicGroup(models.Model):
    """One of the 54 ethnic groups (official code), or 'other' / 'foreign origin'."""

    code = models.CharField(_("mã"), max_length=4, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    name_folded = models.CharField(max_length=100, editable=False, default="")

    class Meta:
        verbose_name = _("dân tộc")
        verbose_name_plural = _("dân tộc")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_minority(self) -> bool:
        return self.code != KINH_CODE


class Religion(models.Model):
    """A religion as counted in Biểu 2B-BTCTW; code 'none' for no religion."""

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    name_folded = models.CharField(max_length=100, editable=False, default="")

    class Meta:
        verbose_name = _("tôn giáo")
        verbose_name_plural = _("tôn giáo")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Occupation(models.Model):
    """An occupation category of Biểu 2-BTCTW."""

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=150)
    name_folded = models.CharField(max_length=150, editable=False, default="")

    class Meta:
        verbose_name = _("nghề nghiệp")
        verbose_name_plural = _("nghề nghiệp")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """Anyone in the registry, member or not, with what the statistics need to count them."""

    full_name = models.CharField(_("họ và tên"), max_length=150)
    full_name_folded = models.CharField(max_length=150, editable=False, db_index=True)
    date_of_birth = models.DateField(_("ngày sinh"))
    sex = models.CharField(_("giới tính"), max_length=8, choices=Sex.choices)
    ethnic_group = models.ForeignKey(
        EthnicGroup, verbose_name=_("dân tộc"), on_delete=models.PROTECT, related_name="+"
    )
    religion = models.ForeignKey(
        Religion, verbose_name=_("tôn giáo"), on_delete=models.PROTECT, related_name="+"
    )
    citizen_id = models.CharField(_("số CCCD"), max_length=12, null=True, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    hometown = models.CharField(_("quê quán"), max_length=255, blank=True)
    residence = models.CharField(_("nơi cư trú"), max_length=255, blank=True)
    residence_area = models.CharField(
        _("khu vực cư trú"),
        max_length=8,
        choices=ResidenceArea.choices,
        default=ResidenceArea.RURAL,
    )
    general_education = models.CharField(
        _("giáo dục phổ thông"),
        max_length=32,
        choices=GeneralEducation.choices,
        default=GeneralEducation.UPPER_SECONDARY,
    )
    professional_level = models.CharField(
        _("trình độ chuyên môn"),
        max_length=32,
        choices=ProfessionalLevel.choices,
        default=ProfessionalLevel.NONE,
    )
    political_theory = models.CharField(
        _("lý luận chính trị"),
        max_length=32,
        choices=PoliticalTheory.choices,
        default=PoliticalTheory.NONE,
    )
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("nghề nghiệp"), on_delete=models.PROTECT, related_name="+"
    )
    youth_union_member = models.BooleanField(_("đoàn viên"), default=False)
    trade_union_member = models.BooleanField(_("công đoàn viên"), default=False)
    is_village_head = models.BooleanField(_("trưởng thôn, bản, tổ dân phố"), default=False)
    is_front_group_head = models.BooleanField(_("trưởng ban công tác Mặt trận"), default=False)
    is_mass_org_head = models.BooleanField(
        _("người đứng đầu tổ chức đoàn thể ở thôn"), default=False
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("tổ chức quản lý"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("người")
        verbose_name_plural = _("người")
        ordering = ["full_name_folded", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen_id"],
                condition=models.Q(citizen_id__isnull=False),
                name="unique_person_citizen_id",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "full_name_folded"]),
            # the few heads of a village, Front group or mass organisation (report coverage)
            models.Index(
                fields=["organisation"],
                condition=(
                    models.Q(is_village_head=True)
                    | models.Q(is_front_group_head=True)
                    | models.Q(is_mass_org_head=True)
                ),
                name="person_heads",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def citizen_id_masked(self) -> str:
        from dangvien.people.masking import mask_citizen_id

        return mask_citizen_id(self.citizen_id)
