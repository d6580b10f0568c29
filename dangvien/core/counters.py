"""Counters: summary rows per cell and day, kept exact inside the transactions that write facts.

A figure over a subtree at national scale cannot read the facts (a membership statement passes
over every membership of the subtree; measured in docs/performance.md). It reads counters
instead: rows ``(organisation, date) → integer columns`` holding the net change that day in that
cell, and optionally a *balance* row per cell holding the sum of all its changes. The value of
a state figure on day D is the balance minus the changes after D; a flow over a period is the
sum of its days. A subtree is the cells under a path prefix (or the placements of a past tree).

This module has no domain knowledge. An app that owns facts registers a ``CounterSpec`` in its
``AppConfig.ready``: the table, the columns, and a function giving the contribution of a set of
its facts (by id) to the counters, computed from the facts as they are in the database. Its
services then wrap each write::

    with counters.tracking("membership", [membership.pk]):
        ...  # write the facts

which computes the contributions before and after and adds the difference to the rows, in the
caller's transaction; new facts are counted with ``counters.count_new``. Because the difference
comes from the same function the rebuild uses (``rebuild``), the maintained rows equal a rebuild
from the facts; the property test in ``members/tests/test_counters.py`` holds them to it.

Another app that changes what a contribution depends on (a person's sex is a person's field)
tracks its own subject: a spec maps ``"person"`` ids to its own ids.

Roll-ups (decision 0004). A cell holds about 27 members and admits about one a year, so a
province's cell rows are nearly as many as its facts. A spec may name a ``rollup`` table: the
same columns keyed by (organisation, month), one row per month for each ancestor-or-self of a
cell at the tree depths ``ROLLUP_DEPTHS`` (the provinces and central blocs; the communes,
wards and blocs under them). ``add`` writes the changes to both, so a province's figure reads
its own rows by month (about 12 a year) and the cell rows of a partial month only
(``subtree_sums``). A node re-parented with its subtree changes its cells' ancestors: the
reorganisation wraps the move in ``rerooted`` (the cells' roll-up contributions before and
after, the difference added), as a service wraps a write in ``tracking``. The roll-ups are a
function of the cell rows and today's tree; ``computed_rollups`` is that function, which the
rebuild writes and the property test holds the stored rows to.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, models, router, transaction
from django.db.models import DateField, Q, Sum
from django.db.models.functions import Substr, TruncMonth

from dangvien.core.bulk import foreign_keys_checked_once, indexes_built_after

Key = tuple[int, dt.date]
Contributions = dict[Key, tuple[int, ...]]


@dataclass(frozen=True)
class CounterSpec:
    """One counter table.

    ``model`` has ``organisation`` (a cell), ``date`` and the integer ``columns``, unique on
    (organisation, date). ``balance`` (optional) has ``organisation`` unique and the
    ``balance_columns`` (a subset of ``columns``: the state columns; flows have no balance).
    ``label`` names the table for an operator (Vietnamese, lazily translated).
    ``contributions(ids)`` gives, for facts of ``subject`` with these ids, their summed
    contribution by (cell id, date). ``subjects`` maps another subject's ids to this spec's ids
    (facts of another app whose change alters a contribution). ``all_ids()`` yields every
    fact id in batches, for the rebuild. ``grouped()`` (optional) gives every fact's
    contribution at once: a queryset of rows ``(cell id, date, *columns)`` grouped by cell and
    date, and the number of facts it reads; on PostgreSQL the rebuild then inserts it in one
    statement instead of reading the facts batch by batch. ``rollup`` (optional) has
    ``organisation``, ``month`` (its first day) and the ``columns``, unique on (organisation,
    month): the cell rows summed by month for each ancestor-or-self at ``ROLLUP_DEPTHS``.
    """

    name: str
    subject: str
    model: type[models.Model]
    columns: tuple[str, ...]
    contributions: Callable[[Sequence[int]], Contributions]
    all_ids: Callable[[], Iterable[list[int]]]
    label: Any = ""
    balance: type[models.Model] | None = None
    balance_columns: tuple[str, ...] = ()
    subjects: dict[str, Callable[[Sequence[int]], list[int]]] = field(default_factory=dict)
    grouped: Callable[[], tuple[Any, int]] | None = None
    rollup: type[models.Model] | None = None

    @property
    def title(self) -> str:
        """The table's name for an operator (its label, else its name)."""
        return str(self.label or self.name)


_SPECS: dict[str, CounterSpec] = {}


def register(spec: CounterSpec) -> None:
    _SPECS[spec.name] = spec


def specs() -> list[CounterSpec]:
    return list(_SPECS.values())


def _ids_for(spec: CounterSpec, subject: str, ids: Sequence[int]) -> list[int]:
    if subject == spec.subject:
        return list(ids)
    mapper = spec.subjects.get(subject)
    return mapper(ids) if mapper else []


