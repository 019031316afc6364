"""Bad inputs from SECURITY.md, one test each: the issue code and where it points."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook as XlWorkbook
from openpyxl.styles import PatternFill

from tests.golden.kit import (
    FORCE_EXPECTED,
    add_formula,
    errors,
    force_fill,
    issues,
    one,
    parse_bytes,
    parse_edited,
    template,
    value_set,
    xlsx_bytes,
)


def row_of(ws, code: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == code)


def force(edit) -> object:
    return parse_edited("force-return", lambda wb: edit(wb["Return"]))


def where(issue) -> tuple:
    return issue.sheet, issue.row, issue.column


# --- sheets (rows 1, 2) ---------------------------------------------------------------------

def test_renamed_main_sheet_is_refused_listing_sheets() -> None:
    """Row 1: with 'Return' renamed, the file is refused and the sheets present are listed."""
    pr = force(lambda ws: setattr(ws, "title", "Sheet1"))
    issue = one(pr, "sheet-missing")
    assert where(issue) == (None, None, None)
    assert "'Sheet1'" in issue.message and "'README'" in issue.value


def test_unrecognisable_workbook_is_refused() -> None:
    """Row 1: a workbook with no return sheet or headers is refused, listing its sheets."""
    wb = XlWorkbook()
    wb.active.title = "Notes"
    wb.active["A1"] = "Nothing to see"
    pr = parse_bytes(xlsx_bytes(wb))
    assert pr.kind is None and "'Notes'" in one(pr, "sheet-missing").message


def test_hidden_sheets_are_named_and_not_read() -> None:
    """Row 2: a hidden sheet is listed in a warning and its figures are not read."""
    def edit(wb):
        extra = wb.create_sheet("Old figures")
        extra.append(["arrests", 999])
        extra.sheet_state = "hidden"
    pr = parse_edited("force-return", edit)
    assert "Old figures" in one(pr, "hidden-sheets-ignored").message
    assert errors(pr) == [] and value_set(pr) == FORCE_EXPECTED


def test_hidden_main_sheet_is_not_read() -> None:
    """Row 2: the return's own sheet, hidden, is not read silently: the file is refused."""
    pr = force(lambda ws: setattr(ws, "sheet_state", "hidden"))
    assert one(pr, "sheet-missing") and "Return" in one(pr, "hidden-sheets-ignored").message


# --- headers (rows 3–6) -----------------------------------------------------------------------

def test_missing_required_column_names_it_and_the_header_row() -> None:
    """Row 3: no 'Total' header → refused naming the column and header row 9."""
    pr = force(lambda ws: setattr(ws["M9"], "value", None))
    issue = one(pr, "column-missing")
    assert where(issue) == ("Return", 9, None)
    assert "'Total'" in issue.message and "row 9" in issue.message


def test_unknown_columns_are_listed_and_ignored() -> None:
    """Row 4: an extra column is warned about by letter and header, and nothing else changes."""
    def edit(ws):
        ws["P9"], ws["P18"] = "Officer in charge", 55
    pr = force(edit)
    issue = one(pr, "columns-ignored")
    assert where(issue) == ("Return", 9, "P") and "Officer in charge" in issue.message
    assert errors(pr) == [] and value_set(pr) == FORCE_EXPECTED


def test_duplicate_headers_name_both_columns() -> None:
    """Row 5: two columns headed 'Total' → refused naming L and M."""
    pr = force(lambda ws: setattr(ws["L9"], "value", "Total"))
    issue = one(pr, "duplicate-column")
    assert where(issue) == ("Return", 9, "M") and "L and M" in issue.message


def _free_form() -> XlWorkbook:
    """A force's own layout: merged title rows, aliases for headers, text day headers."""
    wb = XlWorkbook()
    ws = wb.active
    ws.title = "Results"
    ws["A1"] = "Operation Alliances: South Yorkshire results"
    ws.merge_cells("A1:H1")
    ws.append(["Operation:", "OA2025"])
    ws.append(["Police force", "South Yorkshire Police"])
    ws.append(["As at", "27/10/2025"])
    ws.append([])
    ws.append(["Measure code", "Indicator", "Mon 13/10/2025", "Tue 14/10/2025", "After week",
               "Week total", "Accuracy", "Comments"])
    ws.append(["arrests", "Arrests", 10, 12, 5, None, None, None])
    ws.append(["", "Stolen vehicles recovered", None, None, None, 9, "Exact", None])
    ws.append(["value_recovered_gbp", "", None, None, None, "£250,000", "approximately", None])
    return wb


