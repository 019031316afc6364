"""Ports and spend returns: ports, details and header fields checked, each issue located."""

from __future__ import annotations

import pytest

from loaders.returns import layouts
from tests.golden.kit import errors, one, parse_edited, template


def where(issue) -> tuple:
    return issue.sheet, issue.row, issue.column


def ports(edit):
    return parse_edited("ports-return", edit)


def spend(edit):
    return parse_edited("spend-return", edit)


def test_unknown_port_refused_with_suggestion() -> None:
    """A misspelt port is refused at its cell with a 'did you mean'."""
    pr = ports(lambda wb: setattr(wb["Ports"]["A9"], "value", "Port of Felixstow"))
    issue = one(pr, "unknown-port")
    assert where(issue) == ("Ports", 9, "A") and "Port of Felixstowe" in issue.message


def test_same_port_twice_names_both_rows() -> None:
    """Row 17: a port on two rows is refused naming both."""
    pr = ports(lambda wb: setattr(wb["Ports"]["A13"], "value", "Felixstowe"))
    issue = one(pr, "duplicate-row")
    assert where(issue) == ("Ports", 13, "A") and "rows 9 and 13" in issue.message


def test_required_port_figure_blank() -> None:
    """A port with figures must state every required measure (0 if none)."""
    pr = ports(lambda wb: setattr(wb["Ports"]["C9"], "value", None))
    assert where(one(pr, "required-blank")) == ("Ports", 9, "C")


@pytest.mark.parametrize(("cell", "value", "code"), [
    ("G5", "Maybe", "bad-choice"), ("H5", "Kent Police Force HQ", "unknown-force"),
    ("A5", "31/02/2026", "bad-date"),
])
def test_vehicle_detail_cells_checked(cell: str, value: str, code: str) -> None:
    """Status, origin force and date on the Vehicles sheet are checked at their cells."""
    pr = ports(lambda wb: setattr(wb["Vehicles"][cell], "value", value))
    assert where(one(pr, code)) == ("Vehicles", 5, cell[0])


def test_container_result_checked() -> None:
    """A container result outside Positive/Negative is refused at its cell."""
    pr = ports(lambda wb: setattr(wb["Containers"]["E5"], "value", "Pending"))
    assert where(one(pr, "bad-choice")) == ("Containers", 5, "E")


def test_detail_required_cell_blank() -> None:
    """A detail row without its required status is refused at that cell."""
    pr = ports(lambda wb: setattr(wb["Vehicles"]["G5"], "value", None))
    assert where(one(pr, "required-blank")) == ("Vehicles", 5, "G")


@pytest.mark.parametrize(("cell", "value", "code"), [
    ("B11", "P9", "bad-choice"), ("E11", "Biscuits", "bad-choice"),
    ("G11", "-£5", "bad-number"), ("C11", "OP2025", "unknown-operation"),
    ("A11", "01/01/2025", "date-out-of-range"),
])
def test_spend_line_cells_checked(cell: str, value: str, code: str) -> None:
    """Pillar, category, amount, operation and date of a spend line are checked at their cells."""
    pr = spend(lambda wb: setattr(wb["Spend"][cell], "value", value))
    assert where(one(pr, code)) == ("Spend", 11, cell[0])


def test_pillar_by_name_accepted() -> None:
    """A pillar written by its name is read as its code."""
    pr = spend(lambda wb: setattr(wb["Spend"]["B11"], "value", "preventing vehicle crime"))
    assert errors(pr) == [] and pr.details["spend_line"]["pillar"].tolist() == ["P1", "P1"]


@pytest.mark.parametrize(("cell", "value", "code"), [
    ("B4", "G7", "unknown-grant"), ("B6", "2025", "bad-period"), ("B6", "2025-27", "bad-period"),
])
def test_spend_header_fields_checked(cell: str, value: str, code: str) -> None:
    """Grant and financial year are checked at their cells."""
    pr = spend(lambda wb: setattr(wb["Spend"][cell], "value", value))
    assert where(one(pr, code)) == ("Spend", int(cell[1:]), "B")


def test_recipient_other_than_a_force() -> None:
    """A recipient that is not a force is kept as a short code."""
    pr = spend(lambda wb: setattr(wb["Spend"]["B5"], "value", "NaVCIS"))
    assert pr.submitter == "navcis" and errors(pr) == []


@pytest.mark.parametrize("kind", layouts.RETURN_KINDS)
def test_template_headers_are_the_layout_headers(kind: str) -> None:
    """Every table in a template is headed exactly by its layout's column headers, in order."""
    wb = template(kind, None)
    for table in layouts.LAYOUTS[kind].tables:
        ws = wb[table.sheet]
        row = next(r for r in ws.iter_rows(max_row=30, values_only=True)
                   if table.columns[0].header in r and table.columns[-1].header in r)
        written = [v for v in row if isinstance(v, str)]
        assert written == [c.header for c in table.columns]