CHUNK = 5_000


def ids_in_batches(model: type[models.Model], size: int) -> Iterator[list[int]]:
    """Every id of ``model`` in ascending batches of ``size`` (keyset pagination): a spec's
    ``all_ids``, for the rebuild."""
    last = 0
    while True:
        ids = list(
            model._default_manager.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        if not ids:
            return
        yield ids
        last = ids[-1]


def _contributions(spec: CounterSpec, ids: Sequence[int]) -> Contributions:
    """``spec.contributions`` in chunks (a database limits the parameters of a statement)."""
    if len(ids) <= CHUNK:
        return spec.contributions(ids)
    total: dict[Key, list[int]] = {}
    for start in range(0, len(ids), CHUNK):
        for key, values in spec.contributions(ids[start : start + CHUNK]).items():
            row = total.setdefault(key, [0] * len(values))
            for i, value in enumerate(values):
                row[i] += value
    return {key: tuple(values) for key, values in total.items() if any(values)}


def _difference(after: Contributions, before: Contributions) -> Contributions:
    changes: Contributions = {}
    for key in after.keys() | before.keys():
        new, old = after.get(key), before.get(key)
        if new is None:
            assert old is not None
            delta = tuple(-value for value in old)
        elif old is None:
            delta = new
        else:
            delta = tuple(a - b for a, b in zip(new, old, strict=True))
        if any(delta):
            changes[key] = delta
    return changes


class Tracker:
    """The before half of ``tracking`` for services that write in several places: create it
    before the writes (inside the service's transaction), call ``done()`` after them. A service
    that raises in between rolls its transaction back, counters included."""

    def __init__(self, subject: str, ids: Iterable[int]) -> None:
        wanted = sorted({int(pk) for pk in ids if pk is not None})
        self._before: dict[str, tuple[list[int], Contributions]] = {}
        for spec in _SPECS.values():
            own = _ids_for(spec, subject, wanted) if wanted else []
            if own:
                self._before[spec.name] = (own, _contributions(spec, own))

    def done(self) -> None:
        for name, (own, old) in self._before.items():
            spec = _SPECS[name]
            add(spec, _difference(_contributions(spec, own), old))
        self._before = {}


@contextmanager
def tracking(subject: str, ids: Iterable[int]) -> Iterator[None]:
    """Keep every counter that depends on these facts exact across the block's writes."""
    with transaction.atomic():
        tracker = Tracker(subject, ids)
        yield
        tracker.done()


def count_new(subject: str, ids: Iterable[int]) -> None:
    """Count facts of ``subject`` that were just written (they counted nothing before). Only
    the specs of that subject: a spec that maps these facts to facts of its own counted those
    before — track them with ``Tracker`` around the write."""
    ids = sorted({int(pk) for pk in ids if pk is not None})
    if not ids:
        return
    for spec in _SPECS.values():
        if spec.subject == subject:
            add(spec, _contributions(spec, ids))


def column_of(model: type[models.Model], name: str) -> str:
    """The database column of a counter's field (a concrete field: it has one)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column
    return field.column


# memory for the rebuild's grouping on PostgreSQL (SET LOCAL: this transaction only); with the
# server's default of 4 MB the national staging rows are sorted on disk, in passes
REBUILD_WORK_MEM = "256MB"

# from this many rows on, ``_upsert`` copies them into a staging table (PostgreSQL)
COPY_FROM = 2_000


def _upsert(
    model: type[models.Model],
    keys: tuple[str, ...],
    columns: tuple[str, ...],
    rows: list[tuple[Any, ...]],
) -> None:
    """``INSERT … ON CONFLICT (keys) DO UPDATE SET c = c + excluded.c`` (SQLite ≥ 3.24 and
    PostgreSQL): each row adds to what is there, atomically per row."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = [quote(column_of(model, name)) for name in (*keys, *columns)]
    updates = ", ".join(
        f"{quote(column_of(model, name))} = {table}."
        f"{quote(column_of(model, name))} + excluded."
        f"{quote(column_of(model, name))}"
        for name in columns
    )
    conflict = ", ".join(quote(column_of(model, name)) for name in keys)
    width = len(names)
    if connection.vendor == "postgresql":
        # a few rows (a service's write): one array per column, as psycopg parses a long
        # VALUES list slowly; many rows (an import, a whole cell moved): copied into a staging
        # table, as psycopg adapts a copied row in C and dumps arrays element by element in
        # Python (seconds for 100.000 rows of 45 columns)
        upsert = f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
        with connection.cursor() as cursor:
            if len(rows) > COPY_FROM:
                # dropped right after; a failure rolls its creation back with the transaction
                staging = quote(f"staging_upsert_{model._meta.db_table}")
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "  # noqa: S608
                    f"SELECT {', '.join(names)} FROM {table} WITH NO DATA"
                )
                with cursor.copy(f"COPY {staging} FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608
                    f"SELECT * FROM {staging} {upsert}"
                )
                cursor.execute(f"DROP TABLE {staging}")
                return
            types = [
                "bigint"
                if name == "organisation"
                else "date"
                if name in ("date", "month")
                else "integer"
                for name in (*keys, *columns)
            ]
            arrays = ", ".join(f"%s::{kind}[]" for kind in types)
            sql = (
                f"INSERT INTO {table} ({', '.join(names)}) SELECT * FROM UNNEST({arrays}) "  # noqa: S608
                f"{upsert}"
            )
            cursor.execute(sql, [list(column) for column in zip(*rows, strict=True)])
        return
    batch = max(1, 30_000 // width)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            values = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(chunk))
            sql = (
                f"INSERT INTO {table} ({', '.join(names)}) VALUES {values} "  # noqa: S608
                f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
            )
            cursor.execute(sql, [value for row in chunk for value in row])


def add(spec: CounterSpec, changes: Contributions) -> None:
    """Add ``changes`` to the spec's rows (and their state columns to the cells' balances)."""
    if not changes:
        return
    rows = [(cell, day, *values) for (cell, day), values in sorted(changes.items())]
    _upsert(spec.model, ("organisation", "date"), spec.columns, rows)
    if spec.rollup is not None:
        _add_rollups(spec, _rolled_up(spec, changes))
    if spec.balance is None:
        return
    balances = balances_of(spec, changes)
    _upsert(
        spec.balance,
        ("organisation",),
        spec.balance_columns,
        [(cell, *values) for cell, values in sorted(balances.items())],
    )


def computed(spec: CounterSpec) -> Contributions:
    """Every contribution recomputed from the facts (for the rebuild and the tests)."""
    total: dict[Key, list[int]] = {}
    for ids in spec.all_ids():
        for key, values in spec.contributions(ids).items():
            row = total.get(key)
            if row is None:
                total[key] = list(values)
            else:
                for i, value in enumerate(values):
                    row[i] += value
    return {key: tuple(values) for key, values in total.items() if any(values)}


def stored(spec: CounterSpec) -> Contributions:
    """The rows as they are, without the rows that net to zero."""
    rows = spec.model._default_manager.values_list("organisation_id", "date", *spec.columns)
    return {(row[0], row[1]): tuple(row[2:]) for row in rows if any(row[2:])}


def stored_balances(spec: CounterSpec) -> dict[int, tuple[int, ...]]:
    assert spec.balance is not None
    rows = spec.balance._default_manager.values_list("organisation_id", *spec.balance_columns)
    return {row[0]: tuple(row[1:]) for row in rows if any(row[1:])}


def balances_of(spec: CounterSpec, changes: Contributions) -> dict[int, tuple[int, ...]]:
    """The state columns of these rows summed by cell (what they add to the balances)."""
    positions = [spec.columns.index(name) for name in spec.balance_columns]
    total: dict[int, list[int]] = defaultdict(lambda: [0] * len(positions))
    for (cell, _day), values in changes.items():
        for i, position in enumerate(positions):
            total[cell][i] += values[position]
    return {cell: tuple(values) for cell, values in total.items() if any(values)}


# --- roll-ups (decision 0004) ---------------------------------------------------------------

# the tree depths whose nodes have roll-up rows (treebeard counts the root as depth 1): the
# provinces and central blocs, and the communes, wards and blocs under them
ROLLUP_DEPTHS = (2, 3)


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=31)).replace(day=1)


