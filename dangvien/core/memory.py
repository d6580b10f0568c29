"""A cap on the address space of the current process while a block runs (Linux, RLIMIT_AS).

Parsing an uploaded file runs under it in the background worker, so a file that slips past the
size checks raises ``MemoryError`` in that task instead of taking the machine's memory.
"""

from __future__ import annotations

import resource
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PAGE = resource.getpagesize()


def address_space() -> int:
    """The process's current virtual size in bytes (0 where /proc is not available)."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[0]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0


@contextmanager
def address_space_cap(extra_bytes: int) -> Iterator[None]:
    """Allow the process ``extra_bytes`` more address space than it has now; 0 = no cap.

    The soft limit is restored afterwards, so the worker goes on with its next task.
    """
    current = address_space()
    if extra_bytes <= 0 or current == 0:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = current + extra_bytes
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft != resource.RLIM_INFINITY:
        cap = min(cap, soft)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
