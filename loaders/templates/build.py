"""Return templates: blank (or filled) workbooks laid out from ``loaders/returns/layouts.py``.

The readers in ``loaders/returns/parse.py`` find the same labels, headers and version marker again,
so a template and its loader cannot drift apart. A template carries a README sheet, dropdowns
fed from a very hidden lists sheet, locked label cells and a very hidden version marker.
No formulas are written: a formula without a saved result is rejected by our own loader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from loaders.returns import layouts
from loaders.returns.layouts import Column, Field, Layout, Table
from loaders.templates.lists import (
    column_validations,
    date_validation,
    list_validation,
    pillar_label,
    write_lists,
)
from loaders.templates.readme import readme_lines

MARKING = "OFFICIAL-SENSITIVE"
MAX_DAY_COLUMNS = 14        # longer operations (ports, local) report totals only
DETAIL_ROWS = 300           # unlocked, validated input rows on a detail sheet
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
GREY = PatternFill("solid", fgColor="BFBFBF")
INPUT_FILL = PatternFill("solid", fgColor="FFFFFF")
UNLOCKED = Protection(locked=False)
DATE_FORMAT = "dd/mm/yyyy"
DAY_FORMAT = "ddd dd/mm/yyyy"


@dataclass
class MeasureFill:
    """One measure's figures in a filled force return; values may be text like 'more than 300'."""

    days: dict[date, Any] = field(default_factory=dict)
    after_week: Any = None
    total: Any = None
    qualifier: str | None = None      # dropdown label: exact | at least | approximately | estimate
    note: str | None = None


@dataclass
class Fill:
    """Content for a filled template (demo files and tests)."""

    data_as_of: date | None = None
    contact: str | None = None
    operation: str | None = None
    force: str | None = None          # force code; written as the official name
    grant_ref: str | None = None
    recipient: str | None = None
    period: str | None = None
    values: dict[str, MeasureFill] = field(default_factory=dict)
    # Ports return: port code → column key (measure code, 'qualifier', 'notes') → value.
    ports: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Detail tables by store name ('vehicle', 'container', 'spend_line') → rows keyed by
    # Column.key. Ports, forces and pillars are given as codes and written as names.
    details: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@dataclass
class _Context:
    layout: Layout
    ref: Any
    operation: str | None
    submitter: str | None
    fill: Fill
    lists: dict[str, str] = field(default_factory=dict)    # list name → range formula


def build_template(kind: str, ref: Any, *, operation: str | None = None,
                   submitter: str | None = None, fill: Fill | None = None) -> Workbook:
    """A workbook for one return kind, optionally filled in (see ``Fill``)."""
    if kind not in layouts.LAYOUTS:
        raise ValueError(f"unknown return kind {kind!r}; expected one of {layouts.RETURN_KINDS}")
    fill = fill or Fill()
    ctx = _Context(layouts.LAYOUTS[kind], ref, fill.operation or operation,
                   fill.force or fill.recipient or submitter, fill)
    wb = Workbook()
    readme = wb.active
    readme.title = layouts.README_SHEET
    ctx.lists = write_lists(wb, ref)
    for table in ctx.layout.tables:
        ws = wb.create_sheet(table.sheet, len(wb.sheetnames) - 1)
        _write_sheet(ws, table, ctx, with_fields=table is ctx.layout.tables[0])
    _write_readme(readme, ctx)
    _write_marker(wb, ctx)
    wb.active = 1
    return wb


def write_template(path: str | Path, kind: str, ref: Any, *, operation: str | None = None,
                   submitter: str | None = None, fill: Fill | None = None) -> Path:
    """Build a template and save it to ``path``; returns the path written."""
    path = Path(path)
    build_template(kind, ref, operation=operation, submitter=submitter, fill=fill).save(path)
    return path


def operation_days(ref: Any, operation: str | None) -> list[date]:
    """The days that get their own column in a force return (none for long operations)."""
    op = ref.operations.get(operation) if operation else None
    if not op:
        return []
    start, end = op["start_date"], op["end_date"]
    count = (end - start).days + 1
    if count < 1 or count > MAX_DAY_COLUMNS:
        return []
    return [start + timedelta(days=i) for i in range(count)]


