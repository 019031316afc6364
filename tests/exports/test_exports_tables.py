"""Tables exported as CSV and XLSX cannot run formulas, and carry the marking where asked."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import duckdb
import openpyxl
import pandas as pd
import pytest
from conftest import export_rows

from exports.context import ExportContext
from exports.downloads import export_table
from exports.tables import HEADER_ROW, csv_bytes, escape_cell, xlsx_bytes

NASTY = ['=HYPERLINK("http://evil.example","click")', "+1", "-2+3", "@SUM(A1)", "\tTab",
         "\rCR", "\nLF", "plain"]


def nasty_frame() -> pd.DataFrame:
    return pd.DataFrame({"note": NASTY, "value": [-2, 3, -4.5, 0, 1, 2, 3, 4]})


def sheet_xml(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist()
                if n.startswith("xl/worksheets/")}


def test_xlsx_has_no_formula_elements(demo_ctx: ExportContext) -> None:
    """Text like '=HYPERLINK(…)' is stored as a string: no <f> element in any sheet."""
    data = xlsx_bytes(nasty_frame(), demo_ctx, title="Injection")
    sheets = sheet_xml(data)
    assert sheets and not any(re.search(r"<f[ >]", xml) for xml in sheets.values())


def test_xlsx_text_reads_back_escaped_and_numbers_stay_numbers(demo_ctx: ExportContext) -> None:
    """Each dangerous text gets a leading apostrophe; -2 and -4.5 are numeric cells."""
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(nasty_frame(), demo_ctx, title="T")))
    rows = list(book["Data"].iter_rows(min_row=HEADER_ROW + 2, values_only=True))
    # The file stores CR as the escape _x000D_ (as Excel does); openpyxl does not decode it.
    assert [r[0].replace("_x000D_", "\r") for r in rows[:7]] == ["'" + t for t in NASTY[:7]]
    assert rows[7][0] == "plain"
    assert rows[0][1] == -2 and rows[2][1] == -4.5


def test_csv_is_inert(demo_ctx: ExportContext) -> None:
    """Every dangerous CSV field starts with an apostrophe inside quotes; numbers stay bare."""
    text = csv_bytes(nasty_frame(), demo_ctx).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [r[0] for r in rows[1:8]] == ["'" + t for t in NASTY[:7]]
    assert '"\'=HYPERLINK(' in text
    assert "\r\n\"'-2+3\",-4.5" in text


def test_escape_leaves_numbers_alone() -> None:
    """Only text is escaped: a negative number is returned unchanged."""
    assert escape_cell(-2) == -2 and escape_cell(-2.5) == -2.5 and escape_cell("-2") == "'-2"


def test_csv_marking_line_only_when_chosen(demo_ctx: ExportContext) -> None:
    """The commented first line appears only on request and names marking and version."""
    plain = csv_bytes(nasty_frame(), demo_ctx).decode("utf-8-sig")
    marked = csv_bytes(nasty_frame(), demo_ctx, marking_line=True).decode("utf-8-sig")
    assert not plain.startswith("#")
    first = marked.splitlines()[0]
    assert first.startswith("# OFFICIAL-SENSITIVE") and f"data version {demo_ctx.version}" in first
    assert marked.splitlines()[1] == '"note","value"'


def test_xlsx_cover_sheet_and_header_footer(demo_ctx: ExportContext) -> None:
    """The About sheet states title, operation, as at, version, marking, source and demo status;
    every sheet prints the marking in its header and footer."""
    data = xlsx_bytes(nasty_frame(), demo_ctx, title="Arrests by force")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[0] == "About"
    about = {r[0]: r[1] for r in book["About"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert about["Title"] == "Arrests by force"
    assert about["Operation"] == "Operation Alliances 2025"
    assert about["Figures as at"] == "2 March 2026"
    assert about["Data version"] == str(demo_ctx.version)
    assert about["Protective marking"] == "OFFICIAL-SENSITIVE"
    assert about["Source"].startswith("Source:")
    assert "Illustrative" in about
    for xml in sheet_xml(data).values():
        assert re.search(r"<oddHeader>[^<]*OFFICIAL-SENSITIVE", xml)
        assert re.search(r"<oddFooter>[^<]*OFFICIAL-SENSITIVE", xml)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_table_export_writes_audit_row(demo_con: duckdb.DuckDBPyConnection,
                                       demo_ctx: ExportContext, fmt: str) -> None:
    """One audit row per table export: who, what, format, file name, filters, marking, version."""
    before = len(export_rows(demo_con))
    out = export_table(demo_con, nasty_frame(), demo_ctx, "Injection test", fmt)
    rows = export_rows(demo_con)
    assert len(rows) == before + 1
    who, detail, marking, version = rows[-1]
    detail = json.loads(detail)
    assert (who, marking, version) == ("tester", "OFFICIAL-SENSITIVE", demo_ctx.version)
    assert detail["what"] == "table" and detail["format"] == fmt
    assert detail["file_name"] == out.file_name and detail["as_at"] == "2026-03-02"
    assert detail["filters"]["operation"] == "OA2025"
    assert out.file_name == f"OA2025_injection-test_as-at-2026-03-02_v{demo_ctx.version}.{fmt}"