def _tree(spec: CounterSpec) -> Any:
    """The tree model the counter's ``organisation`` points at (it has ``path`` and
    ``steplen``, as ``core.subtree`` expects)."""
    return spec.model._meta.get_field("organisation").related_model


def _keys_of_path(path: str, step: int) -> list[str]:
    """The paths of the nodes whose roll-ups a cell at ``path`` counts in: its ancestor-or-self
    at each of ``ROLLUP_DEPTHS``, or itself when it is shallower than all of them (the root's
    own facts, if it ever holds any)."""
    keys = [path[: depth * step] for depth in ROLLUP_DEPTHS if len(path) >= depth * step]
    return keys or [path]


def _tree_pairs(spec: CounterSpec, key: str, values: list[Any], value: str) -> dict[Any, Any]:
    """``{key: value}`` of the tree's nodes whose ``key`` is among ``values`` (by ``CHUNK``:
    a database limits the parameters of a statement)."""
    manager = _tree(spec)._default_manager
    found: dict[Any, Any] = {}
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        found.update(manager.filter(**{f"{key}__in": chunk}).order_by().values_list(key, value))
    return found


def _rolled_up(spec: CounterSpec, changes: Contributions) -> Contributions:
    """Cell rows' changes as roll-up changes, by (node, month): two queries per ``CHUNK``
    cells (their paths, then the nodes of those paths)."""
    tree = _tree(spec)
    cells = sorted({cell for cell, _day in changes})
    paths = _tree_pairs(spec, "pk", cells, "path")
    wanted = sorted({key for path in paths.values() for key in _keys_of_path(path, tree.steplen)})
    nodes = _tree_pairs(spec, "path", wanted, "pk")
    total: dict[Key, list[int]] = {}
    for (cell, day), values in changes.items():
        for key in _keys_of_path(paths[cell], tree.steplen):
            row = total.setdefault((nodes[key], month_of(day)), [0] * len(values))
            for i, value in enumerate(values):
                row[i] += value
    return {key: tuple(values) for key, values in total.items() if any(values)}


