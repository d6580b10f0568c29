"""The demo tree: Đảng bộ tỉnh Điện Biên with both shapes of the seed articles, as it was before
1/7/2025 (``build``), then the province's plan of that date (``reorganise_2025``, illustrative).

- Đảng bộ huyện Điện Biên Đông: mountainous, disadvantaged communes (Mường Luân, Luân Giói,
  Pú Nhi, Pú Hồng, Na Son, …), each with its village cells, a school cell and the commune's
  police and military cells.
- Đảng bộ Khối cơ quan và doanh nghiệp tỉnh: 91 grassroots organisations and 285 affiliated
  cells, one of them under a sub-committee (đảng bộ bộ phận).

Only the province goes through ``create_organisation`` (one audit event); its several hundred
descendants are built in memory with treebeard paths computed here and inserted with
``bulk_create`` (``add_child`` moves rows one by one and is far too slow). ``numchild``,
``depth`` and ``path`` are kept consistent; siblings get paths in code order, as
``node_order_by = ["code"]`` would. ``build`` checks ``Organisation.find_problems()``.

This module has no ``seed``: the ``seed_demo`` command calls ``build`` before the apps' seeds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dangvien.core.errors import DomainError
from dangvien.core.text import fold
from dangvien.demo.context import PROVINCE_CODE, DemoContext
from dangvien.organisations.choices import AreaKind, OrganisationKind
from dangvien.organisations.models import Organisation
from dangvien.organisations.services import create_organisation, write_missing_placements

K = OrganisationKind
A = AreaKind

# (code suffix, name, share of H'Mông among minorities) — Điện Biên Đông's communes.
COMMUNES: list[tuple[str, str, float]] = [
    ("ML", "Mường Luân", 0.25),
    ("LG", "Luân Giói", 0.3),
    ("PN", "Pú Nhi", 0.7),
    ("PH", "Pú Hồng", 0.75),
    ("NS", "Na Son", 0.4),
    ("XD", "Xa Dung", 0.6),
    ("PNH", "Phì Nhừ", 0.7),
    ("CS", "Chiềng Sơ", 0.3),
    ("KL", "Keo Lôm", 0.5),
    ("HL", "Háng Lìa", 0.85),
    ("NU", "Noong U", 0.35),
]

# Village (bản) names, Thái and H'Mông, as they are written in Điện Biên.
VILLAGES: list[str] = [
    "Co Kham",
    "Pá Vang",
    "Huổi Hỏm",
    "Na Ngua",
    "Chiềng Ly",
    "Nà Phát",
    "Co Mận",
    "Huổi Ho",
    "Pá Khôm",
    "Xôm",
    "Lọng Cang",
    "Na Phát",
    "Huổi Mún",
    "Pá Chả",
    "Nà Lẹ",
    "Co Muông",
    "Tìa Ghênh",
    "Háng Tàu",
    "Pá Vả",
    "Trống Giông",
    "Sư Lư",
    "Háng Sua",
    "Sáng Tớ",
    "Đề Chia",
    "Kéo Cang",
    "Phình Giàng",
    "Trung Phu",
    "Hồi Hương",
    "Phiêng Ban",
    "Huổi Sông",
    "Nậm Ngám",
    "Bó Dạo",
    "Pá Pao",
    "Huổi Lụ",
    "Tà Dình",
    "Nà Hỳ",
    "Na Cô Sa",
    "Búng Giắt",
    "Pá Ngam",
    "Ten Hon",
    "Cang Nà",
    "Mường Tỉnh",
    "Nà Sản",
    "Pú Súa",
    "Huổi Cáy",
    "Tà Lèng",
    "Kéo Hẹ",
    "Pá Có",
    "Huổi Phạ",
    "Na Sang",
    "Chà Tở",
    "Pú Dao",
    "Xá Tổng",
    "Sín Chải",
    "Hô Chải",
    "Pa Ham",
    "Pa Kéo",
    "Lùng Thàng",
    "Ná Pục",
    "Nậm Khăn",
    "Huổi Tao",
    "Nà Dên",
    "Nà Nhạn",
    "Pa Tần",
    "Na Hai",
    "Long Dạo",
    "Pác Ma",
    "Chăn Nưa",
    "Huổi Luông",
    "Na Lếch",
    "Sa Lông",
    "Nậm Chim",
    "Mường Tùng",
    "Huổi Lếch",
    "Pa Thơm",
    "Ca Hâu",
    "Nà Ín",
    "Pá Hốc",
    "Kệ Tiều",
    "Nậm Ngà",
    "Huổi Hua",
    "Tìa Khúa",
    "Xá Nhè",
    "Tả Sìn Thàng",
    "Lao Xả Phình",
    "Sính Phình",
    "Trung Thu",
    "Mường Báng",
    "Tủa Thàng",
    "Huổi Só",
]

# Grassroots organisations of the bloc: (kind, area kind, name without the "Đảng bộ"/"Chi bộ").
AGENCIES = [
    "Văn phòng Ủy ban nhân dân tỉnh",
    "Sở Tài chính",
    "Sở Kế hoạch và Đầu tư",
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Công Thương",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Xây dựng",
    "Sở Giao thông vận tải",
    "Sở Tài nguyên và Môi trường",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Khoa học và Công nghệ",
    "Sở Thông tin và Truyền thông",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Thanh tra tỉnh",
    "Ban Dân tộc tỉnh",
    "Cục Thuế tỉnh",
    "Cục Hải quan tỉnh",
    "Kho bạc Nhà nước tỉnh",
    "Cục Thống kê tỉnh",
    "Bảo hiểm xã hội tỉnh",
    "Ngân hàng Nhà nước chi nhánh tỉnh",
    "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân",
    "Liên đoàn Lao động tỉnh",
    "Ban Quản lý các khu kinh tế tỉnh",
    "Chi cục Kiểm lâm",
    "Cục Quản lý thị trường tỉnh",
    "Văn phòng Tỉnh ủy",
    "Ủy ban Mặt trận Tổ quốc tỉnh",
]
PUBLIC_UNITS = [
    "Bệnh viện Đa khoa tỉnh",
    "Bệnh viện Y học cổ truyền",
    "Bệnh viện Phổi",
    "Bệnh viện Tâm thần",
    "Trung tâm Kiểm soát bệnh tật tỉnh",
    "Đài Phát thanh và Truyền hình tỉnh",
    "Báo Điện Biên Phủ",
    "Trường Cao đẳng Sư phạm",
    "Trường Cao đẳng Y tế",
    "Trường Cao đẳng Kinh tế - Kỹ thuật",
    "Trường Chính trị tỉnh",
    "Trường THPT chuyên Lê Quý Đôn",
    "Trường Phổ thông Dân tộc nội trú tỉnh",
    "Bảo tàng Chiến thắng lịch sử Điện Biên Phủ",
    "Trung tâm Văn hóa tỉnh",
    "Ban Quản lý dự án các công trình dân dụng và công nghiệp",
    "Trung tâm Dịch vụ việc làm",
    "Quỹ Đầu tư phát triển tỉnh",
    "Trung tâm Quan trắc tài nguyên và môi trường",
    "Trung tâm Khuyến nông",
    "Thư viện tỉnh",
]
ENTERPRISES = [
    "Công ty Điện lực Điện Biên",
    "Công ty Cổ phần Cấp nước Điện Biên",
    "Viễn thông Điện Biên",
    "Bưu điện tỉnh",
    "Ngân hàng Nông nghiệp và Phát triển nông thôn chi nhánh tỉnh",
    "Ngân hàng Đầu tư và Phát triển chi nhánh Điện Biên",
    "Ngân hàng Công Thương chi nhánh tỉnh",
    "Ngân hàng Chính sách xã hội chi nhánh tỉnh",
    "Công ty Cổ phần Môi trường và Đô thị",
    "Công ty Cổ phần Xi măng Điện Biên",
    "Công ty TNHH MTV Quản lý thủy nông",
    "Công ty Cổ phần Sách và Thiết bị trường học",
    "Công ty Cổ phần Xây dựng số 1 Điện Biên",
    "Công ty Cổ phần Vận tải ô tô Điện Biên",
    "Công ty Cổ phần Dược phẩm Điện Biên",
    "Công ty Xăng dầu Điện Biên",
    "Công ty Cổ phần Cà phê Mường Ảng",
    "Công ty Cổ phần Chè Tủa Chùa",
    "Công ty TNHH Gạo Điện Biên",
    "Công ty Cổ phần Thủy điện Nậm Mức",
    "Công ty Xổ số kiến thiết",
    "Công ty Cổ phần Khách sạn Mường Thanh Điện Biên",
    "Công ty Cổ phần In Điện Biên",
    "Công ty Cổ phần Tư vấn xây dựng giao thông",
    "Hợp tác xã Nông nghiệp Thanh Xương",
    "Công ty Cổ phần Quản lý đường bộ",
    "Công ty TNHH Cao su Điện Biên",
    "Công ty Cổ phần Vật tư nông nghiệp",
    "Chi nhánh Viettel Điện Biên",
    "Công ty Cổ phần Đầu tư và Phát triển nông lâm nghiệp",
    "Công ty Cổ phần Bê tông Điện Biên",
    "Công ty TNHH Khai thác đá Na Hai",
    "Công ty Cổ phần Du lịch Mường Phăng",
    "Công ty Cổ phần Tổng hợp Lai Châu - Điện Biên",
    "Quỹ Tín dụng nhân dân Him Lam",
    "Công ty Cổ phần Thương mại Điện Biên",
    "Công ty Cổ phần Nước sạch nông thôn",
    "Công ty TNHH Thương mại Hoàng Công",
    "Hợp tác xã Dịch vụ Thanh Nưa",
]

CELLS_BY_AREA = {
    A.AGENCY: [
        "Văn phòng",
        "Phòng Tổ chức cán bộ",
        "Thanh tra",
        "Phòng Kế hoạch - Tài chính",
        "Phòng Nghiệp vụ 1",
        "Phòng Nghiệp vụ 2",
        "Phòng Pháp chế",
        "Phòng Tổng hợp",
        "Chi cục trực thuộc",
        "Trung tâm trực thuộc",
        "Phòng Quản lý chuyên ngành",
    ],
    A.PUBLIC_UNIT: [
        "Khối hành chính",
        "Khoa Nội",
        "Khoa Ngoại",
        "Khoa Sản",
        "Khoa Nhi",
        "Khoa Dược",
        "Khoa Cấp cứu",
        "Phòng Đào tạo",
        "Khoa Tự nhiên",
        "Khoa Xã hội",
        "Sinh viên",
        "Phòng Biên tập",
        "Phòng Kỹ thuật",
    ],
    A.ENTERPRISE: [
        "Văn phòng công ty",
        "Phòng Kỹ thuật",
        "Phòng Kinh doanh",
        "Phân xưởng sản xuất",
        "Đội xây lắp số 1",
        "Đội xây lắp số 2",
        "Xí nghiệp trực thuộc",
        "Chi nhánh huyện Mường Ảng",
        "Chi nhánh huyện Tuần Giáo",
        "Chi nhánh thành phố Điện Biên Phủ",
        "Phòng Tài chính - Kế toán",
    ],
}


@dataclass
class _Node:
    """A node built in memory before the bulk insert."""

    code: str
    name: str
    kind: str
    area_kind: str
    disadvantaged_area: bool = False
    children: list[_Node] = field(default_factory=list)

    def add(self, *args: Any, **kwargs: Any) -> _Node:
        child = _Node(*args, **kwargs)
        self.children.append(child)
        return child


def _district(ctx: DemoContext) -> _Node:
    rng = ctx.rng
    district = _Node("DBD", "Đảng bộ huyện Điện Biên Đông", K.DISTRICT, A.OTHER, True)
    communes = COMMUNES[:3] if ctx.small else COMMUNES
    villages = list(VILLAGES)
    first = villages.pop(0)  # "Co Kham": the cell secretary's village, always DBD-ML-01
    rng.shuffle(villages)
    for suffix, name, _hmong in communes:
        code = f"DBD-{suffix}"
        commune = district.add(code, f"Đảng bộ xã {name}", K.COMMUNE, A.RURAL_COMMUNE, True)
        count = 3 if ctx.small else rng.randint(7, 11)
        names = [first] if suffix == "ML" else []
        while len(names) < count:
            if not villages:  # names repeat across communes, as they do on the map
                villages = [v for v in VILLAGES[1:] if v not in names]
                rng.shuffle(villages)
            village = villages.pop()
            if village not in names:
                names.append(village)
        for number, village in enumerate(names, start=1):
            commune.add(f"{code}-{number:02d}", f"Chi bộ bản {village}", K.CELL, A.VILLAGE, True)
        if not ctx.small:
            commune.add(f"{code}-CA", f"Chi bộ Công an xã {name}", K.CELL, A.ARMED_FORCES, True)
            commune.add(f"{code}-QS", f"Chi bộ Quân sự xã {name}", K.CELL, A.ARMED_FORCES, True)
            commune.add(
                f"{code}-TH", f"Chi bộ Trường PTDTBT Tiểu học {name}", K.CELL, A.SCHOOL, True
            )
            commune.add(f"{code}-CQ", f"Chi bộ Cơ quan xã {name}", K.CELL, A.RURAL_COMMUNE, True)
    return district


def _bloc(ctx: DemoContext) -> _Node:
    rng = ctx.rng
    bloc = _Node("KCQ", "Đảng bộ Khối cơ quan và doanh nghiệp tỉnh", K.BLOC, A.OTHER)
    grassroots = [(A.AGENCY, n) for n in AGENCIES]
    grassroots += [(A.PUBLIC_UNIT, n) for n in PUBLIC_UNITS]
    grassroots += [(A.ENTERPRISE, n) for n in ENTERPRISES]
    total_grassroots, total_cells, committees = (5, 12, 3) if ctx.small else (91, 285, 48)
    grassroots = grassroots[:total_grassroots]
    # The larger units are committees with cells; the others are grassroots cells.
    committee_indexes = set(rng.sample(range(len(grassroots)), committees))
    cells_per_committee = [total_cells // committees] * committees
    for index in rng.sample(range(committees), total_cells % committees):
        cells_per_committee[index] += 1
    committee_number = 0
    for number, (area, unit) in enumerate(grassroots, start=1):
        code = f"KCQ-{number:03d}"
        if number - 1 not in committee_indexes:
            bloc.add(code, f"Chi bộ {unit}", K.GRASSROOTS_CELL, area)
            continue
        committee = bloc.add(code, f"Đảng bộ {unit}", K.GRASSROOTS_COMMITTEE, area)
        count = cells_per_committee[committee_number]
        committee_number += 1
        names = rng.sample(CELLS_BY_AREA[area], min(count, len(CELLS_BY_AREA[area])))
        names += [f"Tổ công tác số {i}" for i in range(1, count - len(names) + 1)]
        parent = committee
        for cell_number, cell_name in enumerate(names, start=1):
            if committee_number == 1 and cell_number == 1 and not ctx.small:
                # The one sub-committee of the article: its cells count among the 285.
                parent = committee.add(
                    f"{code}-BP", f"Đảng bộ bộ phận {cell_name} {unit}", K.SUB_COMMITTEE, area
                )
                cell_name = f"{cell_name} 1"
            elif committee_number == 1 and cell_number == 5:
                parent = committee
            parent.add(f"{code}-{cell_number:02d}", f"Chi bộ {cell_name}", K.CELL, area)
    return bloc


def _flatten(
    node: _Node, path: str, depth: int, rows: list[Organisation], cells: list[str]
) -> None:
    children = sorted(node.children, key=lambda child: child.code)
    for step, child in enumerate(children, start=1):
        child_path = Organisation._get_path(path, depth + 1, step)
        rows.append(
            Organisation(
                path=child_path,
                depth=depth + 1,
                numchild=len(child.children),
                code=child.code,
                name=child.name,
                name_folded=fold(child.name),
                kind=child.kind,
                area_kind=child.area_kind,
                disadvantaged_area=child.disadvantaged_area,
            )
        )
        if child.kind in (K.CELL, K.GRASSROOTS_CELL):
            cells.append(child.code)
        _flatten(child, child_path, depth + 1, rows, cells)


def build(ctx: DemoContext) -> None:
    """Create the demo province and its subtree; fill ``ctx.organisations`` and ``ctx.cells``."""
    province = create_organisation(
        parent=None,
        code=PROVINCE_CODE,
        name="Đảng bộ tỉnh Điện Biên",
        kind=K.PROVINCE,
        area_kind=A.OTHER,
        actor=ctx.actor,
    )
    root = _Node(PROVINCE_CODE, province.name, K.PROVINCE, A.OTHER)
    root.children = [_district(ctx), _bloc(ctx)]
    rows: list[Organisation] = []
    cell_codes: list[str] = []
    _flatten(root, province.path, province.depth, rows, cell_codes)
    Organisation.objects.bulk_create(rows, batch_size=500)
    Organisation.objects.filter(pk=province.pk).update(numchild=len(root.children))
    write_missing_placements()  # bulk-created nodes need their placement (the tree's history)
    problems = Organisation.find_problems()
    if any(problems):
        raise DomainError(f"Cây tổ chức mẫu không nhất quán: {problems}")
    by_code = {o.code: o for o in Organisation.objects.filter(path__startswith=province.path)}
    ctx.organisations.update(by_code)
    ctx.cells = [by_code[code] for code in cell_codes]
    ctx.log(f"  Tổ chức: {len(by_code)} (chi bộ: {len(ctx.cells)})")


# --- 1/7/2025: the two-level tree (31-HD/BTCTW), run by ``seed_demo`` unless --before-2025 -----

# New commune committees directly under the province, each formed from the listed former
# communes of Điện Biên Đông. Illustrative: the grouping follows the real pattern (three or so
# communes merged, the new commune named after one of them), not the province's actual decision.
NEW_COMMUNES: list[tuple[str, str, list[str]]] = [
    ("X-ML", "Mường Luân", ["ML", "LG", "PN"]),
    ("X-NS", "Na Son", ["PH", "NS", "XD"]),
    ("X-PNH", "Phì Nhừ", ["PNH", "CS"]),
    ("X-KL", "Keo Lôm", ["KL", "HL", "NU"]),
]


def _is_commune(organisation: Organisation) -> bool:
    """A commune's committee: the commune kind, or (before 2025) a grassroots committee of a
    rural commune."""
    return organisation.kind == K.COMMUNE or (
        organisation.kind == K.GRASSROOTS_COMMITTEE and organisation.area_kind == A.RURAL_COMMUNE
    )


def _other_districts_2025(province: Organisation) -> list[dict[str, Any]]:
    """The province's other districts (the seed-004 district of ``demo.history``) end the same
    day: their communes merged three by three into new commune committees under the province
    (named after the first of each group), their other grassroots organisations moved under the
    first new commune, the district dissolved. Illustrative, like the Điện Biên Đông grouping."""
    operations: list[dict[str, Any]] = []
    districts = Organisation.objects.children_of(province).filter(
        kind=K.DISTRICT, valid_to__isnull=True
    )
    for district in districts.exclude(code="DBD"):
        children = list(Organisation.objects.children_of(district).filter(valid_to__isnull=True))
        communes = sorted((c for c in children if _is_commune(c)), key=lambda c: c.code)
        groups = [communes[i : i + 3] for i in range(0, len(communes), 3)]
        new_codes = []
        for number, group in enumerate(groups, start=1):
            code = f"X-{district.code}-{number}"
            new_codes.append(code)
            operations.append(
                {
                    "kind": "merge",
                    "spec": {
                        "sources": [c.code for c in group],
                        "into": {
                            "code": code,
                            "name": group[0].name,
                            "kind": K.COMMUNE,
                            "parent": PROVINCE_CODE,
                        },
                    },
                }
            )
        receiver = new_codes[0] if new_codes else PROVINCE_CODE
        operations += [
            {"kind": "move", "spec": {"node": child.code, "new_parent": receiver}}
            for child in sorted(children, key=lambda c: c.code)
            if not _is_commune(child)
        ]
        operations.append(
            {"kind": "dissolve", "spec": {"organisation": district.code, "successor": receiver}}
        )
    return operations


def reorganise_2025(ctx: DemoContext) -> None:
    """The province's plan of 1/7/2025 through the reorganisation services: Điện Biên Đông's
    communes merged into new commune committees under the province, the district dissolved,
    the provincial bloc split into the new provincial blocs (illustrative mapping). Facts
    recorded before stay where they happened; later ones sit under the new tree."""
    import datetime as dt

    from dangvien.organisations import plans

    province = Organisation.objects.get(code=PROVINCE_CODE)
    existing = set(
        Organisation.objects.filter(path__startswith=province.path).values_list("code", flat=True)
    )
    operations: list[dict[str, Any]] = []
    for code, name, olds in NEW_COMMUNES:
        sources = [f"DBD-{old}" for old in olds if f"DBD-{old}" in existing]
        if not sources:
            continue
        into = {"code": code, "name": f"Đảng bộ xã {name}", "kind": K.COMMUNE}
        operations.append(
            {
                "kind": "merge",
                "spec": {"sources": sources, "into": {**into, "parent": PROVINCE_CODE}},
            }
        )
    operations.append(
        {"kind": "dissolve", "spec": {"organisation": "DBD", "successor": PROVINCE_CODE}}
    )
    operations += _other_districts_2025(province)
    bloc_children = sorted(
        Organisation.objects.children_of(Organisation.objects.get(code="KCQ")).values_list(
            "code", flat=True
        )
    )
    half = len(bloc_children) // 2
    operations.append(
        {
            "kind": "split",
            "spec": {
                "source": "KCQ",
                "parts": [
                    {"code": "KDCQ", "name": "Đảng bộ các cơ quan Đảng tỉnh", "kind": K.BLOC},
                    {"code": "KUB", "name": "Đảng bộ Ủy ban nhân dân tỉnh", "kind": K.BLOC},
                ],
                "children": dict.fromkeys(bloc_children[half:], "KUB"),
                "default_part": "KDCQ",
                "reason": "các tổ chức đảng chia theo cơ quan chuyển về (minh họa)",
            },
        }
    )
    plan = plans.create_plan(
        root=province,
        effective_date=dt.date(2025, 7, 1),
        decision_number="1234-QĐ/TU",
        handover_reference="BB-01/2025",
        name="Sắp xếp tổ chức đảng 2025 (minh họa)",
        operations=operations,
        actor=ctx.actor,
    )
    events = plans.apply_plan(plan, actor=ctx.actor)
    _reload(ctx, province)
    ctx.log(f"  Sắp xếp tổ chức 1/7/2025: {len(events)} thao tác")


def _reload(ctx: DemoContext, province: Organisation) -> None:
    """The plan re-parented most nodes: the builders that follow read today's paths, so the
    context's organisations, cells, people and members are read again."""
    from dangvien.members.models import Membership
    from dangvien.people.models import Person

    province.refresh_from_db()
    by_code = {o.code: o for o in Organisation.objects.filter(path__startswith=province.path)}
    ctx.organisations.clear()
    ctx.organisations.update(by_code)
    by_pk = {o.pk: o for o in by_code.values()}
    ctx.cells = [by_pk[cell.pk] for cell in ctx.cells]
    if ctx.people:
        people = Person.objects.in_bulk([p.pk for p in ctx.people])
        for person in people.values():
            if person.organisation_id in by_pk:
                person.organisation = by_pk[person.organisation_id]
        ctx.people = [people[p.pk] for p in ctx.people]
    if ctx.members:
        members = Membership.objects.select_related("person").in_bulk([m.pk for m in ctx.members])
        for member in members.values():
            if member.organisation_id in by_pk:
                member.organisation = by_pk[member.organisation_id]
        ctx.members = [members[m.pk] for m in ctx.members]
