"""Fast multi-row INSERTs, for the bulk service functions of the apps that own the tables.

No domain knowledge here: the caller (``people.services.bulk_create_people``,
``members.services.bulk_register_members``) validates, checks scope and writes the audit row.

Django's ``bulk_create`` builds a model instance and prepares every value through the field
for each row, which is most of the time of a 100,000-row import (measured in
``docs/decisions/0001-bulk-insert-in-services.md``). Here rows are plain dicts
of attribute names; each column's default (or ``auto_now``) is computed once, dates and
strings go to the driver as they are, and each batch is one ``INSERT … VALUES (…), (…)
RETURNING id`` on SQLite (≥ 3.35). On PostgreSQL the keys are drawn from the table's sequence
in one statement and the rows are copied (``COPY … FROM STDIN``) with them: psycopg adapts
a copied row in C, where the arrays of an ``INSERT … SELECT * FROM UNNEST(…)`` were dumped
element by element in Python (most of a 100,000-row import's time on PostgreSQL,
docs/performance.md). Always inside the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router
from django.utils import timezone

MAX_PARAMS = 30_000


def insert_rows(
    model: type[models.Model], rows: Sequence[dict[str, Any]], *, returning: bool = True
) -> list[int]:
    """Insert ``rows`` (attname → value) and return the new primary keys, in order."""
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    opts = model._meta
    fields = [field for field in opts.concrete_fields if not field.primary_key]
    now = timezone.now()
    constants: dict[str, Any] = {}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            constants[field.attname] = field.get_db_prep_save(now, connection)
        elif field.has_default() or field.null or (field.blank and field.empty_strings_allowed):
            # What a new model instance would hold: the default, None, or "" (blank text).
            constants[field.attname] = field.get_db_prep_save(field.get_default(), connection)
    if connection.vendor == "postgresql":
        return _insert_by_copy(model, rows, fields, constants, returning=returning)
    quote = connection.ops.quote_name
    table = quote(opts.db_table)
    # Identifiers come from the model's metadata, never from input; values are parameters.
    columns = ", ".join(quote(str(field.column)) for field in fields)
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    attnames = [field.attname for field in fields]
    batch = max(1, min(1000, MAX_PARAMS // len(fields)))
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            params: list[Any] = []
            for row in chunk:
                for name in attnames:
                    if name in row:
                        params.append(row[name])
                    else:
                        params.append(constants[name])
            values = ", ".join([placeholder] * len(chunk))
            sql = f"INSERT INTO {table} ({columns}) VALUES {values}"  # noqa: S608
            if returning:
                sql += f" RETURNING {quote(str(opts.pk.column))}"
                cursor.execute(sql, params)
                ids.extend(row[0] for row in cursor.fetchall())
            else:
                cursor.execute(sql, params)
    return ids


def _insert_by_copy(
    model: type[models.Model],
    rows: Sequence[dict[str, Any]],
    fields: list[models.Field[Any, Any]],
    constants: dict[str, Any],
    *,
    returning: bool,
) -> list[int]:
    """PostgreSQL: the keys from the table's sequence (one ``nextval`` per row, one
    statement), then every row copied with its key. Without ``returning`` the table's
    default numbers them."""
    connection = connections[router.db_for_write(model)]
    opts = model._meta
    pk = opts.pk
    assert pk is not None
    attnames = [field.attname for field in fields]
    # copy_rows writes JSON as text: the raw default, not the driver's adapted one
    constants = {
        field.attname: field.get_default()
        if field.get_internal_type() == "JSONField"
        else constants.get(field.attname)
        for field in fields
        if field.attname in constants
    }
    ids: list[int] = []
    if returning:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [opts.db_table, str(pk.column), len(rows)],
            )
            ids = sorted(row[0] for row in cursor.fetchall())
    values = ([row[name] if name in row else constants[name] for name in attnames] for row in rows)
    if returning:
        keyed = ([key, *row] for key, row in zip(ids, values, strict=True))
        copy_rows(model, [pk.attname, *attnames], keyed)
    else:
        copy_rows(model, attnames, values)
    return ids


def next_id(model: type[models.Model]) -> int:
    """The first free primary key of ``model``'s table (max + 1): a bulk writer that must know
    the keys before writing (``copy_rows``) numbers its rows from here, inside the caller's
    transaction, and calls ``sync_sequence`` afterwards."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX({quote(str(model._meta.pk.column))}) FROM {quote(model._meta.db_table)}"  # noqa: S608
        )
        row = cursor.fetchone()
    return int(row[0] or 0) + 1