def _add_rollups(spec: CounterSpec, changes: Contributions) -> None:
    assert spec.rollup is not None
    rows = [(node, month, *values) for (node, month), values in sorted(changes.items())]
    _upsert(spec.rollup, ("organisation", "month"), spec.columns, rows)


def _grouped_rollups(spec: CounterSpec, cells: Q, depth: int) -> Any:
    """The cell rows matching ``cells`` summed by (path of the node at ``depth``, month): a
    queryset of ``(path, month, *columns)``. At the shallowest depth the cells above it count
    under their own path (a shorter path is its own prefix)."""
    tree = _tree(spec)
    rows = spec.model._default_manager.filter(cells)
    if depth != ROLLUP_DEPTHS[0]:
        rows = rows.filter(organisation__depth__gte=depth)
    sums = {f"sum_{name}": Sum(name) for name in spec.columns}
    return (
        rows.annotate(
            node_path=Substr("organisation__path", 1, depth * tree.steplen),
            month=TruncMonth("date", output_field=DateField()),
        )
        .values("node_path", "month")
        .annotate(**sums)
        .order_by()
        .values_list("node_path", "month", *sums)
    )


def _rollups_of(spec: CounterSpec, cells: Q) -> Contributions:
    """The roll-up rows the cell rows matching ``cells`` make, from those rows and today's
    tree: one grouped query per depth and one for the nodes' keys."""
    by_path: dict[tuple[str, dt.date], tuple[int, ...]] = {}
    for depth in ROLLUP_DEPTHS:
        for path, month, *values in _grouped_rollups(spec, cells, depth):
            by_path[(path, month)] = tuple(int(value or 0) for value in values)
    nodes = _tree_pairs(spec, "path", sorted({path for path, _month in by_path}), "pk")
    return {
        (nodes[path], month): values for (path, month), values in by_path.items() if any(values)
    }


def _rollups_of_cells(spec: CounterSpec, ids: Sequence[int]) -> Contributions:
    total: dict[Key, list[int]] = {}
    for start in range(0, len(ids), CHUNK):
        found = _rollups_of(spec, Q(organisation_id__in=ids[start : start + CHUNK]))
        for key, values in found.items():
            row = total.setdefault(key, [0] * len(values))
            for i, value in enumerate(values):
                row[i] += value
    return {key: tuple(values) for key, values in total.items() if any(values)}


def computed_rollups(spec: CounterSpec) -> Contributions:
    """Every roll-up row recomputed from the cell rows and today's tree (the rebuild on
    SQLite, the tests)."""
    return _rollups_of(spec, Q())


def stored_rollups(spec: CounterSpec) -> Contributions:
    """The roll-up rows as they are, without the rows that net to zero."""
    assert spec.rollup is not None
    rows = spec.rollup._default_manager.values_list("organisation_id", "month", *spec.columns)
    return {(row[0], row[1]): tuple(row[2:]) for row in rows if any(row[2:])}


@contextmanager
def rerooted(organisations: Iterable[int]) -> Iterator[None]:
    """Keep every roll-up exact across the block's change of these nodes' places in the tree
    (a subtree re-parented: give every node of it). Their cells' roll-up rows are computed
    from the cell rows before and after the block, and the difference added; the cell rows
    themselves do not change (a move changes no fact)."""
    ids = sorted({int(pk) for pk in organisations})
    with transaction.atomic():
        before = {
            spec.name: _rollups_of_cells(spec, ids)
            for spec in _SPECS.values()
            if spec.rollup is not None and ids
        }
        yield
        for name, old in before.items():
            spec = _SPECS[name]
            _add_rollups(spec, _difference(_rollups_of_cells(spec, ids), old))


