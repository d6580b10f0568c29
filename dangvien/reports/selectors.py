"""The figures committees publish, for any subtree and any period, as a handful of aggregates.

``get_admission_report`` runs a fixed number of queries whatever the size of the tree:

1. the admitted (this period, same period last year, year to date, year to today) with every
   breakdown and the average age, summed from the admitted counters (``members.AdmittedCount``:
   per admitting cell and decision day, kept by the services; ``members.admitted``);
2. the same counters grouped by child (a ``Substr`` of the admitting cell's path);
3. the children; 4. the targets of the organisation and its children;
5. membership at the period's end (status and cell from the latest MembershipEvent);
6. open dossiers by stage; 7. steps reached in the period by stage; 8. training enrolments;
9. coverage (village / Front / mass-organisation heads who are members; villages without members).

``get_monthly_admissions`` (dashboard) is one more, on the same counters.
``admission_aggregates_from_facts`` counts item 1 from the memberships themselves (the tests
and the bench hold the counters to it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, Substr
from django.utils.translation import gettext, gettext_lazy

from dangvien.core import counters
from dangvien.core.counters import column_of
from dangvien.core.formatting import format_date, format_number, format_percent, percent_value
from dangvien.core.replica import fact_connection as connection
from dangvien.members.breakdowns import CRITERIA, annotate_age
from dangvien.organisations.models import Organisation
from dangvien.organisations.selectors import (
    LineageLine,
    StructureRoot,
    lineage_line,
    placed_under,
    placements_valid_on,
    resolve_structure,
    structure_q,
    subtree_ids_sql,
)
from dangvien.reports.breakdowns import GROUP_LABELS
from dangvien.reports.periods import Period

# Forecast weights: the share of today's open dossiers at each stage expected to reach a
# decision before 31/12. Stages from the cell vote on are within the 60-working-day limit of
# the decision; earlier documentary stages usually finish within months; people still on the
# outstanding list or in class are not counted. A heuristic, stated on the page, not a rule.
FORECAST_WEIGHTS: dict[str, Decimal] = {
    "outstanding": Decimal("0"),
    "class": Decimal("0"),
    "application": Decimal("0.5"),
    "verification": Decimal("0.5"),
    "introduction": Decimal("0.5"),
    "opinions": Decimal("0.5"),
    "cell_vote": Decimal("1"),
    "grassroots_vote": Decimal("1"),
    "decision": Decimal("1"),
    "ceremony": Decimal("1"),
}


@dataclass
class Breakdown:
    key: str
    label: str
    group: str
    count: int
    previous: int
    total: int
    previous_total: int

    @property
    def percent(self) -> Decimal | None:
        """Share of the admitted this period."""
        return percent_value(self.count, self.total)

    @property
    def previous_percent(self) -> Decimal | None:
        return percent_value(self.previous, self.previous_total)

    @property
    def ratio(self) -> Decimal | None:
        """This period ÷ same period last year × 100 ('—' when last year had none)."""
        return percent_value(self.count, self.previous)


@dataclass
class ChildRow:
    organisation: Organisation | None  # None: admitted directly at the organisation's own level
    admitted: int
    previous: int
    target: int | None

    @property
    def percent_of_target(self) -> Decimal | None:
        return percent_value(self.admitted, self.target) if self.target is not None else None

    @property
    def ratio(self) -> Decimal | None:
        return percent_value(self.admitted, self.previous)

    @property
    def meets_target(self) -> bool:
        return self.target is not None and self.target > 0 and self.admitted >= self.target


PART_LABELS = {
    "q1": gettext_lazy("quý I"),
    "q2": gettext_lazy("quý II"),
    "q3": gettext_lazy("quý III"),
    "q4": gettext_lazy("quý IV"),
    "h1": gettext_lazy("6 tháng đầu năm"),
    "h2": gettext_lazy("6 tháng cuối năm"),
}


def scope_label(scope: str, year: int) -> str:
    """'năm 2026', 'quý II/2026', '6 tháng đầu năm 2026'."""
    if scope == "year":
        return gettext("năm %(year)s") % {"year": year}
    if scope.startswith("q"):
        return f"{PART_LABELS[scope]}/{year}"
    return f"{PART_LABELS[scope]} {year}"


@dataclass
class Pacing:
    """Admitted so far against the target × the share of the target's period gone.

    ``scope`` is the period of the target paced against: "year", or a quarter or half-year
    ("q2", "h1") when one is set for the reported quarter or half. The share gone is days
    elapsed (both ends inclusive) ÷ days in the target's period: 30/11/2026 is 334/365."""

    scope: str
    year: int
    admitted: int  # from the start of the target's period to the report's end
    admitted_year_to_date: int
    target: int | None
    days_gone: int
    days_total: int
    year_days_gone: int
    year_days: int

    @property
    def share(self) -> Decimal:
        """Percent of the target's period gone."""
        return Decimal(self.days_gone) * 100 / Decimal(self.days_total)

    @property
    def share_of_year(self) -> Decimal:
        return Decimal(self.year_days_gone) * 100 / Decimal(self.year_days)

    @property
    def expected(self) -> Decimal | None:
        if self.target is None:
            return None
        return (Decimal(self.target) * self.days_gone / self.days_total).quantize(Decimal("0.1"))

    @property
    def percent_of_target(self) -> Decimal | None:
        return percent_value(self.admitted, self.target) if self.target else None

    @property
    def status(self) -> str:
        if self.target is None or self.expected is None:
            return "no_target"
        return "ahead" if self.admitted >= self.expected else "behind"

    @property
    def text(self) -> str:
        scope = scope_label(self.scope, self.year)
        if self.target is None:
            return gettext("Chưa được giao chỉ tiêu %(scope)s nên chưa so được tiến độ.") % {
                "scope": scope
            }
        verdict = (
            gettext("đạt hoặc vượt tiến độ")
            if self.status == "ahead"
            else gettext("chậm so với tiến độ")
        )
        return gettext(
            "Đã kết nạp %(admitted)s/%(target)s đảng viên theo chỉ tiêu %(scope)s "
            "(%(percent)s) khi đã qua %(share)s thời gian của %(scope)s (%(gone)s/%(total)s ngày; "
            "theo tiến độ "
            "cần khoảng %(expected)s): %(verdict)s."
        ) % {
            "admitted": format_number(self.admitted),
            "target": format_number(self.target),
            "scope": scope,
            "percent": format_percent(self.percent_of_target),
            "share": format_percent(self.share),
            "gone": format_number(self.days_gone),
            "total": format_number(self.days_total),
            "expected": format_number(self.expected),
            "verdict": verdict,
        }


