"""The official statistics forms of 11-HD/BTCTW (research §7): Biểu 1-BTCTW (increases and
decreases of members), Biểu 2-BTCTW (new members) and Biểu 3-BTCTW (total membership), as
figures and as printable xlsx sheets.

Every form lays its rows out as the guidance does: (1) criterion, (2) this period, (3) the same
period last year, (4) = (2) × 100 / (3). The figures are set-based, a fixed number of queries
whatever the size of the tree (``get_statistics_forms``):

- Biểu 2 comes from the admission report's breakdowns (already computed) plus one query for
  the grassroots organisations with admissions;
- Biểu 3: one aggregate per date (the period's end, and the end of the same period last year)
  over ``members_at`` — the members of the subtree active on that date, from each membership's
  latest event on or before it;
- Biểu 1: the members at the start (one count per period), the status events of both periods
  with each event's previous status (one statement with a window function), the official
  transfers across the subtree's border (one aggregate), and the members at the end (Biểu 3).

Number formats: counts are numbers with a format whose thousands dot is a literal
(``COUNT_FORMAT``), so 5100 shows "5.100" in any locale; ratios and average ages are derived
display values and are written as text ("176,7"), because no number format can set the decimal
comma independently of the reader's locale (see docs/reports.md).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from dangvien.core.formatting import format_date, format_datetime, format_number, percent_value
from dangvien.core.replica import fact_connection as connection
from dangvien.core.xlsx import CellWriter
from dangvien.members.breakdowns import CRITERIA
from dangvien.organisations.choices import OrganisationKind
from dangvien.organisations.models import Organisation
from dangvien.organisations.models import OrganisationPlacement as _Placement
from dangvien.organisations.selectors import (
    StructureRoot,
    placed_under,
    placements_valid_on,
    structure_q,
)
from dangvien.reports.breakdowns import GROUP_LABELS
from dangvien.reports.periods import Period

COUNT_FORMAT = '[>=1000000]#"."###"."##0;[>=1000]#"."##0;0'
"""Counts: the thousands dot is a literal between digit placeholders, so it does not depend on
the reader's locale (5100 → "5.100", 1234567 → "1.234.567")."""


@dataclass
class FormRow:
    label: str
    current: int | Decimal | None = None
    previous: int | Decimal | None = None
    level: int = 2  # 0: section (A, B, I…), 1: group (1., 2.…), 2: item
    kind: str = "count"  # count, average, heading

    @property
    def ratio(self) -> Decimal | None:
        if self.kind != "count" or self.current is None or self.previous is None:
            return None
        return percent_value(self.current, self.previous)


@dataclass
class StatisticsForm:
    code: str
    title: str
    rows: list[FormRow] = field(default_factory=list)

    def row(self, label: str) -> FormRow:
        """The row whose label (without indentation) is ``label``."""
        for row in self.rows:
            if row.label.strip() == label:
                return row
        raise KeyError(label)


# --- members on a date (Biểu 3, Biểu 1's start and end, the drill-down list) -------------------


def members_at(
    organisation: Organisation, day: dt.date, root: StructureRoot | None = None
) -> QuerySet[Any]:
    """Memberships of ``organisation``'s subtree active on ``day`` (probationary, official or
    exempt): status and cell from the latest status or transfer event on or before ``day``;
    with none, in the admitting cell, official from the recorded official date, probationary
    before it. One statement (correlated subqueries).

    ``root``: the subtree on a structure date (``organisations.selectors.resolve_structure``,
    resolved once by the caller); None is today's tree (the path prefix). On a past tree the
    cell of ``day`` must be placed under the root's placement that day (a subquery)."""
    from dangvien.members.choices import ACTIVE_STATUSES, EventKind, MemberStatus
    from dangvien.members.models import Membership, MembershipEvent

    root = root or StructureRoot(organisation.path, None)
    latest = MembershipEvent.objects.filter(
        membership=OuterRef("pk"),
        date__lte=day,
        kind__in=[EventKind.STATUS, EventKind.TRANSFER],
    ).order_by("-date", "-pk")
    touched = MembershipEvent.objects.filter(structure_q(root))
    if root.empty:
        in_tree_on_day = Q(pk__in=[])
    elif root.on is None:
        in_tree_on_day = Q(day_path__startswith=root.path)
    else:
        in_tree_on_day = Q(day_org__in=placed_under(root))
    return (
        Membership.objects.filter(decision_date__lte=day)
        .filter(structure_q(root, field="admitted_in") | Q(pk__in=touched.values("membership_id")))
        .annotate(
            day_status=Coalesce(
                Subquery(latest.values("status")[:1]),
                Case(
                    When(official_date__lte=day, then=Value(str(MemberStatus.OFFICIAL))),
                    default=Value(str(MemberStatus.PROBATIONARY)),
                ),
                output_field=CharField(),
            ),
            day_path=Coalesce(
                Subquery(latest.values("organisation__path")[:1]),
                F("admitted_in__path"),
                output_field=CharField(),
            ),
            day_org=Coalesce(
                Subquery(latest.values("organisation_id")[:1]),
                F("admitted_in_id"),
                output_field=IntegerField(),
            ),
        )
        .filter(in_tree_on_day, day_status__in=[str(s) for s in ACTIVE_STATUSES])
    )