def test_header_found_below_title_rows_and_merged_cells() -> None:
    """Row 6: a header under merged title rows is found by its names, not its position."""
    pr = parse_bytes(xlsx_bytes(_free_form()))
    assert errors(pr) == [] and pr.kind == "force-return" and pr.layout_version is None
    got = {(r["measure"], r["day"]): (r["value"], r["qualifier"], r["row"], r["col"])
           for r in pr.values.to_dict("records")}
    assert got[("arrests", None)] == (Decimal(27), "exact", 7, "F")
    assert got[("arrests", date(2025, 10, 14))] == (Decimal(12), "exact", 7, "D")
    assert got[("value_recovered_gbp", None)][:2] == (Decimal(250000), "approximately")


def test_header_not_found_names_rows_searched_and_headers() -> None:
    """Row 6: no header in the first rows → refused naming the rows searched and the headers."""
    def edit(ws):
        for r in range(1, 41):
            for c in range(1, 16):
                ws.cell(r, c).value = "notes" if c == 1 else None
    issue = one(force(edit), "header-not-found")
    assert where(issue) == ("Return", None, None)
    assert "rows 1 to 30" in issue.message and "'Total'" in issue.message


# --- force names (rows 7, 21) ---------------------------------------------------------------

@pytest.mark.parametrize(("written", "code"), [
    ("south yorkshire police  ", "south-yorkshire"), ("SOUTH YORKSHIRE", "south-yorkshire"),
    ("South Yorkshire Police1", "south-yorkshire"), ("Devon & Cornwall", "devon-and-cornwall"),
])
def test_force_name_spellings_accepted(written: str, code: str) -> None:
    """Row 7: case, trailing spaces, footnote digits and '&' are accepted."""
    pr = force(lambda ws: setattr(ws["B5"], "value", written))
    assert pr.submitter == code and not issues(pr, "unknown-force")


def test_unknown_force_refused_with_suggestion() -> None:
    """Row 7: a misspelt force is refused at B5 with a 'did you mean', never corrected."""
    pr = force(lambda ws: setattr(ws["B5"], "value", "South Yorkshre Polise"))
    issue = one(pr, "unknown-force")
    assert where(issue) == ("Return", 5, "B") and "Did you mean 'South Yorkshire Police'" in issue.message
    assert pr.submitter is None


@pytest.mark.parametrize("written", ["South\u200b Yorkshire Police", "S\u043euth Yorkshire Police",
                                     "South Yorkshire\u202e Police"])
def test_control_characters_in_force_refused(written: str) -> None:
    """Row 21: zero-width, homoglyph and bidi characters in an identifier are refused at B5."""
    issue = one(force(lambda ws: setattr(ws["B5"], "value", written)), "bad-identifier")
    assert where(issue) == ("Return", 5, "B")


# --- numbers (rows 9–11) --------------------------------------------------------------------

def test_negative_and_fractional_counts_refused_naming_cells() -> None:
    """Rows 9: a negative and a fractional count are both reported, each at its cell."""
    def edit(ws):
        ws["E18"], ws["F18"] = -3, "2.5"
    found = {where(i) for i in issues(force(edit), "bad-number")}
    assert found == {("Return", 18, "E"), ("Return", 18, "F")}


@pytest.mark.parametrize(("code", "written", "value", "qualifier"), [
    ("warrants", "1 200", 1200, "exact"), ("warrants", "12.0", 12, "exact"),
    ("warrants", "more than 300", 301, "at_least"), ("warrants", "at least 300", 300, "at_least"),
    ("warrants", "about 2,000", 2000, "approximately"),
    ("value_recovered_gbp", "£1,200", 1200, "exact"),
])
def test_numbers_written_as_text(code: str, written: str, value: int, qualifier: str) -> None:
    """Row 10: numbers as text are read once, one way, keeping their qualifier."""
    def edit(ws):
        ws.cell(row_of(ws, code), 13).value = written
    pr = force(edit)
    row = pr.values[(pr.values["measure"] == code) & pr.values["day"].isna()].iloc[0]
    assert (row["value"], row["qualifier"]) == (Decimal(value), qualifier) and errors(pr) == []


def test_money_in_a_count_column_refused() -> None:
    """Row 10: '£1,200' as a number of warrants is refused at its cell."""
    pr = force(lambda ws: setattr(ws.cell(row_of(ws, "warrants"), 13), "value", "£1,200"))
    assert where(one(pr, "bad-number")) == ("Return", 21, "M")


def test_not_recorded_is_distinct_from_zero() -> None:
    """Row 11: 'N/A' is stored as not recorded (no value), and 0 stays 0."""
    def edit(ws):
        ws.cell(row_of(ws, "warrants"), 13).value = "N/A"
        ws.cell(row_of(ws, "charged"), 13).value = 0
    got = {r["measure"]: (r["value"], r["qualifier"]) for r in force(edit).values.to_dict("records")
           if r["day"] is None}
    assert got["warrants"] == (None, "not_recorded") and got["charged"] == (Decimal(0), "exact")


