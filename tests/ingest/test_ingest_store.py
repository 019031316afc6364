"""The store side of ingest: archive, upload rows, recovery, audit and changed figures."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from loaders.ingest.changes import changed_figures
from loaders.returns.records import VALUE_COLUMNS, ParsedReturn
from store import submissions as subs
from store.archive import archive_bytes, display_name, read_archived
from store.audit import audit
from store.settings import Settings, is_postgres

HOSTILE_NAMES = ["../../x.xlsx", "CON.xlsx", "a" * 300 + ".xlsx", "evil\u202excod.xlsx",
                 "..\\..\\win.xlsx", "nul"]


def _values(rows: list[tuple]) -> pd.DataFrame:
    full = [(m, d, p, v, q, None, "Return", 10 + n, "F") for n, (m, d, p, v, q) in enumerate(rows)]
    return pd.DataFrame(full, columns=list(VALUE_COLUMNS))


def _submission(con: duckdb.DuckDBPyConnection, rows: list[tuple], version: int = 1) -> int:
    parsed = ParsedReturn(kind="force-return", operation="OA2025", submitter="south-yorkshire")
    upload = subs.start_upload(con, sha="0" * 64, name="x.xlsx", size=1, user="t",
                               archive_path=None)
    sid = subs.insert_submission(con, upload_id=upload, return_key=parsed.return_key or "",
                                 parsed=parsed, version=version, supersedes=None,
                                 data_as_of=date(2025, 10, 27))
    subs.insert_values(con, sid, _values(rows))
    return sid


def test_archive_path_is_the_sha256(tmp_path: Path) -> None:
    """Bytes are archived at <sha[:2]>/<sha> and read back unchanged."""
    sha, relative = archive_bytes(tmp_path, b"hello")
    assert relative == f"{sha[:2]}/{sha}"
    assert (tmp_path / sha[:2] / sha).read_bytes() == b"hello"
    assert read_archived(tmp_path, relative) == b"hello"


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_display_name_is_harmless(name: str) -> None:
    """Hostile names lose folders, control characters and length, and reserved names are escaped."""
    shown = display_name(name)
    assert "/" not in shown and "\\" not in shown and "\u202e" not in shown
    assert len(shown) <= 120
    assert shown.split(".")[0].upper() not in {"CON", "NUL"}
    assert not shown.startswith(".")


def test_recover_interrupted_marks_in_progress_failed(con: duckdb.DuckDBPyConnection,
                                                      config: Settings) -> None:
    """An upload left in progress is marked failed, and finished ones are left alone. On a
    shared store another process may be loading a file right now: only an upload begun more
    than SHARED_GRACE ago counts as stopped there."""
    long_ago = datetime.now() - subs.SHARED_GRACE - timedelta(minutes=1)
    stuck = subs.start_upload(con, sha="a" * 64, name="a.xlsx", size=1, user="t",
                              archive_path=None, at=long_ago)
    done = subs.start_upload(con, sha="b" * 64, name="b.xlsx", size=1, user="t", archive_path=None,
                             outcome="rejected")
    if is_postgres(config.db_path):
        loading = subs.start_upload(con, sha="c" * 64, name="c.xlsx", size=1, user="t",
                                    archive_path=None)
        assert subs.recover_interrupted(con) == [stuck]
        assert subs.upload_row(con, loading)["outcome"] == "in_progress"
    else:
        assert subs.recover_interrupted(con) == [stuck]
    assert subs.upload_row(con, stuck)["outcome"] == "failed"
    assert "interrupted" in subs.upload_row(con, stuck)["message"]
    assert subs.upload_row(con, done)["outcome"] == "rejected"
    assert subs.recover_interrupted(con) == []


def test_audit_appends_a_row(con: duckdb.DuckDBPyConnection) -> None:
    """audit() appends who, action, JSON detail, marking and data version."""
    audit(con, "ann", "upload", {"file": "x.xlsx", "on": date(2026, 3, 2)}, marking="OFFICIAL",
          data_version=4)
    who, action, detail, marking, version = con.execute(
        "SELECT who, action, detail, marking, data_version FROM audit").fetchone()
    assert (who, action, marking, version) == ("ann", "upload", "OFFICIAL", 4)
    assert json.loads(detail) == {"file": "x.xlsx", "on": "2026-03-02"}


def test_changed_figures_lists_altered_added_and_removed(con: duckdb.DuckDBPyConnection) -> None:
    """A changed value, a changed qualifier, a new and a dropped figure are each listed once."""
    old = _submission(con, [("arrests", None, None, 32, "exact"), ("warrants", None, None, 7, "exact"),
                            ("cash_seized_gbp", None, None, 2000, "approximately"),
                            ("charged", None, None, 3, "exact")])
    new = _values([("arrests", None, None, 40.0, "exact"), ("warrants", None, None, 7.0, "exact"),
                   ("cash_seized_gbp", None, None, 2000, "exact"),
                   ("phones_seized", None, None, 4, "exact")])
    changes = changed_figures(con, "OA2025:south-yorkshire:force-return", new, old)
    by_measure = {c["measure"]: c for c in changes}
    assert set(by_measure) == {"arrests", "cash_seized_gbp", "charged", "phones_seized"}
    assert (by_measure["arrests"]["old"], by_measure["arrests"]["new"]) == (32, 40)
    assert by_measure["cash_seized_gbp"]["old_qualifier"] == "approximately"
    assert by_measure["charged"]["new"] is None
    assert by_measure["phones_seized"]["old"] is None


def test_changed_figures_ignores_representation(con: duckdb.DuckDBPyConnection) -> None:
    """The same figures as float, int or Decimal and with daily dates compare equal."""
    old = _submission(con, [("arrests", date(2025, 10, 13), None, 5, "exact"),
                            ("arrests", None, None, 12.5, "exact")])
    new = _values([("arrests", pd.Timestamp("2025-10-13"), None, 5.0, "exact"),
                   ("arrests", None, None, 12.50, "exact")])
    assert changed_figures(con, "k", new, old) == []


def test_data_counts_covers_every_data_table(con: duckdb.DuckDBPyConnection) -> None:
    """data_counts counts submissions, values and detail rows."""
    _submission(con, [("arrests", None, None, 1, "exact")])
    counts = subs.data_counts(con)
    assert set(counts) == {"submission", "value", "vehicle", "container", "spend_line"}
    assert counts["submission"] == 1 and counts["value"] == 1
