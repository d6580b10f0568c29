"""Demo people and members for the demo tree (see ``dangvien.organisations.demo``).

Every cell gets its members and a few non-members (Youth Union members, village heads, heads
of the Front work group, heads of the mass organisations — the people the coverage figures
count), with demographic fields drawn to look like the seed articles: about 80% ethnic
minority in Điện Biên Đông (Thái, H'Mông, Khơ Mú, Lào), mostly Kinh in the provincial bloc.

Speed: the cell secretary's own cell (``DBD-ML-01``) goes through the real services
(``create_person``, ``register_existing_member``), so it has its audit events and
django-auditlog entries. The thousands of other people, memberships and membership events are
inserted with ``bulk_create``: the demo bypasses the services there for speed, and writes one
``core.demo.seeded`` audit event with the counts instead.

This module has no ``seed``: the ``seed_demo`` command calls ``build`` before the apps' seeds.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from dangvien.audit.services import record
from dangvien.core.dates import add_months
from dangvien.core.text import fold
from dangvien.demo.context import PROVINCE_CODE, DemoContext
from dangvien.demo.names import make_full_name
from dangvien.members.choices import MemberStatus
from dangvien.members.models import Membership, MembershipEvent
from dangvien.members.services import register_existing_member
from dangvien.organisations.choices import AreaKind, OrganisationKind
from dangvien.people.choices import (
    GeneralEducation,
    PoliticalTheory,
    ProfessionalLevel,
    ResidenceArea,
    Sex,
)
from dangvien.people.models import EthnicGroup, Occupation, Person, Religion
from dangvien.people.services import create_person

A = AreaKind
KINH, TAY, THAI, MUONG, HMONG, KHMU, LAO = "01", "02", "03", "06", "08", "29", "37"
SERVICE_CELL = "DBD-ML-01"

# Share of H'Mông among a commune's minorities (the rest mostly Thái), by commune code suffix.
HMONG_SHARE = {
    "ML": 0.25, "LG": 0.3, "PN": 0.7, "PH": 0.75, "NS": 0.4, "XD": 0.6, "PNH": 0.7, "CS": 0.3,
    "KL": 0.5, "HL": 0.85, "NU": 0.35,
}  # fmt: skip

BLOC_PLACES = [
    "phường Him Lam, thành phố Điện Biên Phủ",
    "phường Tân Thanh, thành phố Điện Biên Phủ",
    "phường Mường Thanh, thành phố Điện Biên Phủ",
    "phường Noong Bua, thành phố Điện Biên Phủ",
    "phường Nam Thanh, thành phố Điện Biên Phủ",
    "xã Thanh Xương, huyện Điện Biên",
    "xã Thanh Nưa, huyện Điện Biên",
]
HOMETOWNS = [
    "tỉnh Thái Bình", "tỉnh Nam Định", "tỉnh Hưng Yên", "tỉnh Thanh Hóa", "tỉnh Nghệ An",
    "tỉnh Phú Thọ", "tỉnh Hải Dương", "tỉnh Sơn La", "tỉnh Điện Biên", "tỉnh Điện Biên",
    "tỉnh Điện Biên", "thành phố Hà Nội",
]  # fmt: skip


@dataclass
class _Profile:
    """How the people of one kind of cell are drawn."""

    ethnic: list[tuple[str, float]]
    members: tuple[int, int]
    non_members: tuple[int, int]
    female: float
    occupations: list[tuple[str, float]]
    urban: bool
    educated: bool


def _village_profile(hmong: float) -> _Profile:
    minority = 0.84
    return _Profile(
        ethnic=[
            (KINH, 1 - minority),
            (HMONG, minority * hmong),
            (THAI, minority * (1 - hmong) * 0.8),
            (KHMU, minority * (1 - hmong) * 0.15),
            (LAO, minority * (1 - hmong) * 0.05),
        ],
        members=(9, 22),
        non_members=(5, 9),
        female=0.33,
        occupations=[("farmer", 0.8), ("village_part_timer", 0.12), ("other", 0.08)],
        urban=False,
        educated=False,
    )


def _commune_unit_profile(area: str) -> _Profile:
    occupation: list[tuple[str, float]] = {
        A.ARMED_FORCES.value: [("army", 0.5), ("police", 0.5)],
        A.SCHOOL.value: [("public_employee", 1.0)],
    }.get(area, [("commune_official", 1.0)])
    return _Profile(
        ethnic=[(KINH, 0.4), (THAI, 0.35), (HMONG, 0.2), (KHMU, 0.05)],
        members=(6, 14),
        non_members=(1, 3),
        female=0.6 if area == A.SCHOOL else 0.3,
        occupations=occupation,
        urban=False,
        educated=True,
    )


def _bloc_profile(area: str) -> _Profile:
    occupation: list[tuple[str, float]] = {
        A.AGENCY.value: [("state_civil_servant", 0.8), ("party_civil_servant", 0.2)],
        A.PUBLIC_UNIT.value: [("public_employee", 1.0)],
        A.ENTERPRISE.value: [
            ("enterprise_manager", 0.2),
            ("enterprise_office", 0.45),
            ("enterprise_worker", 0.35),
        ],
    }.get(area, [("other", 1.0)])
    return _Profile(
        ethnic=[
            (KINH, 0.68),
            (THAI, 0.22),
            (HMONG, 0.04),
            (TAY, 0.02),
            (MUONG, 0.02),
            (KHMU, 0.02),
        ],
        members=(8, 20),
        non_members=(1, 4),
        female=0.46,
        occupations=occupation,
        urban=True,
        educated=True,
    )


def _pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


class _Builder:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.ethnic = {e.code: e for e in EthnicGroup.objects.all()}
        self.religion = {r.code: r for r in Religion.objects.all()}
        self.occupation = {o.code: o for o in Occupation.objects.all()}
        self.citizen_ids: set[str] = set()
        self.card_serial = 0
        self.commune_names = {
            o.code: o.name.removeprefix("Đảng bộ xã ")
            for o in ctx.organisations.values()
            if o.kind == OrganisationKind.COMMUNE
        }

    def citizen_id(self, born: dt.date, sex: str) -> str | None:
        if self.rng.random() < 0.15:
            return None
        century = 0 if born.year < 2000 else 2
        digit = century + (1 if sex == Sex.FEMALE else 0)
        while True:
            value = f"011{digit}{born.year % 100:02d}{self.rng.randint(0, 999_999):06d}"
            if value not in self.citizen_ids:
                self.citizen_ids.add(value)
                return value

    def profile(self, cell: Any) -> _Profile:
        if cell.code.startswith("DBD-"):
            commune_suffix = cell.code.split("-")[1]
            if cell.area_kind == A.VILLAGE:
                return _village_profile(HMONG_SHARE.get(commune_suffix, 0.5))
            return _commune_unit_profile(cell.area_kind)
        return _bloc_profile(cell.area_kind)

    def places(self, cell: Any) -> tuple[str, str]:
        """(residence, hometown) for someone of this cell."""
        if cell.code.startswith("DBD-"):
            commune = self.commune_names.get("-".join(cell.code.split("-")[:2]), "")
            place = f"xã {commune}, huyện Điện Biên Đông, tỉnh Điện Biên"
            if cell.area_kind == A.VILLAGE:
                village = cell.name.removeprefix("Chi bộ bản ")
                return f"bản {village}, {place}", place
            return place, place if self.rng.random() < 0.6 else self.rng.choice(HOMETOWNS)
        return (
            f"{self.rng.choice(BLOC_PLACES)}, tỉnh Điện Biên",
            self.rng.choice(HOMETOWNS),
        )

    def person_fields(
        self, cell: Any, profile: _Profile, *, member: bool, young: bool = False
    ) -> dict[str, Any]:
        rng, today = self.rng, self.ctx.today
        sex = Sex.FEMALE if rng.random() < profile.female else Sex.MALE
        ethnic_code = _pick(rng, profile.ethnic)
        if young:
            born = _between(rng, dt.date(today.year - 30, 1, 1), dt.date(today.year - 17, 1, 1))
        elif member:
            born = _between(rng, dt.date(1955, 1, 1), dt.date(today.year - 22, 1, 1))
        else:
            born = _between(rng, dt.date(1965, 1, 1), dt.date(today.year - 18, 1, 1))
        age = today.year - born.year
        if ethnic_code == HMONG and rng.random() < 0.25:
            religion = "protestantism"
        elif ethnic_code == KINH and rng.random() < 0.04:
            religion = rng.choice(["buddhism", "catholicism"])
        else:
            religion = "none"
        if profile.educated:
            education: str = GeneralEducation.UPPER_SECONDARY
            professional = _pick(
                rng,
                [
                    (ProfessionalLevel.UNIVERSITY, 0.6),
                    (ProfessionalLevel.COLLEGE, 0.12),
                    (ProfessionalLevel.INTERMEDIATE, 0.15),
                    (ProfessionalLevel.MASTER, 0.1),
                    (ProfessionalLevel.DOCTOR, 0.01),
                    (ProfessionalLevel.NONE, 0.02),
                ],
            )
        else:
            education = _pick(
                rng,
                [
                    (GeneralEducation.LITERATE, 0.05),
                    (GeneralEducation.PRIMARY, 0.15),
                    (GeneralEducation.LOWER_SECONDARY, 0.4),
                    (GeneralEducation.UPPER_SECONDARY, 0.4),
                ],
            )
            professional = _pick(
                rng,
                [
                    (ProfessionalLevel.NONE, 0.7),
                    (ProfessionalLevel.ELEMENTARY, 0.15),
                    (ProfessionalLevel.INTERMEDIATE, 0.1),
                    (ProfessionalLevel.UNIVERSITY, 0.05),
                ],
            )
        if member:
            theory = _pick(
                rng,
                [
                    (PoliticalTheory.ELEMENTARY, 0.55),
                    (PoliticalTheory.INTERMEDIATE, 0.3 if profile.educated else 0.08),
                    (PoliticalTheory.ADVANCED, 0.08 if profile.educated else 0.0),
                    (PoliticalTheory.NONE, 0.1),
                ],
            )
        else:
            theory = PoliticalTheory.NONE
        occupation = _pick(rng, profile.occupations)
        if young and not profile.educated and rng.random() < 0.25:
            occupation = "pupil" if age < 19 else "university_student"
        residence, hometown = self.places(cell)
        phone = ""
        if rng.random() < 0.7:
            phone = f"0{rng.choice('3589')}{rng.randint(0, 99_999_999):08d}"
        return {
            "full_name": make_full_name(rng, ethnic_code=ethnic_code, sex=sex),
            "date_of_birth": born,
            "sex": sex,
            "ethnic_group": self.ethnic[ethnic_code],
            "religion": self.religion[religion],
            "citizen_id": self.citizen_id(born, sex),
            "phone": phone,
            "hometown": hometown,
            "residence": residence,
            "residence_area": ResidenceArea.URBAN if profile.urban else ResidenceArea.RURAL,
            "general_education": education,
            "professional_level": professional,
            "political_theory": theory,
            "occupation": self.occupation[occupation],
            "youth_union_member": age <= 30 and rng.random() < 0.75,
            "trade_union_member": profile.educated and rng.random() < 0.9,
            "organisation": cell,
        }

    def membership_fields(self, born: dt.date) -> dict[str, Any]:
        """Admission facts: admitted between 19 and 45, at least a month before today."""
        rng, today = self.rng, self.ctx.today
        earliest = max(dt.date(born.year + 19, born.month, 1), dt.date(1975, 1, 1))
        latest = min(dt.date(born.year + 45, 1, 1), today - dt.timedelta(days=45))
        decision = _between(rng, earliest, max(earliest, latest))
        if decision.year in (2015, 2016) and decision.month == 12:
            # seed 000 counts "to the end of November": no December in those two years
            decision = decision.replace(day=min(decision.day, 30), month=11)
        ceremony = min(decision + dt.timedelta(days=rng.randint(3, 25)), today)
        official = add_months(ceremony, 12) + dt.timedelta(days=rng.randint(0, 40))
        fields: dict[str, Any] = {
            "decision_date": decision,
            "decision_number": f"{rng.randint(10, 999)}-QĐ/ĐU",
            "ceremony_date": ceremony,
            "official_date": official if official <= today else None,
        }
        if fields["official_date"]:
            self.card_serial += 1
            fields["card_number"] = f"{11_000_000 + self.card_serial:08d}"
        return fields


def _village_roles(rng: random.Random, fields: list[dict[str, Any]], members: int) -> None:
    """Give a village its head, Front group head and mass organisation heads; most of them
    are members (the coverage figures count how many)."""
    for flag, member_share in (
        ("is_village_head", 0.75),
        ("is_front_group_head", 0.6),
        ("is_mass_org_head", 0.5),
        ("is_mass_org_head", 0.5),
        ("is_mass_org_head", 0.4),
    ):
        pool = range(members) if rng.random() < member_share else range(members, len(fields))
        candidates = [i for i in pool if not any(fields[i][f] for f in _FLAGS)]
        if candidates:
            fields[rng.choice(candidates)][flag] = True


_FLAGS = ("is_village_head", "is_front_group_head", "is_mass_org_head")


def build(ctx: DemoContext) -> None:
    """Create the demo people and members; fill ``ctx.people`` and ``ctx.members``."""
    builder = _Builder(ctx)
    rng = ctx.rng
    planned: list[tuple[Any, dict[str, Any], dict[str, Any] | None]] = []
    for cell in ctx.cells:
        profile = builder.profile(cell)
        low, high = profile.members
        if ctx.small:
            low, high = 3, 5
        members = rng.randint(low, high)
        non_members = rng.randint(*profile.non_members) if not ctx.small else 2
        fields = [builder.person_fields(cell, profile, member=True) for _ in range(members)]
        fields += [
            builder.person_fields(cell, profile, member=False, young=rng.random() < 0.6)
            for _ in range(non_members)
        ]
        for row in fields:
            for flag in _FLAGS:
                row[flag] = False
        if cell.area_kind == A.VILLAGE:
            _village_roles(rng, fields, members)
        for index, row in enumerate(fields):
            admission = builder.membership_fields(row["date_of_birth"]) if index < members else None
            planned.append((cell, row, admission))

    # The cell secretary's cell goes through the services, with their audit events.
    for cell, row, membership_fields in planned:
        if cell.code != SERVICE_CELL:
            continue
        # generated names may repeat with a birth date: they are different people by design
        person = create_person(actor=ctx.actor, confirm_duplicate=True, **row)
        ctx.people.append(person)
        if membership_fields:
            ctx.members.append(
                register_existing_member(
                    person=person,
                    organisation=cell,
                    actor=ctx.actor,
                    probation_months=12,
                    **membership_fields,
                )
            )

    # Everyone else in bulk.
    bulk = [(cell, row, m) for cell, row, m in planned if cell.code != SERVICE_CELL]
    people = [Person(full_name_folded=fold(row["full_name"]), **row) for _, row, _ in bulk]
    people = Person.objects.bulk_create(people, batch_size=1000)
    ctx.people.extend(people)
    memberships: list[Membership] = []
    for person, (cell, _row, m) in zip(people, bulk, strict=True):
        if m is None:
            continue
        start = m["ceremony_date"] or m["decision_date"]
        memberships.append(
            Membership(
                person=person,
                organisation=cell,
                admitted_in=cell,
                status=MemberStatus.OFFICIAL if m["official_date"] else MemberStatus.PROBATIONARY,
                decision_date=m["decision_date"],
                decision_number=m["decision_number"],
                ceremony_date=m["ceremony_date"],
                probation_end=add_months(start, 12),
                official_date=m["official_date"],
                card_number=m.get("card_number"),
            )
        )
    memberships = Membership.objects.bulk_create(memberships, batch_size=1000)
    ctx.members.extend(memberships)
    events: list[MembershipEvent] = []
    for membership in memberships:
        events.append(
            MembershipEvent(
                membership=membership,
                status=MemberStatus.PROBATIONARY,
                organisation=membership.organisation,
                date=membership.ceremony_date or membership.decision_date,
                decision_number=membership.decision_number,
                actor=ctx.actor,
                note="Nhập đảng viên hiện có",
            )
        )
        if membership.official_date:
            events.append(
                MembershipEvent(
                    membership=membership,
                    status=MemberStatus.OFFICIAL,
                    organisation=membership.organisation,
                    date=membership.official_date,
                    actor=ctx.actor,
                )
            )
    MembershipEvent.objects.bulk_create(events, batch_size=2000)
    record(
        actor=ctx.actor,
        action="core.demo.seeded",
        organisation=ctx.organisations[PROVINCE_CODE],
        data={
            "organisations": len(ctx.organisations),
            "people": len(ctx.people),
            "members": len(ctx.members),
            "membership_events": len(events),
            "bulk": True,
        },
    )
    ctx.log(f"  Người: {len(ctx.people)} (đảng viên: {len(ctx.members)})")
