"""Return templates: README first, dropdowns, locked labels and the hidden layout marker."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from loaders.returns import layouts
from loaders.templates.build import Fill, build_template, write_template
from tests.golden.kit import ref, template, xlsx_bytes


def _reopen(kind: str, fill: Fill | None = None) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(xlsx_bytes(template(kind, fill))))


@pytest.mark.parametrize("kind", layouts.RETURN_KINDS)
def test_readme_is_the_first_sheet(kind: str) -> None:
    """Every template opens its sheet list with the README."""
    wb = _reopen(kind)
    assert wb.sheetnames[0] == layouts.README_SHEET
    text = " ".join(str(c.value) for c in wb[layouts.README_SHEET]["A"] if c.value)
    assert "OFFICIAL-SENSITIVE" in text and "Enter 0 if there were none" in text


@pytest.mark.parametrize("kind", layouts.RETURN_KINDS)
def test_readme_sheet_states_the_nothing_and_resubmission_rules(kind: str) -> None:
    """Every template's README sheet states the 'nothing' rule and the resubmission rule the
    loader applies, word for word (loaders.returns.cells and loaders.ingest.resubmission)."""
    from loaders.ingest.resubmission import RULE
    from loaders.returns.cells import NOTHING_RULE

    wb = _reopen(kind)
    lines = [str(c.value) for c in wb[layouts.README_SHEET]["A"] if c.value]
    assert set(NOTHING_RULE) <= set(lines) and RULE in lines
    assert "Sending a corrected file" in lines


def test_project_readme_states_the_same_rules() -> None:
    """The project README gives the same two rules, so a newcomer reads what forces read."""
    from pathlib import Path

    from loaders.ingest.resubmission import RULE
    from loaders.returns.cells import NOTHING_RULE

    readme = " ".join((Path(__file__).resolve().parents[2] / "README.md").read_text().split())
    for sentence in (*NOTHING_RULE, RULE):
        assert " ".join(sentence.split()) in readme, sentence


@pytest.mark.parametrize("kind", layouts.RETURN_KINDS)
def test_layout_marker_is_very_hidden(kind: str) -> None:
    """The version marker sits in A1 of a very hidden '_layout' sheet, the lists likewise hidden."""
    wb = _reopen(kind)
    marker = wb[layouts.LAYOUT_SHEET]
    assert marker.sheet_state == "veryHidden"
    assert marker["A1"].value == layouts.LAYOUTS[kind].version
    assert wb[layouts.LISTS_SHEET].sheet_state == "veryHidden"


def test_marker_records_the_operation() -> None:
    """A2 of the marker holds the operation the template was made for."""
    assert _reopen("force-return")[layouts.LAYOUT_SHEET]["A2"].value == "OA2025"


def test_force_template_has_dropdowns_for_header_and_qualifier() -> None:
    """Operation, force and qualifier cells carry list validations fed from the lists sheet."""
    ws = _reopen("force-return")["Return"]
    by_cell = {str(r): dv for dv in ws.data_validations.dataValidation for r in dv.sqref.ranges}
    assert by_cell["B4"].type == "list" and "_lists" in by_cell["B4"].formula1
    assert by_cell["B5"].type == "list"
    assert by_cell["B6"].type == "date"
    assert any(k.startswith("N10:") for k in by_cell)


def test_force_list_holds_official_names() -> None:
    """The force dropdown offers the official names from the reference data."""
    lists = _reopen("force-return")[layouts.LISTS_SHEET]
    header = [c.value for c in lists[1]]
    col = header.index("force") + 1
    names = {lists.cell(r, col).value for r in range(2, lists.max_row + 1)} - {None}
    assert names == {f["name"] for f in ref().forces.values()}


def test_labels_locked_and_inputs_unlocked() -> None:
    """The sheet is protected without a password; labels are locked and value cells are not."""
    ws = _reopen("force-return")["Return"]
    assert ws.protection.sheet and not ws.protection.password
    assert ws["A4"].value == "Operation" and ws["A4"].protection.locked
    assert not ws["B4"].protection.locked
    assert ws["B18"].protection.locked and not ws["M18"].protection.locked


def test_day_columns_are_dates_and_total_is_not_a_formula() -> None:
    """Day headers are real dates of the operation; no cell holds a formula."""
    ws = _reopen("force-return")["Return"]
    assert ws["E9"].value.date() == date(2025, 10, 13) and ws["K9"].value.date() == date(2025, 10, 19)
    assert ws["E9"].number_format == "ddd dd/mm/yyyy"
    assert [ws.cell(9, c).value for c in range(12, 16)] == ["After the week", "Total", "Qualifier", "Notes"]
    assert not any(isinstance(c.value, str) and c.value.startswith("=")
                   for row in ws.iter_rows() for c in row if c.data_type == "f")


def test_non_daily_measure_days_are_greyed_and_locked() -> None:
    """'Partner agencies' is reported as a total only: its day cells are grey and locked."""
    ws = _reopen("force-return")["Return"]
    row = next(r for r in range(10, 60) if ws.cell(r, 1).value == "partner_agencies")
    assert ws.cell(row, 5).fill.fgColor.rgb.endswith("BFBFBF") and ws.cell(row, 5).protection.locked
    assert not ws.cell(row, 13).protection.locked


def test_freeze_panes_below_header() -> None:
    """Scrolling keeps the header row and the measure names in view."""
    assert _reopen("force-return")["Return"].freeze_panes == "C10"


def test_ports_template_rows_and_detail_dropdowns() -> None:
    """One row per port, and Containers/Vehicles sheets with port, result, status and force lists."""
    wb = _reopen("ports-return")
    ws = wb["Ports"]
    assert [ws.cell(r, 1).value for r in range(9, 14)] == list(ref().ports.values())
    containers = {dv.formula1 for dv in wb["Containers"].data_validations.dataValidation}
    vehicles = {dv.formula1 for dv in wb["Vehicles"].data_validations.dataValidation}
    assert len([f for f in containers if f and "_lists" in f]) >= 2
    assert len([f for f in vehicles if f and "_lists" in f]) >= 3


def test_spend_template_has_pillar_category_operation_lists() -> None:
    """The Spend sheet offers pillars, categories and operation codes as dropdowns."""
    ws = _reopen("spend-return")["Spend"]
    lists = {str(dv.sqref).split(":")[0][0]: dv for dv in ws.data_validations.dataValidation
             if dv.type == "list" and str(dv.sqref)[0] in "BCE" and ":" in str(dv.sqref)}
    assert set(lists) == {"B", "C", "E"}


def test_write_template_saves_a_file(tmp_path) -> None:
    """write_template writes an .xlsx that opens with the main sheet active."""
    path = write_template(tmp_path / "t.xlsx", "spend-return", ref())
    assert openpyxl.load_workbook(path).active.title == "Spend"


def test_unknown_kind_is_refused() -> None:
    """Asking for a return kind that does not exist is a programming error."""
    with pytest.raises(ValueError):
        build_template("nonsense", ref())