def _rebuild_rollups(spec: CounterSpec, cursor: Any, quote: Callable[[str], str]) -> int:
    """Fill the (emptied) roll-up table from the cell rows, in one ``INSERT … SELECT`` per
    depth (PostgreSQL). Returns the rows written."""
    assert spec.rollup is not None
    tree = _tree(spec)
    connection = connections[router.db_for_write(spec.model)]
    columns = [quote(name) for name in spec.columns]
    rows = 0
    for depth in ROLLUP_DEPTHS:
        sql, params = (
            _grouped_rollups(spec, Q(), depth).query.get_compiler(using=connection.alias).as_sql()
        )
        nonzero = " OR ".join(f"grouped.{name} <> 0" for name in columns)
        cursor.execute(
            f"INSERT INTO {quote(spec.rollup._meta.db_table)} "  # noqa: S608
            f"(organisation_id, month, {', '.join(columns)}) "
            f"SELECT node.id, grouped.month, {', '.join(f'grouped.{name}' for name in columns)} "
            f"FROM ({sql}) AS grouped (node_path, month, {', '.join(columns)}) "
            f"JOIN {quote(tree._meta.db_table)} node ON node.path = grouped.node_path "
            f"WHERE {nonzero}",
            params,
        )
        rows += cursor.rowcount
    return rows


@transaction.atomic
def rebuild_rollups(spec: CounterSpec) -> None:
    """Replace the spec's roll-ups by their computation from its cell rows and today's tree
    (a roll-up table added to a spec whose cell rows are already there). The caller audits."""
    assert spec.rollup is not None
    connection = connections[router.db_for_write(spec.rollup)]
    if connection.vendor != "postgresql":
        spec.rollup._default_manager.all().delete()
        _add_rollups(spec, computed_rollups(spec))
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as ``rebuild``
        cursor.execute(f"TRUNCATE {quote(spec.rollup._meta.db_table)}")
        cursor.execute(f"SET LOCAL work_mem = '{REBUILD_WORK_MEM}'")
        with foreign_keys_checked_once([spec.rollup]), indexes_built_after(spec.rollup):
            _rebuild_rollups(spec, cursor, quote)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _whole_months(low: dt.date | None, high: dt.date) -> tuple[dt.date | None, dt.date] | None:
    """The first and last whole month of ``[low, high]`` (first None: from the first), or
    None when the window holds no whole month."""
    first = low if low is None or low.day == 1 else _next_month(month_of(low))
    if (high + dt.timedelta(days=1)).day == 1:
        last = month_of(high)
    else:
        last = month_of(month_of(high) - dt.timedelta(days=1))
    if first is not None and first > last:
        return None
    return first, last


Windows = Mapping[str, tuple[dt.date | None, dt.date]]


@dataclass
class _Plan:
    """How ``windows`` are read: each one's whole months from the roll-ups (``rolled``, SQL
    over the alias ``r``), its other days from the cell rows (``summed``, over the alias
    ``c``), and the days of every window merged (``ranges``: the cell rows to read)."""

    rolled: list[str]
    rolled_params: list[Any]
    summed: list[str]
    summed_params: list[Any]
    ranges: list[tuple[dt.date, dt.date]]
    columns: list[str]  # the cell rows' columns the windows read, quoted, once each
    months: str = ""  # the roll-up rows' months any window reads, as SQL over ``r``
    months_params: list[Any] = field(default_factory=list)


def _plan(spec: CounterSpec, windows: Windows, columns: Mapping[str, str]) -> _Plan:
    connection = connections[router.db_for_read(spec.model)]
    quote = connection.ops.quote_name
    adapt = connection.ops.adapt_datefield_value
    plan = _Plan([], [], [], [], [], [])
    days: dict[str, list[tuple[dt.date, dt.date]]] = {}
    whole: list[tuple[dt.date | None, dt.date]] = []
    quoted = {name: quote(column_of(spec.model, columns.get(name, name))) for name in windows}
    for name, (low, high) in windows.items():
        months = _whole_months(low, high)
        if months is None:  # within one or two partial months: all from the cell rows
            # an aggregate all the same: the statement then has its one row without roll-ups
            plan.rolled.append("COALESCE(SUM(0), 0)")
            assert low is not None
            days[name] = [(low, high)]
            continue
        first, last = months
        whole.append(months)
        condition = "r.month <= %s" + ("" if first is None else " AND r.month >= %s")
        plan.rolled.append(f"COALESCE(SUM(CASE WHEN {condition} THEN r.{quoted[name]} END), 0)")
        plan.rolled_params += [adapt(last)] + ([] if first is None else [adapt(first)])
        days[name] = [(_next_month(last), high)]
        if low is not None and first is not None and low < first:
            days[name].append((low, first - dt.timedelta(days=1)))
        days[name] = [(a, b) for a, b in days[name] if a <= b]
    plan.ranges = _merged([interval for intervals in days.values() for interval in intervals])
    for name in windows:
        if not days[name]:
            plan.summed.append("0")
            continue
        within = " OR ".join("c.date BETWEEN %s AND %s" for _interval in days[name])
        plan.summed.append(f"COALESCE(SUM(CASE WHEN {within} THEN c.{quoted[name]} END), 0)")
        plan.summed_params += [adapt(day) for interval in days[name] for day in interval]
    plan.columns = sorted(set(quoted.values()))
    # only the months some window reads: a flow over a year reads 12 of a node's months, not
    # its whole history (a province's children: 70.000 rows)
    if not whole:  # every window within partial months: no roll-up row is read
        plan.months = "1 = 0"
    else:
        plan.months = "r.month <= %s"
        plan.months_params = [adapt(max(last for _first, last in whole))]
        if all(first is not None for first, _last in whole):
            plan.months += " AND r.month >= %s"
            plan.months_params.append(adapt(min(first for first, _last in whole if first)))
    return plan


