"""The issues workbook: problem cells filled and commented, an 'Issues' sheet first, safe copy."""

from __future__ import annotations

import zipfile
from pathlib import Path

import duckdb
import openpyxl
from ingest_kit import FIGURES, force_return

from loaders.ingest.upload import ingest_file
from loaders.reference.snapshot import Reference
from loaders.templates.issues_workbook import PROBLEM_FILL, write_issues_workbook
from store.settings import Settings


def _rejected_upload(con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings,
                     tmp_path: Path) -> int:
    path = force_return(tmp_path / "bad.xlsx", ref, {**FIGURES, "arrests": -3, "warrants": 2.5})
    result = ingest_file(con, path, user="ann", settings=config, ref=ref)
    assert result.outcome == "rejected"
    return result.upload_id or 0


def test_problem_cells_are_filled_and_commented(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """Every located error cell is light red and carries a comment with its message."""
    upload = _rejected_upload(con, ref, config, tmp_path)
    out = write_issues_workbook(con, upload, tmp_path / "issues.xlsx", config)
    wb = openpyxl.load_workbook(out)
    located = con.execute("SELECT sheet, col, row, message FROM upload_issue WHERE upload_id = ? "
                          "AND row IS NOT NULL AND col IS NOT NULL", [upload]).fetchall()
    assert len(located) >= 2
    for sheet, col, row, message in located:
        cell = wb[sheet][f"{col}{row}"]
        assert cell.fill.fgColor.rgb.endswith(PROBLEM_FILL.fgColor.rgb[-6:])
        assert message in cell.comment.text


def test_issues_sheet_lists_every_issue_first(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """The first sheet is 'Issues', marked, with one row per issue under the headings."""
    upload = _rejected_upload(con, ref, config, tmp_path)
    wb = openpyxl.load_workbook(write_issues_workbook(con, upload, tmp_path / "i.xlsx", config))
    ws = wb.worksheets[0]
    count = con.execute("SELECT count(*) FROM upload_issue WHERE upload_id = ?",
                        [upload]).fetchone()[0]
    assert ws.title == "Issues"
    assert ws["A1"].value == config.marking and config.marking in ws.oddHeader.center.text
    assert [c.value for c in ws[4]][:8] == ["Code", "Severity", "Sheet", "Cell", "Header",
                                            "Value", "Message", "How to fix"]
    assert ws.max_row - 4 == count


def test_csv_upload_gets_a_fresh_workbook_with_text_kept_as_text(
        con: duckdb.DuckDBPyConnection, config: Settings, tmp_path: Path) -> None:
    """A CSV upload is copied into a new workbook; '=' text stays text (no formula in the XML)."""
    path = tmp_path / "odd.csv"
    path.write_text("Operation,OA2025\nForce,=HYPERLINK(\"http://x\")\nArrests,-1\n",
                    encoding="utf-8")
    result = ingest_file(con, path, user="ann", settings=config)
    assert result.outcome == "rejected"
    out = write_issues_workbook(con, result.upload_id or 0, tmp_path / "csv issues.xlsx", config)
    with zipfile.ZipFile(out) as zf:
        xml = b"".join(zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in xml and b"<f " not in xml
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Issues" and len(wb.sheetnames) >= 2
    assert wb.worksheets[1]["B2"].value.startswith("=HYPERLINK")


def test_hostile_upload_gives_issues_sheet_only(
        con: duckdb.DuckDBPyConnection, config: Settings, tmp_path: Path) -> None:
    """A file the guards refuse is never opened again: the workbook holds the Issues sheet alone."""
    path = tmp_path / "program.xlsx"
    path.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)
    result = ingest_file(con, path, user="ann", settings=config)
    assert result.outcome == "rejected"
    wb = openpyxl.load_workbook(write_issues_workbook(con, result.upload_id or 0,
                                                      tmp_path / "o.xlsx", config))
    assert wb.sheetnames == ["Issues"]


def test_issues_workbook_is_audited(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """Writing the issues workbook appends an export audit row naming the upload."""
    upload = _rejected_upload(con, ref, config, tmp_path)
    write_issues_workbook(con, upload, tmp_path / "i.xlsx", config, user="ann")
    who, detail = con.execute("SELECT who, detail FROM audit WHERE action = 'export'").fetchone()
    assert who == "ann" and f'"upload_id": {upload}' in detail
