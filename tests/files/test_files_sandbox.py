"""Parsing in a limited child process: results, memory ceiling, time limit, crashes (trap 12)."""

from __future__ import annotations

import os
import time

import hostile_files as hf
import pytest

from loaders.safety.sandbox import ParseFailed, run_limited
from loaders.safety.workbook import read_workbook

MB = 1024 * 1024


def add(a: int, b: int) -> int:
    return a + b


def allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * MB))


def sleep(seconds: float) -> None:
    time.sleep(seconds)


def abort() -> None:
    os.abort()


def refuse(message: str) -> None:
    raise ValueError(message)


def test_normal_result_returned() -> None:
    """A function that works returns its result to the caller."""
    assert run_limited(add, 2, 3, memory_bytes=256 * MB, timeout_s=30) == 5


def test_too_much_memory_is_parse_failed() -> None:
    """Allocating past the memory limit raises ParseFailed saying memory, and the caller survives."""
    with pytest.raises(ParseFailed, match="memory"):
        run_limited(allocate, 1024, memory_bytes=256 * MB, timeout_s=30)


def test_allocation_within_limit_succeeds() -> None:
    """An allocation well inside the limit is allowed."""
    assert run_limited(allocate, 64, memory_bytes=256 * MB, timeout_s=30) == 64 * MB


def test_timeout_kills_child() -> None:
    """A function that runs too long is stopped at the time limit and reported."""
    started = time.perf_counter()
    with pytest.raises(ParseFailed, match="longer than 0.5 seconds"):
        run_limited(sleep, 30, memory_bytes=256 * MB, timeout_s=0.5)
    assert time.perf_counter() - started < 25  # well before the 30 s the child asked for


def test_crash_is_parse_failed() -> None:
    """A child that aborts (as calamine does on a huge range) raises ParseFailed, not a crash."""
    with pytest.raises(ParseFailed, match="stopped unexpectedly"):
        run_limited(abort, memory_bytes=256 * MB, timeout_s=30)


def test_child_exception_reraised() -> None:
    """An ordinary exception in the child reaches the caller as itself."""
    with pytest.raises(ValueError, match="no good"):
        run_limited(refuse, "no good", memory_bytes=256 * MB, timeout_s=30)


def test_far_cell_unguarded_costs_only_the_child() -> None:
    """Reading the XFD1048576 workbook without the guard fails in the child; this process lives on."""
    with pytest.raises(ParseFailed):
        run_limited(read_workbook, hf.far_cell(), "far.xlsx", "xlsx", memory_bytes=512 * MB, timeout_s=30)
    assert run_limited(add, 1, 1, memory_bytes=256 * MB, timeout_s=30) == 2


def test_workbook_crosses_process_boundary() -> None:
    """A Workbook read in the child arrives intact in the parent."""
    book = run_limited(read_workbook, hf.xlsx(), "r.xlsx", "xlsx", memory_bytes=512 * MB, timeout_s=30)
    assert book.sheets["Return"].rows[1] == ["ARRESTS", 12]


