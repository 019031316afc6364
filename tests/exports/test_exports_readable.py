"""Data files read as the page does: headings in words, units and rounding stated, qualifiers in
words, and a title in words (issue 9, point 7)."""

from __future__ import annotations

import csv
import io
import re

import duckdb
import openpyxl
import pandas as pd
import pytest
import streamlit as st
from conftest import AS_AT, OPERATION

from exports.context import ExportContext
from exports.downloads import export_chart, export_table
from exports.pack_charts import briefing_charts
from exports.readable import readable
from exports.tables import HEADER_ROW
from metrics import results
from metrics.scope import Filters

TITLE = "Arrests by force, Operation Alliances 2025, as at 2 March 2026"
# The by-force table's columns and settings as the Operation page shows them.
COLUMNS = ["force_name", "region_name", "value", "text", "vehicle_offences", "per_1000_offences"]
SCREEN = {
    "force_name": "Force", "region_name": "Region",
    "value": st.column_config.NumberColumn("Arrests", format="localized"),
    "text": "As stated",
    "vehicle_offences": st.column_config.NumberColumn("Recorded vehicle offences (ONS)",
                                                      format="localized"),
    "per_1000_offences": st.column_config.NumberColumn("Per 1,000 offences", format="%.2f"),
}


@pytest.fixture(scope="module")
def per_force(demo_con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return results.forces_for_map(demo_con, Filters(operation=OPERATION, as_at=AS_AT), "arrests")


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def data_sheet(data: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(data))["Data"].iter_rows(values_only=True))


def test_by_force_xlsx_has_screen_headings_and_title(demo_con: duckdb.DuckDBPyConnection,
                                                     demo_ctx: ExportContext,
                                                     per_force: pd.DataFrame) -> None:
    """The by-force table's workbook uses the page's headings and is titled in words."""
    out = export_table(demo_con, per_force[COLUMNS], demo_ctx, "by-force-table", "xlsx",
                       screen=SCREEN)
    rows = data_sheet(out.data)
    assert rows[0][0] == TITLE
    assert rows[1][0] == "OFFICIAL-SENSITIVE"
    assert rows[2][0].startswith("Source: force and NaVCIS returns to the NVCRP")
    assert list(rows[HEADER_ROW]) == ["Force", "Region", "Arrests", "As stated",
                                      "Recorded vehicle offences (ONS)",
                                      "Per 1,000 offences (2 decimal places)"]
    about = openpyxl.load_workbook(io.BytesIO(out.data))["About"]
    assert {r[0]: r[1] for r in about.iter_rows(values_only=True)}["Title"] == TITLE


def test_by_force_rates_rounded_to_two_places(demo_con: duckdb.DuckDBPyConnection,
                                              demo_ctx: ExportContext,
                                              per_force: pd.DataFrame) -> None:
    """Each rate is arrests / offences × 1,000 rounded to 2 places, shown with 2 places."""
    out = export_table(demo_con, per_force[COLUMNS], demo_ctx, "by-force-table", "xlsx",
                       screen=SCREEN)
    book = openpyxl.load_workbook(io.BytesIO(out.data))
    sheet = book["Data"]
    checked = 0
    for row in sheet.iter_rows(min_row=HEADER_ROW + 2):
        arrests, offences, rate = row[2].value, row[4].value, row[5]
        if arrests is None or rate.value is None:
            continue
        assert rate.value == round(arrests / offences * 1000, 2)
        assert rate.number_format == "#,##0.00"
        checked += 1
    assert checked >= 30


def test_by_force_csv_has_no_code_names(demo_con: duckdb.DuckDBPyConnection,
                                        demo_ctx: ExportContext,
                                        per_force: pd.DataFrame) -> None:
    """Without the page's settings the whole frame still gets words: no snake_case heading,
    no True/False, qualifiers as 'at least' or 'exact', no long decimals."""
    out = export_table(demo_con, per_force, demo_ctx, "by-force-table", "csv")
    rows = csv_rows(out.data)
    assert rows[0] == ["Force code", "Force", "Region", "Return received", "Figure", "Qualifier",
                       "Recorded vehicle offences (ONS)",
                       "Per 1,000 recorded vehicle offences (2 decimal places)", "As stated"]
    cells = [c for r in rows[1:] for c in r]
    assert "True" not in cells and "False" not in cells and "at_least" not in cells
    assert {r[5] for r in rows[1:]} <= {"exact", "at least", "about", "not recorded"}
    assert "at least" in {r[5] for r in rows[1:]}
    assert not any(re.fullmatch(r"-?\d+\.\d{3,}", c) for c in cells)


