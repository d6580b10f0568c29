"""The seeds' years in the demo, before the 2025 reorganisation (run on the old tree).

Seed 000 (full demo only): Đảng bộ huyện Điện Biên Đông's 2016, "kết nạp 265 đảng viên, đạt
176,7% kế hoạch … tăng 62,6% so với cùng kỳ năm 2015": the district's target of 150 for 2016
and, on top of the members drawn by ``demo.people``, as many members admitted in January to
November 2015 and 2016 as make 163 and 265 (the village cells of its communes), their traits
dealt so that the article's breakdowns come out (77 women, 211 ethnic minority, 188 Youth Union
members, 146 farmers, 226 rural, 37 with a university degree against 16 in 2015).

Seed 001 (full demo only): the provincial bloc's 2021, "đã kết nạp được 187 đảng viên, nâng tổng
số toàn Đảng bộ Khối lên 5.100 đảng viên": members admitted in 2021 up to 187, then members
admitted between 1990 and 2020 up to 5.100 members at the end of 2021 (the report's membership
figure), in the bloc's cells.

Both count what ``demo.people`` drew first (as the report counts), so the figures hold whatever
the draws (``dangvien/demo/tests/test_reorganisation.py`` checks them with the report); their own
random generators keep the other builders' draws unchanged.

Seed 004's year: Đảng bộ huyện Tủa Chùa in 2023.

"Toàn Đảng bộ huyện kết nạp 210/200 đảng viên, đạt 105% … Có 20 cấp ủy cơ sở hoàn thành và
hoàn thành vượt mức chỉ tiêu Ban Thường vụ Huyện ủy giao." The district has 24 grassroots
organisations (12 commune committees, each with two village cells, and 12 grassroots cells of
agencies and schools); the district committee gave them 200 admissions for 2023 (eight of 8, …);
210 people were admitted, and 20 of the 24 met or passed their target.

The tree goes through ``create_organisation`` (audited), the targets through ``set_target``,
the 210 people and memberships in bulk with one audit event. Its own random generator, so the
other builders' draws do not change. Runs once: it stops when the district exists.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

DISTRICT_CODE = "TCH"
SERVICE_CELL = "DBD-ML-01"  # the cell secretary's cell: its people go through the services
YEAR = 2023
COMMUNES = [
    "Sính Phình",
    "Tả Phìn",
    "Tả Sìn Thàng",
    "Lao Xả Phình",
    "Tủa Thàng",
    "Huổi Só",
    "Xá Nhè",
    "Mường Đun",
    "Mường Báng",
    "Trung Thu",
    "Sín Chải",
    "Thị trấn Tủa Chùa",
]
UNITS = [
    "Cơ quan Huyện ủy",
    "Cơ quan Ủy ban nhân dân huyện",
    "Cơ quan Mặt trận và các đoàn thể huyện",
    "Công an huyện",
    "Ban Chỉ huy Quân sự huyện",
    "Trường Trung học phổ thông Tủa Chùa",
    "Trường Phổ thông Dân tộc nội trú huyện",
    "Trung tâm Y tế huyện",
    "Tòa án nhân dân huyện",
    "Viện Kiểm sát nhân dân huyện",
    "Chi cục Thuế khu vực",
    "Ngân hàng Chính sách xã hội huyện",
]


def plan() -> list[tuple[int, int]]:
    """(target, admitted) of the 24 grassroots organisations: targets sum to 200, admissions
    to 210, 20 meet or pass their target and 4 do not."""
    targets = [8] * 16 + [9] * 8
    admitted = [10] * 13 + [8] * 3 + [9] * 4 + [5] * 4
    return list(zip(targets, admitted, strict=True))


def seed(ctx: Any) -> None:
    from dangvien.organisations.models import Organisation

    province = getattr(ctx, "organisations", {}).get("DB") if ctx is not None else None
    if province is None or getattr(ctx, "actor", None) is None:
        return
    if Organisation.objects.filter(code=DISTRICT_CODE).exists():
        return
    if not getattr(ctx, "small", False) and "DBD" in ctx.organisations:
        _seed_000(ctx)
        ctx.log("history: seed 000's 2015–2016 in Đảng bộ huyện Điện Biên Đông (265, 150, 163)")
    if not getattr(ctx, "small", False) and "KCQ" in ctx.organisations:
        _seed_001(ctx)
        ctx.log("history: seed 001's 2021 in Đảng bộ Khối (187 kết nạp, 5.100 đảng viên)")
    _build(ctx, province)
    ctx.log("history: seed 004's 2023 in Đảng bộ huyện Tủa Chùa (210/200, 20 cấp ủy cơ sở)")


def _build(ctx: Any, province: Any) -> None:
    from dangvien.audit.services import record
    from dangvien.organisations.choices import AreaKind as A
    from dangvien.organisations.choices import OrganisationKind as K
    from dangvien.organisations.services import create_organisation
    from dangvien.targets.services import set_target

    actor = ctx.actor
    district = create_organisation(
        parent=province,
        code=DISTRICT_CODE,
        name="Đảng bộ huyện Tủa Chùa",
        kind=K.DISTRICT,
        actor=actor,
        disadvantaged_area=True,
    )
    units: list[tuple[Any, list[Any]]] = []
    for number, name in enumerate(COMMUNES, start=1):
        code = f"{DISTRICT_CODE}-X{number:02d}"
        commune = create_organisation(
            parent=district,
            code=code,
            name=f"Đảng bộ xã {name}" if not name.startswith("Thị trấn") else f"Đảng bộ {name}",
            kind=K.GRASSROOTS_COMMITTEE,
            area_kind=A.RURAL_COMMUNE,
            disadvantaged_area=True,
            actor=actor,
        )
        cells = [
            create_organisation(
                parent=commune,
                code=f"{code}-{cell:02d}",
                name=f"Chi bộ bản {cell} {name}",
                kind=K.CELL,
                area_kind=A.VILLAGE,
                disadvantaged_area=True,
                actor=actor,
            )
            for cell in (1, 2)
        ]
        units.append((commune, cells))
    for number, name in enumerate(UNITS, start=1):
        cell = create_organisation(
            parent=district,
            code=f"{DISTRICT_CODE}-C{number:02d}",
            name=f"Chi bộ {name}",
            kind=K.GRASSROOTS_CELL,
            area_kind=A.AGENCY,
            actor=actor,
        )
        units.append((cell, [cell]))
    set_target(district, year=YEAR, value=200, actor=actor, note="Nghị quyết Ban Thường vụ Tỉnh ủy")
    rng = random.Random(4)
    admissions: list[tuple[Any, dt.date]] = []
    for (unit, cells), (target, admitted) in zip(units, plan(), strict=True):
        set_target(unit, year=YEAR, value=target, actor=actor, note="Ban Thường vụ Huyện ủy giao")
        for i in range(admitted):
            day = dt.date(YEAR, rng.randint(1, 12), rng.randint(1, 28))
            admissions.append((cells[i % len(cells)], day))
    _admit(ctx, admissions, rng)
    record(
        actor=actor,
        action="core.demo.history_seeded",
        organisation=district,
        data={"note": "Kết nạp năm 2023 (bài số 004)", "admitted": len(admissions)},
    )


# seed 000: (year, admitted in January–November); the district's 2016 target
SEED_000 = {2015: 163, 2016: 265}
SEED_000_TARGET = 150
# seed 000's breakdowns: "nữ có 77 người, dân tộc 211 người, đoàn viên có 188 người, nông dân
# có 146 người … ở nông thôn chiếm 85,3% … trình độ đại học chiếm 231,3%" (2015: as in
# reports/tests/builders.build_seed_000)
SEED_000_TRAITS = {
    2015: {
        "women": 50,
        "minority": 120,
        "youth": 100,
        "farmer": 90,
        "rural": 140,
        "university": 16,
    },
    2016: {
        "women": 77,
        "minority": 211,
        "youth": 188,
        "farmer": 146,
        "rural": 226,
        "university": 37,
    },
}
UNIVERSITY = ("university", "master", "doctor")
# seed 001: admitted in 2021 and members at the end of 2021
SEED_001_YEAR, SEED_001_ADMITTED, SEED_001_MEMBERS = 2021, 187, 5100
BLOC_ETHNIC = ["01", "01", "01", "01", "01", "01", "03", "03", "08"]  # mostly Kinh, Thái


def _admitted(organisation: Any, year: int) -> int:
    from dangvien.members.models import Membership

    return Membership.objects.filter(
        admitted_in__path__startswith=organisation.path, decision_date__year=year
    ).count()


def _traits_admitted(organisation: Any, year: int) -> dict[str, int]:
    """The admitted of January–November ``year`` under ``organisation`` and their traits, as
    the report's breakdowns count them."""
    from django.db.models import Count, Q

    from dangvien.members.models import Membership

    return Membership.objects.filter(
        admitted_in__path__startswith=organisation.path,
        decision_date__range=(dt.date(year, 1, 1), dt.date(year, 11, 30)),
    ).aggregate(
        total=Count("pk"),
        women=Count("pk", filter=Q(person__sex="female")),
        minority=Count("pk", filter=~Q(person__ethnic_group__code="01")),
        youth=Count("pk", filter=Q(person__youth_union_member=True)),
        farmer=Count("pk", filter=Q(person__occupation__code="farmer")),
        rural=Count("pk", filter=Q(person__residence_area="rural")),
        university=Count("pk", filter=Q(person__professional_level__in=UNIVERSITY)),
    )