@dataclass
class Forecast:
    """Admitted by the end of the year if the dossiers still eligible go on at the usual rate:
    admitted so far + each stage's eligible open dossiers × its weight (FORECAST_WEIGHTS).
    Eligible: open (not stopped, not admitted) and not expired (the awareness certificate
    still valid today)."""

    admitted_so_far: int
    as_of: dt.date
    lines: list[tuple[str, int, Decimal, Decimal]]  # stage, eligible dossiers, weight, expected
    target: int | None
    excluded: int = 0  # open dossiers left out because their certificate has expired

    @property
    def value(self) -> int:
        extra = sum((line[3] for line in self.lines), Decimal(0))
        return self.admitted_so_far + int(extra.to_integral_value(rounding="ROUND_HALF_UP"))

    @property
    def percent_of_target(self) -> Decimal | None:
        return percent_value(self.value, self.target) if self.target is not None else None

    @property
    def year_end(self) -> dt.date:
        return dt.date(self.as_of.year, 12, 31)

    @property
    def explanation(self) -> str:
        """One sentence, no formula (the method is ``method``, a footnote)."""
        values = {
            "end": format_date(self.year_end),
            "value": format_number(self.value),
            "percent": format_percent(self.percent_of_target),
        }
        if self.target is None:
            return gettext("Dự báo đến %(end)s kết nạp khoảng %(value)s đảng viên.") % values
        return (
            gettext(
                "Dự báo đến %(end)s kết nạp khoảng %(value)s đảng viên, bằng %(percent)s "
                "chỉ tiêu năm."
            )
            % values
        )

    @property
    def method(self) -> str:
        """How the forecast is made, in words (a footnote)."""
        parts = []
        for label, count, weight, _expected in self.lines:
            if count:
                parts.append(
                    gettext("%(count)s hồ sơ ở bước «%(label)s» (tính %(share)s)")
                    % {
                        "count": format_number(count),
                        "label": label,
                        "share": format_percent(weight * 100, 0),
                    }
                )
        text = gettext("Cách dự báo: lấy số đã kết nạp đến %(as_of)s (%(admitted)s đảng viên)") % {
            "as_of": format_date(self.as_of),
            "admitted": format_number(self.admitted_so_far),
        }
        if parts:
            text += gettext(", cộng với ") + "; ".join(parts)
        text += gettext(
            ". Chỉ tính hồ sơ đang xét còn hiệu lực: không tính hồ sơ đã dừng, hồ sơ có giấy "
            "chứng nhận lớp nhận thức về Đảng đã hết hạn"
        )
        if self.excluded:
            text += f" ({format_number(self.excluded)})"
        text += gettext(
            ", quần chúng mới trong danh sách hoặc đang học lớp. Tỷ lệ tính cho từng bước là "
            "ước lượng, không phải quy định."
        )
        return text


@dataclass
class AdmissionReport:
    organisation: Organisation
    period: Period
    previous_period: Period
    admitted: int
    previous: int
    target: int | None
    target_source: str  # "own", "children" or ""
    target_scope: str  # "year", or the quarter/half ("q2", "h1") whose own target is used
    year_target: int | None  # the yearly target (for the footnote of a quarter report)
    breakdowns: list[Breakdown]
    average_age: Decimal | None
    previous_average_age: Decimal | None
    children: list[ChildRow]
    pipeline: dict[str, Any]
    membership: dict[str, int]
    coverage: dict[str, Any]
    pacing: Pacing
    forecast: Forecast | None
    # the tree the figures are counted on: None is today's tree, a date the tree of that day
    structure_on: dt.date | None = None
    # the organisation's subtree on that tree, resolved once: the member-quality figures and
    # the dashboard's monthly series reuse it (no query to resolve it again)
    structure_root: StructureRoot | None = None
    # what "same period last year" compares with, for an organisation formed by a merge/split
    lineage: LineageLine | None = None
    # the comparison year's target: the organisation's own, else the sum of its predecessors'
    previous_target: int | None = None
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def target_comparable(self) -> bool:
        """Whether the period's admitted can be set against ``target``: a quarter or half
        with its own target, or a period counted from 1 January against the yearly target
        (a May or a second quarter against a yearly target would mean nothing)."""
        return self.target is not None and (
            self.target_scope != "year" or self.period.from_new_year
        )

    @property
    def percent_of_target(self) -> Decimal | None:
        if self.target is None or not self.target_comparable:
            return None
        return percent_value(self.admitted, self.target)

    @property
    def percent_vs_same_period(self) -> Decimal | None:
        return percent_value(self.admitted, self.previous)

    @property
    def breakdown(self) -> dict[str, Breakdown]:
        return {b.key: b for b in self.breakdowns}

    def breakdown_group(self, group: str) -> list[Breakdown]:
        return [b for b in self.breakdowns if b.group == group]

    @property
    def breakdown_groups(self) -> list[tuple[str, list[Breakdown]]]:
        return [(str(label), self.breakdown_group(group)) for group, label in GROUP_LABELS.items()]

    @property
    def children_meeting_target(self) -> list[ChildRow]:
        return [row for row in self.children if row.organisation is not None and row.meets_target]

    @property
    def children_with_target(self) -> int:
        return sum(1 for row in self.children if row.target)


def _period_q(period: Period, field_name: str = "decision_date") -> Q:
    return Q(**{f"{field_name}__range": (period.start, period.end)})


