"""ingest_file: accepted versions, duplicates, rejections, dry runs and hostile names."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import openpyxl
from ingest_kit import FIGURES, force_return, ports_return, spend_return

from loaders.ingest.upload import ingest_file
from loaders.reference.snapshot import Reference
from store.settings import Settings
from store.submissions import data_counts, upload_issue_rows, upload_row


def _audit_count(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT count(*) FROM audit WHERE action = 'upload'").fetchone()[0]


def _resaved(source: Path, target: Path) -> Path:
    """The same content saved again by a spreadsheet program: different bytes, same figures."""
    wb = openpyxl.load_workbook(source)
    wb.properties.creator = "Someone else"
    wb.save(target)
    return target


def test_accepted_file_writes_submission_and_values(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """A valid return becomes version 1 with every stated figure stored and the upload accepted."""
    path = force_return(tmp_path / "sy.xlsx", ref)
    result = ingest_file(con, path, user="ann", settings=config, ref=ref)
    assert result.outcome == "accepted", result.issues
    assert (result.return_key, result.version) == ("OA2025:south-yorkshire:force-return", 1)
    stored = dict(con.execute(
        "SELECT measure, value FROM value v JOIN submission s ON s.id = v.submission_id "
        "WHERE v.day IS NULL AND s.upload_id = ?", [result.upload_id]).fetchall())
    assert {m: stored[m] for m in FIGURES} == FIGURES
    assert result.values == data_counts(con)["value"] > 0
    assert upload_row(con, result.upload_id)["outcome"] == "accepted"
    assert _audit_count(con) == 1


def test_same_bytes_twice_is_a_duplicate(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """The same bytes again change nothing and say when and by whom they were loaded."""
    path = force_return(tmp_path / "sy.xlsx", ref)
    first = ingest_file(con, path, user="ann", settings=config, ref=ref)
    before = data_counts(con)
    again = ingest_file(con, path, user="bob", settings=config, ref=ref)
    today = date.today()
    assert again.outcome == "duplicate"
    assert (f"already loaded as upload {first.upload_id} on {today.day} {today:%B %Y} by ann"
            in again.message)
    assert data_counts(con) == before
    assert upload_row(con, again.upload_id)["outcome"] == "duplicate"
    assert _audit_count(con) == 2


def test_new_version_keeps_old_and_lists_changes(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """A corrected return is version 2, supersedes version 1 (kept) and lists what changed."""
    first = ingest_file(con, force_return(tmp_path / "v1.xlsx", ref), user="ann", settings=config,
                        ref=ref)
    corrected = force_return(tmp_path / "v2.xlsx", ref, {**FIGURES, "arrests": 40},
                             as_of=date(2026, 3, 2))
    second = ingest_file(con, corrected, user="ann", settings=config, ref=ref)
    assert (second.outcome, second.version) == ("accepted", 2)
    totals = [c for c in second.changed if c["day"] is None]
    assert [(c["measure"], c["old"], c["new"]) for c in totals] == [("arrests", 32, 40)]
    rows = con.execute("SELECT version, supersedes, id FROM submission ORDER BY version").fetchall()
    assert rows[1][1] == rows[0][2]
    assert con.execute("SELECT count(*) FROM value WHERE submission_id = ?",
                       [rows[0][2]]).fetchone()[0] == first.values


def test_resaved_same_content_is_a_version_with_no_changes(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """Different bytes with the same figures make a new version with 0 figures changed."""
    path = force_return(tmp_path / "v1.xlsx", ref)
    ingest_file(con, path, user="ann", settings=config, ref=ref)
    again = ingest_file(con, _resaved(path, tmp_path / "v1 again.xlsx"), user="ann",
                        settings=config, ref=ref)
    assert (again.outcome, again.version, again.changed) == ("accepted", 2, [])
    assert "0 figures changed" in again.message


def test_rejected_file_writes_no_data(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """A negative count rejects the file: data tables unchanged, issues and one audit row kept."""
    before = data_counts(con)
    path = force_return(tmp_path / "bad.xlsx", ref, {**FIGURES, "arrests": -3})
    result = ingest_file(con, path, user="ann", settings=config, ref=ref)
    assert result.outcome == "rejected"
    assert data_counts(con) == before
    assert upload_row(con, result.upload_id)["outcome"] == "rejected"
    stored = upload_issue_rows(con, result.upload_id)
    assert len(stored) == len(result.issues) > 0
    assert any(i["severity"] == "error" and i["row"] and i["column"] for i in stored)
    assert _audit_count(con) == 1


def test_unexpected_force_is_rejected(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """A force not expected to report for the operation is rejected naming the force."""
    before = data_counts(con)
    path = force_return(tmp_path / "cumbria.xlsx", ref, force="cumbria")
    result = ingest_file(con, path, user="ann", settings=config, ref=ref)
    assert result.outcome == "rejected"
    assert any("cumbria" in (i.value or "") + i.message for i in result.issues)
    assert data_counts(con) == before


def test_empty_file_is_rejected(con: duckdb.DuckDBPyConnection, config: Settings,
                                tmp_path: Path) -> None:
    """A 0-byte file is rejected and writes no data."""
    before = data_counts(con)
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    result = ingest_file(con, path, user="ann", settings=config)
    assert result.outcome == "rejected"
    assert "empty" in " ".join(i.message for i in result.issues).lower()
    assert data_counts(con) == before


def test_dry_run_writes_nothing_and_previews_changes(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """A dry run computes the version and the changes but writes no row of any kind."""
    ingest_file(con, force_return(tmp_path / "v1.xlsx", ref), user="ann", settings=config, ref=ref)
    uploads = con.execute("SELECT count(*) FROM upload").fetchone()[0]
    before = data_counts(con)
    path = force_return(tmp_path / "v2.xlsx", ref, {**FIGURES, "warrants": 8})
    preview = ingest_file(con, path, user="ann", settings=config, ref=ref, dry_run=True)
    assert (preview.outcome, preview.version) == ("checked", 2)
    assert [c["measure"] for c in preview.changed if c["day"] is None] == ["warrants"]
    assert data_counts(con) == before
    assert con.execute("SELECT count(*) FROM upload").fetchone()[0] == uploads


def test_unconfirmed_replacement_is_not_saved(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """With confirm_replace=False a second version is only previewed."""
    ingest_file(con, force_return(tmp_path / "v1.xlsx", ref), user="ann", settings=config, ref=ref)
    before = data_counts(con)
    path = force_return(tmp_path / "v2.xlsx", ref, {**FIGURES, "warrants": 8})
    result = ingest_file(con, path, user="ann", settings=config, ref=ref, confirm_replace=False)
    assert result.outcome == "needs_confirmation"
    assert data_counts(con) == before


def test_hostile_name_is_archived_under_sha(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """A right-to-left override name is stored by sha256 and shown without control characters."""
    folder = tmp_path / "in"
    folder.mkdir()
    path = force_return(folder / "return\u202eslx.exe.xlsx", ref)
    result = ingest_file(con, path, user="ann", settings=config, ref=ref)
    row = upload_row(con, result.upload_id)
    assert row["archive_path"] == f"{result.sha256[:2]}/{result.sha256}"
    assert (config.archive_dir / row["archive_path"]).read_bytes() == path.read_bytes()
    assert "\u202e" not in row["original_name"]
    assert [p.name for p in config.archive_dir.rglob("*") if p.is_file()] == [result.sha256]


def test_ports_return_stores_detail_rows(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """A ports return stores its per-port figures, containers and vehicles in one submission."""
    result = ingest_file(con, ports_return(tmp_path / "ports.xlsx", ref), user="ann",
                         settings=config, ref=ref)
    assert result.outcome == "accepted", result.issues
    assert result.return_key == "NPO2025:navcis:ports-return"
    counts = data_counts(con)
    assert (counts["container"], counts["vehicle"]) == (1, 1)
    assert con.execute("SELECT value FROM value WHERE measure = 'port_value_recovered_gbp' "
                       "AND port = 'felixstowe'").fetchone()[0] == 230000


def test_spend_return_stores_spend_lines(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """A spend return stores its lines with their amounts and provenance."""
    result = ingest_file(con, spend_return(tmp_path / "spend.xlsx", ref), user="ann",
                         settings=config, ref=ref)
    assert result.outcome == "accepted", result.issues
    rows = con.execute("SELECT amount_gbp, sheet FROM spend_line ORDER BY row").fetchall()
    assert [float(r[0]) for r in rows] == [12500.5, 2000.0]
    assert {r[1] for r in rows} == {"Spend"}


def test_first_version_lists_no_changes(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """A first version has nothing to compare with, so its change list is empty."""
    result = ingest_file(con, force_return(tmp_path / "v1.xlsx", ref), user="ann",
                         settings=config, ref=ref)
    assert (result.version, result.changed) == (1, [])


def test_archive_failure_is_recorded_and_saves_nothing(
        con: duckdb.DuckDBPyConnection, ref: Reference, tmp_path: Path) -> None:
    """When the archive cannot be written (disk full, no permission) the upload fails cleanly."""
    blocked = tmp_path / "archive"
    blocked.write_text("a file where the archive folder should be")
    config = Settings(db_path=tmp_path / "store.duckdb", archive_dir=blocked)
    result = ingest_file(con, force_return(tmp_path / "a.xlsx", ref), user="ann",
                         settings=config, ref=ref)
    assert result.outcome == "failed" and "could not write" in result.message
    assert upload_row(con, result.upload_id)["outcome"] == "failed"
    assert data_counts(con) == {t: 0 for t in data_counts(con)}