def _deal_traits(
    rng: random.Random, count: int, wanted: dict[str, int], found: dict[str, int]
) -> list[dict[str, bool]]:
    """For ``count`` new people, which of them have each trait so that the year's totals are
    ``wanted`` (as far as the people already drawn allow)."""
    people: list[dict[str, bool]] = [{} for _ in range(count)]
    for trait, total in wanted.items():
        chosen = set(rng.sample(range(count), min(count, max(0, total - found[trait]))))
        for index, person in enumerate(people):
            person[trait] = index in chosen
    return people


def _seed_000(ctx: Any) -> None:
    from dangvien.audit.services import record
    from dangvien.targets.services import set_target

    district = ctx.organisations["DBD"]
    set_target(
        district,
        year=2016,
        value=SEED_000_TARGET,
        actor=ctx.actor,
        note="Nghị quyết Huyện ủy Điện Biên Đông năm 2016 (bài số 000)",
    )
    cells = [
        c
        for c in ctx.cells
        if c.path.startswith(district.path) and c.area_kind == "village" and c.code != SERVICE_CELL
    ]
    rng = random.Random(0)
    admissions: list[tuple[Any, dt.date]] = []
    traits: list[dict[str, bool]] = []
    for year, wanted in SEED_000.items():
        found = _traits_admitted(district, year)
        added = [
            (rng.choice(cells), dt.date(year, rng.randint(1, 11), rng.randint(1, 28)))
            for _ in range(max(0, wanted - found["total"]))
        ]
        admissions += added
        traits += _deal_traits(rng, len(added), SEED_000_TRAITS[year], found)
    _admit(ctx, admissions, rng, traits=traits)
    record(
        actor=ctx.actor,
        action="core.demo.history_seeded",
        organisation=district,
        data={"note": "Kết nạp năm 2015–2016 (bài số 000)", "admitted": len(admissions)},
    )


