"""Issue 11, "Done when": 1/7/2025 reproduced on demo-like data through the public services
(a reorganisation plan) and the API. A district is dissolved, three of its communes merge into
one new commune committee under the province, a bloc is split into two; then the new commune's
first half of 2026 compares with the sum of its three predecessors' first half of 2025, the
dissolved district's 2016 and 2024 reports still give their own figures, nothing is lost or
counted twice, every scope still holds, and a plan refused midway leaves nothing behind."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db.models import Q, Sum
from django.utils import timezone
from docx import Document

from dangvien.accounts.models import Role, RoleAssignment, User
from dangvien.admissions.models import Dossier
from dangvien.core.errors import DomainError
from dangvien.core.formatting import format_percent
from dangvien.members.models import Membership
from dangvien.organisations import plans
from dangvien.organisations.choices import OrganisationKind as K
from dangvien.organisations.models import (
    Organisation,
    OrganisationLineage,
    OrganisationPlacement,
    ReorganisationEvent,
)
from dangvien.organisations.tests.factories import make_organisation
from dangvien.people.tests.factories import PersonFactory
from dangvien.reports.exporters import build_docx
from dangvien.reports.periods import Period, build_period
from dangvien.reports.selectors import get_admission_report
from dangvien.reports.tests.builders import Traits, admit_people, build_seed_000, months
from dangvien.targets.models import Target
from dangvien.training.models import Enrolment

pytestmark = pytest.mark.django_db

JULY_1 = dt.date(2025, 7, 1)
TODAY = dt.date(2026, 11, 30)  # the demo's today
H1_2025 = Period(dt.date(2025, 1, 1), dt.date(2025, 6, 30))
H1_2026 = Period(dt.date(2026, 1, 1), dt.date(2026, 6, 30))
YEAR_2024 = build_period("year", year=2024)
NOV_2016 = build_period("ytd", year=2016, month=11)

OPERATIONS = [
    {
        "kind": "merge",
        "spec": {
            "sources": ["DBDX1", "DBDX2", "DBDX3"],
            "into": {
                "code": "XMLM",
                "name": "Đảng bộ xã Mường Luân",
                "kind": "commune",
                "parent": "T01",
            },
        },
    },
    {"kind": "dissolve", "spec": {"organisation": "DBD", "successor": "T01"}},
    {
        "kind": "split",
        "spec": {
            "source": "KCQ",
            "parts": [
                {"code": "KDCQ", "name": "Đảng bộ các cơ quan Đảng tỉnh", "kind": "bloc"},
                {"code": "KUBND", "name": "Đảng bộ Ủy ban nhân dân tỉnh", "kind": "bloc"},
            ],
            "children": {"KCQB1": "KDCQ", "KCQB2": "KUBND"},
            "default_part": "KDCQ",
            "reason": "các chi bộ chia theo cơ quan chuyển về",
        },
    },
]


@pytest.fixture
def world(persona_tree, national_admin):
    """Seed 000's district under the province, with 2024 and early-2025 facts, 2025 targets,
    an open dossier, a training enrolment, a district officer, and a provincial bloc."""
    province = persona_tree.region_north
    d = build_seed_000(province, actor=national_admin)
    admit_people(d.cells, Traits(10, women=4), dates=months(2024, 1, 10), tag="2024")
    for n, commune in enumerate(d.communes):  # H1 2025: 3, 4, 5 admitted
        cells = [cell for cell in d.cells if cell.path.startswith(commune.path)]
        admit_people(cells, Traits(3 + n), dates=months(2025, 1, 6), tag=f"25-{n}")
    Target.objects.bulk_create(
        [
            Target(organisation=commune, year=2025, value=v, assigned_by=national_admin)
            for commune, v in zip(d.communes, [5, 6, 7], strict=True)
        ]
    )
    person = PersonFactory(organisation=d.cells[0])
    Dossier.objects.create(
        person=person, organisation=d.cells[0], stage="outstanding", opened_on=dt.date(2025, 3, 1)
    )
    officer = User.objects.create_user(username="huyen-dbd", password="mat-khau-thu-nghiem-1")
    RoleAssignment.objects.create(user=officer, role=Role.ORG_BOARD, organisation=d.district)
    bloc = make_organisation(province, code="KCQ", name="Đảng bộ Khối cơ quan tỉnh", kind=K.BLOC)
    bloc_cells = [
        make_organisation(bloc, code=f"KCQB{n}", name=f"Chi bộ cơ quan {n}") for n in (1, 2)
    ]
    admit_people(bloc_cells, Traits(4), dates=months(2025, 2, 5), tag="bloc")
    return d, bloc, officer


def _plan(persona_tree, actor, operations=OPERATIONS):
    return plans.create_plan(
        root=persona_tree.region_north,
        effective_date=JULY_1,
        decision_number="31-HD/BTCTW",
        handover_reference="BB-01/2025",
        operations=operations,
        actor=actor,
    )


def _totals(province):
    """Every fact, counted by query: none may be lost or counted twice. Targets: each year's
    sum over the organisations in the tree at that year's end (a handed-over target is a new
    row for the successor, the predecessors' rows stay as history of their own tree)."""
    from dangvien.organisations.selectors import subtree_on

    return {
        "memberships": Membership.objects.count(),
        "dossiers": Dossier.objects.count(),
        "open_dossiers": Dossier.objects.filter(status="open").count(),
        "enrolments": Enrolment.objects.count(),
        "targets": {
            year: Target.objects.filter(
                Q(organisation__valid_to__isnull=True)
                | Q(organisation__valid_to__gte=dt.date(year, 12, 31)),
                year=year,
                organisation__in=subtree_on(province, dt.date(year, 12, 31)),
            ).aggregate(n=Sum("value"))["n"]
            for year in (2016, 2025)
        },
    }