def _aggregates_queryset(
    root: StructureRoot, periods: dict[str, Period], detailed: frozenset[str]
) -> QuerySet[Any, Any]:
    """One row: the admitted per period, and for the detailed periods every breakdown and the
    average age, as conditional counts (no GROUP BY: ``_all`` is a constant)."""
    from dangvien.members.models import Membership

    any_period = Q(pk__in=[])
    for period in periods.values():
        any_period |= _period_q(period)
    aggregates: dict[str, Any] = {}
    for name, period in periods.items():
        pq = _period_q(period)
        aggregates[f"{name}_total"] = Count("pk", filter=pq)
        if name in detailed:
            aggregates[f"{name}_avg_age"] = Avg("age", filter=pq)
            for criterion in CRITERIA:
                aggregates[f"{name}_{criterion.key}"] = Count("pk", filter=pq & criterion.q)
    return (
        annotate_age(
            Membership.objects.filter(structure_q(root, field="admitted_in")).filter(any_period)
        )
        .annotate(_all=Value(1))
        .values("_all")
        .annotate(**aggregates)
    )


# The marker subtree the aggregate is compiled with once; each call swaps in its own values.
_PREFIX_MARK = "zzsubtreemarkzz"
# The marker structure date (a past tree): distinct from the periods' marker dates (year 1).
_STRUCTURE_MARK = dt.date(2, 2, 2)


def default_structure(period: Period, today: dt.date | None = None) -> dt.date | None:
    """The structure a report is counted on by default: today's tree (None) for a period
    that is not over, the period's own tree (its end date) for a closed one."""
    today = today or dt.date.today()
    return None if period.end >= today else period.end


@lru_cache(maxsize=32)
def _compiled_aggregates(
    vendor: str, names: tuple[str, ...], detailed: frozenset[str], past: bool
) -> tuple[str, tuple[Any, ...], dict[Any, str]]:
    """The admissions aggregate as SQL and parameters, compiled once per shape.

    Compiling the ORM expression (two periods x 50 criteria, each repeating the age expression)
    costs several times more than running it, and the SQL depends only on the shape (which
    periods, which of them detailed). So it is compiled with marker values — dates in year 1,
    a marker subtree, a marker structure date for a past tree (``past``: the placements in
    force that day instead of the path prefix) — and each call substitutes its own. The
    figures are still the ORM's ``CRITERIA`` Q objects, the ones the drill-down lists use, so
    they cannot disagree.
    """
    marks = {
        name: Period(dt.date(1, 1, 1 + 2 * i), dt.date(1, 1, 2 + 2 * i))
        for i, name in enumerate(names)
    }
    root = StructureRoot(_PREFIX_MARK, _STRUCTURE_MARK if past else None)
    sql, params = _aggregates_queryset(root, marks, detailed).query.sql_with_params()
    adapt = connection.ops.adapt_datefield_value  # SQLite passes dates as text
    slots: dict[Any, str] = {adapt(_STRUCTURE_MARK): "structure.on"}
    for name, period in marks.items():
        slots[adapt(period.start)] = f"{name}.start"
        slots[adapt(period.end)] = f"{name}.end"
    return sql, tuple(params), slots


def admission_aggregates_from_facts(
    where: Organisation | StructureRoot, periods: dict[str, Period], detailed: set[str]
) -> dict[str, Any]:
    """``_admission_aggregates`` computed from the memberships themselves (the compiled
    aggregate over every admitted of the subtree): for the tests and the bench, which hold the
    counters to it."""
    root = _as_root(where)
    names = tuple(periods)
    past = root.on is not None
    sql, marked, slots = _compiled_aggregates(connection.vendor, names, frozenset(detailed), past)
    adapt = connection.ops.adapt_datefield_value
    values = {
        f"{name}.{edge}": adapt(getattr(period, edge))
        for name, period in periods.items()
        for edge in ("start", "end")
    }
    values["structure.on"] = adapt(root.on) if past else None
    # not in the tree that day: a prefix no path has (an empty one would match every path)
    prefix = "!" if root.empty else connection.ops.prep_for_like_query(root.path)
    params = []
    for param in marked:
        if isinstance(param, str | dt.date) and param in slots:
            params.append(values[slots[param]])
        elif isinstance(param, str) and _PREFIX_MARK in param:
            params.append(param.replace(_PREFIX_MARK, prefix))
        else:
            params.append(param)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        columns = [column[0] for column in cursor.description]
    if row is None:  # no admitted in any period: every count is zero
        return {name: (None if name.endswith("_avg_age") else 0) for name in columns}
    result = dict(zip(columns, row, strict=True))
    result.pop("_all", None)
    return result


# the counter columns each detailed period sums (``_all`` periods sum ``admitted`` only)
_DETAIL_COLUMNS = ("aged", "age_sum", *(criterion.key for criterion in CRITERIA))


@lru_cache(maxsize=16)
def _counter_sql(count: int, cells: str) -> str:
    """The sum of every ``AdmittedCount`` column per period over a subtree's cells, one row
    per period: the subtree's rows between the first and the last day of all the periods
    (``cells``: the subtree's ids, ``organisations.selectors.subtree_ids_sql``: today's tree by
    path prefix, a past tree by the placements in force that day), joined to the periods as a
    ``VALUES`` list (name, first day, last day). Measured on PostgreSQL against a join on the
    periods first and against conditional sums (docs/performance.md): this shape uses the
    (organisation, date) index for a small subtree and the date index for a large one, and
    is never planned in parallel for a handful of rows."""
    from dangvien.members.models import AdmittedCount

    quote = connection.ops.quote_name
    table = quote(AdmittedCount._meta.db_table)
    day = "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"
    periods = ", ".join([f"(%s, {day}, {day})"] * count)
    names = [quote(column_of(AdmittedCount, name)) for name in ("admitted", *_DETAIL_COLUMNS)]
    date = quote(column_of(AdmittedCount, "date"))
    cell = quote(column_of(AdmittedCount, "organisation"))
    rows = (
        f"SELECT c.{date} AS day, {', '.join(f'c.{name}' for name in names)}"  # noqa: S608
        f" FROM {table} c WHERE c.{cell} IN ({cells}) AND c.{date} BETWEEN %s AND %s"
    )
    sums = ", ".join(f"SUM(c.{name})" for name in names)
    # VALUES columns are column1, column2, … on both databases
    return (
        f"SELECT p.column1, {sums} FROM (VALUES {periods}) p"  # noqa: S608 - names from models
        f" JOIN ({rows}) c ON c.day BETWEEN p.column2 AND p.column3 GROUP BY p.column1"
    )