@pytest.mark.parametrize("written", [None, "n/k", "TBC", "..", "x", "?"])
def test_required_figure_blank_or_unknown_refused(written) -> None:
    """Row 11: a required figure left blank, 'n/k' or 'TBC' is refused at its Total cell,
    quoting what was typed."""
    pr = force(lambda ws: setattr(ws.cell(row_of(ws, "vehicles_recovered"), 13), "value", written))
    found = one(pr, "required-blank")
    assert where(found) == ("Return", 25, "M")
    assert found.value == written and (written is None or repr(written) in found.message)


@pytest.mark.parametrize("written", ["-", " - ", "-   ", "–", "nil"])
def test_required_figure_dash_is_zero(written) -> None:
    """Row 11: a dash or 'nil' in a required figure is 0, a statement, not a blank."""
    pr = force(lambda ws: setattr(ws.cell(row_of(ws, "vehicles_recovered"), 13), "value", written))
    got = pr.values[(pr.values["measure"] == "vehicles_recovered") & pr.values["day"].isna()]
    assert errors(pr) == [] and list(got["value"]) == [Decimal(0)]


@pytest.mark.parametrize("written", ["lots", -2, "2.5"])
def test_bad_required_figure_gets_one_message(written) -> None:
    """A required figure that is not a number gets one message, not also 'must be filled in'."""
    pr = force(lambda ws: setattr(ws.cell(row_of(ws, "vehicles_recovered"), 13), "value", written))
    assert [where(i) for i in pr.issues if i.severity == "error"] == [("Return", 25, "M")]
    assert issues(pr, "required-blank") == []


def test_not_recorded_total_beside_stated_days_is_added_up() -> None:
    """'TBC' in a Total whose days are filled in is a blank Total: the days are added up."""
    pr = force(lambda ws: setattr(ws.cell(row_of(ws, "premises_searched"), 13), "value", "TBC"))
    got = pr.values[(pr.values["measure"] == "premises_searched") & pr.values["day"].isna()]
    assert errors(pr) == [] and list(got["value"]) == [Decimal(14)]


def test_stated_total_must_match_its_days() -> None:
    """A stated Total that differs from days + 'After the week' is refused at the Total cell."""
    pr = force(lambda ws: setattr(ws["M18"], "value", 40))
    issue = one(pr, "total-mismatch")
    assert where(issue) == ("Return", 18, "M") and "32" in issue.message


def test_cell_qualifier_wins_over_row_and_at_least_spreads() -> None:
    """'more than 12' in a day cell keeps 'at least' despite the row's 'exact', and so does the sum."""
    def edit(ws):
        ws["F18"], ws["N18"] = "more than 12", "exact"
    got = {r["day"]: r["qualifier"] for r in force(edit).values.to_dict("records")
           if r["measure"] == "arrests"}
    assert got[date(2025, 10, 14)] == "at_least" and got[date(2025, 10, 13)] == "exact"
    assert got[None] == "at_least"


def test_unknown_qualifier_refused() -> None:
    """A Qualifier cell that is not one of the four words is refused at its cell."""
    pr = force(lambda ws: setattr(ws["N18"], "value", "roughly right"))
    assert where(one(pr, "bad-qualifier")) == ("Return", 18, "N")


# --- dates (row 13) -------------------------------------------------------------------------

def test_day_column_outside_operation_refused() -> None:
    """Row 13: a day column dated after the operation is refused at its header cell."""
    pr = force(lambda ws: setattr(ws["K9"], "value", datetime(2025, 10, 25)))
    assert where(one(pr, "day-outside-operation")) == ("Return", 9, "K")


def test_detail_date_outside_operation_refused() -> None:
    """Row 13: a recovery dated before the operation is refused at its cell."""
    pr = parse_edited("force-return", lambda wb: setattr(wb["Vehicles"]["A5"], "value",
                                                         date(2025, 1, 1)))
    assert where(one(pr, "date-out-of-range")) == ("Vehicles", 5, "A")


@pytest.mark.parametrize(("as_at", "code"), [(date(2025, 10, 1), "date-before-operation"),
                                             (date(2026, 6, 1), "date-in-future"),
                                             ("Oct 2025", "bad-date")])
def test_figures_as_at_checked(as_at, code: str) -> None:
    """'Figures as at' must be a full date within the operation's life so far."""
    pr = force(lambda ws: setattr(ws["B6"], "value", as_at))
    assert where(one(pr, code)) == ("Return", 6, "B")


