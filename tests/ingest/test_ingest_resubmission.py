"""Resubmissions never silently remove figures (issue 9, point 2), through the real ingest.

A figure the current version states and the new file leaves blank is a removal: listed by
measure (and day or port) with its earlier value; saved by the command line with a warning,
saved from the upload page only once confirmed. Change counts are right for every return kind,
spend lines included, and returns are named in words.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
from ingest_kit import (
    FELIXSTOWE,
    FIGURES,
    SPEND_LINES,
    force_return,
    ports_return,
    spend_return,
)

from loaders.ingest.upload import IngestResult, ingest_file
from loaders.reference.snapshot import Reference
from loaders.templates.build import Fill, MeasureFill, write_template
from store.settings import Settings
from store.submissions import data_counts, upload_issue_rows, upload_row

ROOT = Path(__file__).resolve().parents[2]
FULL = {**FIGURES, "charged": 3, "anpr_deployments": 11}
# Version 2 as a force sends it when only arrests changed: the other optional figures blank.
ONLY_CHANGED = {"arrests": 40, "vehicles_recovered": 9, "value_recovered_gbp": 120000}


def _load(con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, path: Path,
          **options: object) -> IngestResult:
    return ingest_file(con, path, user="ann", settings=config, ref=ref, **options)  # type: ignore[arg-type]


def _first_then(con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings,
                tmp_path: Path, **options: object) -> IngestResult:
    first = _load(con, ref, config, force_return(tmp_path / "v1.xlsx", ref, FULL))
    assert first.outcome == "accepted", first.issues
    return _load(con, ref, config, force_return(tmp_path / "v2.xlsx", ref, ONLY_CHANGED,
                                                as_of=date(2026, 3, 2)), **options)


def _removed(result: IngestResult) -> dict[str, object]:
    return {c["measure"]: c["old"] for c in result.removed}


def test_blank_figures_are_listed_as_removals_with_old_values(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """Warrants, charged and ANPR deployments left blank are listed with their old values;
    arrests 32 → 40 is an alteration, not a removal."""
    second = _first_then(con, ref, config, tmp_path)
    assert _removed(second) == {"warrants": 7, "charged": 3, "anpr_deployments": 11}
    assert {(c["label"], c["place"]) for c in second.removed} == {
        ("Warrants executed", "Total"), ("People charged", "Total"),
        ("ANPR deployments", "Total")}
    altered = [(c["measure"], c["old"], c["new"], c["change"]) for c in second.changed
               if c["change"] != "removed"]
    assert altered == [("arrests", 32, 40, "altered")]


def test_command_line_default_saves_removals_with_a_warning_each(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """Saved (the command line's default) the new version says so and keeps a located warning
    per removal on the upload, quoting the value removed."""
    second = _first_then(con, ref, config, tmp_path)
    assert (second.outcome, second.version) == ("accepted", 2)
    assert "4 figures changed (1 altered, 3 removed)" in second.message
    assert "Warning: 3 figures stated in version 1 are blank or missing" in second.message
    stored = [i for i in upload_issue_rows(con, second.upload_id) if i["code"] == "figure-removed"]
    assert sorted(i["value"] for i in stored) == ["11", "3", "7"]
    assert all(i["severity"] == "warning" and i["sheet"] == "Return" for i in stored)
    assert any("Warrants executed (Total) was 7 in version 1" in i["message"] for i in stored)


def test_unconfirmed_removals_save_nothing(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """With removals to confirm (the upload page), nothing is saved and the removals are listed."""
    first = _load(con, ref, config, force_return(tmp_path / "v1.xlsx", ref, FULL))
    assert first.outcome == "accepted"
    before_second = data_counts(con)
    second = _load(con, ref, config, force_return(tmp_path / "v2.xlsx", ref, ONLY_CHANGED),
                   confirm_removals=False)
    assert second.outcome == "needs_confirmation"
    assert _removed(second) == {"warrants": 7, "charged": 3, "anpr_deployments": 11}
    assert "would be removed" in second.message and "Nothing has been saved" in second.message
    assert data_counts(con) == before_second
    assert upload_row(con, second.upload_id)["outcome"] == "failed"


def test_confirmed_removals_are_saved(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """The removals the person saw, passed back as confirmed, let the new version be saved."""
    seen = _first_then(con, ref, config, tmp_path, confirm_removals=False)
    again = _load(con, ref, config, tmp_path / "v2.xlsx", confirm_removals=seen.removal_keys())
    assert (again.outcome, again.version) == ("accepted", 2), again.message
    stored = dict(con.execute(
        "SELECT measure, value FROM value v JOIN submission s ON s.id = v.submission_id "
        "WHERE s.version = 2 AND v.day IS NULL").fetchall())
    assert "warrants" not in stored and stored["arrests"] == 40


def test_confirming_some_removals_does_not_cover_others(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """A confirmation covers only the removals confirmed: one left out keeps the file unsaved."""
    seen = _first_then(con, ref, config, tmp_path, confirm_removals=False)
    partly = sorted(seen.removal_keys())[:-1]
    again = _load(con, ref, config, tmp_path / "v2.xlsx", confirm_removals=partly)
    assert again.outcome == "needs_confirmation"
    assert con.execute("SELECT max(version) FROM submission").fetchone() == (1,)


def test_not_recorded_figure_is_a_removal(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """'TBC' where version 1 had a figure removes it just as a blank does."""
    _load(con, ref, config, force_return(tmp_path / "v1.xlsx", ref, FULL))
    second = _load(con, ref, config, force_return(tmp_path / "v2.xlsx", ref,
                                                  {**FULL, "charged": "TBC"}),
                   confirm_removals=False)
    assert _removed(second) == {"charged": 3}


def test_days_dropped_for_a_total_are_removals_by_day(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """Daily arrests replaced by a total alone: each day is a removal named by its date."""
    days = {date(2025, 10, 13): 10, date(2025, 10, 14): 22}
    fill = Fill(data_as_of=date(2025, 10, 27), operation="OA2025", force="south-yorkshire",
                values={"arrests": MeasureFill(days=days), "vehicles_recovered": MeasureFill(total=9),
                        "value_recovered_gbp": MeasureFill(total=120000)})
    _load(con, ref, config, write_template(tmp_path / "v1.xlsx", "force-return", ref, fill=fill))
    second = _load(con, ref, config, force_return(tmp_path / "v2.xlsx", ref, {
        "arrests": 32, "vehicles_recovered": 9, "value_recovered_gbp": 120000}),
        confirm_removals=False)
    assert sorted((c["place"], c["old"]) for c in second.removed) == [
        ("13 October 2025", 10), ("14 October 2025", 22)]
    assert [c["change"] for c in second.changed if c["day"] is None] == []


def test_spend_lines_replaced_two_by_three_are_counted(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """Two spend lines replaced by three others: 3 added and 2 removed, never '0 changed'."""
    _load(con, ref, config, spend_return(tmp_path / "v1.xlsx", ref))
    others = [{"spent_on": date(2025, 12, d), "pillar": "P3", "category": "Training",
               "amount_gbp": 100 * d} for d in (1, 2, 3)]
    second = _load(con, ref, config, spend_return(tmp_path / "v2.xlsx", ref, others))
    assert second.outcome == "accepted"
    assert "5 spend lines changed (3 added, 2 removed)" in second.message
    assert sorted(c["old"] for c in second.removed) == [2000, 12500.5]
    assert {c["place"] for c in second.removed} == {"14 October 2025", "6 November 2025"}


def test_spend_amount_corrected_is_one_altered_line(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """A corrected amount is one altered line, a new line one added, and nothing is removed."""
    _load(con, ref, config, spend_return(tmp_path / "v1.xlsx", ref))
    lines = [SPEND_LINES[0], {**SPEND_LINES[1], "amount_gbp": 2500},
             {"spent_on": date(2025, 12, 1), "pillar": "P3", "category": "Training",
              "amount_gbp": 300}]
    second = _load(con, ref, config, spend_return(tmp_path / "v2.xlsx", ref, lines),
                   confirm_removals=False)
    assert second.outcome == "accepted", second.message
    assert "2 spend lines changed (1 added, 1 altered)" in second.message
    altered = [c for c in second.changed if c["change"] == "altered"]
    assert [(c["old"], c["new"], c["label"]) for c in altered] == [
        (2000, 2500, "Spend line: Prevention products (P1)")]


def test_spend_resaved_unchanged_reports_no_change(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """The same spend lines again (different bytes) are '0 spend lines changed'."""
    first = spend_return(tmp_path / "v1.xlsx", ref)
    _load(con, ref, config, first)
    workbook = openpyxl.load_workbook(first)
    workbook.properties.creator = "Someone else"
    workbook.save(tmp_path / "v2.xlsx")
    second = _load(con, ref, config, tmp_path / "v2.xlsx")
    assert (second.outcome, second.changed) == ("accepted", [])
    assert "0 spend lines changed" in second.message


def test_ports_removals_name_the_port_and_the_container(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """A port figure left blank and a container row gone are removals named in words."""
    _load(con, ref, config, ports_return(tmp_path / "v1.xlsx", ref,
                                         {**FELIXSTOWE, "roro_checks": 50}))
    second = _load(con, ref, config, ports_return(tmp_path / "v2.xlsx", ref, FELIXSTOWE,
                                                  containers=[]), confirm_removals=False)
    assert sorted((c["label"], c["place"], c["old"]) for c in second.removed) == [
        ("Container MSCU1234567", "Port of Felixstowe, 10 November 2025", 150000),
        ("RoRo vehicles checked", "Port of Felixstowe", 50)]
    assert "1 figure and 1 container stated in version 1 are blank" in second.message


def test_returns_are_named_in_words_never_by_key(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """Messages name the return as "South Yorkshire's force return for Operation Alliances
    2025, version 2", and no change is labelled 'None'."""
    second = _first_then(con, ref, config, tmp_path)
    assert ("saved as South Yorkshire's force return for Operation Alliances 2025, version 2"
            in second.message)
    assert "OA2025:" not in second.message and ":force-return" not in second.message
    assert second.return_name == "South Yorkshire's force return for Operation Alliances 2025, version 2"
    assert all("None" not in f"{c['label']} {c['place']}" for c in second.changed)
    spend = _load(con, ref, config, spend_return(tmp_path / "s.xlsx", ref))
    assert "South Yorkshire's spend return for Grant 2, 2025-26" in spend.message


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "loaders", "ingest", *args, "--user", "ann"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


def test_command_line_json_lists_removed(ref: Reference, tmp_path: Path) -> None:
    """`ingest --json` saves the resubmission (exit 0) and lists `removed` with old values."""
    db = str(tmp_path / "cli.duckdb")
    run = _cli(str(force_return(tmp_path / "v1.xlsx", ref, FULL)),
               str(force_return(tmp_path / "v2.xlsx", ref, ONLY_CHANGED)), "--db", db, "--json")
    assert run.returncode == 0, run.stderr
    first, second = json.loads(run.stdout)
    assert first["removed"] == [] and second["outcome"] == "accepted"
    assert {(r["measure"], r["old"]) for r in second["removed"]} == {
        ("warrants", 7), ("charged", 3), ("anpr_deployments", 11)}
    assert second["return_name"].startswith("South Yorkshire's force return")


def test_command_line_warns_and_lists_each_removal(ref: Reference, tmp_path: Path) -> None:
    """The readable output warns about a resubmission's removals and lists each with its old
    value; a resubmission that removes nothing has no warning."""
    db = str(tmp_path / "cli.duckdb")
    run = _cli(str(force_return(tmp_path / "v1.xlsx", ref, FULL)),
               str(force_return(tmp_path / "v2.xlsx", ref, {**FULL, "arrests": 33})),
               str(force_return(tmp_path / "v3.xlsx", ref, ONLY_CHANGED)), "--db", db)
    assert run.returncode == 0, run.stderr
    before, after = run.stdout.split("v3.xlsx: ACCEPTED")
    assert "WARNING" not in before
    assert "WARNING 3 removed: stated in version 2, blank or missing in this file:" in after
    assert "Warrants executed (Total): was 7" in after
    assert "altered Arrests (Total): 33 → 40" in after
