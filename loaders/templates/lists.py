"""Dropdown lists of a return template and the data validations that use them.

The lists live on the very hidden ``layouts.LISTS_SHEET``; every value offered here is one
the return readers accept.
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from loaders.returns import layouts
from loaders.returns.layouts import Table


def list_values(ref: Any) -> dict[str, list[str]]:
    """Dropdown sources by name; the reader accepts every value offered here."""
    return {
        "operation": sorted(ref.operations),
        "force": sorted(f["name"] for f in ref.forces.values()),
        "grant": sorted(ref.grants),
        "qualifier": list(layouts.QUALIFIERS),
        "port": [ref.ports[c] for c in ref.ports],
        "status": list(layouts.VEHICLE_STATUSES),
        "result": list(layouts.CONTAINER_RESULTS),
        "pillar": [pillar_label(ref, c) for c in ref.pillars],
        "category": list(layouts.SPEND_CATEGORIES),
        "vehicle_type": list(layouts.VEHICLE_TYPES),
    }


def pillar_label(ref: Any, code: str) -> str:
    """'P2 - Disrupting organised criminal networks', as offered in the dropdown."""
    entry = ref.pillars[code]
    name = entry.get("name", "") if isinstance(entry, dict) else str(entry)
    return f"{code} - {name}" if name else code


def write_lists(wb: Workbook, ref: Any) -> dict[str, str]:
    """The very hidden lists sheet; returns list name → the range a dropdown refers to."""
    lists: dict[str, str] = {}
    ws = wb.create_sheet(layouts.LISTS_SHEET)
    for index, (name, values) in enumerate(list_values(ref).items(), start=1):
        letter = get_column_letter(index)
        ws.cell(1, index, name)
        for row, value in enumerate(values, start=2):
            ws.cell(row, index, value)
        last = max(2, len(values) + 1)
        lists[name] = f"'{layouts.LISTS_SHEET}'!${letter}$2:${letter}${last}"
    ws.sheet_state = "veryHidden"
    return lists


_LIST_KINDS = {"port": "port", "status": "status", "result": "result", "pillar": "pillar",
               "category": "category", "operation": "operation", "qualifier": "qualifier",
               "force": "force"}


def column_validations(ws: Worksheet, table: Table, lists: dict[str, str], first: int, last: int,
                        skip: tuple[str, ...] = ()) -> None:
    for col, column in enumerate(table.columns, start=1):
        letter = get_column_letter(col)
        area = f"{letter}{first}:{letter}{last}"
        if column.key in skip:
            continue
        if column.key == "vehicle_type":
            list_validation(ws, area, lists, "vehicle_type", strict=False)
        elif column.kind in _LIST_KINDS:
            list_validation(ws, area, lists, _LIST_KINDS[column.kind])
        elif column.kind == "date":
            date_validation(ws, area)


def list_validation(ws: Worksheet, area: str, lists: dict[str, str], name: str,
                     strict: bool = True, prompt: str = "") -> None:
    """A dropdown; ``strict`` False lets people type a value that is not in the list.

    OOXML stores validation formulas without the leading "=" that Excel shows."""
    dv = DataValidation(type="list", formula1=lists[name], allow_blank=True,
                        showErrorMessage=strict, errorTitle="Not in the list",
                        error="Pick a value from the dropdown list.")
    _prompt(dv, prompt)
    dv.add(area)
    ws.add_data_validation(dv)


def date_validation(ws: Worksheet, area: str, prompt: str = "") -> None:
    dv = DataValidation(type="date", operator="between", formula1="DATE(2020,1,1)",
                        formula2="DATE(2040,12,31)", allow_blank=True, showErrorMessage=True,
                        errorTitle="Not a date", error="Enter a date as day/month/year.")
    _prompt(dv, prompt)
    dv.add(area)
    ws.add_data_validation(dv)


def _prompt(dv: DataValidation, text: str) -> None:
    if text:
        dv.showInputMessage, dv.prompt = True, text[:250]   # Excel's limit is 255
