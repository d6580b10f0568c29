"""A realistic generated dataset at national, province or commune scale (issue 12).

``manage.py generate_dataset --scale national|province|commune --seed N`` calls ``generate``.
Every row goes in through the bulk writers of the app that owns its table
(``<app>/bulk.py``: COPY on PostgreSQL, multi-row INSERTs on SQLite), with keys numbered
here, inside one transaction, and one audit row says what was generated.

The world (``SHAPES``): a central root; the provinces of before 1/7/2025, each with its
districts (ended 30/6/2025) and other superior committees (blocs); the provinces of today
(23 formed by absorbing one or two others: a merge, exact lineage); the commune committees
founded 1/7/2025, each taking the grassroots organisations of part of a district (a split of
the district, approximate lineage, or a merge when the district gives one commune);
grassroots committees with their cells, grassroots cells; members with plausible
demographics (a third women, ethnic minorities by region, ages, occupations by kind of
unit); three years of admissions (2024 to ``today``) with every step of the pipeline dated
within the legal deadlines, the awareness class and its certificate, the ceremony, the
probation and the recognition as official; open dossiers at every stage; deaths and removals;
a yearly admissions target for every organisation (cells excepted) in force that year.
What the services would have written is written here: treebeard paths and ``numchild``,
placements before and after the reorganisation (so reports on a past structure date see the
tree of that date), reorganisation events with their sources, targets and lineage,
membership events (probationary at the ceremony, official at the end of probation, then
deceased or removed), one current step per stage reached.

Deterministic for a seed: one ``random.Random(seed)``, drawn in a fixed order, no clock (the
``today`` is given), no set iteration; keys start after the largest in each table.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

from dangvien.core.dates import add_months
from dangvien.core.text import fold
from dangvien.demo.names import make_full_name
from dangvien.members.choices import WORKPLACE_AREA_KINDS
from dangvien.organisations.models import PLACEMENT_STEP

REORGANISATION_DAY = dt.date(2025, 7, 1)
LAST_OLD_DAY = dt.date(2025, 6, 30)
FIRST_YEAR = 2024
CODE_PREFIX = "G"  # every generated code starts with it: the dataset is found (and refused twice)


@dataclass(frozen=True)
class Shape:
    """Totals of a scale (today's tree, except ``old_provinces`` and ``districts``)."""

    provinces: int
    old_provinces: int
    communes: int
    blocs: int
    districts: int
    grassroots: int
    cells: int
    members: int
    merged_provinces: int = 0  # of today's provinces, formed by absorbing one or two others


SHAPES: dict[str, Shape] = {
    # DOMAIN.md "Scale": 34 provinces (63 before), ≈ 3.321 commune committees, ≈ 700 other
    # superior committees, 52.105 grassroots organisations, ≈ 200.000 cells, 5,6 M members
    "national": Shape(34, 63, 3300, 700, 700, 52000, 200000, 5_600_000, merged_provinces=23),
    # one province ≈ 1/34 of it (formed by a merger of two)
    "province": Shape(1, 2, 97, 21, 21, 1530, 5880, 165_000, merged_provinces=1),
    # one commune committee with its grassroots organisations and cells
    "commune": Shape(1, 1, 1, 0, 1, 13, 50, 1_400),
}

ADMISSION_RATE = 0.032  # a year, of the members (≈ 180.000 of 5,6 M)
OPEN_DOSSIER_RATE = 0.085  # open dossiers at the outstanding-to-decision stages, of the members
LEAVE_RATE = 0.006  # deceased or removed a year, of the members
GRASSROOTS_CELL_SHARE = 0.3  # grassroots organisations that are a grassroots cell
FLUSH_PEOPLE = 50_000  # people generated before their rows are written (memory, progress)

# Regions: (share of provinces, share of ethnic minorities among members, groups by weight)
REGIONS = (
    (
        "mountains",
        0.26,
        0.55,
        (("02", 30), ("03", 25), ("06", 15), ("07", 12), ("08", 10), ("09", 8)),
    ),
    ("highlands", 0.15, 0.25, (("10", 30), ("12", 25), ("13", 20), ("14", 15), ("16", 10))),
    ("mekong", 0.18, 0.07, (("05", 75), ("04", 15), ("17", 10))),
    ("plains", 0.41, 0.015, (("06", 40), ("04", 40), ("17", 20))),
)
OCCUPATIONS_BY_AREA: dict[str, tuple[tuple[str, int], ...]] = {
    "village": (
        ("farmer", 45),
        ("village_part_timer", 15),
        ("commune_official", 8),
        ("enterprise_worker", 10),
        ("other", 22),
    ),
    "agency": (("state_civil_servant", 55), ("party_civil_servant", 35), ("commune_official", 10)),
    "public_unit": (("public_employee", 85), ("non_public_unit", 15)),
    "school": (("public_employee", 95), ("other", 5)),
    "enterprise": (
        ("enterprise_manager", 15),
        ("enterprise_office", 35),
        ("enterprise_worker", 50),
    ),
    "armed_forces": (("army", 60), ("police", 40)),
}
GRASSROOTS_AREAS_UNDER_COMMUNE = (
    ("residential", 45),
    ("school", 20),
    ("public_unit", 15),
    ("agency", 10),
    ("enterprise", 7),
    ("armed_forces", 3),
)
GRASSROOTS_AREAS_UNDER_BLOC = (("agency", 40), ("public_unit", 30), ("enterprise", 30))


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    total = sum(weight for _value, weight in pairs)
    pick = rng.random() * total
    for value, weight in pairs:
        pick -= weight
        if pick < 0:
            return value
    return pairs[-1][0]


def _spread(rng: random.Random, total: int, bins: int, minimum: int = 1) -> list[int]:
    """``total`` split over ``bins``, each at least ``minimum``, the rest at random."""
    counts = [minimum] * bins
    for _ in range(max(0, total - minimum * bins)):
        counts[rng.randrange(bins)] += 1
    return counts


def _n(count: int) -> str:
    return f"{count:,}".replace(",", ".")


def _segment(pk: int) -> str:
    return f"{pk:0{PLACEMENT_STEP}d}"


@dataclass
class Node:
    pk: int
    code: str
    name: str
    kind: str
    area_kind: str = "other"
    disadvantaged: bool = False
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    parent: Node | None = None  # today's treebeard parent
    old_parent: Node | None = None  # the parent before 1/7/2025, when it differs
    moved_by: int | None = None  # the reorganisation event that re-placed it (or an ancestor)
    children: list[Node] = field(default_factory=list)
    path: str = ""
    region: int = 0
    members: int = 0  # existing members (cells), for the targets
    unit: str = "village"  # the kind of unit its members work in (cells)
    committee: Node | None = None  # a cell's grassroots committee (None: a grassroots cell)
    district: Node | None = None  # a commune's district before 1/7/2025 (classes, targets)


@dataclass
class Progress:
    """One line on stderr, rewritten in place (no dependency)."""

    out: Any = sys.stderr
    enabled: bool = True
    started: float = field(default_factory=time.monotonic)

    def __call__(self, text: str) -> None:
        if self.enabled:
            elapsed = time.monotonic() - self.started
            self.out.write(f"\r[generate_dataset {elapsed:7.1f} s] {text:<90}")
            self.out.flush()

    def done(self) -> None:
        if self.enabled:
            self.out.write("\n")
            self.out.flush()


class Keys:
    """The next free key of each table, numbered here so rows can point at each other."""

    def __init__(self, first: dict[str, int]) -> None:
        self.next = dict(first)

    def take(self, table: str) -> int:
        pk = self.next[table]
        self.next[table] = pk + 1
        return pk


class Generator:
    def __init__(self, *, scale: str, seed: int, today: dt.date, actor: Any, progress: Progress):
        from dangvien.admissions import bulk as admissions_bulk
        from dangvien.members import bulk as members_bulk
        from dangvien.organisations import bulk as organisations_bulk
        from dangvien.people import bulk as people_bulk
        from dangvien.targets import bulk as targets_bulk
        from dangvien.training import bulk as training_bulk

        self.shape = SHAPES[scale]
        self.scale = scale
        self.rng = random.Random(seed)
        self.today = today
        self.actor_id = actor.pk
        self.actor_name = getattr(actor, "full_name", "") or actor.username
        self.progress = progress
        self.org = organisations_bulk
        self.people = people_bulk
        self.members = members_bulk
        self.admissions = admissions_bulk
        self.training = training_bulk
        self.targets = targets_bulk
        self.keys = Keys(
            {
                **organisations_bulk.first_ids(),
                **people_bulk.first_ids(),
                **members_bulk.first_ids(),
                **admissions_bulk.first_ids(),
                **training_bulk.first_ids(),
                **targets_bulk.first_ids(),
            }
        )
        self.refs = people_bulk.reference_ids()
        self.counts: dict[str, int] = {}
        self.nodes: list[Node] = []
        self.folded: dict[str, str] = {}
        self.classes: dict[tuple[int, str, int, int], tuple[int, dt.date]] = {}
        self.class_rows: list[tuple[Any, ...]] = []
        self.certificates: dict[int, int] = {}
        self.citizen_serial: dict[tuple[int, int, int], int] = {}
        self.step_dates: dict[str, tuple[dt.date, dt.date | None]] = {}
        self.pool: list[tuple[int, int]] = []

    def add(self, table: str, count: int) -> None:
        self.counts[table] = self.counts.get(table, 0) + count

    # -- the tree ---------------------------------------------------------------------------

    def node(self, code: str, name: str, kind: str, parent: Node | None, **extra: Any) -> Node:
        node = Node(self.keys.take("organisation"), code, name, kind, parent=parent, **extra)
        if parent is not None:
            parent.children.append(node)
        self.nodes.append(node)
        return node

    def build_tree(self) -> None:
        rng, shape = self.rng, self.shape
        self.central = self.node(
            f"{CODE_PREFIX}TW", "Đảng bộ toàn quốc (dữ liệu sinh)", "central", None
        )
        # today's provinces and the old ones each absorbed (a merge on 1/7/2025)
        # 25/6/2025: 23 of the 34 were formed by absorbing one (17) or two (6) of the 63
        extra = shape.old_provinces - shape.provinces
        three_way = extra - shape.merged_provinces
        olds = [3] * three_way + [2] * (shape.merged_provinces - three_way)
        olds += [1] * (shape.provinces - len(olds))
        rng.shuffle(olds)
        regions: list[int] = []
        for index, (_name, share, _minority, _groups) in enumerate(REGIONS):
            regions += [index] * round(share * shape.provinces)
        weights = tuple((str(index), round(100 * r[1])) for index, r in enumerate(REGIONS))
        while len(regions) < shape.provinces:  # a one-province scale: its region at random
            regions.append(int(_weighted(rng, weights)))
        regions = regions[: shape.provinces]
        rng.shuffle(regions)
        self.provinces: list[tuple[Node, list[Node]]] = []
        number = 0
        for p in range(shape.provinces):
            group = []
            for _ in range(olds[p]):
                number += 1
                old = self.node(
                    f"{CODE_PREFIX}P{number:02d}",
                    f"Đảng bộ tỉnh Mẫu {number:02d}",
                    "province",
                    self.central,
                    region=regions[p],
                    disadvantaged=regions[p] < 2,
                )
                group.append(old)
            for absorbed in group[1:]:
                absorbed.valid_to = LAST_OLD_DAY
            self.provinces.append((group[0], group))
        # districts: spread over the old provinces; communes: over the districts of the
        # province of today that holds them; blocs: over the old provinces
        old_list = [old for _today, group in self.provinces for old in group]
        districts_per_old = _spread(rng, shape.districts, len(old_list))
        communes_per_province = _spread(rng, shape.communes, shape.provinces)
        blocs_per_old = _spread(rng, shape.blocs, len(old_list), minimum=0)
        self.superiors: list[Node] = []
        self.district_events: list[tuple[Node, list[Node]]] = []
        position = 0
        for p, (today_province, group) in enumerate(self.provinces):
            districts: list[Node] = []
            for old in group:
                for d in range(districts_per_old[position]):
                    districts.append(
                        self.node(
                            f"{old.code}-H{d + 1:02d}",
                            f"Đảng bộ huyện {d + 1} ({old.name[13:]})",
                            "district",
                            old,
                            area_kind="other",
                            disadvantaged=old.disadvantaged,
                            valid_to=LAST_OLD_DAY,
                        )
                    )
                for b in range(blocs_per_old[position]):
                    bloc = self.node(
                        f"{old.code}-K{b + 1:02d}",
                        f"Đảng bộ khối {b + 1} ({old.name[13:]})",
                        "bloc",
                        today_province,
                        area_kind="agency",
                    )
                    if old is not today_province:
                        bloc.old_parent = old
                    self.superiors.append(bloc)
                position += 1
            per_district = _spread(rng, communes_per_province[p], len(districts))
            number = 0
            for district, count in zip(districts, per_district, strict=True):
                communes = []
                for _ in range(count):
                    number += 1
                    area = _weighted(
                        rng, (("rural_commune", 75), ("ward", 23), ("special_zone", 2))
                    )
                    label = {"rural_commune": "xã", "ward": "phường", "special_zone": "đặc khu"}
                    commune = self.node(
                        f"{today_province.code}-X{number:03d}",
                        f"Đảng bộ {label[area]} {number} ({today_province.name[13:]})",
                        "commune",
                        today_province,
                        area_kind=area,
                        disadvantaged=today_province.disadvantaged and rng.random() < 0.6,
                        valid_from=REORGANISATION_DAY,
                    )
                    commune.district = district  # where its grassroots were before
                    communes.append(commune)
                    self.superiors.append(commune)
                self.district_events.append((district, communes))
        # grassroots organisations under the superior committees, cells under the committees
        per_superior = _spread(rng, shape.grassroots, len(self.superiors))
        self.grassroots: list[Node] = []
        for superior, count in zip(self.superiors, per_superior, strict=True):
            for g in range(count):
                under_bloc = superior.kind == "bloc"
                areas = (
                    GRASSROOTS_AREAS_UNDER_BLOC if under_bloc else GRASSROOTS_AREAS_UNDER_COMMUNE
                )
                unit = _weighted(rng, areas)
                is_cell = rng.random() < GRASSROOTS_CELL_SHARE
                area = (
                    ("ward" if superior.area_kind == "ward" else "rural_commune")
                    if unit == "residential"
                    else unit
                )
                kind = "grassroots_cell" if is_cell else "grassroots_committee"
                word = "Chi bộ" if is_cell else "Đảng bộ"
                grassroots = self.node(
                    f"{superior.code}-C{g + 1:02d}",
                    f"{word} cơ sở {g + 1} – {superior.name[8:]}",
                    kind,
                    superior,
                    area_kind=area,
                    disadvantaged=superior.disadvantaged,
                    unit="village" if unit == "residential" else unit,
                )
                if superior.kind == "commune":
                    grassroots.old_parent = superior.district
                self.grassroots.append(grassroots)
        committees = [g for g in self.grassroots if g.kind == "grassroots_committee"]
        holders_left = shape.cells - 2 * len(committees)
        per_committee = [2 + c for c in _spread(rng, max(0, holders_left), len(committees), 0)]
        self.holders: list[Node] = []  # the organisations that hold members (cell kinds)
        cells_of: dict[int, int] = {c.pk: n for c, n in zip(committees, per_committee, strict=True)}
        for grassroots in self.grassroots:
            if grassroots.kind == "grassroots_cell":
                grassroots.region = self._region(grassroots)
                self.holders.append(grassroots)
                continue
            for c in range(cells_of[grassroots.pk]):
                area = "village" if grassroots.unit == "village" else grassroots.area_kind
                cell = self.node(
                    f"{grassroots.code}-{c + 1:02d}",
                    f"Chi bộ {c + 1}"
                    + (" thôn" if area == "village" else "")
                    + f" – {grassroots.name[8:]}",
                    "cell",
                    grassroots,
                    area_kind=area,
                    disadvantaged=grassroots.disadvantaged,
                    unit=grassroots.unit,
                    committee=grassroots,
                )
                cell.region = self._region(grassroots)
                self.holders.append(cell)
        self._paths(self.central)

    def _region(self, node: Node) -> int:
        while node.parent is not None and node.kind != "province":
            node = node.parent
        return node.region

    def _paths(self, root: Node) -> None:
        """treebeard's paths: siblings in code order (``node_order_by``), depth first."""
        from dangvien.organisations.bulk import tree_path

        root.path = tree_path("", 1)
        stack = [root]
        while stack:
            node = stack.pop()
            node.children.sort(key=lambda child: child.code)
            for position, child in enumerate(node.children, start=1):
                child.path = tree_path(node.path, position)
                stack.append(child)

    # -- writing the tree and its history ---------------------------------------------------

    def write_tree(self) -> None:
        org = self.org
        by_pk = {node.pk: node for node in self.nodes}
        events: list[tuple[Any, ...]] = []
        sources: list[tuple[int, int]] = []
        targets: list[tuple[int, int]] = []
        lineage: list[tuple[Any, ...]] = []
        number = 0
        for district, communes in self.district_events:
            number += 1
            pk = self.keys.take("event")
            kind = "split" if len(communes) > 1 else "merge"
            moved = [g.pk for commune in communes for g in commune.children]
            events.append(
                (
                    pk,
                    kind,
                    REORGANISATION_DAY,
                    f"{number}-QĐ/TU",
                    f"{number}-BB/BGHS",
                    "Sắp xếp theo Hướng dẫn 31-HD/BTCTW (dữ liệu sinh)",
                    {"children": moved, "facts": {}, "created": True},
                )
            )
            sources.append((pk, district.pk))
            for commune in communes:
                targets.append((pk, commune.pk))
                lineage.append((district.pk, commune.pk, pk, len(communes) > 1))
                for grassroots in commune.children:
                    self._mark_moved(grassroots, pk)
        for today_province, group in self.provinces:
            if len(group) == 1:
                continue
            number += 1
            pk = self.keys.take("event")
            moved = [
                bloc.pk
                for bloc in today_province.children
                if bloc.kind == "bloc" and bloc.old_parent is not None
            ]
            events.append(
                (
                    pk,
                    "merge",
                    REORGANISATION_DAY,
                    f"{number}-QĐ/TW",
                    f"{number}-BB/BGHS",
                    "Hợp nhất đảng bộ tỉnh (dữ liệu sinh)",
                    {"children": moved, "facts": {}, "created": False},
                )
            )
            for absorbed in group[1:]:
                sources.append((pk, absorbed.pk))
                lineage.append((absorbed.pk, today_province.pk, pk, False))
            targets.append((pk, today_province.pk))
            for bloc_pk in moved:
                self._mark_moved(by_pk[bloc_pk], pk)
        self.progress(gettext("cây tổ chức: %(count)s tổ chức") % {"count": _n(len(self.nodes))})
        org_rows = (
            (
                n.pk,
                n.path,
                len(n.path) // 4,
                len(n.children),
                n.kind,
                n.code,
                n.name,
                fold(n.name),
                n.area_kind,
                n.disadvantaged,
                n.valid_from,
                n.valid_to,
            )
            for n in sorted(self.nodes, key=lambda n: n.pk)
        )
        self.add("organisations", org.write_organisations(org_rows))
        self.add("placements", org.write_placements(self._placements()))
        self.add(
            "reorganisation_events", org.write_events(events, sources=sources, targets=targets)
        )
        self.add("lineage", org.write_lineage(lineage))

    def _mark_moved(self, node: Node, event: int) -> None:
        stack = [node]
        while stack:
            current = stack.pop()
            current.moved_by = event
            stack.extend(current.children)

    def _placements(self) -> Any:
        """Today's placement of every node, and the one before 1/7/2025 of the moved ones."""
        ordered = sorted(self.nodes, key=lambda n: n.path)  # parents before children
        new_paths: dict[int, str] = {}
        for node in ordered:
            parent = node.parent
            new_paths[node.pk] = (new_paths[parent.pk] if parent else "") + _segment(node.pk)
        old_paths: dict[int, str] = {}
        for node in ordered:
            parent = node.parent
            new = new_paths[node.pk]
            if node.moved_by is None:
                yield (
                    node.pk,
                    parent.pk if parent else None,
                    new,
                    len(new) // PLACEMENT_STEP,
                    node.valid_from,
                    node.valid_to,
                    None,
                )
                continue
            before = node.old_parent or parent
            assert before is not None and parent is not None
            # a moved parent's old path; an ended one (district, absorbed province) never moved
            old = old_paths.get(before.pk, new_paths[before.pk]) + _segment(node.pk)
            old_paths[node.pk] = old
            yield (
                node.pk,
                before.pk,
                old,
                len(old) // PLACEMENT_STEP,
                node.valid_from,
                LAST_OLD_DAY,
                None,
            )
            yield (
                node.pk,
                parent.pk,
                new,
                len(new) // PLACEMENT_STEP,
                REORGANISATION_DAY,
                None,
                node.moved_by,
            )

    # -- people, members, admissions --------------------------------------------------------

    def _name(self, ethnic: str, sex: str) -> tuple[str, str]:
        name = make_full_name(self.rng, ethnic_code=ethnic, sex=sex)
        folded = self.folded.get(name)
        if folded is None:
            folded = self.folded[name] = fold(name)
        return name, folded

    def _person(
        self, holder: Node, *, born: dt.date, sex: str, province_number: int, young: bool
    ) -> tuple[Any, ...]:
        rng = self.rng
        _region, _share, minority, groups = REGIONS[holder.region]
        ethnic = _weighted(rng, groups) if rng.random() < minority else "01"
        name, folded = self._name(ethnic, sex)
        occupation = _weighted(rng, OCCUPATIONS_BY_AREA[holder.unit])
        if young and holder.unit == "village" and rng.random() < 0.1:
            occupation = "university_student"
        religion = _weighted(rng, (("none", 960), ("buddhism", 25), ("catholicism", 15)))
        key = (province_number, 0 if sex == "male" else 1, born.year % 100)
        serial = self.citizen_serial.get(key, 0) + 1
        self.citizen_serial[key] = serial
        century = (0 if born.year < 2000 else 2) + key[1]
        citizen_id = f"{100 + province_number:03d}{century}{born.year % 100:02d}{serial:06d}"
        pk = self.keys.take("person")
        education = _weighted(
            rng, (("upper_secondary", 86), ("lower_secondary", 11), ("primary", 3))
        )
        level = _weighted(
            rng,
            (("university", 45), ("college", 10), ("intermediate", 15), ("none", 25), ("master", 5))
            if holder.unit != "village"
            else (("none", 50), ("intermediate", 20), ("college", 10), ("university", 20)),
        )
        theory = _weighted(
            rng, (("elementary", 55), ("intermediate", 25), ("none", 15), ("advanced", 5))
        )
        return (
            pk,
            name,
            folded,
            born,
            sex,
            self.refs["ethnic"][ethnic],
            self.refs["religion"][religion],
            self.refs["occupation"][occupation],
            citizen_id,
            "urban" if holder.area_kind in ("ward",) or holder.unit != "village" else "rural",
            education,
            level,
            "none" if young else theory,
            young and rng.random() < 0.7,
            holder.unit != "village",
            holder.pk,
        )

    def _born(self, on: dt.date, low: float, high: float) -> dt.date:
        age_days = int(365.25 * (low + (high - low) * self.rng.random() ** 1.6))
        return on - dt.timedelta(days=age_days)

    def _superior_on(self, holder: Node, day: dt.date) -> Node:
        """The committee above the holder's grassroots organisation on ``day`` (classes)."""
        grassroots = holder.committee or holder
        superior = grassroots.parent
        assert superior is not None
        if day < REORGANISATION_DAY and superior.district is not None:
            return superior.district
        return superior

    def _class(
        self, holder: Node, not_before: dt.date, kind: str = "awareness"
    ) -> tuple[int, int, dt.date]:
        """The class of ``kind`` the person finishes: the organiser's class of the month (the
        10th to the 14th for awareness, the 20th to the 24th for new members) ending on or
        after ``not_before``; returns (class, organiser, end)."""
        last_day = 14 if kind == "awareness" else 24
        end = dt.date(not_before.year, not_before.month, last_day)
        if end < not_before:
            end = add_months(end, 1)
        organiser = self._superior_on(holder, end)
        key = (organiser.pk, kind, end.year, end.month)
        found = self.classes.get(key)
        if found is None:
            pk = self.keys.take("class")
            start = end - dt.timedelta(days=4)
            closed = end < self.today
            title = (
                "Lớp bồi dưỡng nhận thức về Đảng"
                if kind == "awareness"
                else "Lớp bồi dưỡng đảng viên mới"
            )
            self.class_rows.append(
                (
                    pk,
                    kind,
                    f"{title} tháng {end:%m/%Y}",
                    organiser.pk,
                    start,
                    end,
                    "closed" if closed else "open",
                    end if closed else None,
                )
            )
            found = self.classes[key] = (pk, end)
        return found[0], organiser.pk, end

    def _certificate(
        self, holder: Node, person: int, not_before: dt.date, kind: str, out: dict[str, list[Any]]
    ) -> tuple[int, dt.date]:
        """Enrol ``person`` in the class of ``kind`` after ``not_before`` and, once it has ended
        by ``today``, record the certificate; returns (enrolment or 0, the class's end)."""
        class_pk, organiser, end = self._class(holder, not_before, kind)
        if end > self.today:
            return 0, end
        enrolment = self.keys.take("enrolment")
        number = self.certificates.get(organiser, 0) + 1
        self.certificates[organiser] = number
        out["enrolments"].append(
            (enrolment, class_pk, person, True, "passed", True, f"{number}/GCN", end, organiser)
        )
        return enrolment, end

    def _dossier(
        self,
        holder: Node,
        person: tuple[Any, ...],
        outstanding: dt.date,
        official: int,
        out: dict[str, list[Any]],
    ) -> tuple[int, str, dt.date, dt.date | None, int]:
        """Every step from the outstanding list on, each dated within its deadline, up to the
        ceremony or the last one reached by ``today``. Returns (dossier, last stage, its date,
        decision date or None, certificate enrolment)."""
        rng = self.rng
        pk = self.keys.take("dossier")
        steps: list[tuple[Any, ...]] = []
        day = outstanding

        def step(stage: str, on: dt.date, *rest: Any) -> bool:
            if on > self.today:
                return False
            document, eligible, votes_for, against, received = rest or ("", None, None, None, None)
            steps.append(
                (
                    pk,
                    holder.pk,
                    stage,
                    on,
                    self.actor_id,
                    document,
                    eligible,
                    votes_for,
                    against,
                    received,
                )
            )
            return True

        enrolment = 0
        decision: dt.date | None = None
        reached = "outstanding"
        step("outstanding", day, f"{pk}-NQ/CB", None, None, None, None)
        last = day
        enrolment, class_end = self._certificate(
            holder, person[0], day + dt.timedelta(days=rng.randint(15, 90)), "awareness", out
        )
        if enrolment:
            step("class", class_end, out["enrolments"][-1][6], None, None, None, None)
            reached, last = "class", class_end
            plan = [
                ("application", rng.randint(7, 30)),
                ("verification", rng.randint(15, 45)),
                ("introduction", rng.randint(3, 15)),
                ("opinions", rng.randint(3, 15)),
                ("cell_vote", rng.randint(3, 20)),
            ]
            if holder.committee is not None:
                plan.append(("grassroots_vote", rng.randint(3, 20)))
            plan += [("decision", rng.randint(10, 40)), ("ceremony", 0)]
            cell_vote = last
            for stage, gap in plan:
                if stage == "ceremony":
                    assert decision is not None
                    received = decision + dt.timedelta(days=rng.randint(0, 5))
                    day = received + dt.timedelta(days=rng.randint(5, 35))
                    if not step("ceremony", day):
                        break
                elif stage == "decision":
                    day = cell_vote + dt.timedelta(days=gap)
                    received = day + dt.timedelta(days=rng.randint(0, 5))
                    if not step("decision", day, f"{pk}-QĐ/ĐU", None, None, None, received):
                        break
                    decision = day
                else:
                    day = last + dt.timedelta(days=gap)
                    if stage == "cell_vote":
                        against = rng.randint(0, official // 10)
                        rest: tuple[Any, ...] = (
                            f"{pk}-NQ/CB",
                            official,
                            official - against,
                            against,
                            None,
                        )
                        cell_vote = day
                    elif stage == "grassroots_vote":
                        size = rng.randint(5, 15)
                        rest = (f"{pk}-NQ/ĐU", size, size, 0, None)
                    else:
                        rest = ("", None, None, None, None)
                    if not step(stage, day, *rest):
                        break
                reached, last = stage, day
        out["steps"].extend(steps)
        self.step_dates = {row[2]: (row[3], row[9]) for row in steps}
        return pk, reached, last, decision if reached == "ceremony" else None, enrolment

    def _participants(self, dossier: int, outstanding: dt.date, out: dict[str, list[Any]]) -> None:
        """The official member the cell assigns to help (on the outstanding list) and, from
        the introduction, the two introducers (12 months or more together)."""
        rng, pool = self.rng, self.pool
        if not pool:
            return
        helper = pool[rng.randrange(len(pool))][1]
        out["participants"].append((dossier, helper, "helper", None, outstanding))
        introduction = self.step_dates.get("introduction")
        if introduction is None or len(pool) < 2:
            return
        for _membership, person in rng.sample(pool, 2):
            months = rng.randint(12, 120)
            out["participants"].append((dossier, person, "introducer", months, introduction[0]))

    def _deadline(self, enrolment: int) -> tuple[dt.date | None, str]:
        """The cached next deadline of an open dossier (``Dossier.next_deadline``), by the
        admissions service's own rule (``deadline_from``) from the steps just generated."""
        from dangvien.admissions.services import deadline_from

        dates = self.step_dates
        decision = dates.get("decision")
        cell_vote = dates.get("cell_vote")
        certificate = dates.get("class")
        return deadline_from(
            decision=(decision[0], decision[1], None) if decision else None,
            cell_vote=(cell_vote[0], None) if cell_vote else None,
            extension_working_days=None,
            certificate_date=certificate[0] if certificate and enrolment else None,
        )

    def write_people(self, number: int, holders: list[Node]) -> None:
        """Members, admissions and open dossiers of one province of today."""
        rng, today = self.rng, self.today
        shape = self.shape
        years = list(range(FIRST_YEAR, today.year + 1))
        holder_count = max(1, len(self.holders))
        mean = shape.members / holder_count / (1 + ADMISSION_RATE * len(years) * 0.9)
        out = self._empty()
        for done, holder in enumerate(holders, start=1):
            if len(out["people"]) >= FLUSH_PEOPLE:
                self._flush(out)
                out = self._empty()
                self.progress(
                    gettext(
                        "tỉnh %(number)s/%(provinces)s, chi bộ %(done)s/%(cells)s: "
                        "%(members)s đảng viên"
                    )
                    % {
                        "number": number,
                        "provinces": len(self.provinces),
                        "done": _n(done),
                        "cells": _n(len(holders)),
                        "members": _n(self.counts.get("memberships", 0)),
                    }
                )
            existing = max(3, int(rng.gauss(mean, mean * 0.35)))
            holder.members = existing
            pool: list[tuple[int, int]] = []  # (membership, person) of the official members
            for _ in range(existing):
                decision = dt.date(FIRST_YEAR - 1, 12, 31) - dt.timedelta(
                    days=int(365.25 * 50 * rng.random() ** 1.5)
                )
                sex = "female" if rng.random() < 0.33 else "male"
                born = self._born(decision, 18.5, 42)
                person = self._person(
                    holder, born=born, sex=sex, province_number=number, young=False
                )
                out["people"].append(person)
                ceremony = decision + dt.timedelta(days=rng.randint(7, 30))
                official = add_months(ceremony, 12)
                membership = self.keys.take("membership")
                status = "official"
                events = [
                    (
                        membership,
                        "probationary",
                        holder.pk,
                        ceremony,
                        f"{membership}-QĐ/ĐU",
                        self.actor_id,
                    ),
                    (
                        membership,
                        "official",
                        holder.pk,
                        official,
                        f"{membership}-QĐ/ĐU-CT",
                        self.actor_id,
                    ),
                ]
                since = max(dt.date(FIRST_YEAR, 1, 1), official + dt.timedelta(days=1))
                if rng.random() < LEAVE_RATE * len(years) and since <= today:
                    status = "deceased" if rng.random() < 0.75 else "removed"
                    left = since + dt.timedelta(days=rng.randrange((today - since).days + 1))
                    events.append(
                        (membership, status, holder.pk, left, f"{membership}-QĐ/XT", self.actor_id)
                    )
                out["memberships"].append(
                    (
                        membership,
                        person[0],
                        holder.pk,
                        holder.pk,
                        None,
                        status,
                        f"{membership}-QĐ/ĐU",
                        decision,
                        ceremony,
                        official,
                        official,
                    )
                )
                out["events"].extend(events)
                if status == "official":
                    pool.append((membership, person[0]))
            # admissions of each year, and the dossiers still open
            officials = existing
            self.pool = pool
            for year in years:
                start = dt.date(year, 1, 1)
                end = min(dt.date(year, 12, 31), today)
                share = ((end - start).days + 1) / 365
                admitted = int(ADMISSION_RATE * existing * share + rng.random())
                for _ in range(admitted):
                    target = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
                    outstanding = target - dt.timedelta(days=rng.randint(150, 230))
                    self._candidate(holder, outstanding, officials, number, out)
            for _ in range(int(OPEN_DOSSIER_RATE * existing + rng.random())):
                outstanding = today - dt.timedelta(days=rng.randint(0, 200))
                self._candidate(holder, outstanding, officials, number, out)
        self._flush(out)

    def _candidate(
        self,
        holder: Node,
        outstanding: dt.date,
        officials: int,
        number: int,
        out: dict[str, list[Any]],
    ) -> None:
        rng = self.rng
        sex = "female" if rng.random() < 0.42 else "male"
        born = self._born(outstanding, 18.2, 45)
        person = self._person(holder, born=born, sex=sex, province_number=number, young=True)
        out["people"].append(person)
        pk, stage, last, decision, enrolment = self._dossier(
            holder, person, outstanding, officials, out
        )
        admitted = stage == "ceremony" and decision is not None
        out["dossiers"].append(
            (
                pk,
                person[0],
                holder.pk,
                stage,
                "admitted" if admitted else "open",
                outstanding,
                last if admitted else None,
                enrolment or None,
                *(self._deadline(enrolment) if not admitted else (None, "")),
            )
        )
        self._participants(pk, outstanding, out)
        if not admitted:
            return
        assert decision is not None
        ceremony = last
        probation_end = add_months(ceremony, 12)
        membership = self.keys.take("membership")
        out["events"].append(
            (membership, "probationary", holder.pk, ceremony, f"{pk}-QĐ/ĐU", self.actor_id)
        )
        # the new-member class of the committee above, in the first months of probation
        self._certificate(
            holder, person[0], ceremony + dt.timedelta(days=rng.randint(20, 120)), "new_member", out
        )
        status, official = "probationary", None
        self_review = probation_end - dt.timedelta(days=rng.randint(5, 15))
        cell_vote = probation_end + dt.timedelta(days=rng.randint(3, 25))
        resolution = cell_vote + dt.timedelta(days=rng.randint(3, 10))
        recognised = resolution + dt.timedelta(days=rng.randint(5, 20))
        if recognised <= self.today:
            status, official = "official", probation_end
            against = rng.randint(0, officials // 10)
            out["recognition"].extend(
                [
                    (membership, "self_review", self_review, "", None, None, True, self.actor_id),
                    (
                        membership,
                        "helper_comment",
                        self_review + dt.timedelta(days=2),
                        "",
                        None,
                        None,
                        True,
                        self.actor_id,
                    ),
                    (
                        membership,
                        "opinions",
                        self_review + dt.timedelta(days=4),
                        "",
                        None,
                        None,
                        True,
                        self.actor_id,
                    ),
                    (
                        membership,
                        "cell_vote",
                        cell_vote,
                        f"{membership}-NQ/CB",
                        officials,
                        officials - against,
                        True,
                        self.actor_id,
                    ),
                    (
                        membership,
                        "grassroots_resolution",
                        resolution,
                        f"{membership}-NQ/ĐU",
                        None,
                        None,
                        True,
                        self.actor_id,
                    ),
                    (
                        membership,
                        "decision",
                        recognised,
                        f"{membership}-QĐ/CT",
                        None,
                        None,
                        True,
                        self.actor_id,
                    ),
                ]
            )
            out["events"].append(
                (
                    membership,
                    "official",
                    holder.pk,
                    probation_end,
                    f"{membership}-QĐ/CT",
                    self.actor_id,
                )
            )
        if holder.area_kind in WORKPLACE_AREA_KINDS:  # introduced to the cell where they live
            due = self.members.residence_due(ceremony)
            introduced: dt.date | None = ceremony + dt.timedelta(days=rng.randint(5, 50))
            if introduced and introduced > self.today:
                introduced = None
            out["residence"].append(
                (membership, holder.pk, ceremony, due, "Nơi cư trú", introduced, self.actor_id)
            )
        if self.pool:  # the helper assigned at the ceremony, until the recognition
            helper = self.pool[rng.randrange(len(self.pool))][0]
            ended = "Đã công nhận chính thức" if official else ""
            out["helpers"].append((membership, helper, ceremony, official, ended, self.actor_id))
        out["memberships"].append(
            (
                membership,
                person[0],
                holder.pk,
                holder.pk,
                pk,
                status,
                f"{pk}-QĐ/ĐU",
                decision,
                ceremony,
                probation_end,
                official,
            )
        )

    @staticmethod
    def _empty() -> dict[str, list[Any]]:
        keys = (
            "people",
            "memberships",
            "events",
            "recognition",
            "helpers",
            "residence",
            "dossiers",
            "steps",
            "participants",
            "enrolments",
        )
        return {key: [] for key in keys}

    def _flush(self, out: dict[str, list[Any]]) -> None:
        self.add("people", self.people.write_people(out["people"]))
        self.add("training_classes", self.training.write_classes(self.class_rows))
        self.class_rows = []
        self.add("enrolments", self.training.write_enrolments(out["enrolments"]))
        self.add("dossiers", self.admissions.write_dossiers(out["dossiers"]))
        self.add("steps", self.admissions.write_steps(out["steps"]))
        self.add("memberships", self.members.write_memberships(out["memberships"]))
        self.add("membership_events", self.members.write_events(out["events"]))
        self.add("recognition_steps", self.members.write_recognition_steps(out["recognition"]))
        self.add("participants", self.admissions.write_participants(out["participants"]))
        self.add("helper_assignments", self.members.write_helper_assignments(out["helpers"]))
        self.add("residence_links", self.members.write_residence_links(out["residence"]))

    # -- targets ----------------------------------------------------------------------------

    def write_targets(self) -> None:
        """A yearly admissions target for every organisation but the cells, each year it was in
        force at the year's end (or is, for this year): about the admission rate of the members
        under it (that year's tree)."""
        new_count: dict[int, int] = {}
        old_count: dict[int, int] = {}
        for node in sorted(self.nodes, key=lambda n: -len(n.path)):  # children first
            for counts, parent in (
                (new_count, node.parent),
                (old_count, node.old_parent or node.parent),
            ):
                counts[node.pk] = counts.get(node.pk, 0) + node.members
                if parent is not None:
                    counts[parent.pk] = counts.get(parent.pk, 0) + counts[node.pk]
        rows, changes = [], []
        for year in range(FIRST_YEAR, self.today.year + 1):
            last = dt.date(year, 12, 31)
            for node in sorted(self.nodes, key=lambda n: n.pk):
                if node.kind == "cell":
                    continue
                # an organisation ended during a year hands that year's target over to its
                # successors (reorganisation services): it keeps the years before only
                if (node.valid_from and node.valid_from > last) or (
                    node.valid_to and node.valid_to < last
                ):
                    continue
                members = (old_count if node.valid_to else new_count).get(node.pk, 0)
                value = max(1, round(members * ADMISSION_RATE * (0.9 + 0.2 * self.rng.random())))
                pk = self.keys.take("target")
                rows.append((pk, node.pk, year, "admissions", "", value, self.actor_id))
                changes.append(
                    (
                        pk,
                        None,
                        value,
                        "Giao chỉ tiêu (dữ liệu sinh)",
                        self.actor_id,
                        self.actor_name,
                    )
                )
        self.add("targets", self.targets.write_targets(rows))
        self.targets.write_changes(changes)

    # -- the whole run ----------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        from dangvien.core.memo import request_memo

        with request_memo():  # rule sets and calendar corrections read once (deadlines)
            return self._run()

    def _run(self) -> dict[str, int]:
        self.progress(gettext("cây tổ chức…"))
        self.build_tree()
        self.write_tree()
        by_province: dict[int, list[Node]] = {}
        province_of: dict[int, int] = {}
        for number, (province, _group) in enumerate(self.provinces, start=1):
            province_of[province.pk] = number
        for holder in self.holders:
            top = holder
            while top.parent is not None and top.parent.kind != "central":
                top = top.parent
            by_province.setdefault(province_of[top.pk], []).append(holder)
        for number in range(1, len(self.provinces) + 1):
            self.write_people(number, by_province.get(number, []))
            self.progress(
                gettext("tỉnh %(number)s/%(provinces)s: %(members)s đảng viên, %(dossiers)s hồ sơ")
                % {
                    "number": number,
                    "provinces": len(self.provinces),
                    "members": _n(self.counts.get("memberships", 0)),
                    "dossiers": _n(self.counts.get("dossiers", 0)),
                }
            )
        self.progress(gettext("chỉ tiêu…"))
        self.write_targets()
        for app in (
            self.org,
            self.people,
            self.members,
            self.admissions,
            self.training,
            self.targets,
        ):
            app.sync_sequences()
        return dict(sorted(self.counts.items()))


def analyse(models: list[Any], announce: Callable[[], None]) -> None:
    """``ANALYZE`` the tables just written (PostgreSQL), inside the writing transaction: it
    samples that transaction's own rows, which autovacuum cannot see before the commit, so the
    counters' rebuild is planned for millions of rows rather than for empty tables."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    announce()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")


# the apps whose tables the generator and the counters' rebuild write
WRITTEN_APPS = ("organisations", "people", "members", "admissions", "training", "targets", "badges")


def generate(
    *,
    scale: str,
    seed: int,
    today: dt.date,
    actor: Any,
    show_progress: bool = True,
) -> dict[str, int]:
    """Build the dataset of ``scale`` in one transaction; returns the rows written per table.
    Refused (``DomainError``) when a generated dataset is already in the database."""
    from django.apps import apps as django_apps
    from django.db import transaction
    from django.utils.translation import gettext as _

    from dangvien.audit.services import record
    from dangvien.core.bulk import foreign_keys_checked_once
    from dangvien.core.errors import DomainError
    from dangvien.organisations.models import Organisation

    if scale not in SHAPES:
        raise DomainError(
            _("Quy mô «%(scale)s» không hợp lệ.") % {"scale": scale},
            rule="scale",
            found=scale,
            required=", ".join(SHAPES),
        )
    if Organisation.objects.filter(code=f"{CODE_PREFIX}TW").exists():
        raise DomainError(
            _("Cơ sở dữ liệu đã có bộ dữ liệu sinh (mã %(code)s): không sinh lần thứ hai.")
            % {"code": f"{CODE_PREFIX}TW"},
            rule="dataset_once",
            found=f"{CODE_PREFIX}TW",
        )
    progress = Progress(enabled=show_progress)
    written = [
        model
        for label in WRITTEN_APPS
        for model in django_apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    with (
        transaction.atomic(),
        foreign_keys_checked_once(written, lambda: progress(_("kiểm tra khóa ngoại…"))),
    ):
        counts = Generator(
            scale=scale, seed=seed, today=today, actor=actor, progress=progress
        ).run()
        # written in bulk, past the services: the counters are computed once from the facts
        from dangvien.members.services import rebuild_counters

        analyse(written, lambda: progress(_("thống kê cho bộ lập kế hoạch truy vấn…")))

        def counted(title: str, done: int) -> None:
            progress(_("bộ đếm «%(table)s»: %(done)s dữ kiện") % {"table": title, "done": _n(done)})

        rebuild_counters(actor=actor, progress=counted)
        record(
            actor=actor,
            action="core.demo.dataset_generated",
            target=None,
            organisation=Organisation.objects.get(code=f"{CODE_PREFIX}TW"),
            data={"scale": scale, "seed": seed, "today": today.isoformat(), "counts": counts},
        )
    progress(_("xong"))
    progress.done()
    return counts
