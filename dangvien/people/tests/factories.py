from __future__ import annotations

import datetime as dt

import factory

from dangvien.core.text import fold
from dangvien.people.models import EthnicGroup, Occupation, Person, Religion


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    full_name_folded = factory.LazyAttribute(lambda o: fold(o.full_name))
    date_of_birth = dt.date(1995, 5, 20)
    sex = "male"
    ethnic_group = factory.LazyFunction(lambda: EthnicGroup.objects.get(code="01"))
    religion = factory.LazyFunction(lambda: Religion.objects.get(code="none"))
    occupation = factory.LazyFunction(lambda: Occupation.objects.get(code="farmer"))
    residence_area = "rural"
    general_education = "upper_secondary"
    professional_level = "none"
    political_theory = "none"
    citizen_id = None
