"""``<foreign key>__in_subtree=paths``: rows whose foreign key points at a node of the tree
under any of ``paths`` (materialized-path prefixes of the target model's ``path``).

The same rows as ``<foreign key>__path__startswith=path`` (OR-ed over the paths), in another
shape. The join shape makes PostgreSQL read every row of the big table that passes the other
conditions and hash them against the subtree's organisations: a province's open dossiers by
stage read the nation's 400.000 open dossiers to keep its 12.172 (109 ms on the national
dataset). Here the subtree's keys are gathered first, ``fk = ANY(ARRAY(SELECT id …))``, and
the big table is read through its foreign key index for those keys only (23 ms; 12 with an
index that covers the query). ``docs/performance.md``, "Scopes as key arrays".

A path of the tree's first level (a root: the whole nation) keeps the ``IN (SELECT …)``
shape, whose plan PostgreSQL chooses with true estimates: probing an index for all 256.764
organisations would cost more than a scan. ``""`` (the whole tree) is ``IS NOT NULL``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignKey, Lookup


def _like_prefix(path: str) -> str:
    return path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class InSubtree(Lookup):
    lookup_name = "in_subtree"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        if isinstance(self.rhs, str):
            return (self.rhs,)
        return tuple(str(path) for path in self.rhs)

    def nodes(self, paths: tuple[str, ...], connection: Any) -> tuple[str, list[str], bool] | None:
        """The condition on the target's rows, its parameters and whether the keys may go as
        an array; None for the whole tree."""
        if "" in paths:
            return None
        escape = "" if connection.vendor == "postgresql" else " ESCAPE '\\'"
        path = connection.ops.quote_name("path")
        where = " OR ".join(f"{path} LIKE %s{escape}" for _path in paths)
        root_length = getattr(self.lhs.output_field.related_model, "steplen", 0)
        as_array = all(len(p) > root_length for p in paths)
        return where, [_like_prefix(p) for p in paths], as_array

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if not self.rhs:
            raise EmptyResultSet
        nodes = self.nodes(self.rhs, connection)
        if nodes is None:
            return f"{lhs} IS NOT NULL", tuple(lhs_params)
        where, params, as_array = nodes
        target = self.lhs.output_field.related_model
        quote = connection.ops.quote_name
        # identifiers from the model's meta, quoted; the paths go as parameters
        table, key = quote(target._meta.db_table), quote(target._meta.pk.column)
        keys = f"SELECT {key} FROM {table} WHERE {where}"  # noqa: S608
        if connection.vendor == "postgresql" and as_array:
            return f"{lhs} = ANY(ARRAY({keys}))", (*lhs_params, *params)
        return f"{lhs} IN ({keys})", (*lhs_params, *params)


class AtPaths(InSubtree):
    """``<foreign key>__at_paths=paths``: rows pointing at exactly the nodes of ``paths`` (a
    class organised by one of a cell's superior committees), in the same key-array shape, so
    that it can be OR-ed with ``__in_subtree`` (PostgreSQL then reads two index ranges; a
    join on the paths beside the key array made it hash every class and enrolment of the
    nation: a province's class list 204 ms → 10,9 s)."""

    lookup_name = "at_paths"

    def nodes(self, paths: tuple[str, ...], connection: Any) -> tuple[str, list[str], bool]:
        where = f"{connection.ops.quote_name('path')} IN ({', '.join(['%s'] * len(paths))})"
        return where, list(paths), True


def register() -> None:
    """Make ``__in_subtree`` and ``__at_paths`` available on every foreign key
    (``CoreConfig.ready``)."""
    ForeignKey.register_lookup(InSubtree)
    ForeignKey.register_lookup(AtPaths)
