"""Real return files for the ingest tests, made from the product's own templates."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from loaders.reference.snapshot import Reference
from loaders.templates.build import Fill, MeasureFill, write_template

FIGURES = {"arrests": 32, "vehicles_recovered": 9, "value_recovered_gbp": 120000, "warrants": 7}


def force_return(path: Path, ref: Reference, figures: dict[str, Any] | None = None, *,
                 force: str = "south-yorkshire", operation: str = "OA2025",
                 as_of: date = date(2025, 10, 27), contact: str | None = None) -> Path:
    """A force return made from the template, with each figure given as its total."""
    figures = FIGURES if figures is None else figures
    fill = Fill(data_as_of=as_of, operation=operation, force=force, contact=contact,
                values={code: MeasureFill(total=value) for code, value in figures.items()})
    return write_template(path, "force-return", ref, fill=fill)


FELIXSTOWE = {"containers_profiled": 40, "containers_examined": 12, "containers_positive": 2,
              "port_vehicles_recovered": 5, "port_value_recovered_gbp": "£230,000"}
CONTAINER = {"container_ref": "MSCU1234567", "port": "felixstowe",
             "examined_on": date(2025, 11, 10), "result": "Positive", "vehicles_found": 3,
             "value_gbp": 150000}
VEHICLE = {"recovered_on": date(2025, 11, 10), "port": "felixstowe", "make": "Toyota",
           "status": "Confirmed stolen", "value_gbp": 50000}
SPEND_LINES = (
    {"spent_on": date(2025, 10, 14), "pillar": "P2", "operation": "OA2025",
     "category": "Overtime", "amount_gbp": 12500.5},
    {"spent_on": date(2025, 11, 6), "pillar": "P1", "category": "Prevention products",
     "amount_gbp": "£2,000"},
)


def ports_return(path: Path, ref: Reference, felixstowe: dict[str, Any] | None = None, *,
                 containers: list[dict[str, Any]] | None = None,
                 vehicles: list[dict[str, Any]] | None = None) -> Path:
    """A NaVCIS ports return with one port's figures, one container and one vehicle."""
    fill = Fill(
        data_as_of=date(2026, 1, 15), operation="NPO2025",
        ports={"felixstowe": FELIXSTOWE if felixstowe is None else felixstowe},
        details={"container": [CONTAINER] if containers is None else containers,
                 "vehicle": [VEHICLE] if vehicles is None else vehicles})
    return write_template(path, "ports-return", ref, operation="NPO2025", fill=fill)


def spend_return(path: Path, ref: Reference,
                 lines: tuple[dict[str, Any], ...] | list[dict[str, Any]] = SPEND_LINES) -> Path:
    """A spend return with two lines against grant 2 (or the lines given)."""
    fill = Fill(
        data_as_of=date(2026, 1, 31), grant_ref="G2", recipient="south-yorkshire",
        period="2025-26", details={"spend_line": list(lines)})
    return write_template(path, "spend-return", ref, fill=fill)


# How spreadsheet programs write a sheet to CSV: each cell as shown. An accounting-format zero
# shows as a dash padded with spaces, and numbers in that format are padded too.
CSV_FLAVOURS = {
    # Excel, "CSV UTF-8 (Comma delimited)": BOM, CRLF line ends, zero as " -   ".
    "excel": {"zero": " -   ", "number": " {:,} ", "bom": True, "newline": "\r\n"},
    # LibreOffice Calc, "Text CSV", cell content saved as shown: zero as " - ", LF line ends.
    "libreoffice": {"zero": " - ", "number": " {:,} ", "bom": False, "newline": "\n"},
}


def saved_as_csv(workbook: Path, sheet: str, target: Path, flavour: str) -> Path:
    """The sheet as a spreadsheet program saves it to CSV with figures in accounting format."""
    import csv
    import io
    from datetime import datetime

    import openpyxl

    style = CSV_FLAVOURS[flavour]
    rows = []
    for row in openpyxl.load_workbook(workbook)[sheet].iter_rows(values_only=True):
        cells = []
        for value in row:
            if value is None:
                cells.append("")
            elif isinstance(value, datetime):
                cells.append(f"{value:%d/%m/%Y}")
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                cells.append(style["zero"] if value == 0 else style["number"].format(value))
            else:
                cells.append(str(value))
        rows.append(cells)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=str(style["newline"])).writerows(rows)
    target.write_bytes(("\ufeff" if style["bom"] else "").encode() + buffer.getvalue().encode())
    return target


KENT = Path(__file__).resolve().parents[2] / "data/demo/2026-02-27_OA2025_kent_force-return.xlsx"


def kent_typo(target: Path) -> Path:
    """Kent's latest demo return with every arrests cell ten times too large (26 → 260): the
    tired analyst's slip of issue 11, for the plausibility tests in ingest and in a browser."""
    import openpyxl

    book = openpyxl.load_workbook(KENT)
    sheet = book["Return"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "arrests")
    for col in range(5, 14):
        cell = sheet.cell(row, col)
        if isinstance(cell.value, (int, float)):
            cell.value = cell.value * 10
    book.save(target)
    return target