def _admission_aggregates(
    where: Organisation | StructureRoot, periods: dict[str, Period], detailed: set[str]
) -> dict[str, Any]:
    """The admitted of the subtree per period (``{name}_total``) and, for the ``detailed``
    periods, every criterion (``{name}_{key}``) and the average age at the decision
    (``{name}_avg_age``, a Decimal, None when no one), read from the admitted counters
    (``members.AdmittedCount``): one query whatever the tree, summing the cells' days in each
    period. Equal to ``admission_aggregates_from_facts`` (the tests hold them to it)."""
    root = _as_root(where)
    result: dict[str, Any] = {}
    for name in periods:
        result[f"{name}_total"] = 0
        if name in detailed:
            result[f"{name}_avg_age"] = None
            for criterion in CRITERIA:
                result[f"{name}_{criterion.key}"] = 0
    if root.empty or not periods:
        return result
    rows = _admitted_rolled_up(root, periods, detailed)
    if rows is None:
        cells, cells_params = subtree_ids_sql(root)
        sql = _counter_sql(len(periods), cells)
        adapt = connection.ops.adapt_datefield_value
        params: list[Any] = []
        for name, period in periods.items():
            params += [name, adapt(period.start), adapt(period.end)]
        params += cells_params
        params += [
            adapt(min(period.start for period in periods.values())),
            adapt(max(period.end for period in periods.values())),
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    for name, admitted, *details in rows:
        result[f"{name}_total"] = int(admitted or 0)
        if name not in detailed:
            continue
        values = dict(zip(_DETAIL_COLUMNS, (int(value or 0) for value in details), strict=True))
        for criterion in CRITERIA:
            result[f"{name}_{criterion.key}"] = values[criterion.key]
        if values["aged"]:
            result[f"{name}_avg_age"] = Decimal(values["age_sum"]) / Decimal(values["aged"])
    return result


def _admitted_rolled_up(
    root: StructureRoot, periods: dict[str, Period], detailed: set[str]
) -> list[tuple[Any, ...]] | None:
    """``_admission_aggregates``' rows (name, admitted, *detail columns) read from the
    admitted counters' roll-ups (``core.counters.subtree_sums``, one statement): the nation
    or a province on today's tree. None elsewhere (read the cell rows): a commune admits a
    few dozen a year, so its cell rows are fewer than the nation's rows of the partial
    months (1 against 8 ms, national dataset)."""
    from dangvien.members.admitted import SPEC

    if root.on is not None or len(root.path) >= counters.ROLLUP_DEPTHS[-1] * Organisation.steplen:
        return None
    windows: dict[str, tuple[dt.date | None, dt.date]] = {}
    columns: dict[str, str] = {}
    for name, period in periods.items():
        for column in ("admitted", *(_DETAIL_COLUMNS if name in detailed else ())):
            windows[f"{name}.{column}"] = (period.start, period.end)
            columns[f"{name}.{column}"] = column
    sums = counters.subtree_sums(SPEC, path=root.path, windows=windows, columns=columns)
    if sums is None:
        return None
    return [
        (
            name,
            sums[f"{name}.admitted"],
            *(sums.get(f"{name}.{column}", 0) for column in _DETAIL_COLUMNS),
        )
        for name in periods
    ]


def _children_rows(
    organisation: Organisation,
    root: StructureRoot,
    period: Period,
    previous: Period,
    *,
    from_facts: bool = False,
) -> tuple[list[tuple[Organisation, str]], dict[str, tuple[int, int]]]:
    """The children (as the tree was on the structure date) and, by the child's path (today's
    or, for a past tree, its placement path that day), the admitted this period and last:
    the admitted counters summed by child (``from_facts``: the memberships counted, for the
    tests)."""
    from dangvien.members.models import AdmittedCount, Membership
    from dangvien.organisations.models import PLACEMENT_STEP, OrganisationPlacement

    # the rows counted and what points at the admitting cell
    cell, day_field = ("admitted_in", "decision_date") if from_facts else ("organisation", "date")
    children: list[tuple[Organisation, str]]
    if root.empty:
        return [], {}
    if root.on is None:
        children = [(child, child.path) for child in Organisation.objects.children_of(organisation)]
        length = len(root.path) + organisation.steplen
        prefix: Any = Substr(f"{cell}__path", 1, length)
    else:
        day = root.on
        in_force = placements_valid_on(day)
        depth = len(root.path) // PLACEMENT_STEP + 1
        rows_ = list(
            Organisation.objects.filter(
                pk__in=OrganisationPlacement.objects.filter(
                    in_force, path__startswith=root.path, depth=depth
                ).values("organisation_id")
            )
            .annotate(
                placed_path=Subquery(
                    OrganisationPlacement.objects.filter(in_force, organisation=OuterRef("pk"))
                    .order_by("-valid_from")
                    .values("path")[:1]
                )
            )
            .order_by("path")
        )
        children = [(child, child.placed_path) for child in rows_]
        length = len(root.path) + PLACEMENT_STEP
        prefix = Subquery(
            OrganisationPlacement.objects.filter(in_force, organisation=OuterRef(cell))
            .order_by("-valid_from")
            .annotate(prefix=Substr("path", 1, length))
            .values("prefix")[:1]
        )
    if root.on is None and not from_facts:
        from dangvien.members.admitted import SPEC

        rolled = counters.children_sums(
            SPEC,
            path=root.path,
            windows={
                "current": (period.start, period.end),
                "previous": (previous.start, previous.end),
            },
            columns={"current": "admitted", "previous": "admitted"},
        )
        if rolled is not None:
            return children, {
                prefix: (sums["current"], sums["previous"])
                for prefix, sums in rolled.items()
                if sums["current"] or sums["previous"]
            }
    this, last = _period_q(period, day_field), _period_q(previous, day_field)
    facts: QuerySet[Any, Any] = (Membership if from_facts else AdmittedCount).objects.filter(
        structure_q(root, field=cell)
    )
    rows = (
        facts.filter(this | last)
        .annotate(prefix=prefix)
        .values("prefix")
        .annotate(current=_counted(from_facts, this), previous=_counted(from_facts, last))
        .values_list("prefix", "current", "previous")
    )
    return children, {prefix: (int(cur), int(prev)) for prefix, cur, prev in rows}


def _counted(from_facts: bool, q: Q) -> Any:
    """The admitted among the rows matching ``q``: memberships counted, or counters summed."""
    if from_facts:
        return Count("pk", filter=q)
    return Coalesce(Sum("admitted", filter=q), 0)


def _as_root(where: Organisation | StructureRoot) -> StructureRoot:
    """An organisation alone stands for its subtree in today's tree."""
    return where if isinstance(where, StructureRoot) else StructureRoot(where.path, None)


MEMBERSHIP_KEYS = ("total", "official", "probationary", "women", "recognised_official")


def _membership_at_end(where: Organisation | StructureRoot, period: Period) -> dict[str, int]:
    """Members of the subtree at ``period.end``, and the recognised as official in the period,
    from the members' counters (``members.counters``): one statement whatever the subtree.

    A province, a commune or the nation on today's tree reads the roll-ups by month
    (``core.counters.subtree_sums``): a day's members are every change up to it. Below the
    communes, or on a past tree, a day's members are the cells' balances (every change they
    have had) minus the changes after the day; the recognised are the period's days of the
    recognition flow. The counters are kept by the services in the transactions that write
    the facts, and equal ``membership_from_facts`` (the property test in
    ``members/tests/test_counters.py``).
    """
    from dangvien.members.counters import SPEC
    from dangvien.members.models import MemberBalance, MemberCount

    root = _as_root(where)
    if root.empty:
        return dict.fromkeys(MEMBERSHIP_KEYS, 0)
    rolled = (
        counters.subtree_sums(
            SPEC,
            path=root.path,
            windows={
                **dict.fromkeys(("active", "official", "women"), (None, period.end)),
                "recognised": (period.start, period.end),
            },
        )
        if root.on is None
        else None
    )
    if rolled is not None:
        return {
            "total": rolled["active"],
            "official": rolled["official"],
            "probationary": rolled["active"] - rolled["official"],
            "women": rolled["women"],
            "recognised_official": rolled["recognised"],
        }
    # the cells' balances and the changes since the period began, in one statement (as the
    # roll-ups are: the page's query count is the same for a cell and a province)
    cells, cells_params = subtree_ids_sql(root)
    quote = connection.ops.quote_name
    adapt = connection.ops.adapt_datefield_value
    balance, count = (quote(model._meta.db_table) for model in (MemberBalance, MemberCount))
    state = ("active", "official", "women")
    now = ", ".join(f"COALESCE(SUM({quote(column_of(MemberBalance, n))}), 0)" for n in state)
    later = ", ".join(
        f"COALESCE(SUM(CASE WHEN c.date > %s THEN c.{quote(column_of(MemberCount, n))} END), 0)"
        for n in state
    )
    recognised = quote(column_of(MemberCount, "recognised"))
    sql = (
        f"SELECT * FROM (SELECT {now} FROM {balance} "  # noqa: S608 - names from the models
        f"WHERE organisation_id IN ({cells})) b, "
        f"(SELECT {later}, COALESCE(SUM(CASE WHEN c.date <= %s THEN c.{recognised} END), 0) "
        f"FROM {count} c WHERE c.organisation_id IN ({cells}) AND c.date >= %s) c"
    )
    end, start = adapt(period.end), adapt(period.start)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*cells_params, end, end, end, end, *cells_params, start])
        row = cursor.fetchone()
    total, official, women = (int(row[i]) - int(row[3 + i]) for i in range(3))
    return {
        "total": total,
        "official": official,
        "probationary": total - official,
        "women": women,
        "recognised_official": int(row[6]),
    }


