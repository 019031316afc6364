"""One-force returns for the save benchmarks, made from the demo's own return files.

A demo workbook is copied with only its 'Force' and 'Figures as at' boxes changed (found by
their labels on the 'Return' sheet), so every file is a real template a force would send:

- a **new version**: South Yorkshire's latest Operation Alliances 2025 return stated as at a
  later date, which replaces the version held (the upload page shows what changes and saves
  when the analyst confirms; the command line saves straight away);
- a **first version**: South Yorkshire's funded local operations return sent for a force that
  is expected to send one and has not, which is saved straight away.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

from benchmarks.server import ROOT

DEMO = ROOT / "data" / "demo"
NEW_VERSION_SOURCE = DEMO / "2026-02-27_OA2025_south-yorkshire_force-return.xlsx"
FIRST_VERSION_SOURCE = DEMO / "2026-02-22_LOC2025_south-yorkshire_force-return.xlsx"
FIRST_VERSION_OPERATION = "LOC2025"
SHEET = "Return"


def _box(sheet: openpyxl.worksheet.worksheet.Worksheet, label: str) -> str:
    """The coordinate of the value box beside ``label`` in column A."""
    for row in sheet.iter_rows(min_row=1, max_row=20, max_col=1):
        if row[0].value == label:
            return f"B{row[0].row}"
    raise LookupError(f"no '{label}' box on the '{SHEET}' sheet of the demo return")


def _write(source: Path, target: Path, as_at: date, force_name: str | None) -> Path:
    workbook = openpyxl.load_workbook(source)
    sheet = workbook[SHEET]
    sheet[_box(sheet, "Figures as at")] = as_at
    if force_name is not None:
        sheet[_box(sheet, "Force")] = force_name
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return target


def new_version(folder: Path, as_at: date) -> Path:
    """South Yorkshire's OA2025 return again, stated as at ``as_at`` (after 27 February 2026)."""
    return _write(NEW_VERSION_SOURCE, folder / f"{as_at}_OA2025_south-yorkshire_force-return.xlsx",
                  as_at, None)


def first_version(folder: Path, force_code: str, force_name: str, as_at: date) -> Path:
    """A first LOC2025 return for a force that has sent none."""
    return _write(FIRST_VERSION_SOURCE,
                  folder / f"{as_at}_{FIRST_VERSION_OPERATION}_{force_code}_force-return.xlsx",
                  as_at, force_name)


def forces_yet_to_send(db: Path) -> list[tuple[str, str]]:
    """(code, name) of forces expected to send a LOC2025 return that have not; ``db`` closed."""
    from store.connection import open_db

    con = open_db(db, read_only=True)
    try:
        rows = con.execute("""
            SELECT f.code, f.name FROM operation_force e JOIN force f ON f.code = e.force_code
            WHERE e.operation = ? AND f.code NOT IN (
                SELECT submitter FROM submission WHERE operation = ? AND submitter IS NOT NULL)
            ORDER BY f.code""", [FIRST_VERSION_OPERATION, FIRST_VERSION_OPERATION]).fetchall()
    finally:
        con.close()
    return [(str(code), str(name)) for code, name in rows]