def _seed_001(ctx: Any) -> None:
    from dangvien.audit.services import record
    from dangvien.members.models import Membership

    bloc = ctx.organisations["KCQ"]
    cells = [c for c in ctx.cells if c.path.startswith(bloc.path)]
    rng = random.Random(1)
    admissions = []
    for _ in range(max(0, SEED_001_ADMITTED - _admitted(bloc, SEED_001_YEAR))):
        day = dt.date(SEED_001_YEAR, rng.randint(1, 11), rng.randint(1, 28))
        admissions.append((rng.choice(cells), day))
    _admit(ctx, admissions, rng, ethnic=BLOC_ETHNIC)
    # the members at the end of the year, as the report counts them: nobody has left the demo's
    # cells yet, so every membership decided by then (``demo`` may not import ``reports``)
    members = Membership.objects.filter(
        organisation__path__startswith=bloc.path,
        decision_date__lte=dt.date(SEED_001_YEAR, 12, 31),
    ).count()
    earlier = []
    for _ in range(max(0, SEED_001_MEMBERS - members)):
        day = dt.date(rng.randint(1990, SEED_001_YEAR - 1), rng.randint(1, 12), rng.randint(1, 28))
        earlier.append((rng.choice(cells), day))
    _admit(ctx, earlier, rng, ethnic=BLOC_ETHNIC)
    record(
        actor=ctx.actor,
        action="core.demo.history_seeded",
        organisation=bloc,
        data={
            "note": "Kết nạp năm 2021 và đảng viên cuối năm 2021 (bài số 001)",
            "admitted": len(admissions) + len(earlier),
        },
    )


