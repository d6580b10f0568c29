"""Fast multi-row INSERTs, for the bulk service functions of the apps that own the tables.

No domain knowledge here: the caller (``people.services.bulk_create_people``,
``members.services.bulk_register_members``) validates, checks scope and writes the audit row.

Django's ``bulk_create`` builds a model instance and prepares every value through the field
for each row, which is most of the time of a 100,000-row import (measured in
``docs/decisions/0001-bulk-insert-in-services.md``). Here rows are plain dicts
of attribute names; each column's default (or ``auto_now``) is computed once, dates and
strings go to the driver as they are, and each batch is one ``INSERT … VALUES (…), (…)
RETURNING id`` on SQLite (≥ 3.35), or one ``INSERT … SELECT * FROM UNNEST(%s::type[], …)
RETURNING id`` with one array per column on PostgreSQL, inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
    quote = connection.ops.quote_name
    table = quote(opts.db_table)
    # Identifiers come from the model's metadata, never from input; values are parameters.
    columns = ", ".join(quote(str(field.column)) for field in fields)
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    attnames = [field.attname for field in fields]
    unnest = connection.vendor == "postgresql"
    if unnest:
        # One array per column (as Django 5.2's bulk_create does on PostgreSQL): a handful of
        # parameters per batch instead of one per value, which PostgreSQL plans and psycopg
        # sends much faster. Types without their length (varchar[], not varchar(150)[]).
        arrays = ", ".join(
            f"(%s)::{str(field.db_type(connection)).split('(')[0]}[]" for field in fields
        )
        batch = 1000
    else:
        batch = max(1, min(1000, MAX_PARAMS // len(fields)))
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            params: list[Any] = []
            if unnest:
                for name in attnames:
                    if name in constants:
                        default = constants[name]
                        params.append([row.get(name, default) for row in chunk])
                    else:
                        params.append([row[name] for row in chunk])
                sql = f"INSERT INTO {table} ({columns}) SELECT * FROM UNNEST({arrays})"  # noqa: S608
            else:
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
