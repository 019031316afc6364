"""python -m loaders: folders of returns, ``--db`` before or after the command, and database
locations that are not DuckDB files (issue 10, 'What was found' and point 7)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ingest_kit import FIGURES, force_return

from loaders.reference.snapshot import Reference

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow   # each run starts Python


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "loaders", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=180)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two returns (one in a sub-folder, one with a negative count) among files that are not."""
    ref = Reference.from_files()
    returns = tmp_path / "returns"
    (returns / "week 2").mkdir(parents=True)
    force_return(returns / "a-south-yorkshire.xlsx", ref)
    force_return(returns / "week 2" / "b-kent.xlsx", ref, {**FIGURES, "arrests": -1},
                 force="kent")
    (returns / "notes.txt").write_text("not a return", encoding="utf-8")
    (returns / "~$a-south-yorkshire.xlsx").write_bytes(b"Excel's lock file")
    return returns


def test_a_folder_loads_every_return_in_it_and_below(folder: Path, tmp_path: Path) -> None:
    """Both returns are checked in name order, sub-folder included; the rejected one makes the
    exit code 1, as for files named one by one."""
    run = _cli("ingest", folder, "--db", tmp_path / "x.duckdb", "--json", "--user", "ann")
    assert run.returncode == 1, run.stderr
    results = json.loads(run.stdout)
    assert [(Path(r["file"]).name, r["outcome"]) for r in results] == [
        ("a-south-yorkshire.xlsx", "accepted"), ("b-kent.xlsx", "rejected")]


def test_files_that_are_not_returns_are_skipped_with_a_note(folder: Path,
                                                            tmp_path: Path) -> None:
    """A text file and Excel's lock file are named on standard error with why, not loaded."""
    run = _cli("ingest", folder, "--db", tmp_path / "x.duckdb", "--user", "ann")
    assert f"Skipped {folder / 'notes.txt'}: not a return (.txt)" in run.stderr
    assert "~$a-south-yorkshire.xlsx: Excel's lock file" in run.stderr
    assert "notes.txt: " not in run.stdout and "REJECTED" in run.stdout


def test_a_folder_without_returns_says_so(tmp_path: Path) -> None:
    """A folder holding no spreadsheet exits 1 saying there was nothing to load."""
    (tmp_path / "empty").mkdir()
    run = _cli("ingest", tmp_path / "empty", "--db", tmp_path / "x.duckdb")
    assert run.returncode == 1 and "No returns to load" in run.stderr
    assert not (tmp_path / "x.duckdb").exists()


def test_a_missing_path_is_named(tmp_path: Path) -> None:
    """A path that does not exist exits 2 naming it, file or folder."""
    run = _cli("ingest", tmp_path / "nowhere", "--db", tmp_path / "x.duckdb")
    assert run.returncode == 2
    assert f"No such file or folder: {tmp_path / 'nowhere'}" in run.stderr


def test_db_may_come_before_the_command(folder: Path, tmp_path: Path) -> None:
    """'--db PATH ingest …' uses that database, as '… ingest --db PATH' does."""
    db = tmp_path / "before.duckdb"
    run = _cli("--db", db, "ingest", folder / "a-south-yorkshire.xlsx", "--user", "ann")
    assert run.returncode == 0, run.stderr
    assert db.exists() and not (ROOT / "data" / "before.duckdb").exists()


@pytest.mark.parametrize("location", ["mysql://nvcrp@db.example:3306/nvcrp", ":memory:",
                                      "md:nvcrp"])
def test_a_url_is_refused_and_nothing_is_made(location: str, tmp_path: Path) -> None:
    """A URL other than PostgreSQL's, or an in-memory database, is refused with what is
    accepted; no folder named after it appears."""
    run = subprocess.run([sys.executable, "-m", "loaders", "template", "force-return",
                          "--out", str(tmp_path / "t.xlsx"), "--db", location], cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 2
    assert "neither a DuckDB database file path nor a PostgreSQL URL" in run.stderr
    assert "data/nvcrp.duckdb" in run.stderr and "Traceback" not in run.stderr
    assert list(tmp_path.iterdir()) == []
