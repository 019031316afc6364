"""Round trips: a filled template, saved and read back, gives exactly the figures put in."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from loaders.returns.records import VALUE_COLUMNS
from loaders.templates.build import Fill, MeasureFill
from tests.golden.kit import (
    FORCE_EXPECTED,
    errors,
    force_fill,
    parse_bytes,
    parse_edited,
    ports_fill,
    spend_fill,
    template,
    value_set,
    xlsx_bytes,
)


def test_force_return_round_trip() -> None:
    """Every filled figure comes back with its day, qualifier and note, and nothing else."""
    pr = parse_edited("force-return")
    assert errors(pr) == []
    assert value_set(pr) == FORCE_EXPECTED
    assert list(pr.values.columns) == list(VALUE_COLUMNS)


def test_force_return_header_fields() -> None:
    """Operation, force code, 'Figures as at', contact and layout version are read."""
    pr = parse_edited("force-return")
    assert (pr.kind, pr.layout_version, pr.operation, pr.submitter) == (
        "force-return", "force-return/1", "OA2025", "south-yorkshire")
    assert pr.data_as_of == date(2025, 10, 27) and pr.contact.startswith("Vehicle crime desk")
    assert pr.return_key == "OA2025:south-yorkshire:force-return"


def test_force_return_locations() -> None:
    """Each value names the cell it came from; a worked-out total points at the Total cell."""
    rows = {(r["measure"], r["day"]): (r["sheet"], r["row"], r["col"])
            for r in parse_edited("force-return").values.to_dict("records")}
    assert rows[("arrests", date(2025, 10, 14))] == ("Return", 18, "F")
    assert rows[("arrests", None)] == ("Return", 18, "M")


def test_force_return_vehicles_detail() -> None:
    """The Vehicles sheet becomes details['vehicle'] with the store's columns."""
    frame = parse_edited("force-return").details["vehicle"]
    records = frame.to_dict("records")
    assert [r["status"] for r in records] == ["suspected stolen", "confirmed stolen"]
    assert [r["value_gbp"] for r in records] == [Decimal(28000), Decimal(32500)]
    assert records[1]["note"] == "+ trailer" and records[1]["row"] == 6


def test_ports_return_round_trip() -> None:
    """Per-port figures come back with the port set, day None, and the row qualifier applied."""
    pr = parse_edited("ports-return")
    assert errors(pr) == []
    got = {(r["port"], r["measure"]): (r["value"], r["qualifier"])
           for r in pr.values.to_dict("records")}
    expected = {}
    for port, cells in ports_fill().ports.items():
        qualifier = cells.get("qualifier", "exact")
        for key, value in cells.items():
            if key not in ("qualifier", "notes"):
                number = Decimal(str(value).replace("£", "").replace(",", ""))
                expected[(port, key)] = (number, qualifier)
    assert got == expected
    assert pr.submitter == "navcis" and pr.operation == "NPO2025"
    assert set(pr.values["day"].tolist()) == {None}


def test_ports_return_details() -> None:
    """Containers and Vehicles sheets become details with codes for port and origin force."""
    pr = parse_edited("ports-return")
    container = pr.details["container"].to_dict("records")[0]
    vehicle = pr.details["vehicle"].to_dict("records")[0]
    assert (container["container_ref"], container["port"], container["result"],
            container["vehicles_found"]) == ("MSCU1234567", "felixstowe", "positive", 3)
    assert (vehicle["origin_force"], vehicle["status"], vehicle["port"]) == (
        "essex", "confirmed stolen", "felixstowe")


def test_spend_return_round_trip() -> None:
    """Spend lines come back with pillar codes, categories and amounts; text kept as written."""
    pr = parse_edited("spend-return")
    assert errors(pr) == []
    assert (pr.grant_ref, pr.submitter, pr.period) == ("G2", "south-yorkshire", "2025-26")
    lines = pr.details["spend_line"].to_dict("records")
    assert [(r["pillar"], r["category"], r["amount_gbp"]) for r in lines] == [
        ("P2", "Overtime", Decimal("12500.5")), ("P1", "Prevention products", Decimal(2000))]
    assert lines[0]["operation"] == "OA2025" and lines[1]["description"] == "@ Faraday pouches"
    assert pr.values.empty


def test_blank_template_reads_as_missing_figures_only() -> None:
    """An unfilled template is refused only for its blank required fields and figures."""
    pr = parse_bytes(xlsx_bytes(template("force-return", None)))
    codes = {i.code for i in errors(pr)}
    assert codes == {"field-missing", "required-blank"}


def test_fill_is_not_shared_between_templates() -> None:
    """Building one filled template leaves the Fill unchanged for the next."""
    fill = force_fill()
    template("force-return", fill)
    assert fill.values["arrests"].after_week == 5 and spend_fill().period == "2025-26"


def test_long_operation_reports_totals_only() -> None:
    """A months-long operation gets no day columns; its totals still round-trip."""
    fill = Fill(data_as_of=date(2026, 2, 1), values={
        "arrests": MeasureFill(total=12), "vehicles_recovered": MeasureFill(total=3),
        "value_recovered_gbp": MeasureFill(total="£45,000")})
    wb = template("force-return", fill, operation="LOC2025")
    assert wb["Return"]["E9"].value == "After the week"
    pr = parse_bytes(xlsx_bytes(wb))
    assert errors(pr) == [] and value_set(pr) == {
        ("arrests", None, Decimal(12), "exact", None),
        ("vehicles_recovered", None, Decimal(3), "exact", None),
        ("value_recovered_gbp", None, Decimal(45000), "exact", None)}
