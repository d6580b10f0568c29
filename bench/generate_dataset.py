"""Time ``manage.py generate_dataset`` (the generated national/province/commune dataset).

Usage::

    .venv/bin/python -m bench.generate_dataset [--scale province] [--seed 1] [--keep]

On PostgreSQL (``DATABASE_URL=postgres://…`` on this machine) the database
``dangvien_bench_dataset_<scale>`` is created afresh, migrated, filled, measured (rows per
table, seconds, rows per second, size on disk) and dropped at the end unless ``--keep`` (the
other benchmarks of issue 12 can then run on it). Without ``DATABASE_URL``: SQLite in a
temporary directory. Results go in docs/performance.md ("Generated dataset").
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import urllib.parse
from pathlib import Path


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def with_name(url: str, name: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{name}"))


def recreate(url: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(with_name(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="province", choices=["national", "province", "commune"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    args = parser.parse_args(argv)

    base = os.environ.get("DATABASE_URL", "")
    postgres = base.startswith(("postgres://", "postgresql://"))
    name = f"dangvien_bench_dataset_{args.scale}"
    workdir = Path(tempfile.mkdtemp(prefix="dangvien-bench-"))
    os.environ.setdefault("DANGVIEN_VAR_DIR", str(workdir))
    if postgres:
        if urllib.parse.urlsplit(base).hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("bench.generate_dataset only creates databases on this machine")
        recreate(base, name)
        os.environ["DATABASE_URL"] = with_name(base, name)
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    print(f"→ {connection.vendor}, scale {args.scale}, seed {args.seed}", flush=True)
    call_command("migrate", verbosity=0)
    before = load_average()
    started = time.perf_counter()
    call_command("generate_dataset", "--scale", args.scale, "--seed", str(args.seed))
    elapsed = time.perf_counter() - started
    after = load_average()

    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        rows = 0
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            rows += cursor.fetchone()[0]
        size = ""
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            size = f", {cursor.fetchone()[0]} on disk"
    print(
        f"→ generate_dataset --scale {args.scale}: {elapsed:.1f} s, {rows:,} rows in the "
        f"database ({rows / elapsed:,.0f} rows/s){size}; load average {before} → {after}",
        flush=True,
    )
    if postgres and not args.keep:
        connection.close()
        recreate(base, name, drop_only=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
