"""A spend return with many detail rows, written straight from the layout declarations.

xlsxwriter's constant-memory mode writes 100,000 rows in seconds; the file is cached under
benchmarks/results/ so repeated runs measure reading, not writing.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import xlsxwriter

from loaders.returns.layouts import LAYOUT_SHEET, SPEND_CATEGORIES, SPEND_RETURN

RESULTS = Path(__file__).resolve().parent / "results"


def spend_return(rows: int, path: Path | None = None) -> Path:
    path = path or RESULTS / f"spend_return_{rows}.xlsx"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(rows)
    table = SPEND_RETURN.tables[0]
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet(table.sheet)
    header = {"grant_ref": "G2", "recipient": "navcis", "period": "2025-26",
              "data_as_of": date(2026, 3, 31), "contact": "Benchmark (illustrative)"}
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    for r, field in enumerate(SPEND_RETURN.fields):
        ws.write_string(r, 0, field.label)
        value = header[field.key]
        if isinstance(value, date):
            ws.write_datetime(r, 1, value, date_fmt)  # type: ignore[arg-type]
        else:
            ws.write_string(r, 1, str(value))
    top = len(SPEND_RETURN.fields) + 1
    for c, column in enumerate(table.columns):
        ws.write_string(top, c, column.header)
    start = date(2025, 4, 1)
    for i in range(rows):
        r = top + 1 + i
        ws.write_datetime(r, 0, start + timedelta(days=rng.randrange(365)), date_fmt)  # type: ignore[arg-type]
        ws.write_string(r, 1, rng.choice(("P1", "P2", "P3", "P4", "P5")))
        ws.write_string(r, 2, "NPO2025")
        ws.write_string(r, 3, "")
        ws.write_string(r, 4, rng.choice(SPEND_CATEGORIES))
        ws.write_string(r, 5, f"Line {i + 1}: container examination and storage")
        ws.write_number(r, 6, round(rng.uniform(5, 500), 2))
    marker = wb.add_worksheet(LAYOUT_SHEET)
    marker.write_string(0, 0, SPEND_RETURN.version)
    marker.very_hidden()
    wb.close()
    return path
