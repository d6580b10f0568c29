"""The address-space cap and the forked child that native code runs in under it."""

from __future__ import annotations

import os

import pytest

from dangvien.core.importing import ImportRefused
from dangvien.core.memory import active_cap, address_space_cap, run_capped

MB = 1024 * 1024


def _allocate(size: int) -> int:
    return len(bytearray(size))


def _abort() -> None:
    os.abort()  # what a Rust library does when an allocation fails


def _refuse() -> None:
    raise ImportRefused("Tệp bị từ chối.", rule="header", found="A", required="B")


def test_the_child_returns_what_the_function_returns():
    assert run_capped(_allocate, 2 * MB, extra_bytes=64 * MB) == 2 * MB


def test_a_child_over_its_cap_is_a_memory_error_and_the_parent_goes_on():
    with pytest.raises(MemoryError):
        run_capped(_allocate, 4096 * MB, extra_bytes=16 * MB)
    assert _allocate(32 * MB) == 32 * MB


def test_a_child_that_aborts_is_a_memory_error():
    with pytest.raises(MemoryError):
        run_capped(_abort, extra_bytes=16 * MB)


def test_a_refusal_in_the_child_reaches_the_parent_whole():
    with pytest.raises(ImportRefused) as refused:
        run_capped(_refuse, extra_bytes=16 * MB)
    assert (refused.value.message, refused.value.rule, refused.value.found) == (
        "Tệp bị từ chối.",
        "header",
        "A",
    )


def test_the_cap_is_known_inside_its_block_and_lifted_after():
    assert active_cap() == 0
    with address_space_cap(512 * MB):
        assert active_cap() == 512 * MB
    assert active_cap() == 0
    assert _allocate(64 * MB) == 64 * MB


def test_a_child_starts_under_a_tight_cap_in_a_fresh_process():
    """An import task runs under a cap, and ``run_capped`` starts its child from there: nothing
    it needs may be loaded then (a C extension mapped under a 1 MB cap failed once in CI). In
    a fresh interpreter that has loaded nothing else, under a cap of 1 MB more than it uses."""
    import subprocess
    import sys

    code = (
        "from dangvien.core.memory import address_space_cap, run_capped\n"
        "with address_space_cap(1024 * 1024):\n"
        "    print(run_capped(len, 'Đảng', extra_bytes=64 * 1024 * 1024))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stdout.strip()) == (0, "4"), done.stderr