def _days_of(spec: CounterSpec, plan: _Plan, *, few_cells: bool) -> tuple[str, list[Any]]:
    """The SELECT of the cell rows of the plan's days, and its parameters. Many cells (a
    province, the nation): one branch per range of days, each read from the index on (date,
    organisation) alone (an OR of ranges is a bitmap scan of the table's pages: 428 against
    221 ms for the nation's two partial months). A commune's few cells: their rows of those
    days (6 against 22 ms)."""
    connection = connections[router.db_for_read(spec.model)]
    cells_table = connection.ops.quote_name(spec.model._meta.db_table)
    adapt = connection.ops.adapt_datefield_value
    if few_cells:
        within = " OR ".join("date BETWEEN %s AND %s" for _range in plan.ranges)
        sql = f"SELECT * FROM {cells_table} WHERE {within}"  # noqa: S608 - a model's table
    else:
        sql = " UNION ALL ".join(
            f"SELECT organisation_id, date, {', '.join(plan.columns)} "  # noqa: S608
            f"FROM {cells_table} WHERE date BETWEEN %s AND %s"
            for _range in plan.ranges
        )
    return sql, [adapt(day) for interval in plan.ranges for day in interval]


def subtree_sums(
    spec: CounterSpec,
    *,
    path: str,
    windows: Windows,
    columns: Mapping[str, str] | None = None,
) -> dict[str, int] | None:
    """Each window ``[low, high]`` (``low`` None: from the first) of ``windows`` summed over
    its days in the subtree under ``path`` of today's tree, read from the roll-ups: the
    node's rows of the whole months, the cell rows of the partial months at each end. A
    window is named by its column, or by a name ``columns`` maps to its column (several
    windows of one column). One statement whatever the subtree; None when ``path`` is deeper
    than ``ROLLUP_DEPTHS`` (read the cell rows).

    A state column's value on day D is its window ``(None, D)``: every change up to D.

    The partial months' cell rows are found by date first (at most two months of the
    nation's changes, from the index on (date, organisation) that covers the columns), their
    cells tested against the subtree's ``IN (SELECT …)``: an array of a province's 7.800 cell
    keys (``__in_subtree``) would probe each cell's rows instead (29 against 1 ms). Written
    as SQL: for a commune, building the two aggregates with the ORM took twice as long as
    running them."""
    if spec.rollup is None:
        return None
    tree = _tree(spec)
    depth = len(path) // tree.steplen
    if depth > ROLLUP_DEPTHS[-1]:
        return None
    connection = connections[router.db_for_read(spec.model)]
    quote = connection.ops.quote_name
    nodes_table = quote(tree._meta.db_table)
    plan = _plan(spec, windows, columns or {})
    if depth in ROLLUP_DEPTHS:
        nodes = f"SELECT id FROM {nodes_table} WHERE path = %s"  # noqa: S608 - a model's table
        node_params: list[Any] = [path]
    else:  # above the roll-up depths (the root): its nodes at the first one, and itself
        nodes = f"SELECT id FROM {nodes_table} WHERE depth <= %s AND path LIKE %s"  # noqa: S608
        node_params = [ROLLUP_DEPTHS[0], _like(path)]
    sql = (
        f"SELECT {', '.join(plan.rolled)} FROM {quote(spec.rollup._meta.db_table)} r "  # noqa: S608
        f"WHERE r.organisation_id IN ({nodes})" + (f" AND {plan.months}" if plan.months else "")
    )
    params = [*plan.rolled_params, *node_params, *plan.months_params]
    if plan.ranges:
        branches, branch_params = _days_of(spec, plan, few_cells=depth == ROLLUP_DEPTHS[-1])
        sql = (
            f"SELECT * FROM ({sql}) r, (SELECT {', '.join(plan.summed)} "  # noqa: S608
            f"FROM ({branches}) c "
            f"WHERE c.organisation_id IN (SELECT id FROM {nodes_table} WHERE path LIKE %s)) c"
        )
        params += [*plan.summed_params, *branch_params, _like(path)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    count = len(windows)
    return {
        name: int(row[i] or 0) + (int(row[count + i] or 0) if plan.ranges else 0)
        for i, name in enumerate(windows)
    }


def children_sums(
    spec: CounterSpec,
    *,
    path: str,
    windows: Windows,
    columns: Mapping[str, str] | None = None,
) -> dict[str, dict[str, int]] | None:
    """``subtree_sums`` of every child of the node at ``path`` on today's tree, by the child's
    path (the children without rows are absent): the children's own roll-up rows of the whole
    months, the cell rows of the partial months grouped by the child they are under. Two
    statements whatever the tree; None when the children are not at ``ROLLUP_DEPTHS``."""
    if spec.rollup is None:
        return None
    tree = _tree(spec)
    depth = len(path) // tree.steplen + 1  # the children's
    if depth not in ROLLUP_DEPTHS:
        return None
    connection = connections[router.db_for_read(spec.model)]
    quote = connection.ops.quote_name
    nodes_table = quote(tree._meta.db_table)
    plan = _plan(spec, windows, columns or {})
    found: dict[str, dict[str, int]] = {}

    def add(rows: list[tuple[Any, ...]]) -> None:
        for child, *values in rows:
            sums = found.setdefault(child, dict.fromkeys(windows, 0))
            for name, value in zip(windows, values, strict=True):
                sums[name] += int(value or 0)

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT n.path, {', '.join(plan.rolled)} "  # noqa: S608 - a model's tables
            f"FROM {quote(spec.rollup._meta.db_table)} r "
            f"JOIN {nodes_table} n ON n.id = r.organisation_id "
            "WHERE n.depth = %s AND n.path LIKE %s"
            + (f" AND {plan.months}" if plan.months else "")
            + " GROUP BY n.path",
            [*plan.rolled_params, depth, _like(path), *plan.months_params],
        )
        add(cursor.fetchall())
        if plan.ranges:
            branches, branch_params = _days_of(spec, plan, few_cells=False)
            cursor.execute(
                f"SELECT SUBSTR(o.path, 1, %s), {', '.join(plan.summed)} "  # noqa: S608
                f"FROM ({branches}) c JOIN {nodes_table} o ON o.id = c.organisation_id "
                "WHERE o.depth >= %s AND o.path LIKE %s GROUP BY 1",
                [depth * tree.steplen, *plan.summed_params, *branch_params, depth, _like(path)],
            )
            add(cursor.fetchall())
    return found