def membership_from_facts(where: Organisation | StructureRoot, period: Period) -> dict[str, int]:
    """``_membership_at_end`` computed from the facts (the reference the counters are held to,
    and the bench's floor): members of the subtree at ``period.end``, status and cell from each
    membership's latest event on or before the end, in one statement; the recognised in the
    period counted in the cell they were in on their official date, in a second one.

    A membership's current status and cell are the latest of its events (members.models), so
    they are its state at the end unless it has events after the end. Only for those few is the
    latest event on or before the end ranked, with a window function; with no such event the
    member was probationary then, in the cell that admitted them (every change came after the
    end). One statement, no
    per-membership lookup; for a period ending today the ranking has almost nothing to rank.

    The subtree is ``organisations.selectors.subtree_ids_sql``: today's path prefix, or (a
    past structure date) the cells whose placement in force that day lies under the root's.
    """
    from dangvien.members.choices import ACTIVE_STATUSES, MemberStatus
    from dangvien.members.models import Membership, MembershipEvent
    from dangvien.people.models import Person

    membership = Membership._meta.db_table
    event = MembershipEvent._meta.db_table
    person = Person._meta.db_table
    tree = Organisation._meta.db_table
    active = sorted(str(status) for status in ACTIVE_STATUSES)
    marks = ", ".join(["%s"] * len(active))
    root = _as_root(where)
    if root.empty:
        return dict.fromkeys(MEMBERSHIP_KEYS, 0)
    end, start = period.end, period.start
    cells, cells_params = subtree_ids_sql(root)
    sql = f"""
        WITH later AS (
            SELECT DISTINCT membership_id FROM {event} WHERE date > %s
        ),
        ranked AS (
            SELECT e.membership_id, e.status, e.organisation_id,
                   ROW_NUMBER() OVER (
                       PARTITION BY e.membership_id ORDER BY e.date DESC, e.id DESC
                   ) AS rn
            FROM {event} e JOIN later l ON l.membership_id = e.membership_id
            WHERE e.date <= %s
        ),
        at_end AS (
            SELECT m.official_date, p.sex,
                   CASE WHEN l.membership_id IS NULL THEN m.status
                        ELSE COALESCE(r.status, %s) END AS end_status,
                   CASE WHEN l.membership_id IS NULL THEN mo.path
                        ELSE COALESCE(ro.path, ao.path) END AS end_path,
                   CASE WHEN l.membership_id IS NULL THEN mo.id
                        ELSE COALESCE(ro.id, ao.id) END AS end_org
            FROM {membership} m
            JOIN {person} p ON p.id = m.person_id
            JOIN {tree} mo ON mo.id = m.organisation_id
            JOIN {tree} ao ON ao.id = m.admitted_in_id
            LEFT JOIN later l ON l.membership_id = m.id
            LEFT JOIN ranked r ON r.membership_id = m.id AND r.rn = 1
            LEFT JOIN {tree} ro ON ro.id = r.organisation_id
            WHERE m.decision_date <= %s AND (mo.id IN ({cells}) OR l.membership_id IS NOT NULL)
        )
        SELECT
            COUNT(CASE WHEN end_status IN ({marks}) THEN 1 END),
            COUNT(CASE WHEN end_status IN ({marks}) AND official_date <= %s THEN 1 END),
            COUNT(CASE WHEN end_status IN ({marks})
                        AND (official_date IS NULL OR official_date > %s) THEN 1 END),
            COUNT(CASE WHEN end_status IN ({marks}) AND sex = %s THEN 1 END)
        FROM at_end WHERE end_org IN ({cells})
    """  # noqa: S608 - table names come from the models, every value is a parameter
    params = [
        end,
        end,
        str(MemberStatus.PROBATIONARY),
        end,
        *cells_params,
        *active,
        *active,
        end,
        *active,
        end,
        *active,
        "female",
        *cells_params,
    ]
    # the recognised: the cell on the official date, read as on any day (no event after it:
    # the current cell; else the latest event on or before it; else the admitting cell)
    recognised_sql = f"""
        SELECT COUNT(*) FROM (
            SELECT CASE
                WHEN NOT EXISTS (
                    SELECT 1 FROM {event} x
                    WHERE x.membership_id = m.id AND x.date > m.official_date
                ) THEN m.organisation_id
                ELSE COALESCE((
                    SELECT e.organisation_id FROM {event} e
                    WHERE e.membership_id = m.id AND e.date <= m.official_date
                    ORDER BY e.date DESC, e.id DESC LIMIT 1
                ), m.admitted_in_id)
            END AS cell
            FROM {membership} m
            WHERE m.official_date BETWEEN %s AND %s AND m.decision_date <= m.official_date
        ) recognised WHERE cell IN ({cells})
    """  # noqa: S608 - table names come from the models, every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        cursor.execute(recognised_sql, [start, end, *cells_params])
        (recognised,) = cursor.fetchone()
    figures = {key: int(value or 0) for key, value in zip(MEMBERSHIP_KEYS, row, strict=False)}
    figures["recognised_official"] = int(recognised or 0)
    return figures