def sync_sequence(model: type[models.Model]) -> None:
    """After rows were written with explicit keys: PostgreSQL's sequence (or identity) of the
    table moves past them, so the next ordinary INSERT gets a free key. SQLite needs nothing."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    table, column = model._meta.db_table, str(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), "  # noqa: S608
            f"COALESCE((SELECT MAX({quote(column)}) FROM {quote(table)}), 0) + 1, false)",
            [table, column],
        )


def copy_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Write ``rows`` (tuples of values in the order of ``columns``, attribute names; the
    primary key may be one of them) into ``model``'s table; every other column gets what a
    new instance would hold (default, None, "" or now). COPY … FROM STDIN on PostgreSQL
    (psycopg 3), multi-row INSERTs on SQLite. No RETURNING: give the keys (``next_id``) when
    other rows must point at these. Returns the number of rows written."""
    connection = connections[router.db_for_write(model)]
    opts = model._meta
    given = list(columns)
    by_attname = {field.attname: field for field in opts.concrete_fields}
    unknown = [name for name in given if name not in by_attname]
    if unknown:
        raise ValueError(f"{opts.label} has no column {unknown}")
    now = timezone.now()
    tail_fields = [
        field
        for field in opts.concrete_fields
        if field.attname not in given and not field.primary_key
    ]
    tail: list[Any] = []
    for field in tail_fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            tail.append(field.get_db_prep_save(now, connection))
        elif field.has_default() or field.null or (field.blank and field.empty_strings_allowed):
            tail.append(field.get_db_prep_save(field.get_default(), connection))
        else:
            raise ValueError(f"{opts.label}.{field.attname} has no default: give it")
    extra = tuple(tail)
    # JSON columns go as text (json.dumps), which both COPY and SQLite take as they are
    json_at = [
        index
        for index, name in enumerate(given)
        if by_attname[name].get_internal_type() == "JSONField"
    ]
    if json_at:
        rows = (_dump_json(row, json_at) for row in rows)
    quote = connection.ops.quote_name
    names = [by_attname[name].column for name in given] + [field.column for field in tail_fields]
    table = quote(opts.db_table)
    column_sql = ", ".join(quote(str(name)) for name in names)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({column_sql}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, *extra))
                    count += 1
            return count
        width = len(names)
        batch = max(1, min(1000, MAX_PARAMS // width))
        placeholder = "(" + ", ".join(["%s"] * width) + ")"
        pending: list[Any] = []
        size = 0

        def flush() -> None:
            values = ", ".join([placeholder] * size)
            cursor.execute(f"INSERT INTO {table} ({column_sql}) VALUES {values}", pending)  # noqa: S608

        for row in rows:
            pending.extend(row)
            pending.extend(extra)
            size += 1
            count += 1
            if size == batch:
                flush()
                pending, size = [], 0
        if size:
            flush()
    return count


def _dump_json(row: Sequence[Any], positions: list[int]) -> list[Any]:
    values = list(row)
    for index in positions:
        values[index] = json.dumps(values[index], cls=DjangoJSONEncoder)
    return values


def _constraints(cursor: Any, kind: str, tables: list[str]) -> list[tuple[str, str, str]]:
    """(table, name, definition) of the constraints of ``kind`` (``pg_constraint.contype``:
    ``f`` foreign key, ``u`` unique) on these tables (PostgreSQL)."""
    cursor.execute(
        "SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c"
        " JOIN pg_class t ON t.oid = c.conrelid"
        " WHERE c.contype = %s AND t.relname = ANY(%s) ORDER BY t.relname, c.conname",
        [kind, tables],
    )
    return cursor.fetchall()


@contextmanager
def foreign_keys_checked_once(
    tables: Iterable[type[models.Model]], before_check: Callable[[], None] | None = None
) -> Iterator[None]:
    """For a load of millions of rows in one transaction (the generated dataset): on
    PostgreSQL the foreign keys of these tables are dropped for the block and added back after
    it, each checked by one join over its table, instead of one deferred trigger per row at
    the commit (about 9 minutes of a national dataset's commit, docs/performance.md). A block
    that raises rolls the drop back with the transaction. The tables are locked for the
    transaction: a bench or test database, not one in use. Elsewhere: nothing changes."""
    chosen = list(tables)
    connection = connections[router.db_for_write(chosen[0])]
    if connection.vendor != "postgresql":
        yield
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        keys = _constraints(cursor, "f", [model._meta.db_table for model in chosen])
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    yield
    if before_check:
        before_check()
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")


@contextmanager
def indexes_built_after(model: type[models.Model]) -> Iterator[None]:
    """For a table refilled in one transaction (a counter table's rebuild): on PostgreSQL its
    secondary indexes and unique constraints (not the primary key) are dropped for the block
    and built again after it, each by one sort, instead of being updated row by row in the
    order the rows come (at national scale, minutes for the members' counters). The table is
    locked until the commit. A block that raises rolls the drop back. Elsewhere: nothing."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        yield
        return
    quote = connection.ops.quote_name
    table = model._meta.db_table
    with connection.cursor() as cursor:
        constraints = _constraints(cursor, "u", [table])
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x"
            " JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid"
            " WHERE t.relname = %s AND NOT x.indisprimary"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
            " ORDER BY i.relname",
            [table],
        )
        indexes = cursor.fetchall()
        for _table, name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
        for _name, definition in indexes:
            cursor.execute(definition)