def _report(org, period, **kwargs):
    return get_admission_report(organisation=org, period=period, today=TODAY, **kwargs)


def test_first_of_july_2025(persona_tree, national_admin, world, client_for):
    d, _bloc, officer = world
    province = persona_tree.region_north
    before = _totals(province)
    province_2016 = _report(province, NOV_2016).admitted
    province_h1_2025 = _report(province, H1_2025).admitted

    # the plan through the API: drafted, previewed (nothing refused), applied
    api = client_for("national_admin")
    created = api.post(
        "/api/v1/organisations/reorganisation-plans",
        data={
            "root_id": province.pk,
            "effective_date": JULY_1.isoformat(),
            "decision_number": "31-HD/BTCTW",
            "handover_reference": "BB-01/2025",
            "operations": OPERATIONS,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    plan_id = created.json()["id"]
    preview = api.post(f"/api/v1/organisations/reorganisation-plans/{plan_id}/preview")
    assert preview.status_code == 200, preview.content
    applied = api.post(f"/api/v1/organisations/reorganisation-plans/{plan_id}/apply")
    assert applied.status_code == 200, applied.content

    assert ReorganisationEvent.objects.filter(plan_id=plan_id).count() == 3
    new = Organisation.objects.get(code="XMLM")
    assert new.get_parent().pk == province.pk
    # the new commune's cells, new facts after the date
    cells = list(Organisation.objects.filter(path__startswith=new.path, kind=K.CELL))
    assert {cell.pk for cell in cells} == {cell.pk for cell in d.cells}
    admit_people(cells, Traits(15, women=6), dates=months(2026, 1, 6), tag="2026")
    Target.objects.create(organisation=new, year=2026, value=20, assigned_by=national_admin)

    # the new commune, first half of 2026, against its three predecessors' first half of 2025
    report = _report(new, H1_2026)
    assert report.structure_on == H1_2026.end  # a closed period: its own tree
    assert (report.admitted, report.previous) == (15, 3 + 4 + 5)
    assert format_percent(report.percent_vs_same_period) == "125,0%"
    assert report.previous_target == 5 + 6 + 7  # the predecessors' 2025 targets carried over
    assert report.lineage is not None and not report.lineage.approximate
    assert report.lineage.text.startswith("so với cùng kỳ của 3 đảng bộ xã cũ: ")
    assert [o.code for o in report.lineage.organisations] == ["DBDX1", "DBDX2", "DBDX3"]
    # the same through the API
    answer = client_for("national_admin").get(
        "/api/v1/reports/admissions", {"org": "XMLM", "from": "2026-01-01", "to": "2026-06-30"}
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["admitted"], body["same_period_last_year"]) == (15, 12)
    assert body["structure"] == "2026-06-30"
    assert body["same_period_target"] == 18
    assert body["lineage"]["text"] == report.lineage.text
    # the report page says which tree and what the comparison is made with; so does the docx
    page = client_for("national_admin").get(
        "/reports/admissions/", {"org": new.pk, "from": "2026-01-01", "to": "2026-06-30"}
    )
    html = page.content.decode()
    assert "Số liệu tính theo cơ cấu tổ chức ngày 30/06/2026." in html
    assert "Cùng kỳ: so với cùng kỳ của 3 đảng bộ xã cũ: " in html
    assert 'id="fig-previous-target">chỉ tiêu năm 2025: 18<' in html
    document = Document(io.BytesIO(build_docx(report, user=national_admin, when=timezone.now())))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "Cùng kỳ: " + report.lineage.text in text

    # the dissolved district still answers for its own years, on its own tree
    district = Organisation.objects.get(pk=d.district.pk)
    assert district.valid_to == JULY_1 - dt.timedelta(days=1)
    r2016 = _report(district, NOV_2016)
    assert (r2016.admitted, r2016.target, r2016.previous) == (265, 150, 163)
    assert format_percent(r2016.percent_of_target) == "176,7%"
    assert format_percent(r2016.percent_vs_same_period) == "162,6%"
    assert [row.organisation.code for row in r2016.children] == ["DBDX1", "DBDX2", "DBDX3"]
    assert sum(row.admitted for row in r2016.children) == 265
    r2024 = _report(district, YEAR_2024)
    assert (r2024.admitted, r2024.breakdown["women"].count) == (10, 4)
    assert r2024.membership["total"] >= 265 + 163
    # on today's tree nothing sits under it any more; the API takes the structure too
    assert _report(district, NOV_2016, structure=None).admitted == 0
    answer = client_for("national_admin").get(
        "/api/v1/reports/admissions",
        {"org": "DBD", "from": "2016-01-01", "to": "2016-11-30", "structure": "2016-11-30"},
    )
    assert (answer.json()["admitted"], answer.json()["target"]) == (265, 150)
    assert answer.json()["percent_of_target"] == 176.7
    for structure, admitted in (("", 265), ("today", 0), ("2016-06-30", 265)):
        out = io.StringIO()
        args = ["--org", "DBD", "--from", "2016-01-01", "--to", "2016-11-30"]
        call_command("report", *args, "--structure", structure, stdout=out)
        assert json.loads(out.getvalue())["admitted"] == admitted, structure

    # the split bloc: each part compares approximately, and says why
    parts = {o.code: o for o in Organisation.objects.filter(code__in=["KDCQ", "KUBND"])}
    part = _report(parts["KDCQ"], H1_2026)
    assert part.lineage is not None and part.lineage.approximate
    assert "các chi bộ chia theo cơ quan chuyển về" in part.lineage.text
    assert part.previous + _report(parts["KUBND"], H1_2026).previous == 4

    # nothing lost, nothing counted twice
    after = _totals(province)
    assert after == {**before, "memberships": before["memberships"] + 15}
    assert after["targets"] == {2016: 150 + 160, 2025: 18}
    assert _report(province, NOV_2016).admitted == province_2016
    assert _report(province, NOV_2016, structure=None).admitted == province_2016
    assert _report(province, H1_2025, structure=None).admitted == province_h1_2025
    assert Dossier.objects.filter(status="open", organisation__valid_to__isnull=True).count() == (
        Dossier.objects.filter(status="open").count()
    )

    # every scope still holds: no role in force on an organisation that has ended
    assert not RoleAssignment.objects.filter(
        ended_at__isnull=True, organisation__valid_to__isnull=False
    ).exists()
    assert RoleAssignment.objects.filter(user=officer, ended_at__isnull=True).exists()
    assert OrganisationLineage.objects.filter(successor=new).count() == 3


def test_a_plan_refused_midway_leaves_nothing_behind(persona_tree, national_admin, world):
    # dissolving the district twice: the third operation is refused, after two that worked
    plan = _plan(persona_tree, national_admin, [*OPERATIONS[:2], OPERATIONS[1]])
    snapshot = (
        list(Organisation.objects.values_list("pk", "path", "valid_to", "code")),
        OrganisationPlacement.objects.count(),
        list(RoleAssignment.objects.values_list("pk", "organisation_id", "ended_at")),
        list(Membership.objects.values_list("pk", "organisation_id", "status")),
        _totals(persona_tree.region_north),
    )

    with pytest.raises(DomainError):
        plans.apply_plan(plan, actor=national_admin)

    assert snapshot == (
        list(Organisation.objects.values_list("pk", "path", "valid_to", "code")),
        OrganisationPlacement.objects.count(),
        list(RoleAssignment.objects.values_list("pk", "organisation_id", "ended_at")),
        list(Membership.objects.values_list("pk", "organisation_id", "status")),
        _totals(persona_tree.region_north),
    )
    assert not ReorganisationEvent.objects.exists()


@pytest.mark.parametrize("structure", ["hôm qua", "2016-02-30", "0001-01-01"])
def test_a_bad_structure_date_is_refused_with_the_field_named(persona_tree, client_for, structure):
    answer = client_for("national_admin").get(
        "/api/v1/reports/admissions", {"org": "T01", "period": "year", "structure": structure}
    )
    assert answer.status_code == 400, answer.content
    page = client_for("national_admin").get(
        "/reports/admissions/", {"org": persona_tree.region_north.pk, "structure": structure}
    )
    assert page.status_code == 200  # the message shown, the default tree used
    records = client_for("national_admin").get(
        "/reports/admissions/records/",
        {"org": persona_tree.region_north.pk, "structure": structure},
    )
    assert records.status_code == 404