def _pipeline(root: StructureRoot, period: Period, today: dt.date) -> dict[str, Any]:
    from dangvien.admissions.choices import Stage
    from dangvien.admissions.counters import steps_reached
    from dangvien.admissions.models import Dossier
    from dangvien.training.counters import training_figures

    # an open dossier whose awareness certificate has expired cannot go on as it is
    expired = Q(next_deadline_kind="certificate_expiry", next_deadline__lt=today)
    by_stage = {
        stage: (n, eligible)
        for stage, n, eligible in Dossier.objects.filter(structure_q(root), status="open")
        .values("stage")
        .annotate(n=Count("pk"), eligible=Count("pk", filter=~expired))
        .values_list("stage", "n", "eligible")
    }
    open_by_stage = {stage: n for stage, (n, _e) in by_stage.items()}
    # a step counts where it was recorded (``Step.organisation``): the steps of a dossier
    # handed over by a reorganisation stay at the cell that held it then; from the steps'
    # counters (the nation's 2,9 million steps of a year are not read)
    steps_by_stage = steps_reached(root, period.start, period.end)
    # the students of the classes overlapping the period and the new sympathisers, from the
    # training counters (a province's 181.000 people are not joined to their classes)
    training = training_figures(root, period.start, period.end)
    stages = [
        {
            "stage": stage.value,
            "label": str(stage.label),
            "open": open_by_stage.get(stage.value, 0),
            "eligible": by_stage.get(stage.value, (0, 0))[1],
            "reached_in_period": steps_by_stage.get(stage.value, 0),
        }
        for stage in Stage
    ]
    return {
        "listed": steps_by_stage.get(Stage.OUTSTANDING.value, 0),
        "open_dossiers": sum(open_by_stage.values()),
        "stages": stages,
        **training,
    }


def _organisations_q(root: StructureRoot) -> Q:
    """The organisations of the root's subtree (themselves, not facts pointing at them)."""
    if root.empty:
        return Q(pk__in=[])
    if root.on is None:
        return Q(path__startswith=root.path)
    return Q(pk__in=placed_under(root))


