"""Mutated workbooks either read or fail with a located reason; the server process never dies."""

from __future__ import annotations

import io
import time
import zipfile

import hostile_files as hf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.returns.records import Workbook
from loaders.safety.guards import preflight
from loaders.safety.sandbox import ParseFailed, run_limited
from loaders.safety.workbook import read_workbook

MB = 1024 * 1024
BASE = hf.xlsx({"A1": "Code", "B1": "Total", "A2": "ARRESTS", "B2": 12, "A3": "SEIZURES", "B3": "=B2*2"})
MEMBERS = zipfile.ZipFile(io.BytesIO(BASE)).namelist()


def mutate(member: str, position: float, payload: bytes) -> bytes:
    def change(content: bytes) -> bytes:
        at = int(len(content) * position)
        return content[:at] + payload + content[at + len(payload):]
    return hf.rewrite(BASE, member, change)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(MEMBERS), st.floats(min_value=0, max_value=1),
       st.one_of(st.binary(min_size=1, max_size=12),
                 st.sampled_from([b'r="XFD1048576"', b"<!DOCTYPE x>", b"\x00\x00", b"</row>",
                                  b'<c r="A9"><f>1</f></c>', b'hidden="1"', b"\xff\xfe"])))
def test_mutated_workbook_reads_or_fails_cleanly(member: str, position: float, payload: bytes) -> None:
    """Any mutation yields issues, a Workbook, or ParseFailed, within seconds."""
    data = mutate(member, position, payload)
    started = time.perf_counter()
    fmt, issues = preflight(data, "mutant.xlsx", max_bytes=25 * MB)
    if fmt is None:
        assert issues and all(i.severity == "error" and i.message for i in issues)
        return
    try:
        book = run_limited(read_workbook, data, "mutant.xlsx", fmt, memory_bytes=512 * MB, timeout_s=20)
    except ParseFailed as exc:
        assert exc.reason
    else:
        assert isinstance(book, Workbook)
    assert time.perf_counter() - started < 120


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(st.floats(min_value=0, max_value=0.999), st.binary(min_size=1, max_size=8))
def test_corrupted_zip_bytes_read_or_fail_cleanly(position: float, payload: bytes) -> None:
    """Bytes overwritten anywhere in the zip itself give issues, a Workbook, or ParseFailed."""
    at = int(len(BASE) * position)
    data = BASE[:at] + payload + BASE[at + len(payload):]
    fmt, issues = preflight(data, "mutant.xlsx", max_bytes=25 * MB)
    if fmt is None:
        assert issues and issues[0].message
        return
    try:
        run_limited(read_workbook, data, "mutant.xlsx", fmt, memory_bytes=512 * MB, timeout_s=20)
    except ParseFailed as exc:
        assert exc.reason
