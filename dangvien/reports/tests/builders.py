"""Fast builders of report data: bulk-created people and memberships with chosen traits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dangvien.core.text import fold


@dataclass
class Traits:
    """How many of ``count`` admissions have each trait (the first n get it)."""

    count: int
    women: int = 0
    minority: int = 0
    youth: int = 0
    farmers: int = 0
    rural: int = 0
    university: int = 0
    religious: int = 0
    over_30: int = 0


def admit_people(
    cells: list[Any], traits: Traits, *, dates: list[dt.date], tag: str, official: bool = False
) -> list[Any]:
    """Bulk-create ``traits.count`` people and memberships spread over ``cells`` and ``dates``.
    Three queries (reference rows), two bulk inserts."""
    from dangvien.members.models import Membership
    from dangvien.people.models import EthnicGroup, Occupation, Person, Religion

    kinh = EthnicGroup.objects.get(code="01")
    thai = EthnicGroup.objects.get(code="03")
    none = Religion.objects.get(code="none")
    buddhism = Religion.objects.get(code="buddhism")
    farmer = Occupation.objects.get(code="farmer")
    other = Occupation.objects.get(code="other")
    people = []
    memberships = []
    for i in range(traits.count):
        decision = dates[i % len(dates)]
        cell = cells[i % len(cells)]
        name = f"Người {tag} {i:04d}"
        born = dt.date(decision.year - (40 if i < traits.over_30 else 24), 6, 15)
        people.append(
            Person(
                full_name=name,
                full_name_folded=fold(name),
                date_of_birth=born,
                sex="female" if i < traits.women else "male",
                ethnic_group=thai if i < traits.minority else kinh,
                religion=buddhism if i < traits.religious else none,
                occupation=farmer if i < traits.farmers else other,
                youth_union_member=i < traits.youth,
                residence_area="rural" if i < traits.rural else "urban",
                professional_level="university" if i < traits.university else "none",
                organisation=cell,
            )
        )
    people = Person.objects.bulk_create(people)
    for i, person in enumerate(people):
        decision = dates[i % len(dates)]
        cell = cells[i % len(cells)]
        memberships.append(
            Membership(
                person=person,
                organisation=cell,
                admitted_in=cell,
                status="official" if official else "probationary",
                decision_date=decision,
                ceremony_date=decision,
                official_date=(decision + dt.timedelta(days=366)) if official else None,
            )
        )
    from dangvien.core import counters

    created = Membership.objects.bulk_create(memberships)
    counters.count_new("membership", [membership.pk for membership in created])
    return created


def months(year: int, first: int, last: int, day: int = 10) -> list[dt.date]:
    return [dt.date(year, m, day) for m in range(first, last + 1)]


@dataclass
class District:
    district: Any
    communes: list[Any]
    cells: list[Any]


def build_district(parent: Any, *, code: str = "DBD", communes: int = 3) -> District:
    """A district (Điện Biên Đông) with ``communes`` communes of two village cells each."""
    from dangvien.organisations.choices import AreaKind
    from dangvien.organisations.choices import OrganisationKind as K
    from dangvien.organisations.tests.factories import make_organisation

    district = make_organisation(
        parent, code=code, name="Đảng bộ huyện Điện Biên Đông", kind=K.DISTRICT
    )
    names = ["Mường Luân", "Luân Giói", "Pú Nhi", "Pú Hồng", "Na Son", "Xa Dung"]
    commune_rows = []
    cells = []
    for n in range(communes):
        commune = make_organisation(
            district,
            code=f"{code}X{n + 1}",
            name=f"Đảng bộ xã {names[n % len(names)]}",
            kind=K.COMMUNE,
            area_kind=AreaKind.RURAL_COMMUNE,
        )
        commune_rows.append(commune)
        for v in range(2):
            cells.append(
                make_organisation(
                    commune,
                    code=f"{code}X{n + 1}B{v + 1}",
                    name=f"Chi bộ bản {v + 1} {names[n % len(names)]}",
                    kind=K.CELL,
                    area_kind=AreaKind.VILLAGE,
                )
            )
    return District(district, commune_rows, cells)


def build_seed_000(parent: Any, *, actor: Any, code: str = "DBD") -> District:
    """Seed 000's district: target 150 for 2016; 163 admitted Jan–Nov 2015; 265 Jan–Nov 2016
    (77 women, 211 ethnic minority, 188 Youth Union, 146 farmers, 226 rural, 37 university
    against 16 a year earlier); plus 5 admitted in December 2016 (outside the period)."""
    from dangvien.targets.models import Target

    d = build_district(parent, code=code)
    Target.objects.create(organisation=d.district, year=2016, value=150, assigned_by=actor)
    Target.objects.bulk_create(
        [
            Target(organisation=commune, year=2016, value=v, assigned_by=actor)
            for commune, v in zip(d.communes, [40, 60, 60], strict=False)
        ]
    )
    admit_people(
        d.cells,
        Traits(163, women=50, minority=120, youth=100, farmers=90, rural=140, university=16),
        dates=months(2015, 1, 11),
        tag="2015",
        official=True,
    )
    admit_people(
        d.cells,
        Traits(
            265,
            women=77,
            minority=211,
            youth=188,
            farmers=146,
            rural=226,
            university=37,
            religious=12,
            over_30=20,
        ),
        dates=months(2016, 1, 11),
        tag="2016",
    )
    admit_people(d.cells, Traits(5, women=5), dates=[dt.date(2016, 12, 5)], tag="12-2016")
    return d
