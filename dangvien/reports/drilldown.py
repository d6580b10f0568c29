"""The records behind every figure of the report that ``reports:records`` does not list:
pipeline stages, sympathisers, awareness attendees, coverage, membership and probationers at
the period's end, recognitions, organisations by kind and the grassroots ranked by target.

Each figure is a ``DrillDown``: a title, its columns and its rows (dicts). The rows filter the
same way as the figure's aggregate (selectors, statistics_forms, organisation_figures), and
organisations are named with their parents ("Chi bộ Văn phòng — Đảng bộ Sở Y tế") in one extra
query. Every list is exportable as xlsx through ``core.exporting.ListExport``.

Every list is counted on a structure date like the figure it drills from (``structure=``: a
date, None for today's tree, or the report's default — today's tree for a period not over, the
period's own tree for a closed one): the organisation's root is resolved once
(``organisations.selectors.resolve_structure``) and each filter goes through ``structure_q``;
on a past tree the cells are named with their parents of that day (the placements). The
organisations by kind are "Hiện có" (in force today), as their count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import django_tables2 as tables
from django.db.models import F, Q
from django.utils.translation import gettext, gettext_lazy

from dangvien.organisations.models import Organisation
from dangvien.organisations.selectors import (
    StructureRoot,
    placements_valid_on,
    resolve_structure,
    structure_q,
)
from dangvien.reports.organisation_figures import (
    get_grassroots_targets,
    in_force_today,
    names_with_parents,
    rows_as_records,
)
from dangvien.reports.periods import Period


class Tree(NamedTuple):
    """The structure date a list is counted on: ``on`` as asked (None: today's tree) and the
    organisation's root resolved for it."""

    on: dt.date | None
    root: StructureRoot


def cell_names(tree: Tree, rows: Sequence[Mapping[str, Any]]) -> dict[Any, str]:
    """Each row's cell named with its parent, by ``path`` on today's tree or by ``org`` (the
    organisation's id) with the parent of the structure date: one query."""
    from dangvien.organisations.models import OrganisationPlacement

    if tree.root.on is None:
        return names_with_parents({row["path"] for row in rows})
    ids = {row["org"] for row in rows}
    if not ids:
        return {}
    placed = OrganisationPlacement.objects.filter(
        placements_valid_on(tree.root.on), organisation_id__in=ids
    ).values_list("organisation_id", "organisation__name", "parent__name")
    names = {pk: f"{name} — {parent}" if parent else name for pk, name, parent in placed}
    return names


def _cell(tree: Tree, names: dict[Any, str], row: Mapping[str, Any]) -> str:
    return names.get(row["path"] if tree.root.on is None else row["org"], "")


@dataclass
class DrillDown:
    title: str
    columns: list[tuple[str, Any]]  # (key, header)
    rows: list[dict[str, Any]]
    structure_on: dt.date | None = None  # the tree it is counted on (None: today's)

    def table_class(self) -> type[tables.Table]:
        """A django-tables2 Table of these columns (the export path reads it)."""
        attrs: dict[str, Any] = {
            key: tables.Column(verbose_name=str(header), orderable=False)
            for key, header in self.columns
        }
        attrs["Meta"] = type("Meta", (), {"sequence": [key for key, _h in self.columns]})
        return type("DrillDownTable", (tables.Table,), attrs)


PERSON_COLUMNS: list[tuple[str, Any]] = [
    ("full_name", gettext_lazy("Họ và tên")),
    ("date_of_birth", gettext_lazy("Ngày sinh")),
    ("sex", gettext_lazy("Giới tính")),
]


def _sex(value: str) -> str:
    from dangvien.people.choices import Sex

    return str(Sex(value).label) if value in Sex.values else value


def _members(
    tree: Tree, queryset: Any, *, path_field: str, org_field: str, status_field: str
) -> list[dict[str, Any]]:
    from dangvien.members.choices import MemberStatus

    values = list(
        queryset.order_by("person__full_name_folded", "pk").values(
            "person__full_name",
            "person__date_of_birth",
            "person__sex",
            "decision_date",
            "official_date",
            member_status=F(status_field),
            path=F(path_field),
            org=F(org_field),
        )
    )
    names = cell_names(tree, values)
    return [
        {
            "full_name": row["person__full_name"],
            "date_of_birth": row["person__date_of_birth"],
            "sex": _sex(row["person__sex"]),
            "status": str(MemberStatus(row["member_status"]).label),
            "cell": _cell(tree, names, row),
            "decision_date": row["decision_date"],
            "official_date": row["official_date"],
        }
        for row in values
    ]


MEMBER_COLUMNS = [
    *PERSON_COLUMNS,
    ("status", gettext_lazy("Trạng thái")),
    ("cell", gettext_lazy("Chi bộ")),
    ("decision_date", gettext_lazy("Ngày quyết định kết nạp")),
    ("official_date", gettext_lazy("Ngày công nhận chính thức")),
]


def members_end(organisation: Organisation, period: Period, arg: str, tree: Tree) -> DrillDown:
    from dangvien.reports.statistics_forms import members_at

    queryset = members_at(organisation, period.end, tree.root)
    title = gettext("Đảng viên cuối kỳ (%(day)s)")
    if arg == "probationary":
        queryset = queryset.filter(day_status="probationary")
        title = gettext("Đảng viên dự bị cuối kỳ (%(day)s)")
    rows = _members(
        tree, queryset, path_field="day_path", org_field="day_org", status_field="day_status"
    )
    return DrillDown(title % {"day": format(period.end, "%d/%m/%Y")}, MEMBER_COLUMNS, rows)


def recognised(organisation: Organisation, period: Period, arg: str, tree: Tree) -> DrillDown:
    from dangvien.members.models import Membership

    queryset = Membership.objects.filter(
        structure_q(tree.root), official_date__range=(period.start, period.end)
    )
    rows = _members(
        tree,
        queryset,
        path_field="organisation__path",
        org_field="organisation_id",
        status_field="status",
    )
    return DrillDown(gettext("Đảng viên được công nhận chính thức"), MEMBER_COLUMNS, rows)


def _stage(arg: str) -> Any:
    from dangvien.admissions.choices import Stage

    if arg not in Stage.values:
        raise LookupError(arg)
    return Stage(arg)


def dossiers_at_stage(
    organisation: Organisation, period: Period, arg: str, tree: Tree
) -> DrillDown:
    from dangvien.admissions.models import Dossier

    stage = _stage(arg)
    values = list(
        Dossier.objects.filter(structure_q(tree.root), status="open", stage=stage)
        .order_by("person__full_name_folded", "pk")
        .values(
            "person__full_name",
            "person__date_of_birth",
            "person__sex",
            "opened_on",
            path=F("organisation__path"),
            org=F("organisation_id"),
        )
    )
    names = cell_names(tree, values)
    rows = [
        {
            "full_name": row["person__full_name"],
            "date_of_birth": row["person__date_of_birth"],
            "sex": _sex(row["person__sex"]),
            "cell": _cell(tree, names, row),
            "opened_on": row["opened_on"],
        }
        for row in values
    ]
    columns = [
        *PERSON_COLUMNS,
        ("cell", gettext_lazy("Chi bộ")),
        ("opened_on", gettext_lazy("Ngày lập hồ sơ")),
    ]
    return DrillDown(
        gettext("Hồ sơ đang ở bước «%(stage)s»") % {"stage": stage.label}, columns, rows
    )


def steps_reached(organisation: Organisation, period: Period, arg: str, tree: Tree) -> DrillDown:
    from dangvien.admissions.models import Step

    stage = _stage(arg)
    values = list(
        Step.objects.filter(
            structure_q(tree.root, field="organisation"),
            date__range=(period.start, period.end),
            stage=stage,
        )
        .order_by("date", "pk")
        .values(
            "date",
            "document_number",
            full_name=F("dossier__person__full_name"),
            date_of_birth=F("dossier__person__date_of_birth"),
            sex=F("dossier__person__sex"),
            path=F("organisation__path"),
            org=F("organisation_id"),
        )
    )
    names = cell_names(tree, values)
    rows = [{**row, "sex": _sex(row["sex"]), "cell": _cell(tree, names, row)} for row in values]
    columns = [
        *PERSON_COLUMNS,
        ("cell", gettext_lazy("Chi bộ")),
        ("date", gettext_lazy("Ngày")),
        ("document_number", gettext_lazy("Số văn bản")),
    ]
    return DrillDown(
        gettext("Đạt bước «%(stage)s» trong kỳ") % {"stage": stage.label}, columns, rows
    )


def _enrolments(
    organisation: Organisation,
    period: Period,
    tree: Tree,
    *,
    sympathisers: bool,
    new_members: bool = False,
) -> DrillDown:
    from dangvien.training.models import Enrolment, TrainingClass

    kind = TrainingClass.Kind.NEW_MEMBER if new_members else TrainingClass.Kind.AWARENESS
    queryset = Enrolment.objects.active().filter(
        structure_q(tree.root, field="person__organisation"),
        training_class__kind=kind,
    )
    if sympathisers:
        queryset = queryset.filter(
            completed=True, certificate_date__range=(period.start, period.end)
        )
        title = gettext("Được cấp giấy chứng nhận (cảm tình Đảng) trong kỳ")
    else:
        queryset = queryset.filter(
            training_class__start_date__lte=period.end, training_class__end_date__gte=period.start
        )
        title = (
            gettext("Đảng viên dự bị học lớp đảng viên mới trong kỳ")
            if new_members
            else gettext("Học lớp nhận thức về Đảng trong kỳ")
        )
    values = list(
        queryset.order_by("person__full_name_folded", "pk").values(
            "certificate_number",
            "certificate_date",
            full_name=F("person__full_name"),
            date_of_birth=F("person__date_of_birth"),
            sex=F("person__sex"),
            path=F("person__organisation__path"),
            org=F("person__organisation_id"),
            training_class_name=F("training_class__name"),
        )
    )
    names = cell_names(tree, values)
    rows = [{**row, "sex": _sex(row["sex"]), "cell": _cell(tree, names, row)} for row in values]
    columns = [
        *PERSON_COLUMNS,
        ("cell", gettext_lazy("Chi bộ")),
        ("training_class_name", gettext_lazy("Lớp")),
        ("certificate_number", gettext_lazy("Số giấy chứng nhận")),
        ("certificate_date", gettext_lazy("Ngày cấp")),
    ]
    return DrillDown(title, columns, rows)


def sympathisers(organisation: Organisation, period: Period, arg: str, tree: Tree) -> DrillDown:
    return _enrolments(organisation, period, tree, sympathisers=True)


def awareness(organisation: Organisation, period: Period, arg: str, tree: Tree) -> DrillDown:
    return _enrolments(organisation, period, tree, sympathisers=False)


def new_member_class(organisation: Organisation, period: Period, arg: str, tree: Tree) -> DrillDown:
    return _enrolments(organisation, period, tree, sympathisers=False, new_members=True)


COVERAGE_FIELDS = {
    "village_heads": ("is_village_head", gettext_lazy("Trưởng thôn, bản, tổ dân phố")),
    "front_group_heads": ("is_front_group_head", gettext_lazy("Trưởng ban công tác Mặt trận")),
    "mass_org_heads": ("is_mass_org_head", gettext_lazy("Người đứng đầu đoàn thể ở thôn")),
}


def coverage(organisation: Organisation, period: Period, arg: str, tree: Tree) -> DrillDown:
    from dangvien.members.choices import ACTIVE_STATUSES
    from dangvien.people.models import Person

    if arg not in COVERAGE_FIELDS:
        raise LookupError(arg)
    flag, label = COVERAGE_FIELDS[arg]
    active = [str(s) for s in ACTIVE_STATUSES]
    values = list(
        Person.objects.filter(structure_q(tree.root), **{flag: True})
        .order_by("full_name_folded", "pk")
        .values(
            "full_name",
            "date_of_birth",
            "sex",
            "membership__status",
            path=F("organisation__path"),
            org=F("organisation_id"),
        )
    )
    names = cell_names(tree, values)
    rows = [
        {
            "full_name": row["full_name"],
            "date_of_birth": row["date_of_birth"],
            "sex": _sex(row["sex"]),
            "cell": _cell(tree, names, row),
            "member": gettext("Đảng viên")
            if row["membership__status"] in active
            else gettext("Chưa là đảng viên"),
        }
        for row in values
    ]
    columns = [
        *PERSON_COLUMNS,
        ("cell", gettext_lazy("Tổ chức")),
        ("member", gettext_lazy("Là đảng viên")),
    ]
    return DrillDown(str(label), columns, rows)


ORGANISATION_COLUMNS: list[tuple[str, Any]] = [
    ("name", gettext_lazy("Tổ chức")),
    ("code", gettext_lazy("Mã")),
    ("kind", gettext_lazy("Loại")),
]


def _organisation_rows(queryset: Any, tree: Tree | None = None) -> list[dict[str, Any]]:
    from dangvien.organisations.choices import OrganisationKind

    values = list(queryset.order_by("path").values("path", "code", "kind", org=F("pk")))
    tree = tree or Tree(None, StructureRoot("", None))
    names = cell_names(tree, values)
    return [
        {
            "name": _cell(tree, names, row),
            "code": row["code"],
            "kind": OrganisationKind(row["kind"]).label,
        }
        for row in values
    ]


def organisations_of_kind(
    organisation: Organisation, period: Period, arg: str, tree: Tree
) -> DrillDown:
    """In force today, as their count ("Hiện có", ``get_organisation_counts``): not on the
    structure date."""
    from dangvien.organisations.choices import OrganisationKind

    if arg not in OrganisationKind.values:
        raise LookupError(arg)
    queryset = Organisation.objects.filter(
        in_force_today(), path__startswith=organisation.path, kind=arg
    ).exclude(pk=organisation.pk)
    return DrillDown(
        str(OrganisationKind(arg).label), ORGANISATION_COLUMNS, _organisation_rows(queryset)
    )


def villages_without_members(
    organisation: Organisation, period: Period, arg: str, tree: Tree
) -> DrillDown:
    from django.db.models import Count

    from dangvien.members.choices import ACTIVE_STATUSES
    from dangvien.organisations.choices import AreaKind
    from dangvien.reports.selectors import _organisations_q  # the same subtree as the figure

    queryset = (
        Organisation.objects.filter(_organisations_q(tree.root), area_kind=AreaKind.VILLAGE)
        .annotate(n=Count("memberships", filter=Q(memberships__status__in=list(ACTIVE_STATUSES))))
        .filter(n=0)
    )
    return DrillDown(
        gettext("Thôn, bản chưa có đảng viên"),
        ORGANISATION_COLUMNS,
        _organisation_rows(queryset, tree),
    )


def grassroots(organisation: Organisation, period: Period, arg: str, tree: Tree) -> DrillDown:
    data = get_grassroots_targets(organisation=organisation, period=period, structure=tree.on)
    rows = data.rows
    if arg == "meeting":
        rows, title = data.meeting, gettext("Cấp ủy cơ sở hoàn thành chỉ tiêu kết nạp")
    elif arg == "behind":
        rows, title = data.behind, gettext("Cấp ủy cơ sở chưa hoàn thành chỉ tiêu kết nạp")
    else:
        title = gettext("Cấp ủy cơ sở xếp theo tỷ lệ hoàn thành chỉ tiêu kết nạp")
    records = rows_as_records(rows)
    for record in records:
        record["percent"] = "" if record["percent"] is None else record["percent"]
        record["meets"] = gettext("Hoàn thành") if record["meets"] else ""
    columns = [
        ("rank", gettext_lazy("TT")),
        ("name", gettext_lazy("Tổ chức")),
        ("kind", gettext_lazy("Loại")),
        ("target", gettext_lazy("Chỉ tiêu")),
        ("admitted", gettext_lazy("Kết nạp trong kỳ")),
        ("percent", gettext_lazy("% chỉ tiêu")),
        ("meets", gettext_lazy("Kết quả")),
    ]
    return DrillDown(title, columns, records)


FIGURES: dict[str, Callable[[Organisation, Period, str, Tree], DrillDown]] = {
    "members_end": members_end,
    "recognised": recognised,
    "stage": dossiers_at_stage,
    "reached": steps_reached,
    "sympathisers": sympathisers,
    "awareness": awareness,
    "new_member_class": new_member_class,
    "coverage": coverage,
    "kind": organisations_of_kind,
    "villages_without_members": villages_without_members,
    "grassroots": grassroots,
}
"""``?figure=name`` or ``?figure=name:argument`` (a stage, a coverage key, a kind…)."""


def get_drilldown(
    organisation: Organisation,
    period: Period,
    figure: str,
    *,
    structure: dt.date | str | None = "default",
    today: dt.date | None = None,
) -> DrillDown:
    """The list behind ``figure``, counted on the tree of ``structure`` as the report counts
    its figures (a date, None: today's tree, default: ``selectors.default_structure``);
    ``LookupError`` for an unknown figure or argument."""
    from dangvien.reports.selectors import default_structure

    name, _sep, arg = figure.partition(":")
    if name not in FIGURES:
        raise LookupError(figure)
    on = default_structure(period, today) if isinstance(structure, str) else structure
    tree = Tree(on, resolve_structure(organisation, on))
    data = FIGURES[name](organisation, period, arg, tree)
    data.structure_on = on
    return data