def _coverage(root: StructureRoot, targets: dict[str, int]) -> dict[str, Any]:
    from dangvien.members.choices import ACTIVE_STATUSES
    from dangvien.members.models import MemberBalance
    from dangvien.organisations.choices import AreaKind
    from dangvien.people.models import Person

    member = Q(membership__status__in=list(ACTIVE_STATUSES))
    # only the heads (a partial index: a few per village), not every person of the subtree
    heads = Q(is_village_head=True) | Q(is_front_group_head=True) | Q(is_mass_org_head=True)
    counts = (
        Person.objects.filter(structure_q(root))
        .filter(heads)
        .aggregate(
            village_heads=Count("pk", filter=Q(is_village_head=True)),
            village_heads_members=Count("pk", filter=Q(is_village_head=True) & member),
            front_group_heads=Count("pk", filter=Q(is_front_group_head=True)),
            front_group_heads_members=Count("pk", filter=Q(is_front_group_head=True) & member),
            mass_org_heads=Count("pk", filter=Q(is_mass_org_head=True)),
            mass_org_heads_members=Count("pk", filter=Q(is_mass_org_head=True) & member),
        )
    )
    # a cell's balance is its members as the facts stand (members.counters): no scan of them;
    # an anti-join probing each village's balance (a NOT IN hashed the nation's 200.000
    # balances for a commune's dozen villages: 61 ms)
    has_members = MemberBalance.objects.filter(organisation_id=OuterRef("pk"), active__gt=0)
    villages_without_members = (
        Organisation.objects.filter(_organisations_q(root), area_kind=AreaKind.VILLAGE)
        .exclude(Exists(has_members))
        .count()
    )
    labels = {
        "village_heads": gettext("Trưởng thôn, bản, tổ dân phố"),
        "front_group_heads": gettext("Trưởng ban công tác Mặt trận"),
        "mass_org_heads": gettext("Người đứng đầu đoàn thể ở thôn"),
    }
    rows = []
    for key, label in labels.items():
        total, members = counts[key], counts[f"{key}_members"]
        rows.append(
            {
                "key": key,
                "label": label,
                "total": total,
                "members": members,
                "percent": percent_value(members, total),
                "target_percent": targets.get(key),
            }
        )
    return {"rows": rows, "villages_without_members": villages_without_members}


def _pick(own: int | None, children: dict[int, int]) -> tuple[int | None, str]:
    """The organisation's own target, else the sum of its children's."""
    if own is not None:
        return own, "own"
    if children:
        return sum(children.values()), "children"
    return None, ""


# ``structure`` not given: ``default_structure`` (today's tree, or a closed period's own tree)
DEFAULT_STRUCTURE = "default"


def get_admission_report(
    *,
    organisation: Organisation,
    period: Period,
    today: dt.date | None = None,
    structure: dt.date | str | None = DEFAULT_STRUCTURE,
) -> AdmissionReport:
    """Every figure of DOMAIN.md for ``organisation``'s subtree and ``period``, counted on the
    tree as it was on ``structure`` (None: today's tree; default: ``default_structure``).

    A period that has not ended is reported to date (``Period.as_of``) and compared with the
    same days a year earlier; one that has not begun is refused (DomainError).

    Every subtree filter goes through the organisation's structure root
    (``organisations.selectors.resolve_structure``): today's tree is the path prefix, a past
    tree the placements in force that day. "Same period last year" is counted on the same
    tree, so for an organisation formed by a merge it is the sum over its predecessors (their
    cells sit under it now) and after a split the split's mapping; ``lineage`` says so."""
    from dangvien.admissions.choices import Stage
    from dangvien.targets.models import Target

    today = today or dt.date.today()
    # the tree is chosen on the period as asked (a closed period: its own tree)
    on = default_structure(period, today) if isinstance(structure, str) else structure
    root = resolve_structure(organisation, on)
    period = period.as_of(today)
    previous = period.previous_year()
    ytd = period.year_to_date()
    periods = {"cur": period, "prev": previous, "ytd": ytd}
    forecasting = period.end.year == today.year and today < dt.date(today.year, 12, 31)
    if forecasting:
        periods["now"] = Period(dt.date(today.year, 1, 1), today)
    agg = _admission_aggregates(root, periods, detailed={"cur", "prev"})
    admitted, prev_admitted = agg["cur_total"], agg["prev_total"]
    breakdowns = [
        Breakdown(
            key=c.key,
            label=str(c.label),
            group=c.group,
            count=agg[f"cur_{c.key}"],
            previous=agg[f"prev_{c.key}"],
            total=admitted,
            previous_total=prev_admitted,
        )
        for c in CRITERIA
    ]
    children, child_counts = _children_rows(organisation, root, period, previous)
    lineage = lineage_line(organisation)
    predecessor_ids = [row.pk for row in lineage.organisations] if lineage else []
    part = period.part
    every_target = list(
        Target.objects.filter(
            (
                (Q(organisation=organisation) | Q(organisation__in=[c.pk for c, _k in children]))
                & Q(year=period.year, period__in=sorted({"", part}))
            )
            | (
                (Q(organisation=organisation) | Q(organisation__in=predecessor_ids))
                & Q(year=previous.year, kind=Target.Kind.ADMISSIONS, period="")
            )
        ).values_list("organisation_id", "year", "kind", "period", "value")
    )
    target_rows = [(o, k, p, v) for o, y, k, p, v in every_target if y == period.year]
    own_targets = {
        kind: value
        for org_id, kind, part_of, value in target_rows
        if org_id == organisation.pk and not part_of
    }
    # the comparison year's target: the organisation's own, else its predecessors' summed
    earlier = {
        o: v
        for o, y, k, p, v in every_target
        if y == previous.year and k == Target.Kind.ADMISSIONS and not p
    }
    previous_target = earlier.get(organisation.pk)
    if previous_target is None and any(pk in earlier for pk in predecessor_ids):
        previous_target = sum(earlier.get(pk, 0) for pk in predecessor_ids)

    def child_targets(part_of: str) -> dict[int, int]:
        return {
            org_id: value
            for org_id, kind, of, value in target_rows
            if org_id != organisation.pk and kind == Target.Kind.ADMISSIONS and of == part_of
        }

    own_part = next(
        (
            value
            for org_id, kind, of, value in target_rows
            if org_id == organisation.pk and kind == Target.Kind.ADMISSIONS and part and of == part
        ),
        None,
    )
    year_target, year_source = _pick(own_targets.get(Target.Kind.ADMISSIONS), child_targets(""))
    part_target, part_source = _pick(own_part, child_targets(part)) if part else (None, "")
    target: int | None
    if part_target is not None:
        target, target_source, scope = part_target, part_source, part
        by_child = child_targets(part)
    else:
        target, target_source, scope = year_target, year_source, "year"
        # a child's yearly target says nothing of a period that does not start on 1 January
        by_child = child_targets("") if period.from_new_year else {}
    rows = [
        ChildRow(
            organisation=child,
            admitted=child_counts.get(key, (0, 0))[0],
            previous=child_counts.get(key, (0, 0))[1],
            target=by_child.get(child.pk),
        )
        for child, key in children
        # an organisation ended before the period (a merged commune left in today's tree)
        # is shown only for the figures it still holds
        if child.valid_to is None
        or child.valid_to >= period.start
        or any(child_counts.get(key, (0, 0)))
    ]
    direct = child_counts.get(root.path)
    if direct and any(direct):
        rows.append(
            ChildRow(organisation=None, admitted=direct[0], previous=direct[1], target=None)
        )
    year_start = dt.date(period.end.year, 1, 1)
    year_days = (dt.date(period.end.year, 12, 31) - year_start).days + 1
    year_gone = (period.end - year_start).days + 1
    if scope == "year":
        pacing = Pacing(
            scope="year",
            year=period.year,
            admitted=agg["ytd_total"],
            admitted_year_to_date=agg["ytd_total"],
            target=target,
            days_gone=year_gone,
            days_total=year_days,
            year_days_gone=year_gone,
            year_days=year_days,
        )
    else:
        pacing = Pacing(
            scope=scope,
            year=period.year,
            admitted=admitted,
            admitted_year_to_date=agg["ytd_total"],
            target=target,
            days_gone=period.days,
            days_total=period.named.days,
            year_days_gone=year_gone,
            year_days=year_days,
        )
    pipeline = _pipeline(root, period, today)
    forecast = None
    if forecasting:
        lines = []
        excluded = 0
        for stage in Stage:
            row = next(s for s in pipeline["stages"] if s["stage"] == stage.value)
            weight = FORECAST_WEIGHTS.get(stage.value, Decimal(0))
            if weight > 0:
                excluded += row["open"] - row["eligible"]
            lines.append((str(stage.label), row["eligible"], weight, weight * row["eligible"]))
        forecast = Forecast(
            admitted_so_far=agg["now_total"],
            as_of=today,
            lines=[line for line in lines if line[2] > 0],
            target=year_target,
            excluded=excluded,
        )

    def _avg(value: Any) -> Decimal | None:
        return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))

    return AdmissionReport(
        organisation=organisation,
        period=period,
        previous_period=previous,
        admitted=admitted,
        previous=prev_admitted,
        target=target,
        target_source=target_source,
        target_scope=scope,
        year_target=year_target,
        breakdowns=breakdowns,
        average_age=_avg(agg["cur_avg_age"]),
        previous_average_age=_avg(agg["prev_avg_age"]),
        children=rows,
        pipeline=pipeline,
        membership=_membership_at_end(root, period),
        coverage=_coverage(root, own_targets),
        pacing=pacing,
        forecast=forecast,
        structure_on=on,
        structure_root=root,
        lineage=lineage,
        previous_target=previous_target,
    )


