"""``make bench``: every benchmark, one after the other (results go in docs/performance.md)."""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS = [
    [sys.executable, "-m", "bench.import_100k", "--rows", "100000", "--kind", "members"],
    # insert_rows against bulk_create on the same rows (about 2 minutes on SQLite)
    [sys.executable, "-m", "bench.insert_methods", "--rows", "100000", "--repeat", "3"],
]


def main() -> int:
    status = 0
    for command in BENCHMARKS:
        print("$", " ".join(command[1:]), flush=True)
        status |= subprocess.call(command)  # one process each: a fresh database every time
    return status


if __name__ == "__main__":
    raise SystemExit(main())