def annotate_age_on(queryset: QuerySet[Any], day: dt.date) -> QuerySet[Any]:
    """Add ``age``: full years of the person on ``day`` (the criteria's age bands use it)."""
    birth_md = ExtractMonth("person__date_of_birth") * 100 + ExtractDay("person__date_of_birth")
    return queryset.alias(_birth_md=birth_md).annotate(
        age=Value(day.year)
        - ExtractYear("person__date_of_birth")
        - Case(
            When(Q(_birth_md__gt=day.month * 100 + day.day), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


# Admission eras of Biểu 3 (the dates of the guidance).
ADMISSION_ERAS: list[tuple[str, str | Promise, dt.date | None, dt.date | None]] = [
    ("era_1945", gettext_lazy("Trước ngày 19/8/1945"), None, dt.date(1945, 8, 18)),
    (
        "era_1954",
        gettext_lazy("Từ 19/8/1945 đến 20/7/1954"),
        dt.date(1945, 8, 19),
        dt.date(1954, 7, 20),
    ),
    (
        "era_1975",
        gettext_lazy("Từ 21/7/1954 đến 30/4/1975"),
        dt.date(1954, 7, 21),
        dt.date(1975, 4, 30),
    ),
    ("era_now", gettext_lazy("Từ 01/5/1975 đến nay"), dt.date(1975, 5, 1), None),
]


def _era_q(start: dt.date | None, end: dt.date | None) -> Q:
    q = Q()
    if start is not None:
        q &= Q(decision_date__gte=start)
    if end is not None:
        q &= Q(decision_date__lte=end)
    return q


def _theory_choices() -> list[tuple[str, str]]:
    from dangvien.people.choices import PoliticalTheory

    return [(str(v), str(label)) for v, label in PoliticalTheory.choices]


def membership_figures(
    organisation: Organisation, day: dt.date, root: StructureRoot | None = None
) -> dict[str, Any]:
    """Biểu 3's counts for the members active on ``day`` (on the tree of ``root``, None:
    today's): one aggregate."""
    from dangvien.members.choices import MemberStatus

    queryset = annotate_age_on(members_at(organisation, day, root), day)
    aggregates: dict[str, Any] = {
        "total": Count("pk"),
        "probationary": Count("pk", filter=Q(day_status=str(MemberStatus.PROBATIONARY))),
        "exempt": Count("pk", filter=Q(day_status=str(MemberStatus.EXEMPT))),
        "avg_age": Avg("age"),
    }
    for criterion in CRITERIA:
        aggregates[criterion.key] = Count("pk", filter=criterion.q)
    for key, _label, start, end in ADMISSION_ERAS:
        aggregates[key] = Count("pk", filter=_era_q(start, end))
    for value, _label in _theory_choices():
        aggregates[f"theory_{value}"] = Count("pk", filter=Q(person__political_theory=value))
    return queryset.aggregate(**aggregates)


# --- Biểu 1: movements ---------------------------------------------------------------------------

# The organisations placed under a placement path on a date (raw SQL): path prefix, day, day.
_PLACED = (
    f"SELECT pl.organisation_id FROM {_Placement._meta.db_table} pl"  # noqa: S608
    " WHERE pl.path LIKE %s AND (pl.valid_from IS NULL OR pl.valid_from <= %s)"
    " AND (pl.valid_to IS NULL OR pl.valid_to >= %s)"
)

DECREASES = ("deceased", "removed", "expelled", "left", "transferred_out", "lost_contact")


def _status_movements(root: StructureRoot, periods: dict[str, Period]) -> dict[str, int]:
    """Status events in the subtree in each period, by movement, with the status before each
    event (``LAG`` over the membership's status events): one statement.

    An increase is a return to an active status (restored after removal, expulsion or leaving;
    back after lost contact); a decrease is a change from an active status (so a member removed
    after losing contact is counted once, when contact was lost)."""
    from dangvien.members.choices import ACTIVE_STATUSES, EventKind
    from dangvien.members.models import MembershipEvent

    event = MembershipEvent._meta.db_table
    tree = Organisation._meta.db_table
    active = sorted(str(s) for s in ACTIVE_STATUSES)
    first = min(p.start for p in periods.values())
    last = max(p.end for p in periods.values())
    prefix = connection.ops.prep_for_like_query(root.path) + "%"
    if root.on is None:
        inside, inside_params = "o.path LIKE %s", [prefix]
    else:  # a past tree: the organisations placed under the root's placement that day
        inside = f"o.id IN ({_PLACED})"
        inside_params = [prefix, root.on, root.on]
    active_marks = ", ".join(["%s"] * len(active))
    columns: list[str] = []
    params: list[Any] = []
    movements: dict[str, tuple[str, list[Any]]] = {
        "restored": (
            f"status IN ({active_marks}) AND before IN (%s, %s, %s)",
            [*active, "removed", "expelled", "left"],
        ),
        "returned": (
            f"status IN ({active_marks}) AND before IN (%s, %s)",
            [*active, "lost_contact", "transferred_out"],
        ),
        **{
            status: (f"status = %s AND before IN ({active_marks})", [status, *active])
            for status in DECREASES
        },
        "removed_probationary": ("status = %s AND before = %s", ["removed", "probationary"]),
    }
    names = []
    for name, period in periods.items():
        for movement, (condition, values) in movements.items():
            columns.append(f"COUNT(CASE WHEN date BETWEEN %s AND %s AND {condition} THEN 1 END)")
            params += [period.start, period.end, *values]
            names.append(f"{name}_{movement}")
    sql = f"""
        WITH touched AS (
            SELECT DISTINCT e.membership_id FROM {event} e
            JOIN {tree} o ON o.id = e.organisation_id
            WHERE {inside} AND e.date BETWEEN %s AND %s AND e.kind = %s
        ),
        seq AS (
            SELECT e.status, e.date, e.organisation_id,
                   COALESCE(LAG(e.status) OVER (
                       PARTITION BY e.membership_id ORDER BY e.date, e.id
                   ), %s) AS before
            FROM {event} e
            JOIN touched t ON t.membership_id = e.membership_id
            JOIN {tree} o ON o.id = e.organisation_id
            WHERE e.kind = %s
        )
        SELECT {", ".join(columns)} FROM seq
        WHERE organisation_id IN (SELECT o.id FROM {tree} o WHERE {inside})
    """  # noqa: S608 - table names come from the models, every value is a parameter
    status_kind = str(EventKind.STATUS)
    # before a membership's first recorded event it was active (probationary)
    all_params = [
        *inside_params,
        first,
        last,
        status_kind,
        "probationary",
        status_kind,
        *params,
        *inside_params,
    ]
    if root.empty:
        return dict.fromkeys(names, 0)
    with connection.cursor() as cursor:
        cursor.execute(sql, all_params)
        row = cursor.fetchone()
    return {name: int(value or 0) for name, value in zip(names, row, strict=True)}


def _transfers(root: StructureRoot, periods: dict[str, Period]) -> dict[str, int]:
    """Official transfers confirmed in each period across the subtree's border: one aggregate."""
    from dangvien.members.choices import TransferKind, TransferStatus
    from dangvien.members.models import Transfer

    if root.empty:
        return {f"{name}_{way}": 0 for name in periods for way in ("transfer_in", "transfer_out")}
    inside_to = structure_q(root, field="to_organisation")
    inside_from = structure_q(root, field="from_organisation")
    aggregates = {}
    for name, period in periods.items():
        when = Q(confirmed_on__range=(period.start, period.end))
        aggregates[f"{name}_transfer_in"] = Count("pk", filter=when & inside_to & ~inside_from)
        aggregates[f"{name}_transfer_out"] = Count("pk", filter=when & inside_from & ~inside_to)
    return Transfer.objects.filter(
        kind=TransferKind.OFFICIAL, status=TransferStatus.CONFIRMED
    ).aggregate(**aggregates)


def _grassroots_with_admissions(root: StructureRoot, periods: dict[str, Period]) -> dict[str, int]:
    """Grassroots organisations of the subtree (committees, cells) and, per period, those with
    at least one admission: one aggregate with ``EXISTS`` subqueries. On a past tree: those
    placed under the root that day, each with the cells placed under it that day. Read from the
    admitted counters (``members.AdmittedCount``)."""
    from dangvien.members.models import AdmittedCount
    from dangvien.organisations.models import OrganisationPlacement

    if root.empty:
        keys = ["committees", "cells"]
        keys += [f"{n}_{k}_admitting" for n in periods for k in ("committees", "cells")]
        return dict.fromkeys(keys, 0)
    annotations: dict[str, Any] = {}
    if root.on is not None:
        annotations["placed_path"] = Subquery(
            OrganisationPlacement.objects.filter(
                placements_valid_on(root.on), organisation=OuterRef("pk")
            ).values("path")[:1]
        )
    for name, period in periods.items():
        if root.on is None:
            below = Q(organisation__path__startswith=OuterRef("path"))
        else:
            below = Q(
                organisation__in=OrganisationPlacement.objects.filter(
                    placements_valid_on(root.on), path__startswith=OuterRef(OuterRef("placed_path"))
                ).values("organisation_id")
            )
        annotations[f"{name}_admitting"] = Exists(
            AdmittedCount.objects.filter(
                below, date__range=(period.start, period.end), admitted__gt=0
            )
        )
    committee = Q(kind=OrganisationKind.GRASSROOTS_COMMITTEE)
    cell = Q(kind=OrganisationKind.GRASSROOTS_CELL)
    aggregates: dict[str, Any] = {
        "committees": Count("pk", filter=committee),
        "cells": Count("pk", filter=cell),
    }
    for name in periods:
        aggregates[f"{name}_committees_admitting"] = Count(
            "pk", filter=committee & Q(**{f"{name}_admitting": True})
        )
        aggregates[f"{name}_cells_admitting"] = Count(
            "pk", filter=cell & Q(**{f"{name}_admitting": True})
        )
    return (
        Organisation.objects.filter(
            Q(pk__in=placed_under(root)) if root.on is not None else Q(path__startswith=root.path),
            kind__in=[OrganisationKind.GRASSROOTS_COMMITTEE, OrganisationKind.GRASSROOTS_CELL],
        )
        .annotate(**annotations)
        .aggregate(**aggregates)
    )


# --- the forms -----------------------------------------------------------------------------------


def _day_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=1)


def _average(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))


def get_statistics_forms(report: Any) -> list[StatisticsForm]:
    """Biểu 1, 2 and 3-BTCTW for the report's organisation and period (seven queries), on the
    report's tree (``structure_root``: the same structure date as the report's figures, both
    periods counted on it; a past tree is the same statements with the placements of that day
    as subqueries)."""
    organisation = report.organisation
    root = report.structure_root or StructureRoot(organisation.path, None)
    periods = {"cur": report.period, "prev": report.previous_period}
    end_now = membership_figures(organisation, report.period.end, root)
    end_before = membership_figures(organisation, report.previous_period.end, root)
    start_now = members_at(organisation, _day_before(report.period.start), root).count()
    start_before = members_at(organisation, _day_before(report.previous_period.start), root).count()
    moves = _status_movements(root, periods)
    transfers = _transfers(root, periods)
    grassroots = _grassroots_with_admissions(root, periods)
    return [
        _form_1(report, start_now, start_before, moves, transfers, end_now, end_before),
        _form_2(report, grassroots),
        _form_3(end_now, end_before),
    ]


def _form_1(
    report: Any,
    start_now: int,
    start_before: int,
    moves: dict[str, int],
    transfers: dict[str, int],
    end_now: dict[str, Any],
    end_before: dict[str, Any],
) -> StatisticsForm:
    def pair(key: str) -> tuple[int, int]:
        return moves.get(f"cur_{key}", 0), moves.get(f"prev_{key}", 0)

    admitted = (report.admitted, report.previous)
    transfer_in = (transfers["cur_transfer_in"], transfers["prev_transfer_in"])
    restored, returned = pair("restored"), pair("returned")
    parts = zip(admitted, transfer_in, restored, returned, strict=True)
    increases = [sum(values) for values in parts]
    moved_out = (
        transfers["cur_transfer_out"] + moves["cur_transferred_out"],
        transfers["prev_transfer_out"] + moves["prev_transferred_out"],
    )
    decreases_rows = [
        (gettext("1. Từ trần"), pair("deceased")),
        (gettext("2. Khai trừ"), pair("expelled")),
        (gettext("3. Xóa tên"), pair("removed")),
        (gettext("4. Xin ra khỏi Đảng"), pair("left")),
        (gettext("5. Chuyển sinh hoạt đảng đi nơi khác"), moved_out),
        (gettext("6. Mất liên lạc (chưa xóa tên)"), pair("lost_contact")),
    ]
    decreases = [sum(values[i] for _label, values in decreases_rows) for i in (0, 1)]
    rows = [
        FormRow(gettext("A. Đảng viên đầu kỳ"), start_now, start_before, level=0),
        FormRow(gettext("B. Đảng viên tăng trong kỳ"), increases[0], increases[1], level=0),
        FormRow(gettext("1. Kết nạp"), *admitted, level=1),
        FormRow(gettext("2. Chuyển sinh hoạt đảng đến"), *transfer_in, level=1),
        FormRow(gettext("3. Phục hồi đảng tịch, kết nạp lại"), *restored, level=1),
        FormRow(
            gettext("4. Trở lại sinh hoạt (sau mất liên lạc, chuyển ra ngoài)"), *returned, level=1
        ),
        FormRow(gettext("C. Đảng viên giảm trong kỳ"), decreases[0], decreases[1], level=0),
    ]
    for label, values in decreases_rows:
        rows.append(FormRow(label, *values, level=1))
        if label.startswith("3."):
            probationers = pair("removed_probationary")
            rows.append(FormRow(gettext("Trong đó: đảng viên dự bị"), *probationers))
    rows.append(FormRow(gettext("D. Đảng viên cuối kỳ"), end_now["total"], end_before["total"], 0))
    return StatisticsForm(gettext("Biểu 1-BTCTW"), gettext("TĂNG, GIẢM ĐẢNG VIÊN"), rows)


GROUP_NUMBERS = {"occupation": "1", "age": "2", "education": "3", "professional": "4"}


def _criteria_rows(
    current: dict[str, Any],
    previous: dict[str, Any],
    *,
    average: str,
    labels: dict[str, str] | None = None,
) -> list[FormRow]:
    rows: list[FormRow] = []
    for group, default in GROUP_LABELS.items():
        if group == "main":
            continue
        label = (labels or {}).get(group, str(default))
        rows.append(FormRow(f"{GROUP_NUMBERS[group]}. {label}", kind="heading", level=1))
        for criterion in CRITERIA:
            if criterion.group == group:
                rows.append(
                    FormRow(str(criterion.label), current[criterion.key], previous[criterion.key])
                )
        if group == "age":
            rows.append(
                FormRow(
                    average,
                    _average(current.get("avg_age")),
                    _average(previous.get("avg_age")),
                    kind="average",
                )
            )
    return rows


def _form_2(report: Any, grassroots: dict[str, int]) -> StatisticsForm:
    current = {b.key: b.count for b in report.breakdowns}
    previous = {b.key: b.previous for b in report.breakdowns}
    current["avg_age"], previous["avg_age"] = report.average_age, report.previous_average_age
    rows = [
        FormRow(gettext("I. Tổng số đảng viên mới kết nạp"), report.admitted, report.previous, 0),
        FormRow(gettext("Trong đó:"), kind="heading", level=1),
    ]
    rows += [
        FormRow(str(criterion.label), current[criterion.key], previous[criterion.key])
        for criterion in CRITERIA
        if criterion.group == "main"
    ]
    rows.append(FormRow(gettext("II. Phân tích"), kind="heading", level=0))
    rows += _criteria_rows(current, previous, average=gettext("Tuổi bình quân"))
    rows += [
        FormRow(gettext("III. Tổ chức cơ sở đảng cuối kỳ"), kind="heading", level=0),
        FormRow(
            gettext("Đảng bộ cơ sở"), grassroots["committees"], grassroots["committees"], level=1
        ),
        FormRow(
            gettext("Trong đó: có kết nạp đảng viên trong kỳ"),
            grassroots["cur_committees_admitting"],
            grassroots["prev_committees_admitting"],
        ),
        FormRow(gettext("Chi bộ cơ sở"), grassroots["cells"], grassroots["cells"], level=1),
        FormRow(
            gettext("Trong đó: có kết nạp đảng viên trong kỳ"),
            grassroots["cur_cells_admitting"],
            grassroots["prev_cells_admitting"],
        ),
    ]
    return StatisticsForm(gettext("Biểu 2-BTCTW"), gettext("ĐẢNG VIÊN MỚI KẾT NẠP"), rows)


def _form_3(now: dict[str, Any], before: dict[str, Any]) -> StatisticsForm:
    rows = [
        FormRow(gettext("I. Tổng số đảng viên cuối kỳ"), now["total"], before["total"], 0),
        FormRow(gettext("Trong đó:"), kind="heading", level=1),
        FormRow(gettext("Đảng viên dự bị"), now["probationary"], before["probationary"]),
        FormRow(gettext("Được miễn sinh hoạt"), now["exempt"], before["exempt"]),
    ]
    rows += [
        FormRow(str(criterion.label), now[criterion.key], before[criterion.key])
        for criterion in CRITERIA
        if criterion.group == "main"
    ]
    rows.append(FormRow(gettext("II. Phân tích"), kind="heading", level=0))
    rows += _criteria_rows(
        now,
        before,
        average=gettext("Tuổi bình quân"),
        labels={"age": gettext("Tuổi đời (tại ngày cuối kỳ)")},
    )
    rows.append(FormRow(gettext("5. Thời gian vào Đảng"), kind="heading", level=1))
    rows += [FormRow(str(label), now[key], before[key]) for key, label, _s, _e in ADMISSION_ERAS]
    rows.append(FormRow(gettext("6. Trình độ lý luận chính trị"), kind="heading", level=1))
    rows += [
        FormRow(label, now[f"theory_{value}"], before[f"theory_{value}"])
        for value, label in _theory_choices()
    ]
    return StatisticsForm(gettext("Biểu 3-BTCTW"), gettext("ĐỘI NGŨ ĐẢNG VIÊN"), rows)


# --- the printable sheets ------------------------------------------------------------------------

HEADER_ROWS = 7  # rows 0-6: form code, title, organisation and period, stamp, blank, heads, (n)
COLUMN_WIDTHS = (62, 14, 16, 16)  # A4 landscape: the four columns fit one page wide


def _ratio_text(value: Decimal | None) -> str:
    return "—" if value is None else format_number(value, 1)


def write_form_sheet(
    book: Any, cells: CellWriter, form: StatisticsForm, *, heading: str, stamp: str
) -> Any:
    """One form on its own sheet, set up to print: A4 landscape, one page wide, the column
    heads repeated on every page, wrapped text, the print area, the signature lines."""
    sheet = book.add_worksheet(form.code)
    base = {"font_name": "Times New Roman", "font_size": 12, "valign": "vcenter"}
    bordered = {**base, "border": 1, "text_wrap": True}
    formats = {
        "code": book.add_format({**base, "bold": True}),
        "title": book.add_format({**base, "bold": True, "font_size": 14, "align": "center"}),
        "heading": book.add_format({**base, "bold": True, "align": "center", "text_wrap": True}),
        "stamp": book.add_format({**base, "italic": True, "font_size": 10}),
        "head": book.add_format(
            {**bordered, "bold": True, "align": "center", "bg_color": "#F2F2F2"}
        ),
        0: book.add_format({**bordered, "bold": True}),
        1: book.add_format({**bordered, "bold": True, "indent": 1}),
        2: book.add_format({**bordered, "indent": 2}),
        "count": book.add_format({**bordered, "num_format": COUNT_FORMAT}),
        "count_bold": book.add_format({**bordered, "bold": True, "num_format": COUNT_FORMAT}),
        "text": book.add_format({**bordered, "align": "right"}),
        "blank": book.add_format(bordered),
        "sign": book.add_format({**base, "bold": True, "align": "center"}),
    }
    for col, width in enumerate(COLUMN_WIDTHS):
        sheet.set_column(col, col, width)
    cells.write(sheet, 0, 0, form.code, formats["code"])
    sheet.merge_range(1, 0, 1, 3, form.title, formats["title"])
    sheet.merge_range(2, 0, 2, 3, heading, formats["heading"])
    cells.write(sheet, 3, 0, stamp, formats["stamp"])
    heads = [
        gettext("Tiêu chí"),
        gettext("Kỳ này"),
        gettext("Cùng kỳ năm trước"),
        gettext("So sánh (%)"),
    ]
    sheet.set_row(5, 32)
    for col, text in enumerate(heads):
        cells.write(sheet, 5, col, text, formats["head"])
    for col, text in enumerate(["(1)", "(2)", "(3)", "(4) = (2) × 100 / (3)"]):
        cells.write(sheet, 6, col, text, formats["head"])
    row = HEADER_ROWS
    for line in form.rows:
        cells.write(sheet, row, 0, line.label, formats[line.level])
        if line.kind == "heading":
            for col in (1, 2, 3):
                sheet.write_blank(row, col, None, formats["blank"])
        elif line.kind == "average":
            for col, value in ((1, line.current), (2, line.previous)):
                text = "—" if value is None else format_number(value, 1)
                cells.write(sheet, row, col, text, formats["text"])
            sheet.write_blank(row, 3, None, formats["blank"])
        else:
            number = formats["count_bold"] if line.level == 0 else formats["count"]
            for col, value in ((1, line.current), (2, line.previous)):
                if value is None:
                    cells.write(sheet, row, col, "—", formats["text"])
                else:
                    cells.write(sheet, row, col, int(value), number)
            cells.write(sheet, row, 3, _ratio_text(line.ratio), formats["text"])
        row += 1
    row += 1
    cells.write(sheet, row, 0, gettext("NGƯỜI LẬP BIỂU"), formats["sign"])
    sheet.merge_range(row, 2, row, 3, gettext("TRƯỞNG BAN TỔ CHỨC"), formats["sign"])
    cells.write(sheet, row + 1, 0, gettext("(Ký, ghi rõ họ tên, số điện thoại)"), formats["stamp"])
    sheet.merge_range(row + 1, 2, row + 1, 3, gettext("(Ký tên, đóng dấu)"), formats["stamp"])
    # print setup: A4 landscape, fit to one page wide, heads repeated, print area
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(5, 6)
    sheet.set_margins(left=0.6, right=0.5, top=0.6, bottom=0.6)
    sheet.center_horizontally()
    sheet.print_area(0, 0, row + 1, 3)
    sheet.set_footer("&C" + gettext("Trang &P/&N"))
    sheet.freeze_panes(HEADER_ROWS, 1)
    return sheet


def form_heading(report: Any) -> str:
    """The organisation, the period and the tree the figures are counted on."""
    on = getattr(report, "structure_on", None)
    tree = (
        gettext("cơ cấu tổ chức ngày %(day)s") % {"day": format_date(on)}
        if on
        else gettext("cơ cấu tổ chức hiện nay")
    )
    return f"{report.organisation.name} — {report.period.label} ({tree})"


def form_stamp(user: Any, when: dt.datetime) -> str:
    who = user if user is not None else gettext("hệ thống")
    return gettext("Người lập: %(who)s · Thời điểm xuất: %(when)s") % {
        "who": who,
        "when": format_datetime(when),
    }


def write_forms(
    book: Any, cells: CellWriter, forms: list[StatisticsForm], report: Any, *, stamp: str
) -> None:
    for form in forms:
        write_form_sheet(book, cells, form, heading=form_heading(report), stamp=stamp)


def build_forms_xlsx(report: Any, *, user: Any, when: dt.datetime) -> bytes:
    """Biểu 1, 2 and 3-BTCTW as one workbook, one printable sheet each."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    write_forms(
        book,
        CellWriter(book),
        get_statistics_forms(report),
        report,
        stamp=form_stamp(user, when),
    )
    book.close()
    return buffer.getvalue()


def forms_to_dict(report: Any, forms: list[StatisticsForm]) -> dict[str, Any]:
    """The forms as JSON (API): numbers stay numbers, ratios as decimals (one place)."""

    def number(value: Any) -> Any:
        if value is None:
            return None
        return float(value) if isinstance(value, Decimal) else value

    return {
        "organisation": report.organisation.code,
        "from": report.period.start.isoformat(),
        "to": report.period.end.isoformat(),
        "structure": report.structure_on.isoformat() if report.structure_on else None,
        "forms": [
            {
                "code": form.code,
                "title": form.title,
                "rows": [
                    {
                        "label": row.label,
                        "kind": row.kind,
                        "current": number(row.current),
                        "previous": number(row.previous),
                        "ratio": number(row.ratio),
                    }
                    for row in form.rows
                ],
            }
            for form in forms
        ],
    }
