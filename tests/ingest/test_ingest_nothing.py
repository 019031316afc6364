"""'Nothing' values, one rule for every return kind and column (issue 9, point 3), through the
real ingest into a real store: real workbooks written with openpyxl, and CSVs written the way
Excel and LibreOffice save them (an accounting-format zero becomes " -   " or " - ").

A dash or 'nil' is 0; 'TBC', 'N/A', 'n/k', '..', 'x' and '?' are not recorded, a located issue
where the figure is required. Never an exception; one message a cell, quoting what was typed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pytest
from ingest_kit import (
    CSV_FLAVOURS,
    FIGURES,
    SPEND_LINES,
    force_return,
    ports_return,
    saved_as_csv,
    spend_return,
)

from loaders.ingest.upload import IngestResult, ingest_file
from loaders.reference.snapshot import Reference
from store.settings import Settings
from store.submissions import data_counts, upload_issue_rows, upload_row

NOT_RECORDED = ["TBC", "N/A", "n/k", "..", "x", "?"]
DASHES = ["-", " - ", "-   ", "–", "—", "nil"]


def _load(con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings,
          path: Path) -> IngestResult:
    return ingest_file(con, path, user="ann", settings=config, ref=ref)


def _totals(con: duckdb.DuckDBPyConnection, upload_id: int | None) -> dict[str, Decimal | None]:
    return dict(con.execute(
        "SELECT measure, value FROM value v JOIN submission s ON s.id = v.submission_id "
        "WHERE v.day IS NULL AND s.upload_id = ?", [upload_id]).fetchall())


def _errors(result: IngestResult) -> list[tuple[str, str | None, int | None, str | None, str | None]]:
    return [(i.code, i.sheet, i.row, i.column, i.value) for i in result.issues
            if i.severity == "error"]


def _spend_amount(path: Path, line: int, value: object) -> Path:
    """The spend return with the amount of one line (1 or 2) typed as ``value``."""
    book = openpyxl.load_workbook(path)
    book["Spend"].cell(10 + line, 7).value = value
    book.save(path)
    return path


# --- spend lines: the TransactionException --------------------------------------------------

@pytest.mark.parametrize("written", NOT_RECORDED)
def test_spend_amount_not_recorded_is_a_located_issue_not_an_exception(
        written: str, con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings,
        tmp_path: Path) -> None:
    """A spend amount of 'TBC' used to end the upload with an unexpected TransactionException
    (the store's amount may not be empty); it is now a located issue quoting 'TBC'."""
    before = data_counts(con)
    path = _spend_amount(spend_return(tmp_path / "spend.xlsx", ref), 1, written)
    result = _load(con, ref, config, path)
    assert result.outcome == "rejected", result.message
    assert _errors(result) == [("required-blank", "Spend", 11, "G", written)]
    assert f"{written!r} means not recorded" in result.issues[-1].message
    assert "unexpected" not in result.message
    assert data_counts(con) == before
    assert upload_row(con, result.upload_id)["outcome"] == "rejected"


def test_spend_amount_tbc_is_listed_beside_another_error(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """Beside another error (a category not in the list) the 'TBC' amount is listed too."""
    path = spend_return(tmp_path / "spend.xlsx", ref, [
        SPEND_LINES[0], {**SPEND_LINES[1], "category": "Biscuits"}])
    path = _spend_amount(path, 1, "TBC")
    result = _load(con, ref, config, path)
    assert result.outcome == "rejected"
    assert [(code, row, column) for code, _, row, column, _ in _errors(result)] == [
        ("required-blank", 11, "G"), ("bad-choice", 12, "E")]
    stored = upload_issue_rows(con, result.upload_id)
    assert [(i["row"], i["column"], i["value"]) for i in stored if i["severity"] == "error"] == [
        (11, "G", "TBC"), (12, "E", "Biscuits")]


@pytest.mark.parametrize("written", DASHES)
def test_spend_amount_dash_is_zero(written: str, con: duckdb.DuckDBPyConnection,
                                   ref: Reference, config: Settings, tmp_path: Path) -> None:
    """A dash or 'nil' as a spend amount is £0, saved."""
    path = _spend_amount(spend_return(tmp_path / "spend.xlsx", ref), 2, written)
    result = _load(con, ref, config, path)
    assert result.outcome == "accepted", result.issues
    amounts = [r[0] for r in con.execute("SELECT amount_gbp FROM spend_line ORDER BY row").fetchall()]
    assert amounts == [Decimal("12500.50"), Decimal("0.00")]


def test_required_detail_cell_not_recorded_is_one_issue(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """A container whose result is 'TBC' is refused once, as not filled in, quoting 'TBC'."""
    path = ports_return(tmp_path / "ports.xlsx", ref, containers=[{
        "container_ref": "MSCU1234567", "port": "felixstowe", "examined_on": date(2025, 11, 10),
        "result": "TBC", "vehicles_found": 3}])
    result = _load(con, ref, config, path)
    assert [(c, s, v) for c, s, _, _, v in _errors(result)] == [
        ("required-blank", "Containers", "TBC")]


# --- force returns: workbooks ---------------------------------------------------------------

@pytest.mark.parametrize("written", NOT_RECORDED)
def test_required_figure_not_recorded_is_refused_quoting_it(
        written: str, con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings,
        tmp_path: Path) -> None:
    """Vehicles recovered (required) given as 'TBC' is refused at its Total cell, quoting it."""
    result = _load(con, ref, config, force_return(tmp_path / "f.xlsx", ref, {
        **FIGURES, "vehicles_recovered": written}))
    errors = _errors(result)
    assert [(e[0], e[4]) for e in errors] == [("required-blank", written)]
    assert repr(written) in result.issues[-1].message


@pytest.mark.parametrize("written", DASHES)
def test_required_figure_dash_is_zero_and_saved(
        written: str, con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings,
        tmp_path: Path) -> None:
    """Vehicles recovered given as a dash or 'nil' is saved as 0."""
    result = _load(con, ref, config, force_return(tmp_path / "f.xlsx", ref, {
        **FIGURES, "vehicles_recovered": written}))
    assert result.outcome == "accepted", result.issues
    assert _totals(con, result.upload_id)["vehicles_recovered"] == 0


def test_optional_figure_not_recorded_is_stored_as_not_recorded(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """An optional figure of '..' is accepted and stored as not recorded, never as 0."""
    result = _load(con, ref, config, force_return(tmp_path / "f.xlsx", ref, {
        **FIGURES, "charged": ".."}))
    assert result.outcome == "accepted", result.issues
    stored = con.execute("SELECT value, qualifier FROM value WHERE measure = 'charged' AND "
                         "day IS NULL").fetchall()
    assert stored == [(None, "not_recorded")]


def test_negative_figure_is_quoted_as_typed(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """-2 typed in a number cell is quoted as '-2', not as the '-2.0' the reader sees."""
    result = _load(con, ref, config, force_return(tmp_path / "f.xlsx", ref, {
        **FIGURES, "warrants": -2}))
    issue = next(i for i in result.issues if i.code == "bad-number")
    assert issue.message.startswith("'-2' is negative") and issue.value == "-2"
    assert "-2.0" not in issue.message


@pytest.mark.parametrize("written", ["lots", "12.5", -2])
def test_bad_required_figure_gets_one_clear_message(
        written: object, con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings,
        tmp_path: Path) -> None:
    """A required figure that is not a number gets one message, never also 'must be filled in'."""
    result = _load(con, ref, config, force_return(tmp_path / "f.xlsx", ref, {
        **FIGURES, "arrests": written}))
    assert [e[0] for e in _errors(result)] == ["bad-number"]


def test_not_recorded_words_in_other_columns_read_as_blank(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """The same rule in columns that are not figures: 'N/A' as the Qualifier is blank (exact),
    and 'TBC' as 'Figures as at' is missing, quoting it."""
    path = force_return(tmp_path / "f.xlsx", ref)
    book = openpyxl.load_workbook(path)
    sheet = book["Return"]
    arrests = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "arrests")
    sheet.cell(arrests, 14).value = "N/A"
    book.save(path)
    assert _load(con, ref, config, path).outcome == "accepted"
    sheet["B6"] = "TBC"
    book.save(tmp_path / "g.xlsx")
    result = _load(con, ref, config, tmp_path / "g.xlsx")
    assert _errors(result) == [("field-missing", "Return", 6, "B", "TBC")]


# --- CSVs as spreadsheet programs save them -------------------------------------------------

@pytest.mark.parametrize("flavour", list(CSV_FLAVOURS))
def test_force_return_csv_with_accounting_zeros_is_accepted(
        flavour: str, con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings,
        tmp_path: Path) -> None:
    """The Return sheet saved to CSV with accounting-format zeros (" -   ", " - ") is read as
    0 in required and optional figures alike, never 'must be filled in'."""
    book = force_return(tmp_path / "f.xlsx", ref, {**FIGURES, "vehicles_recovered": 0,
                                                   "value_recovered_gbp": 0, "charged": 0})
    csv_file = saved_as_csv(book, "Return", tmp_path / f"return-{flavour}.csv", flavour)
    assert CSV_FLAVOURS[flavour]["zero"].encode() in csv_file.read_bytes()
    result = _load(con, ref, config, csv_file)
    assert result.outcome == "accepted", [i.message for i in result.issues]
    totals = _totals(con, result.upload_id)
    assert (totals["vehicles_recovered"], totals["value_recovered_gbp"], totals["charged"]) == (
        0, 0, 0)
    assert (totals["arrests"], totals["warrants"]) == (32, 7)


@pytest.mark.parametrize("flavour", list(CSV_FLAVOURS))
def test_spend_csv_with_accounting_zero_and_tbc(
        flavour: str, con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings,
        tmp_path: Path) -> None:
    """A spend sheet saved to CSV: a zero amount is £0; a 'TBC' amount is one located issue."""
    book = spend_return(tmp_path / "s.xlsx", ref, [SPEND_LINES[0], {**SPEND_LINES[1],
                                                                     "amount_gbp": 0}])
    good = _load(con, ref, config, saved_as_csv(book, "Spend", tmp_path / "s.csv", flavour))
    assert good.outcome == "accepted", [i.message for i in good.issues]
    assert [r[0] for r in con.execute("SELECT amount_gbp FROM spend_line ORDER BY row").fetchall()] == [
        Decimal("12500.50"), Decimal("0.00")]
    bad = _load(con, ref, config, saved_as_csv(_spend_amount(book, 1, "TBC"), "Spend",
                                               tmp_path / "t.csv", flavour))
    assert [(e[0], e[2], e[3], e[4]) for e in _errors(bad)] == [("required-blank", 11, "G", "TBC")]


def test_every_store_column_that_must_be_filled_is_required_in_its_layout(
        con: duckdb.DuckDBPyConnection) -> None:
    """A detail column the store will not take empty is one the reader requires: a cell that
    states nothing there is an issue, never an error from the store (the 'TBC' crash)."""
    from loaders.returns.layouts import LAYOUTS

    required = {(t.name, c.key) for layout in LAYOUTS.values() for t in layout.tables
                for c in t.columns if c.required}
    declared = {(t.name, c.key) for layout in LAYOUTS.values() for t in layout.tables
                for c in t.columns}
    not_null = {(t, c) for t, c in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE NOT is_nullable AND "
        "table_name IN ('vehicle', 'container', 'spend_line')").fetchall()}
    assert not_null & declared, "no store column matched a layout column"
    assert not_null & declared <= required


@pytest.mark.parametrize(("written", "outcome"), [("TBC", "rejected"), (" - ", "accepted"),
                                                 ("nil", "accepted"), ("..", "rejected")])
def test_ports_required_figure_follows_the_same_rule(
        written: str, outcome: str, con: duckdb.DuckDBPyConnection, ref: Reference,
        config: Settings, tmp_path: Path) -> None:
    """A port's containers examined (required): a dash or 'nil' is 0; 'TBC' or '..' is one
    located issue quoting it."""
    from ingest_kit import FELIXSTOWE

    result = _load(con, ref, config, ports_return(tmp_path / "p.xlsx", ref, {
        **FELIXSTOWE, "containers_examined": written}))
    assert result.outcome == outcome, result.issues
    if outcome == "rejected":
        assert [(e[0], e[1], e[4]) for e in _errors(result)] == [
            ("required-blank", "Ports", written)]
    else:
        stored = con.execute("SELECT value FROM value WHERE measure = 'containers_examined'")
        assert stored.fetchall() == [(0,)]