# --- lists and marker ---------------------------------------------------------------------

def _write_marker(wb: Workbook, ctx: _Context) -> None:
    ws = wb.create_sheet(layouts.LAYOUT_SHEET)
    ws["A1"] = ctx.layout.version
    ws["A2"] = ctx.operation or ""
    ws.sheet_state = "veryHidden"


def _write_readme(ws: Worksheet, ctx: _Context) -> None:
    ws.column_dimensions["A"].width = 110
    for row, (style, text) in enumerate(readme_lines(ctx.layout, ctx.ref, ctx.operation), 1):
        cell = ws.cell(row, 1, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if style == "title":
            cell.font = TITLE
        elif style == "heading":
            cell.font = BOLD
    ws.protection.sheet = True


# --- a return sheet ------------------------------------------------------------------------

def _write_sheet(ws: Worksheet, table: Table, ctx: _Context, *, with_fields: bool) -> None:
    ws.cell(1, 1, f"{ctx.layout.title}: {table.sheet}").font = TITLE
    ws.cell(2, 1, f"{MARKING} when completed. {table.help}".strip())
    row = 4
    if with_fields:
        row = _write_fields(ws, ctx, row) + 1
    if table.name == "value" and ctx.layout.kind == "force-return":
        _write_measure_table(ws, table, ctx, row)
    elif table.name == "value":
        _write_port_table(ws, table, ctx, row)
    else:
        _write_detail_table(ws, table, ctx, row)
    ws.protection.sheet = True
    ws.protection.formatColumns = False      # let people widen columns
    ws.protection.formatRows = False


def _field_value(fld: Field, ctx: _Context) -> Any:
    fill, ref = ctx.fill, ctx.ref
    if fld.key == "operation":
        return ctx.operation
    if fld.key == "force":
        force = ref.forces.get(ctx.submitter) if ctx.submitter else None
        return force["name"] if force else ctx.submitter
    if fld.key == "recipient":
        force = ref.forces.get(ctx.submitter) if ctx.submitter else None
        return force["name"] if force else ctx.submitter
    return {"data_as_of": fill.data_as_of, "contact": fill.contact,
            "grant_ref": fill.grant_ref, "period": fill.period}.get(fld.key)


def _write_fields(ws: Worksheet, ctx: _Context, row: int) -> int:
    """The header block: label in A (locked), value in B (unlocked, validated); next free row."""
    for fld in ctx.layout.fields:
        label = ws.cell(row, 1, fld.label + ("" if fld.required else " (optional)"))
        label.font = BOLD
        cell = ws.cell(row, 2, _field_value(fld, ctx))
        _input(cell)
        # Help goes in the input message, not beside the value: the reader takes the next
        # non-empty cell to the right of a label as its value.
        if fld.kind == "date":
            cell.number_format = DATE_FORMAT
            date_validation(ws, f"B{row}", prompt=fld.help)
        elif fld.kind in ("operation", "force", "grant") or fld.key == "recipient":
            source = "force" if fld.key == "recipient" else fld.kind
            list_validation(ws, f"B{row}", ctx.lists, source, strict=fld.key != "recipient",
                            prompt=fld.help)
        row += 1
    return row


def _header_cell(ws: Worksheet, row: int, col: int, value: Any, width: int) -> None:
    cell = ws.cell(row, col, value)
    cell.font = BOLD
    cell.fill = HEADER_FILL
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions[get_column_letter(col)].width = width


def _write_measure_table(ws: Worksheet, table: Table, ctx: _Context, top: int) -> None:
    cols = {c.key: c for c in table.columns}
    days = operation_days(ctx.ref, ctx.operation)
    order: list[Any] = ["code", "measure", "pillar", "unit", *days, "after_week", "total",
                        "qualifier", "notes"]
    for index, key in enumerate(order, start=1):
        if isinstance(key, date):
            _header_cell(ws, top, index, key, 13)
            ws.cell(top, index).number_format = DAY_FORMAT
        else:
            _header_cell(ws, top, index, cols[key].header, cols[key].width)
    measures = sorted((code for code, m in ctx.ref.measures.items()
                       if m["return_kind"] == "force-return"),
                      key=lambda code: ctx.ref.measures[code]["sort_order"])
    for row, code in enumerate(measures, start=top + 1):
        _write_measure_row(ws, row, code, order, ctx)
    last = top + len(measures)
    qual = order.index("qualifier") + 1
    list_validation(ws, f"{get_column_letter(qual)}{top + 1}:{get_column_letter(qual)}{last}",
                    ctx.lists, "qualifier")
    ws.freeze_panes = ws.cell(top + 1, 3)


def _write_measure_row(ws: Worksheet, row: int, code: str, order: list[Any],
                       ctx: _Context) -> None:
    measure = ctx.ref.measures[code]
    filled = ctx.fill.values.get(code, MeasureFill())
    fixed = {"code": code, "measure": measure["label"], "pillar": measure["pillar"],
             "unit": "£" if measure["unit"] == "gbp" else measure["unit"]}
    entered = {"after_week": filled.after_week, "total": filled.total,
               "qualifier": filled.qualifier, "notes": filled.note}
    for col, key in enumerate(order, start=1):
        if isinstance(key, date):
            cell = ws.cell(row, col, filled.days.get(key))
            if measure["daily"]:
                _input(cell)
            else:
                cell.fill = GREY      # reported as a total only
        elif key in fixed:
            ws.cell(row, col, fixed[key])
        else:
            _input(ws.cell(row, col, entered[key]))
        if measure["unit"] == "gbp" and (isinstance(key, date) or key in ("after_week", "total")):
            ws.cell(row, col).number_format = '"£"#,##0'


def _write_port_table(ws: Worksheet, table: Table, ctx: _Context, top: int) -> None:
    for col, column in enumerate(table.columns, start=1):
        _header_cell(ws, top, col, column.header, column.width)
    for row, port in enumerate(ctx.ref.ports, start=top + 1):
        given = ctx.fill.ports.get(port, {})
        ws.cell(row, 1, ctx.ref.ports[port])
        for col, column in enumerate(table.columns[1:], start=2):
            _input(ws.cell(row, col, given.get(column.key)))
    last = top + len(ctx.ref.ports)
    column_validations(ws, table, ctx.lists, top + 1, last, skip=("port",))
    ws.freeze_panes = ws.cell(top + 1, 2)


def _write_detail_table(ws: Worksheet, table: Table, ctx: _Context, top: int) -> None:
    for col, column in enumerate(table.columns, start=1):
        _header_cell(ws, top, col, column.header, column.width)
        if column.help:
            ws.cell(top - 1, col, column.help).alignment = Alignment(wrap_text=True)
    rows = ctx.fill.details.get(table.name, [])
    last = top + max(DETAIL_ROWS, len(rows))
    for row in range(top + 1, last + 1):
        given = rows[row - top - 1] if row - top - 1 < len(rows) else {}
        for col, column in enumerate(table.columns, start=1):
            cell = ws.cell(row, col, _display(column, given.get(column.key), ctx.ref))
            _input(cell)
            if column.kind == "date":
                cell.number_format = DATE_FORMAT
    column_validations(ws, table, ctx.lists, top + 1, last)
    ws.freeze_panes = ws.cell(top + 1, 1)


def _display(column: Column, value: Any, ref: Any) -> Any:
    """A code given in a Fill, written the way a person would pick it from the dropdown."""
    if value is None:
        return None
    if column.kind == "port" and value in ref.ports:
        return ref.ports[value]
    if column.kind == "force" and value in ref.forces:
        return ref.forces[value]["name"]
    if column.kind == "pillar" and value in ref.pillars:
        return pillar_label(ref, value)
    return value


def _input(cell: Any) -> Any:
    """Unlock an input cell; text starting with '=' stays text, never a formula."""
    cell.protection = UNLOCKED
    if isinstance(cell.value, str) and cell.value.startswith("="):
        cell.data_type = "s"
    return cell