def _admit(
    ctx: Any,
    admissions: list[tuple[Any, dt.date]],
    rng: random.Random,
    *,
    ethnic: list[str] | None = None,
    traits: list[dict[str, bool]] | None = None,
) -> None:
    """People and memberships in bulk, with their admission and recognition events;
    ``traits`` (one per admission) fixes who is a woman, of an ethnic minority, a Youth Union
    member, a farmer, rural, with a university degree."""
    from dangvien.core.dates import add_months
    from dangvien.core.text import fold
    from dangvien.demo.names import make_full_name
    from dangvien.members.choices import MemberStatus
    from dangvien.members.models import Membership, MembershipEvent
    from dangvien.people.models import EthnicGroup, Occupation, Person, Religion

    groups = {g.code: g for g in EthnicGroup.objects.filter(code__in=["01", "03", "08"])}
    none = Religion.objects.get(code="none")
    occupations = {o.code: o for o in Occupation.objects.filter(code__in=["farmer", "other"])}
    people = []
    for index, (cell, day) in enumerate(admissions):
        ethnic_code = rng.choice(ethnic or ["08", "08", "03", "01"])  # H'Mông, Thái, Kinh
        sex = rng.choice(["male", "female"])
        farmer = rng.random() < 0.6
        youth = rng.random() < 0.7
        fixed: dict[str, Any] = {}
        if traits is not None:
            trait = traits[index]
            sex = "female" if trait["women"] else "male"
            if trait["minority"] == (ethnic_code == "01"):
                ethnic_code = rng.choice(["08", "03"]) if trait["minority"] else "01"
            farmer, youth = trait["farmer"], trait["youth"]
            fixed = {
                "residence_area": "rural" if trait["rural"] else "urban",
                "professional_level": "university" if trait["university"] else "none",
            }
        name = make_full_name(rng, ethnic_code=ethnic_code, sex=sex)
        born = day.year - (rng.randint(19, 29) if youth else rng.randint(19, 35))
        people.append(
            Person(
                full_name=name,
                full_name_folded=fold(name),
                date_of_birth=dt.date(born, rng.randint(1, 12), 15),
                sex=sex,
                ethnic_group=groups.get(ethnic_code) or groups["01"],
                religion=none,
                occupation=occupations["farmer" if farmer else "other"],
                youth_union_member=youth,
                organisation=cell,
                **fixed,
            )
        )
    people = Person.objects.bulk_create(people, batch_size=1000)
    memberships = []
    for person, (cell, day) in zip(people, admissions, strict=True):
        ceremony = day + dt.timedelta(days=20)
        official = add_months(ceremony, 12)
        memberships.append(
            Membership(
                person=person,
                organisation=cell,
                admitted_in=cell,
                status=(
                    MemberStatus.OFFICIAL if official <= ctx.today else MemberStatus.PROBATIONARY
                ),
                decision_date=day,
                decision_number=f"{rng.randint(10, 999)}-QĐ/HU",
                ceremony_date=ceremony,
                probation_end=official,
                official_date=official if official <= ctx.today else None,
            )
        )
    memberships = Membership.objects.bulk_create(memberships, batch_size=1000)
    events = []
    for membership in memberships:
        events.append(
            MembershipEvent(
                membership=membership,
                status=MemberStatus.PROBATIONARY,
                organisation=membership.organisation,
                date=membership.ceremony_date or membership.decision_date,
                decision_number=membership.decision_number,
                actor=ctx.actor,
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