def test_csv_first_line_carries_marking_and_title(demo_con: duckdb.DuckDBPyConnection,
                                                  demo_ctx: ExportContext,
                                                  per_force: pd.DataFrame) -> None:
    """When asked for, the CSV's first line names the marking, the title and the version."""
    out = export_table(demo_con, per_force[COLUMNS], demo_ctx, "by-force-table", "csv",
                       screen=SCREEN, marking_line=True)
    first = out.data.decode("utf-8-sig").splitlines()[0]
    assert first == (f"# OFFICIAL-SENSITIVE; {TITLE}; data version {demo_ctx.version}; "
                     "illustrative demo data")


def test_by_force_chart_csv_in_words(demo_con: duckdb.DuckDBPyConnection,
                                     demo_ctx: ExportContext, per_force: pd.DataFrame) -> None:
    """The by-force chart's data reads Force, Arrests, Qualifier with 'at least' in words; its
    first row is the force with the most arrests, as the query gives it."""
    specs, _ = briefing_charts(demo_con, Filters(operation=OPERATION, as_at=AS_AT))
    spec = next(s for s in specs if s.name == "by-force")
    rows = csv_rows(export_chart(demo_con, spec, demo_ctx, "csv").data)
    assert rows[0] == ["Force", "Arrests", "Qualifier"]
    top = per_force.sort_values("value").iloc[-1]
    words = {"at_least": "at least", "exact": "exact"}
    assert rows[1] == [top["force_name"], f"{top['value']:.0f}", words[top["qualifier"]]]
    assert "at least" in {r[2] for r in rows[1:]}


def test_every_pack_chart_csv_is_readable(demo_con: duckdb.DuckDBPyConnection,
                                          demo_ctx: ExportContext) -> None:
    """Every chart's data file has headings in words and no code values or long decimals."""
    specs, _ = briefing_charts(demo_con, Filters(operation=OPERATION, as_at=AS_AT))
    assert len(specs) >= 5
    for spec in specs:
        rows = csv_rows(export_chart(demo_con, spec, demo_ctx, "csv").data)
        for heading in rows[0]:
            assert "_" not in heading and heading[:1].isupper(), (spec.name, heading)
        cells = {c for r in rows[1:] for c in r}
        assert not cells & {"True", "False", "at_least", "not_recorded"}, spec.name
        assert not any(re.fullmatch(r"-?\d+\.\d{3,}", c) for c in cells), spec.name


def test_share_shown_as_percentage(demo_con: duckdb.DuckDBPyConnection,
                                   demo_ctx: ExportContext) -> None:
    """A share held as 0.9946 is written 99.5 under 'Share spent (%, 1 decimal place)'."""
    specs, _ = briefing_charts(demo_con, Filters(operation=OPERATION, as_at=AS_AT))
    spec = next(s for s in specs if s.name.startswith("spend-against-allocation"))
    rows = csv_rows(export_chart(demo_con, spec, demo_ctx, "csv").data)
    assert rows[0] == ["Pillar", "Allocated (£)", "Spent (£)", "Share spent (%, 1 decimal place)"]
    for row in rows[1:]:
        if row[1] and row[2] and float(row[1]):
            assert float(row[3]) == round(float(row[2]) / float(row[1]) * 100, 1)


def test_undeclared_names_become_words(demo_ctx: ExportContext) -> None:
    """Code names nobody declared are turned into words, money gets (£), flags Yes and No."""
    frame = pd.DataFrame({"port_value_recovered_gbp": [1250.0, 30.5], "late_return": [True, False],
                          "mean_arrests": [1.23456, 2.0]})
    data = readable(frame, demo_ctx, what="ports-summary")
    assert list(data.frame.columns) == ["Value of vehicles recovered at ports (£)",
                                        "Late return", "Mean arrests (2 decimal places)"]
    assert list(data.frame.iloc[:, 1]) == ["Yes", "No"]
    assert list(data.frame.iloc[:, 2]) == [1.23, 2.0]
    assert data.title == "Ports summary, Operation Alliances 2025, as at 2 March 2026"
    assert "Mean arrests: rounded to 2 decimal places." in data.notes


def test_table_escaping_survives_readable_headings(demo_con: duckdb.DuckDBPyConnection,
                                                   demo_ctx: ExportContext) -> None:
    """Formula-like text and headings are still escaped once put into words."""
    frame = pd.DataFrame({"=cmd": ["=HYPERLINK(\"http://evil.example\")", "@SUM(A1)"]})
    rows = csv_rows(export_table(demo_con, frame, demo_ctx, "Notes", "csv").data)
    assert rows[0] == ["'=cmd"]
    assert [r[0] for r in rows[1:]] == ["'=HYPERLINK(\"http://evil.example\")", "'@SUM(A1)"]
    sheet = data_sheet(export_table(demo_con, frame, demo_ctx, "Notes", "xlsx").data)
    assert sheet[0][0] == "Notes, Operation Alliances 2025, as at 2 March 2026"
    assert sheet[HEADER_ROW + 1][0] == "'=HYPERLINK(\"http://evil.example\")"
