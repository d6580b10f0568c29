"""Issue 12: the report's admission figures read from the admitted counters
(``members.AdmittedCount``) against the same figures counted from the memberships, on the
generated dataset.

Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python -m bench.admitted --scale province [--runs 5] [--name NAME] [--keep]

PostgreSQL on this machine only. The database ``NAME`` (default ``admitted_bench_<scale>``)
is created, migrated and filled by ``generate_dataset --seed 1`` (its end rebuilds the
counters; a second rebuild is timed), then ``VACUUM ANALYZE``; dropped at the end unless
``--keep`` (``--reuse`` measures a kept one again). Scopes as ``bench.scale`` (the root,
today's first province, the median commune); for each, on today's tree and on the tree of
the day before the reorganisation, after one warm-up, the median of ``--runs``:

- ``aggregate``: ``reports.selectors._admission_aggregates`` (counters) and
  ``admission_aggregates_from_facts`` (the compiled aggregate over the memberships) for the
  report's periods (this year to date, the same days last year with every criterion, year to
  date, year to today); the figures must be equal;
- ``children``: ``_children_rows`` from the counters and ``from_facts=True``;
- ``monthly``: ``get_monthly_admissions`` (counters only).
"""

from __future__ import annotations

import argparse
import datetime as dt
import operator
import os
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from bench.scale import (
    load_average,
    median_seconds,
    pick_scopes,
    psycopg_autocommit,
    recreate,
    server_url,
)
from bench.scale import with_name as url_with_name

SEED = 1


def median_ms(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    seconds, result = median_seconds(fn, runs)
    return seconds * 1000, result


def rounded(figures: dict[str, Any]) -> dict[str, Any]:
    return {
        key: (
            None
            if value is None
            else Decimal(str(value)).quantize(Decimal("0.1"))
            if key.endswith("_avg_age")
            else value
        )
        for key, value in figures.items()
    }


def compare(
    row: tuple[str, str, str],
    from_facts: Callable[[], Any] | None,
    from_counters: Callable[[], Any],
    *,
    runs: int,
    admitted: Callable[[Any], int],
    same: Callable[[Any, Any], bool] = operator.eq,
) -> None:
    """Time one figure from the facts (when given) and from the counters, hold them equal,
    print the table row (operation, scope, tree, both medians, the admitted counted)."""
    facts_ms, facts = median_ms(from_facts, runs) if from_facts else (None, None)
    counted_ms, counted = median_ms(from_counters, runs)
    if from_facts is not None:
        assert same(facts, counted), row
    shown = "—" if facts_ms is None else f"{facts_ms:,.1f}"
    print(f"| {' | '.join(row)} | {shown} | {counted_ms:,.1f} | {admitted(counted)} |", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="province", choices=["national", "province"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--name", default="")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="a database kept by --keep")
    args = parser.parse_args(argv)
    base = server_url()
    name = args.name or f"admitted_bench_{args.scale}"
    var_dir = Path(tempfile.mkdtemp(prefix="dangvien-bench-admitted-"))
    (var_dir / "staticfiles").mkdir()
    os.environ.setdefault("DANGVIEN_VAR_DIR", str(var_dir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not args.reuse:
        recreate(base, name)
    os.environ["DATABASE_URL"] = url_with_name(base, name)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from dangvien.core import counters
    from dangvien.demo.dataset import LAST_OLD_DAY
    from dangvien.members.admitted import SPEC
    from dangvien.members.services import rebuild_counters
    from dangvien.organisations.selectors import resolve_structure
    from dangvien.reports import selectors
    from dangvien.reports.access import period_from_params
    from dangvien.reports.periods import Period

    try:
        if not args.reuse:
            call_command("migrate", verbosity=0)
            started = time.perf_counter()
            call_command(
                "generate_dataset", "--scale", args.scale, "--seed", str(SEED), "--no-progress"
            )
            print(f"→ generated in {time.perf_counter() - started:.1f} s", flush=True)
            with psycopg_autocommit(url_with_name(base, name)) as conn:
                conn.execute("VACUUM ANALYZE")
            started = time.perf_counter()
            rebuild_counters(actor=None)
            print(
                f"→ rebuild_counters (every spec) {time.perf_counter() - started:.1f} s; "
                f"{SPEC.model._default_manager.count()} admitted counter rows",
                flush=True,
            )
            with psycopg_autocommit(url_with_name(base, name)) as conn:
                conn.execute("VACUUM ANALYZE")
        assert counters.stored(SPEC) == counters.computed(SPEC)
        before = load_average()
        scopes = pick_scopes()
        period = period_from_params({}).as_of(dt.date.today())
        periods = {
            "cur": period,
            "prev": period.previous_year(),
            "ytd": period.year_to_date(),
            "now": Period(dt.date(dt.date.today().year, 1, 1), dt.date.today()),
        }
        prev = periods["prev"]
        print(f"periods {periods}; load average {before}", flush=True)
        print("| Operation | Scope | Tree | Facts (ms) | Counters (ms) | Admitted |")
        print("|---|---|---|---|---|---|")
        for scope, org in scopes.items():
            for tree, on in (("today", None), ("old", LAST_OLD_DAY)):
                root = resolve_structure(org, on)
                detailed = {"cur", "prev"}
                compare(
                    ("aggregate", scope, tree),
                    partial(selectors.admission_aggregates_from_facts, root, periods, detailed),
                    partial(selectors._admission_aggregates, root, periods, detailed),
                    runs=args.runs,
                    same=lambda facts, counted: rounded(facts) == rounded(counted),
                    admitted=lambda counted: counted["cur_total"],
                )
                compare(
                    ("children", scope, tree),
                    partial(selectors._children_rows, org, root, period, prev, from_facts=True),
                    partial(selectors._children_rows, org, root, period, prev),
                    runs=args.runs,
                    admitted=lambda counted: sum(c for c, _p in counted[1].values()),
                )
                compare(
                    ("monthly", scope, tree),
                    None,
                    partial(
                        selectors.get_monthly_admissions,
                        organisation=org,
                        year=period.end.year,
                        structure=root,
                    ),
                    runs=args.runs,
                    admitted=lambda series: sum(series[period.end.year]),
                )
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            version = cursor.fetchone()[0].split(" on ")[0]
        print(
            f"bench.admitted --scale {args.scale}, {dt.date.today():%d/%m/%Y}, {version}, "
            f"{os.cpu_count()} cores, load average {before} → {load_average()}, "
            f"median of {args.runs} warm runs"
        )
    finally:
        connection.close()
        if not (args.keep or args.reuse):
            recreate(base, name, drop_only=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