def get_monthly_admissions(
    *, organisation: Organisation, year: int, structure: StructureRoot | None = None
) -> dict[int, list[int]]:
    """Admissions per month of ``year`` and of the year before: {year: [12 counts]}, counted
    where the members were admitted, on the tree of ``structure`` (a resolved root, e.g. the
    report's ``structure_root``; None: today's tree). One query, on the admitted counters."""
    from dangvien.members.models import AdmittedCount

    root = structure or StructureRoot(organisation.path, None)
    series = {year - 1: [0] * 12, year: [0] * 12}
    rows = (
        AdmittedCount.objects.filter(
            structure_q(root), date__range=(dt.date(year - 1, 1, 1), dt.date(year, 12, 31))
        )
        .annotate(y=ExtractYear("date"), m=ExtractMonth("date"))
        .values("y", "m")
        .annotate(n=Sum("admitted"))
        .values_list("y", "m", "n")
    )
    for y, m, n in rows:
        series[int(y)][int(m) - 1] = int(n or 0)
    return series


# --- member quality: screening, removals, dues alerts, badges (issue 16) -------------------------


@dataclass
class MemberQualityFigures:
    """The screening pipeline, removals by form (Biểu 1-BTCTW decreases), dues alerts and
    badges for a subtree and period; each figure links to the rows behind it."""

    screening: Any  # dangvien.screening.selectors.ScreeningFigures
    badge_day: dt.date  # the first award day after the period's end
    badges_due: dict[int, int]
    badges_awarded: dict[int, int]


def get_member_quality_figures(
    *, organisation: Organisation, period: Period, structure: StructureRoot | None = None
) -> MemberQualityFigures:
    """Set-based: the screening app's five aggregates, the badges awarded in the period (one
    aggregate) and the badges due on the next award day (a fixed number of queries).

    ``structure``: the report's resolved root (``AdmissionReport.structure_root``); the
    screening figures and the badges awarded are counted on that tree, where they were
    recorded (None: today's tree). The badges due on the next award day are the current
    members' (``Membership.organisation`` is the current cell): always today's tree."""
    from dangvien.badges.selectors import (
        count_badges_awarded,
        count_badges_due,
        next_award_date,
    )
    from dangvien.screening.selectors import get_screening_figures

    badge_day = next_award_date(period.end + dt.timedelta(days=1))
    return MemberQualityFigures(
        screening=get_screening_figures(
            organisation=organisation, start=period.start, end=period.end, structure=structure
        ),
        badge_day=badge_day,
        badges_due=count_badges_due(organisation=organisation, award_date=badge_day),
        badges_awarded=count_badges_awarded(
            organisation=organisation, start=period.start, end=period.end, structure=structure
        ),
    )
