"""``python -m metrics``: exit codes, JSON keys, and a database held by another process."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEYS = {
    "operation", "operation_name", "as_at", "arrests", "vehicles_recovered", "value_recovered_gbp",
    "charged", "warrants", "dismantling_sites", "forces_reporting", "forces_expected",
    "data_version", "illustrative", "text", "arrests_qualifier", "value_recovered_gbp_qualifier",
}


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "metrics", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_headline_json(db_path: Path) -> None:
    """--json prints every headline key, with the figures as at the date given."""
    done = _run("headline", "--operation", "OA2025", "--as-at", "2026-03-02",
                "--db", str(db_path), "--json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found.keys() >= KEYS
    assert (found["arrests"], found["arrests_qualifier"]) == (67, "at_least")


def test_headline_text(db_path: Path) -> None:
    """Without --json it prints readable lines."""
    done = _run("headline", "--operation", "OA2025", "--as-at", "2025-10-29", "--db", str(db_path))
    assert done.returncode == 0, done.stderr
    assert "39 arrests" in done.stdout and "2 of 3 forces reported" in done.stdout


def test_unknown_operation_exits_2(db_path: Path) -> None:
    """An unknown code exits 2 and lists the known ones, without a traceback."""
    done = _run("headline", "--operation", "NOPE", "--db", str(db_path))
    assert done.returncode == 2
    assert "OA2025" in done.stderr and "Traceback" not in done.stderr


def test_missing_database_exits_2(tmp_path: Path) -> None:
    """A database path that does not exist is a clear error, and no file is created."""
    path = tmp_path / "absent.duckdb"
    done = _run("headline", "--operation", "OA2025", "--db", str(path))
    assert done.returncode == 2 and "No database" in done.stderr
    assert not path.exists()


def test_bad_date_is_a_usage_error(db_path: Path) -> None:
    """An as-at date not in YYYY-MM-DD form is refused by the argument parser."""
    done = _run("headline", "--operation", "OA2025", "--as-at", "02/03/2026", "--db", str(db_path))
    assert done.returncode == 2 and "YYYY-MM-DD" in done.stderr


@pytest.mark.slow
def test_database_held_by_another_process_exits_3(db_path: Path) -> None:
    """While another process holds the file, the CLI says so and exits 3 without a traceback."""
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
         "time.sleep(30)", str(db_path)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        time.sleep(0.2)
        done = _run("headline", "--operation", "OA2025", "--db", str(db_path))
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 3, done.stderr
    assert "in use by another program" in done.stderr and "Traceback" not in done.stderr


def test_list_metrics() -> None:
    """'list' prints every registry metric, one a line."""
    done = _run("list")
    assert done.returncode == 0
    assert "value_recovered_per_gbp_spent" in done.stdout and "(indicative)" in done.stdout
