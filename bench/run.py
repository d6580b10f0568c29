"""``make bench``: every benchmark, one after the other (results go in docs/performance.md)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

BENCHMARKS = [
    [sys.executable, "-m", "bench.import_100k", "--rows", "100000", "--kind", "members"],
    # insert_rows against bulk_create on the same rows (about 2 minutes on SQLite)
    [sys.executable, "-m", "bench.insert_methods", "--rows", "100000", "--repeat", "3"],
    # 50 users for 2 minutes against gunicorn + PostgreSQL with the demo data (about 5 minutes;
    # needs PostgreSQL on 127.0.0.1:5432 or DATABASE_URL; skipped without it)
    [sys.executable, "-m", "bench.load", "--users", "50", "--seconds", "120"],
    # generate_dataset at province scale (1/34 of the nation; minutes on PostgreSQL, the
    # database is dropped at the end; national scale: run it by hand with --scale national)
    [sys.executable, "-m", "bench.generate_dataset", "--scale", "province"],
    # issue 12's goals on a generated province (its own database, generated again unless
    # kept: about 5 minutes; national scale by hand: --scale national --keep, then --reuse)
    [sys.executable, "-m", "bench.scale", "--scale", "province", "--runs", "5"],
]


def postgres_available() -> bool:
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return True
    try:
        socket.create_connection(("127.0.0.1", 5432), 2).close()
    except OSError:
        return False
    return True


def main() -> int:
    status = 0
    for command in BENCHMARKS:
        if command[2] in ("bench.load", "bench.scale") and not postgres_available():
            print("$", " ".join(command[1:]), "— skipped: PostgreSQL does not answer", flush=True)
            continue
        print("$", " ".join(command[1:]), flush=True)
        status |= subprocess.call(command)  # one process each: a fresh database every time
    return status


if __name__ == "__main__":
    raise SystemExit(main())
