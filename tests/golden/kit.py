"""Golden returns made at test time, with the figures each must read back as.

Cell positions follow the templates: force return header row 9 (measures from row 10, days in
E:K for OA2025, L 'After the week', M 'Total', N 'Qualifier', O 'Notes'); ports return header
row 8 (ports from row 9); spend return header row 10; detail sheets header row 4.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from openpyxl import Workbook as XlWorkbook

from loaders.reference.snapshot import Reference
from loaders.returns.issues import Issue
from loaders.returns.parse import parse_return
from loaders.returns.records import ParsedReturn
from loaders.safety.workbook import read_workbook
from loaders.templates.build import Fill, MeasureFill, build_template

TODAY = date(2026, 3, 1)
OA = date(2025, 10, 13)          # first day of OA2025


@lru_cache(maxsize=1)
def ref() -> Reference:
    return Reference.from_files()


def force_fill() -> Fill:
    """South Yorkshire's OA2025 return (DOMAIN.md), with days, text figures and a note."""
    return Fill(
        data_as_of=date(2025, 10, 27), contact="Vehicle crime desk, vc@example.police.uk",
        values={
            "arrests": MeasureFill(days={OA: 10, date(2025, 10, 14): 12, date(2025, 10, 15): 5},
                                   after_week=5),
            "warrants": MeasureFill(total=7),
            "premises_searched": MeasureFill(days={OA: 6, date(2025, 10, 16): 8}, total=14),
            "vehicles_recovered": MeasureFill(total=9, qualifier="exact"),
            "value_recovered_gbp": MeasureFill(total="about £250,000"),
            "scrapyard_visits": MeasureFill(total=33),
            "faraday_pouches": MeasureFill(total=400),
            "people_engaged": MeasureFill(total="more than 900", note="Town centre stands"),
            "partner_agencies": MeasureFill(total=4, note="=NaVCIS, Opal, DVLA, council"),
        },
        details={"vehicle": [
            {"recovered_on": date(2025, 10, 14), "vehicle_type": "Car", "make": "Toyota",
             "model": "RAV4", "status": "Suspected stolen", "value_gbp": 28000},
            {"recovered_on": date(2025, 10, 16), "vehicle_type": "Van", "make": "Ford",
             "model": "Transit", "status": "Confirmed stolen", "value_gbp": "£32,500",
             "note": "+ trailer"},
        ]},
    )


# (measure, day, value, qualifier, note) the force fill must read back as.
FORCE_EXPECTED = {
    ("arrests", None, Decimal(32), "exact", None),
    ("arrests", OA, Decimal(10), "exact", None),
    ("arrests", date(2025, 10, 14), Decimal(12), "exact", None),
    ("arrests", date(2025, 10, 15), Decimal(5), "exact", None),
    ("warrants", None, Decimal(7), "exact", None),
    ("premises_searched", None, Decimal(14), "exact", None),
    ("premises_searched", OA, Decimal(6), "exact", None),
    ("premises_searched", date(2025, 10, 16), Decimal(8), "exact", None),
    ("vehicles_recovered", None, Decimal(9), "exact", None),
    ("value_recovered_gbp", None, Decimal(250000), "approximately", None),
    ("scrapyard_visits", None, Decimal(33), "exact", None),
    ("faraday_pouches", None, Decimal(400), "exact", None),
    # 'more than 900' leaves 900 out: at least 901 (issue 9).
    ("people_engaged", None, Decimal(901), "at_least", "Town centre stands"),
    ("partner_agencies", None, Decimal(4), "exact", "=NaVCIS, Opal, DVLA, council"),
}


