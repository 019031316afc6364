"""python -m loaders: JSON shape, exit codes, and a database held by another process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from ingest_kit import FIGURES, force_return

from loaders.reference.snapshot import Reference

ROOT = Path(__file__).resolve().parents[2]
ISSUE_KEYS = {"code", "severity", "sheet", "row", "column", "value", "message"}


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "loaders", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    ref = Reference.from_files()
    return {"good": force_return(tmp_path / "good.xlsx", ref),
            "bad": force_return(tmp_path / "bad.xlsx", ref, {**FIGURES, "arrests": -1})}


def test_json_output_has_one_object_per_file(files: dict[str, Path], tmp_path: Path) -> None:
    """--json prints one array with the documented keys; a rejected file makes the exit code 1."""
    run = _cli("ingest", files["good"], files["bad"], "--db", tmp_path / "x.duckdb", "--json",
               "--user", "ann")
    assert run.returncode == 1, run.stderr
    results = json.loads(run.stdout)
    assert [r["outcome"] for r in results] == ["accepted", "rejected"]
    for result in results:
        assert {"file", "sha256", "outcome", "return_key", "version", "values", "changed",
                "issues"} <= set(result)
    assert results[0]["version"] == 1 and results[0]["values"] > 0
    assert results[1]["issues"] and all(set(i) >= ISSUE_KEYS for i in results[1]["issues"])


def test_accepted_then_duplicate_exits_zero(files: dict[str, Path], tmp_path: Path) -> None:
    """Accepted and duplicate files both exit 0, and the summary names the duplicate."""
    db = tmp_path / "x.duckdb"
    assert _cli("ingest", files["good"], "--db", db).returncode == 0
    run = _cli("ingest", files["good"], "--db", db, "--user", "ann")
    assert run.returncode == 0, run.stderr
    assert "DUPLICATE" in run.stdout and "already loaded as upload 1" in run.stdout


def test_readable_summary_locates_issues(files: dict[str, Path], tmp_path: Path) -> None:
    """Without --json each issue is printed with its sheet and cell."""
    run = _cli("ingest", files["bad"], "--db", tmp_path / "x.duckdb")
    assert run.returncode == 1
    assert "REJECTED" in run.stdout and "cell " in run.stdout and "sheet 'Return'" in run.stdout


def test_usage_error_exits_two(tmp_path: Path) -> None:
    """A missing argument is a usage error (exit 2)."""
    assert _cli("ingest").returncode == 2
    assert _cli("issues-workbook", "1").returncode == 2


def test_busy_database_exits_three(files: dict[str, Path], tmp_path: Path) -> None:
    """When another process holds the database the CLI says so plainly and exits 3."""
    db = tmp_path / "held.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('ready', flush=True); time.sleep(60)", str(db)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        run = _cli("ingest", files["good"], "--db", db)
    finally:
        holder.kill()
        holder.wait()
    assert run.returncode == 3
    assert "in use by another program" in run.stderr
    assert "Traceback" not in run.stderr


def test_template_command_writes_a_workbook(tmp_path: Path) -> None:
    """The template command writes a workbook with the return's sheet."""
    out = tmp_path / "t.xlsx"
    run = _cli("template", "force-return", "--operation", "OA2025", "--force", "kent", "--out",
               out, "--db", tmp_path / "x.duckdb")
    assert run.returncode == 0, run.stderr
    import openpyxl
    assert "Return" in openpyxl.load_workbook(out).sheetnames


def test_issues_workbook_command(files: dict[str, Path], tmp_path: Path) -> None:
    """issues-workbook writes the marked copy of a rejected upload."""
    db = tmp_path / "x.duckdb"
    _cli("ingest", files["bad"], "--db", db)
    out = tmp_path / "issues.xlsx"
    run = _cli("issues-workbook", "1", "--out", out, "--db", db)
    assert run.returncode == 0, run.stderr
    assert out.stat().st_size > 0
    missing = _cli("issues-workbook", "99", "--out", out, "--db", db)
    assert missing.returncode == 1 and "There is no upload 99" in missing.stderr


@pytest.mark.slow
def test_demo_command_builds_then_refuses_to_overwrite(tmp_path: Path) -> None:
    """demo builds a database from the demo returns once, then refuses without --force."""
    db = tmp_path / "demo.duckdb"
    first = _cli("demo", "--db", db)
    assert first.returncode == 0, first.stderr
    assert "accepted" in first.stdout
    again = _cli("demo", "--db", db)
    assert again.returncode == 1 and "already holds" in again.stderr
