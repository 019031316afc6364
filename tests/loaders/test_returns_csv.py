"""Long-form CSV force returns, reader issues carried through, and a real messy workbook."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from loaders.returns import layouts
from loaders.returns.parse import parse_return
from loaders.returns.tables import Context, find_header
from loaders.safety.workbook import read_workbook
from tests.golden.kit import TODAY, errors, one, parse_bytes, ref

HEADER = "Operation,Force,Figures as at,Measure,Day,Value,Qualifier,Notes\n"
LINES = [
    "OA2025,South Yorkshire Police,27/10/2025,arrests,13/10/2025,10,,",
    "OA2025,South Yorkshire Police,27/10/2025,arrests,14/10/2025,more than 12,,",
    "OA2025,South Yorkshire Police,27/10/2025,Stolen vehicles recovered,Total,9,exact,",
    "OA2025,South Yorkshire Police,27/10/2025,value_recovered_gbp,,\"£250,000\",approximately,=estimate",
]
ONS = Path(__file__).resolve().parents[1] / "golden" / "ons_pfa_tables_ye_dec2019.xlsx"


def parse_csv(lines: list[str]):
    return parse_bytes((HEADER + "\n".join(lines) + "\n").encode(), "return.csv", "csv")


def test_long_form_csv_round_trip() -> None:
    """A long-form CSV gives totals (stated or worked out) and day figures with qualifiers."""
    pr = parse_csv(LINES)
    assert errors(pr) == [] and (pr.kind, pr.operation, pr.submitter) == (
        "force-return", "OA2025", "south-yorkshire")
    assert pr.data_as_of == date(2025, 10, 27)
    got = {(r["measure"], r["day"]): (r["value"], r["qualifier"], r["row"], r["col"])
           for r in pr.values.to_dict("records")}
    # 'more than 12' leaves 12 out: at least 13, so the worked-out total is at least 23.
    assert got[("arrests", None)][:2] == (Decimal(23), "at_least")
    assert got[("arrests", date(2025, 10, 14))] == (Decimal(13), "at_least", 3, "F")
    assert got[("vehicles_recovered", None)] == (Decimal(9), "exact", 4, "F")
    assert got[("value_recovered_gbp", None)][:2] == (Decimal(250000), "approximately")


def test_long_form_duplicate_lines_name_both() -> None:
    """Row 17: the same measure and day on two lines is refused naming both lines."""
    issue = one(parse_csv([*LINES, LINES[0]]), "duplicate-row")
    assert (issue.sheet, issue.row, issue.column) == ("(csv)", 6, "F")
    assert "lines 2 and 6" in issue.message


def test_long_form_mixed_forces_refused() -> None:
    """A CSV naming two forces is refused at the line that differs."""
    issue = one(parse_csv([*LINES, LINES[0].replace("South Yorkshire", "Essex")
                           .replace("13/10", "15/10")]), "mixed-return")
    assert (issue.sheet, issue.row, issue.column) == ("(csv)", 6, "B")


def test_long_form_day_outside_operation() -> None:
    """Row 13: a line dated after the operation is refused at its Day cell."""
    issue = one(parse_csv([LINES[0].replace("13/10/2025", "25/10/2025")]), "date-out-of-range")
    assert (issue.sheet, issue.row, issue.column) == ("(csv)", 2, "E")


def test_reader_issues_are_carried_through() -> None:
    """Issues found while reading the file (here a ragged CSV line) stay in the result."""
    data = (HEADER + "\n".join([*LINES, "OA2025,x,1,warrants,,7,,,,extra"]) + "\n").encode()
    reader_issues = read_workbook(data, "return.csv", "csv").issues
    pr = parse_bytes(data, "return.csv", "csv")
    assert reader_issues and set(reader_issues) <= set(pr.issues)


def test_real_ons_workbook_does_not_crash_the_header_finder() -> None:
    """A real published workbook (notes sheets, merged titles, footnotes) is refused cleanly."""
    wb = read_workbook(ONS.read_bytes(), ONS.name, "xlsx")
    pr = parse_return(wb, ref(), today=TODAY)
    assert pr.kind is None and one(pr, "sheet-missing").value
    ctx = Context(wb, ref(), TODAY)
    for sheet in wb.sheets.values():
        for layout in layouts.LAYOUTS.values():
            for table in layout.tables:
                find_header(sheet, table, ctx)
    assert {i.code for i in ctx.issues} <= {"header-not-found", "column-missing",
                                            "duplicate-column"}


def test_long_form_bad_required_value_gets_one_message() -> None:
    """A required figure that is not a number gets 'not a number' only, not also 'must be
    filled in' (one cell, one message)."""
    lines = [*LINES[:2], LINES[2].replace(",9,", ",lots,"), LINES[3]]
    pr = parse_csv(lines)
    assert [(i.code, i.row, i.column) for i in pr.issues if i.severity == "error"] == [
        ("bad-number", 4, "F")]


def test_long_form_accounting_zero_and_tbc() -> None:
    """In a long-form CSV a " - " value is 0; 'TBC' for a required figure is refused quoting it."""
    zero = parse_csv([*LINES[:2], LINES[2].replace(",9,", ", - ,"), LINES[3]])
    got = {(r["measure"], r["day"]): r["value"] for r in zero.values.to_dict("records")}
    assert errors(zero) == [] and got[("vehicles_recovered", None)] == 0
    tbc = parse_csv([*LINES[:2], LINES[2].replace(",9,", ",TBC,"), LINES[3]])
    found = one(tbc, "required-blank")
    assert found.value == "TBC" and "'TBC' means not recorded" in found.message