def cell_sums(
    spec: CounterSpec,
    *,
    cells: tuple[str, tuple[Any, ...]],
    windows: Windows,
    columns: Mapping[str, str] | None = None,
) -> dict[str, int]:
    """Each window of ``windows`` (named as in ``subtree_sums``) summed over its days from the
    cell rows of ``cells`` (the SELECT of their ids and its parameters:
    ``organisations.selectors.subtree_ids_sql``), in one statement: the path of
    ``subtree_sums`` below the roll-ups or on a past tree."""
    connection = connections[router.db_for_read(spec.model)]
    quote = connection.ops.quote_name
    adapt = connection.ops.adapt_datefield_value
    columns = columns or {}
    sums, params = [], []
    for name, (low, high) in windows.items():
        within = "date <= %s" if low is None else "date BETWEEN %s AND %s"
        column = quote(column_of(spec.model, columns.get(name, name)))
        sums.append(f"COALESCE(SUM(CASE WHEN {within} THEN {column} END), 0)")
        params += [adapt(high)] if low is None else [adapt(low), adapt(high)]
    sql, cells_params = cells
    latest = max(high for _low, high in windows.values())
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(sums)} FROM {quote(spec.model._meta.db_table)} "  # noqa: S608
            f"WHERE organisation_id IN ({sql}) AND date <= %s",
            [*params, *cells_params, adapt(latest)],
        )
        row = cursor.fetchone()
    return {name: int(value or 0) for name, value in zip(windows, row, strict=True)}


