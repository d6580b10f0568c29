"""The criteria the admitted are broken down by (Biểu 2-BTCTW and the seed articles).

Each criterion is a ``Q`` over ``members.Membership`` (with the ``age`` annotation of
``annotate_age``). The same Q computes the admitted counters (``members.admitted``: one column
per criterion, ``AdmittedCount``) and lists the people behind a figure on the report's
drill-down page, so a number and its list can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from dangvien.people.choices import GeneralEducation, ProfessionalLevel
from dangvien.people.reference_data import KINH_CODE, OCCUPATIONS


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str | Promise
    group: str
    q: Q


AGE_BANDS: list[tuple[str, str | Promise, int, int | None]] = [
    ("age_18_30", gettext_lazy("Từ 18 đến 30 tuổi"), 0, 30),
    ("age_31_35", gettext_lazy("Từ 31 đến 35 tuổi"), 31, 35),
    ("age_36_40", gettext_lazy("Từ 36 đến 40 tuổi"), 36, 40),
    ("age_41_45", gettext_lazy("Từ 41 đến 45 tuổi"), 41, 45),
    ("age_46_50", gettext_lazy("Từ 46 đến 50 tuổi"), 46, 50),
    ("age_51_55", gettext_lazy("Từ 51 đến 55 tuổi"), 51, 55),
    ("age_56_60", gettext_lazy("Từ 56 đến 60 tuổi"), 56, 60),
    ("age_over_60", gettext_lazy("Trên 60 tuổi"), 61, None),
]


def _age_q(low: int, high: int | None) -> Q:
    q = Q(age__gte=low) if low else Q()
    if high is not None:
        q &= Q(age__lte=high)
    return q


CRITERIA: list[Criterion] = [
    Criterion("women", gettext_lazy("Nữ"), "main", Q(person__sex="female")),
    Criterion(
        "ethnic_minority",
        gettext_lazy("Dân tộc thiểu số"),
        "main",
        ~Q(person__ethnic_group__code=KINH_CODE),
    ),
    Criterion("religious", gettext_lazy("Có tôn giáo"), "main", ~Q(person__religion__code="none")),
    Criterion(
        "youth_union",
        gettext_lazy("Đoàn viên thanh niên"),
        "main",
        Q(person__youth_union_member=True),
    ),
    Criterion("farmers", gettext_lazy("Nông dân"), "main", Q(person__occupation__code="farmer")),
    Criterion("rural", gettext_lazy("Ở nông thôn"), "main", Q(person__residence_area="rural")),
    Criterion(
        "university",
        gettext_lazy("Trình độ đại học trở lên"),
        "main",
        Q(
            person__professional_level__in=[
                ProfessionalLevel.UNIVERSITY,
                ProfessionalLevel.MASTER,
                ProfessionalLevel.DOCTOR,
            ]
        ),
    ),
    *(
        Criterion(f"occupation_{code}", name, "occupation", Q(person__occupation__code=code))
        for code, name in OCCUPATIONS
    ),
    *(Criterion(key, label, "age", _age_q(low, high)) for key, label, low, high in AGE_BANDS),
    *(
        Criterion(f"education_{value}", str(label), "education", Q(person__general_education=value))
        for value, label in GeneralEducation.choices
    ),
    *(
        Criterion(
            f"professional_{value}", str(label), "professional", Q(person__professional_level=value)
        )
        for value, label in ProfessionalLevel.choices
    ),
]

CRITERIA_BY_KEY = {criterion.key: criterion for criterion in CRITERIA}


_QuerySet = TypeVar("_QuerySet", bound=QuerySet[Any])


def annotate_age(queryset: _QuerySet) -> _QuerySet:
    """Add ``age``: full years of the person at the admission decision, computed in SQL."""
    return queryset.annotate(
        _decision_md=ExtractMonth("decision_date") * 100 + ExtractDay("decision_date"),
        _birth_md=ExtractMonth("person__date_of_birth") * 100 + ExtractDay("person__date_of_birth"),
    ).annotate(
        age=ExtractYear("decision_date")
        - ExtractYear("person__date_of_birth")
        - Case(
            When(_decision_md__lt=F("_birth_md"), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
