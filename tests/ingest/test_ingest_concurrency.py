"""Two ingests at once, and a process killed mid-ingest: all of an upload or none of it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import duckdb
import pytest
from ingest_kit import FIGURES, force_return

from loaders.ingest.upload import CONFLICT, IngestResult, ingest_file
from loaders.reference.snapshot import Reference
from loaders.templates.build import Fill, MeasureFill, write_template
from store import submissions as subs
from store.connection import open_db
from store.settings import Settings, is_postgres
from store.submissions import data_counts, recover_interrupted, upload_row

ROOT = Path(__file__).resolve().parents[2]


def _at_once(con: duckdb.DuckDBPyConnection, paths: list[Path], config: Settings,
             ref: Reference) -> list[IngestResult]:
    """Ingest each path in its own thread with its own cursor, all released together."""
    results: list[IngestResult] = []
    barrier = threading.Barrier(len(paths))

    def work(path: Path) -> None:
        cursor = con.cursor()
        barrier.wait()
        results.append(ingest_file(cursor, path, user="t", settings=config, ref=ref))
        cursor.close()

    threads = [threading.Thread(target=work, args=(p,)) for p in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def _stored_values(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT count(*) FROM value").fetchone()[0]


def test_two_versions_at_once_never_mix(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """Two files for one return at once: each is saved whole as its own version or not at all."""
    paths = [force_return(tmp_path / "a.xlsx", ref),
             force_return(tmp_path / "b.xlsx", ref, {**FIGURES, "arrests": 50})]
    results = _at_once(con, paths, config, ref)
    accepted = [r for r in results if r.outcome == "accepted"]
    assert accepted and all(r.outcome in ("accepted", "failed") for r in results)
    assert sorted(r.version for r in accepted) == list(range(1, len(accepted) + 1))
    assert _stored_values(con) == sum(r.values for r in accepted)
    assert all(CONFLICT in r.message for r in results if r.outcome == "failed")
    assert con.execute("SELECT count(*) FROM upload WHERE outcome = 'in_progress'").fetchone()[0] == 0


def test_same_file_twice_at_once_is_saved_once(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """The same bytes twice at once: one accepted, the other a duplicate or a conflict."""
    path = force_return(tmp_path / "a.xlsx", ref)
    results = _at_once(con, [path, path], config, ref)
    outcomes = sorted(r.outcome for r in results)
    assert outcomes in (["accepted", "duplicate"], ["accepted", "failed"])
    assert data_counts(con)["submission"] == 1
    assert _stored_values(con) == next(r.values for r in results if r.outcome == "accepted")


def _competing_commits(monkeypatch: pytest.MonkeyPatch, con: duckdb.DuckDBPyConnection,
                       times: int, config: Settings) -> None:
    """After ingest reads the current version, another upload commits the next one first."""
    if is_postgres(config.db_path):
        pytest.skip("on PostgreSQL writers take turns under one lock and read the current "
                    "version inside it, so no upload can commit between the read and the save "
                    "(test_two_versions_at_once_never_mix covers both stores)")
    original = subs.latest_submission
    rival = con.cursor()
    left = [times]

    def read_then_lose_the_race(cursor: duckdb.DuckDBPyConnection, key: str) -> object:
        found = original(cursor, key)
        if left[0] > 0:
            left[0] -= 1
            version = (found["version"] if found else 0) + 1
            rival.execute(
                "INSERT INTO submission (id, upload_id, return_key, return_kind, submitter, "
                "version, data_as_of, received_at) VALUES (nextval('submission_id_seq'), 0, ?, "
                "'force-return', 'south-yorkshire', ?, DATE '2025-10-27', now())", [key, version])
        return found

    monkeypatch.setattr(subs, "latest_submission", read_then_lose_the_race)


def test_lost_race_is_retried_once(monkeypatch: pytest.MonkeyPatch,
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """When another upload takes the version first, ingest re-reads it and saves the next one."""
    _competing_commits(monkeypatch, con, times=1, config=config)
    result = ingest_file(con.cursor(), force_return(tmp_path / "a.xlsx", ref), user="t",
                         settings=config, ref=ref)
    assert (result.outcome, result.version) == ("accepted", 2)
    assert _stored_values(con) == result.values


def test_lost_race_twice_is_a_clear_conflict(monkeypatch: pytest.MonkeyPatch,
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """Losing the race twice fails the upload with a plain message and writes no figures."""
    _competing_commits(monkeypatch, con, times=2, config=config)
    result = ingest_file(con.cursor(), force_return(tmp_path / "a.xlsx", ref), user="t",
                         settings=config, ref=ref)
    assert result.outcome == "failed" and CONFLICT in result.message
    assert upload_row(con, result.upload_id)["outcome"] == "failed"
    assert _stored_values(con) == 0 and data_counts(con)["submission"] == 2


KILLED_INGEST = """
import sys, time
from pathlib import Path
import loaders.ingest.upload as ingest
from store import submissions
from store import submissions as subs
from store.connection import open_db
from store.reference import load_reference
from store.settings import settings_for

db, path, stage = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
target = submissions if stage == "values" else ingest
name = "insert_values" if stage == "values" else "store_issues"
original = getattr(target, name)

def pause(*args):
    out = original(*args)
    print("PAUSED", flush=True)
    time.sleep(120)
    return out

setattr(target, name, pause)
con = open_db(db)
load_reference(con)
ingest.ingest_file(con, path, user="k", settings=settings_for(db))
"""


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["checks", "values"])
def test_killed_ingest_leaves_nothing_half_written(
        ref: Reference, tmp_path: Path, stage: str) -> None:
    """kill -9 after parsing or after the figures are inserted: the upload is failed, no rows kept."""
    vehicles = [{"recovered_on": date(2025, 10, 14), "vehicle_type": "Car", "make": "Ford",
                 "model": f"Focus {n}", "status": "suspected stolen", "value_gbp": 9000}
                for n in range(3000)]
    fill = Fill(data_as_of=date(2025, 10, 27), operation="OA2025", force="south-yorkshire",
                values={c: MeasureFill(total=v) for c, v in FIGURES.items()},
                details={"vehicle": vehicles})
    path = write_template(tmp_path / "big.xlsx", "force-return", ref, fill=fill)
    db = tmp_path / "killed.duckdb"
    child = subprocess.Popen([sys.executable, "-c", KILLED_INGEST, str(db), str(path), stage],
                             cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "PAUSED"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    con = open_db(db)
    try:
        stuck = con.execute("SELECT id FROM upload WHERE outcome = 'in_progress'").fetchall()
        assert recover_interrupted(con) == [row[0] for row in stuck] and stuck
        assert upload_row(con, stuck[0][0])["outcome"] == "failed"
        assert data_counts(con) == {t: 0 for t in data_counts(con)}
    finally:
        con.close()