def _merged(intervals: list[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    """Day ranges, inclusive, merged where they overlap or touch."""
    merged: list[tuple[dt.date, dt.date]] = []
    for low, high in sorted(intervals):
        if merged and low <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _like(path: str) -> str:
    """``path`` as a ``LIKE`` prefix: treebeard's paths are digits and capitals, which ``LIKE``
    reads as themselves."""
    return path + "%"


@transaction.atomic
def rebuild(spec: CounterSpec, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Replace the spec's rows by a computation from the facts. The caller audits.

    On PostgreSQL the tables are emptied (``TRUNCATE``), and the counter table's indexes are
    built and its foreign key checked once after it is filled
    (``core.bulk.indexes_built_after``, ``foreign_keys_checked_once``; the tables stay locked
    until the commit). A spec with ``grouped`` is then one ``INSERT … SELECT`` of it; otherwise
    each batch of facts' contributions is copied (COPY) into a temporary table and summed into
    the counters with one ``INSERT … SELECT … GROUP BY`` at the end (about 3 × faster than
    adding batch by batch at 160.000 memberships). Elsewhere each batch is added as a service
    adds it."""
    connection = connections[router.db_for_write(spec.model)]
    facts = 0
    if connection.vendor != "postgresql":
        spec.model._default_manager.all().delete()
        for model in (spec.balance, spec.rollup):
            if model is not None:
                model._default_manager.all().delete()
        for ids in spec.all_ids():
            add(spec, spec.contributions(ids))
            facts += len(ids)
            if progress:
                progress(facts)
        return {"facts": facts, "rows": spec.model._default_manager.count()}
    quote = connection.ops.quote_name
    table = quote(spec.model._meta.db_table)
    columns = [quote(name) for name in spec.columns]
    target = f"{table} (organisation_id, date, {', '.join(columns)})"
    emptied = [table] + [
        quote(model._meta.db_table) for model in (spec.balance, spec.rollup) if model is not None
    ]
    with connection.cursor() as cursor:
        # the deferred checks of rows written earlier in this transaction run now, so that the
        # tables can be emptied and altered; deferred again at the end (Django's keys are
        # DEFERRABLE INITIALLY DEFERRED)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {', '.join(emptied)}")
        cursor.execute(f"SET LOCAL work_mem = '{REBUILD_WORK_MEM}'")
        with foreign_keys_checked_once([spec.model]), indexes_built_after(spec.model):
            if spec.grouped is not None:
                queryset, facts = spec.grouped()
                sql, params = queryset.query.get_compiler(using=connection.alias).as_sql()
                nonzero = " OR ".join(f"grouped.{name} <> 0" for name in columns)
                cursor.execute(
                    f"INSERT INTO {target} SELECT * FROM ({sql}) AS grouped "  # noqa: S608
                    f"(organisation_id, date, {', '.join(columns)}) WHERE {nonzero}",
                    params,
                )
                rows = cursor.rowcount
                if progress:
                    progress(facts)
            else:
                facts, rows = _copy_and_sum(spec, cursor, quote, target, progress)
        if spec.balance is not None:
            kept = [quote(name) for name in spec.balance_columns]
            cursor.execute(
                f"INSERT INTO {quote(spec.balance._meta.db_table)} "  # noqa: S608
                f"(organisation_id, {', '.join(kept)}) "
                f"SELECT organisation_id, {', '.join(f'SUM({name})' for name in kept)} "
                f"FROM {table} GROUP BY organisation_id"
            )
        if spec.rollup is not None:
            with foreign_keys_checked_once([spec.rollup]), indexes_built_after(spec.rollup):
                _rebuild_rollups(spec, cursor, quote)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return {"facts": facts, "rows": rows}


def _copy_and_sum(
    spec: CounterSpec,
    cursor: Any,
    quote: Callable[[str], str],
    target: str,
    progress: Callable[[int], None] | None,
) -> tuple[int, int]:
    """The batch path of ``rebuild`` on PostgreSQL: each batch's contributions copied into a
    temporary table, summed into ``target`` at the end. Returns the facts read and the rows
    written."""
    staging = quote(f"staging_{spec.model._meta.db_table}")
    columns = [quote(name) for name in spec.columns]
    cursor.execute(
        f"CREATE TEMPORARY TABLE {staging} (organisation_id bigint, date date, "
        + ", ".join(f"{name} integer" for name in columns)
        + ")"
    )
    facts = 0
    for ids in spec.all_ids():
        found = spec.contributions(ids)  # its queries before the COPY: one connection
        with cursor.copy(f"COPY {staging} FROM STDIN") as copy:
            for (cell, day), values in found.items():
                copy.write_row((cell, day, *values))
        facts += len(ids)
        if progress:
            progress(facts)
    sums = ", ".join(f"SUM({name})" for name in columns)
    nonzero = " OR ".join(f"SUM({name}) <> 0" for name in columns)
    cursor.execute(
        f"INSERT INTO {target} SELECT organisation_id, date, {sums} "  # noqa: S608
        f"FROM {staging} GROUP BY organisation_id, date HAVING {nonzero}"
    )
    rows = cursor.rowcount
    cursor.execute(f"DROP TABLE {staging}")
    return facts, rows
