"""A cap on the address space of the current process while a block runs (Linux, RLIMIT_AS).

Parsing an uploaded file runs under it in the background worker, so a file that slips past the
size checks raises ``MemoryError`` in that task instead of taking the machine's memory.

Native code does not raise: a Rust or C library whose allocation fails under the cap aborts the
process. ``run_capped`` therefore runs such code in a forked child under the same cap; a child
that runs out of memory or dies is reported to the caller as ``MemoryError``.
"""

from __future__ import annotations

import multiprocessing

# ``run_capped`` may be called under a cap already (an import task runs under one): the modules
# it needs are loaded now, as mapping a C extension under a tight cap fails ("failed to map
# segment from shared object", seen once in CI with a 1 MB cap)
import multiprocessing.connection
import multiprocessing.popen_fork
import os
import resource
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

PAGE = resource.getpagesize()
T = TypeVar("T")

# the extra bytes of the innermost active cap (0 = none)
_active: ContextVar[int] = ContextVar("address_space_cap", default=0)


def active_cap() -> int:
    """The extra bytes allowed by the enclosing ``address_space_cap``; 0 outside one."""
    return _active.get()


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
    token = _active.set(extra_bytes)
    try:
        yield
    finally:
        _active.reset(token)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


class ChildFailed(Exception):
    """An exception the child raised, passed back as its type name and text."""


def _child(conn: Any, extra_bytes: int, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        with address_space_cap(extra_bytes):
            outcome: tuple[str, Any] = ("ok", fn(*args))
    except MemoryError:
        outcome = ("memory", None)
    except BaseException as exc:  # passed back to the parent, which raises it
        outcome = ("raised", exc)
    try:
        conn.send(outcome)
    except MemoryError:
        conn.send(("memory", None))
    except Exception as exc:  # an exception that does not pickle travels as its text
        conn.send(("raised", ChildFailed(f"{type(exc).__name__}: {exc}")))
    conn.close()


def run_capped(fn: Callable[..., T], *args: Any, extra_bytes: int) -> T:
    """``fn(*args)`` in a forked child allowed ``extra_bytes`` more address space than now.

    Returns what ``fn`` returned (it must pickle) and re-raises what it raised. A child that runs
    out of memory, or dies without answering (a native library aborting on a failed allocation),
    raises ``MemoryError`` here. The child must not touch the database: it shares the parent's
    connections, and leaves them alone by exiting with ``os._exit``.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, extra_bytes, fn, args), daemon=True)
    child.start()
    sender.close()
    try:
        kind, value = receiver.recv()
    except EOFError:
        kind, value = "memory", None  # killed or aborted before answering
    finally:
        receiver.close()
        child.join()
    if kind == "memory":
        raise MemoryError(
            f"the child needed more than {extra_bytes} extra bytes (pid {os.getpid()})"
        )
    if kind == "raised":
        raise value
    return value