def ports_fill() -> Fill:
    return Fill(
        data_as_of=date(2026, 1, 15), contact="NaVCIS ports desk",
        ports={
            "felixstowe": {"containers_profiled": 40, "containers_examined": 12,
                           "containers_positive": 2, "port_vehicles_recovered": 5,
                           "port_value_recovered_gbp": "£230,000", "qualifier": "approximately",
                           "notes": "Two containers bound for the Gulf"},
            "dover": {"containers_profiled": 0, "containers_examined": 0,
                      "containers_positive": 0, "roro_checks": 120,
                      "port_vehicles_recovered": 1, "port_value_recovered_gbp": 30000},
        },
        details={
            "container": [{"container_ref": "MSCU1234567", "port": "felixstowe",
                           "examined_on": date(2025, 11, 10), "destination": "UAE",
                           "result": "Positive", "vehicles_found": 3, "value_gbp": 150000}],
            "vehicle": [{"recovered_on": date(2025, 11, 10), "port": "felixstowe",
                         "container_ref": "MSCU1234567", "make": "Toyota", "model": "Land Cruiser",
                         "status": "Confirmed stolen", "origin_force": "essex",
                         "value_gbp": 50000}],
        },
    )


def spend_fill() -> Fill:
    return Fill(
        data_as_of=date(2026, 1, 31), grant_ref="G2", recipient="south-yorkshire",
        period="2025-26", contact="Finance, fin@example.police.uk",
        details={"spend_line": [
            {"spent_on": date(2025, 10, 14), "pillar": "P2", "operation": "OA2025",
             "category": "Overtime", "description": "Week of action overtime",
             "amount_gbp": 12500.5},
            {"spent_on": date(2025, 11, 6), "pillar": "P1", "category": "Prevention products",
             "description": "@ Faraday pouches", "amount_gbp": "£2,000"},
        ]},
    )


def template(kind: str, fill: Fill | None, **kw: Any) -> XlWorkbook:
    defaults = {"force-return": {"operation": "OA2025", "submitter": "south-yorkshire"},
                "ports-return": {"operation": "NPO2025"}, "spend-return": {}}[kind]
    return build_template(kind, ref(), fill=fill, **{**defaults, **kw})


def xlsx_bytes(wb: XlWorkbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def parse_bytes(data: bytes, name: str = "return.xlsx", fmt: str = "xlsx") -> ParsedReturn:
    return parse_return(read_workbook(data, name, fmt), ref(), today=TODAY)


def parse_edited(kind: str, edit: Callable[[XlWorkbook], None] | None = None,
                 fill: Fill | None = None) -> ParsedReturn:
    """Build a filled template, let ``edit`` change it as a person might, read it back."""
    fills = {"force-return": force_fill, "ports-return": ports_fill, "spend-return": spend_fill}
    wb = template(kind, fill or fills[kind]())
    if edit:
        edit(wb)
    return parse_bytes(xlsx_bytes(wb))


def issues(pr: ParsedReturn, code: str) -> list[Issue]:
    return [i for i in pr.issues if i.code == code]


def one(pr: ParsedReturn, code: str) -> Issue:
    found = issues(pr, code)
    assert len(found) == 1, (code, pr.issues)
    return found[0]


def errors(pr: ParsedReturn) -> list[Issue]:
    return [i for i in pr.issues if i.severity == "error"]


def value_set(pr: ParsedReturn) -> set[tuple[Any, ...]]:
    """The values as (measure, day, value, qualifier, note), missing notes as None."""
    out = set()
    for rec in pr.values.to_dict("records"):
        note = rec["note"] if isinstance(rec["note"], str) else None
        out.add((rec["measure"], rec["day"], rec["value"], rec["qualifier"], note))
    return out


def add_formula(data: bytes, sheet_xml: str, ref_: str, formula: str) -> bytes:
    """Give an existing numeric cell a formula, keeping its saved value (as Excel would)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == sheet_xml:
                pattern = re.compile(rb'(<c r="' + ref_.encode() + rb'"[^>]*>)(<v>)')
                body, count = pattern.subn(rb"\1<f>" + formula.encode() + rb"</f>\2", body)
                assert count == 1, "cell not found"
            dst.writestr(item, body)
    return out.getvalue()