def test_unknown_operation_refused() -> None:
    """An operation code not in the reference list is refused at B4 with suggestions."""
    issue = one(force(lambda ws: setattr(ws["B4"], "value", "OA2052")), "unknown-operation")
    assert where(issue) == ("Return", 4, "B") and "OA2025" in issue.message


# --- rows (rows 14–17) ----------------------------------------------------------------------

def _ports_total(values: list) -> object:
    def edit(wb):
        ws = wb["Ports"]
        ws.cell(14, 1).value = "Total"
        for col, value in enumerate(values, start=2):
            ws.cell(14, col).value = value
    return parse_edited("ports-return", edit)


def test_totals_row_checked_and_not_added() -> None:
    """Row 14: a right totals row is recognised and not added to the figures."""
    pr = _ports_total([40, 12, 2, 120, 6, 260000])
    assert where(one(pr, "totals-row")) == ("Ports", 14, None)
    assert errors(pr) == [] and pr.values["value"].sum() == Decimal(40 + 12 + 2 + 5 + 230000 + 120 + 1 + 30000)


def test_wrong_totals_row_refused_at_its_cell() -> None:
    """Row 14: a totals row that does not add up is refused at the cell that is wrong."""
    issue = one(_ports_total([41, 12, 2, 120, 6, 260000]), "totals-mismatch")
    assert where(issue) == ("Ports", 14, "B") and "40" in issue.message


def test_spend_total_row_checked() -> None:
    """Row 14: a 'Total' spend line is compared with the lines above, not added."""
    def edit(wb):
        wb["Spend"]["F13"], wb["Spend"]["G13"] = "Total", 99
    pr = parse_edited("spend-return", edit)
    assert where(one(pr, "totals-mismatch")) == ("Spend", 13, "G")
    assert len(pr.details["spend_line"]) == 2


def test_hidden_rows_are_named() -> None:
    """Row 15: a hidden row is read and named in a warning."""
    pr = force(lambda ws: setattr(ws.row_dimensions[18], "hidden", True))
    assert where(one(pr, "hidden-rows")) == ("Return", 18, None)
    assert value_set(pr) == FORCE_EXPECTED


def test_blank_rows_mid_table_and_formatted_rows_at_end() -> None:
    """Row 16: blank rows between measures and styled empty rows below do not stop reading."""
    def edit(ws):
        ws.insert_rows(15, 3)
        for r in range(60, 90):
            ws.cell(r, 13).fill = PatternFill("solid", fgColor="FFFF00")
    pr = force(edit)
    assert errors(pr) == [] and value_set(pr) == FORCE_EXPECTED


def test_same_measure_twice_names_both_rows() -> None:
    """Row 17: the same measure on two rows is refused naming both."""
    def edit(ws):
        ws["A19"], ws["B19"], ws["M19"] = "arrests", "Arrests", 4
    issue = one(force(edit), "duplicate-row")
    assert where(issue) == ("Return", 19, "A") and "rows 18 and 19" in issue.message


def test_unknown_measure_refused_with_suggestion() -> None:
    """A measure label that is not in the reference list is refused with suggestions."""
    def edit(ws):
        ws["A19"], ws["B19"], ws["M19"] = None, "Arests", 4
    issue = one(force(edit), "unknown-measure")
    assert where(issue) == ("Return", 19, "A") and "'Arrests'" in issue.message


# --- formulas and free text (rows 18, 22) ---------------------------------------------------

def test_formulas_with_saved_results_accepted_with_a_note() -> None:
    """Row 18: a formula with its saved result is read by value, with a warning."""
    wb = template("force-return", force_fill())
    wb["Return"]["M18"] = 32
    data = add_formula(xlsx_bytes(wb), "xl/worksheets/sheet2.xml", "M18", "SUM(E18:L18)")
    pr = parse_bytes(data)
    assert where(one(pr, "formulas-present")) == ("Return", None, None)
    assert errors(pr) == [] and value_set(pr) == FORCE_EXPECTED


@pytest.mark.parametrize("text", ["=1+2", "+44 7700 900123", "-ve result", "@home"])
def test_formula_like_text_stored_unchanged(text: str) -> None:
    """Row 22: notes starting with = + - @ are stored as the same text."""
    def edit(ws):
        ws["O18"] = text
        ws["O18"].data_type = "s"      # typed as text, as Excel stores a leading apostrophe
    pr = force(edit)
    notes = pr.values[(pr.values["measure"] == "arrests") & pr.values["day"].isna()]["note"]
    assert notes.tolist() == [text] and errors(pr) == []
