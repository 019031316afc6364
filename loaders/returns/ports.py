"""NaVCIS ports returns: the 'Ports' table, one row per port with a column per port measure.

Each figure becomes a value row with its port set and day None. Containers and Vehicles
sheets are detail tables read by ``details.read_detail``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from loaders.returns import cells, layouts
from loaders.returns.details import At, check_totals_row, number_cell, port_cell
from loaders.returns.force import row_qualifier
from loaders.returns.issues import column_letter
from loaders.returns.records import Sheet
from loaders.returns.tables import (
    Context,
    Header,
    cell,
    hidden_rows,
    is_blank,
    is_total_label,
    warn_extras,
)

TABLE = layouts.PORTS_RETURN.tables[0]


def measure_columns(header: Header, ctx: Context) -> dict[str, int]:
    """Ports-table columns that hold a measure (their key is the measure's code)."""
    return {key: col for key, col in header.columns.items()
            if key in ctx.ref.measures and ctx.ref.measures[key]["return_kind"] == "ports-return"}


def parse_ports(sheet: Sheet, header: Header, ctx: Context) -> list[dict[str, Any]]:
    """The per-port table → value rows; a port twice is refused, a totals row is checked."""
    warn_extras(sheet, header, header.extras, ctx)
    hidden_rows(sheet, header.row, ctx)
    measures = measure_columns(header, ctx)
    seen: dict[str, int] = {}
    sums: dict[int, Decimal] = {}
    values: list[dict[str, Any]] = []
    port_col = header.columns["port"]
    for r in range(header.row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        inputs = [cell(row, c) for c in measures.values()]
        if is_total_label(cell(row, port_col)):
            check_totals_row(ctx, sheet, r, dict(sums), {c: header.names[k]
                                                         for k, c in measures.items()})
            continue
        if all(is_blank(v) for v in inputs):
            continue        # no figures for this port (its name alone states nothing)
        at = At(sheet.name, r, port_col, header.names["port"])
        raw_port = cell(row, port_col)
        port = port_cell(ctx, at, raw_port)
        if port is None:
            if cells.reads_as_blank(raw_port):
                ctx.error("required-blank", "This row has figures but no port"
                          f"{cells.not_recorded_note(raw_port)}. Pick the port from the "
                          "dropdown list.", at.sheet, at.row, at.col, at.header,
                          None if is_blank(raw_port) else raw_port)
            continue
        if port in seen:
            ctx.error("duplicate-row", f"{ctx.ref.ports[port]!r} appears twice, in rows "
                      f"{seen[port] + 1} and {r + 1}. Keep one row per port.",
                      at.sheet, at.row, at.col, at.header, cell(row, port_col))
            continue
        seen[port] = r
        ctx.rows_read += 1
        for record in port_row(sheet, r, port, header, measures, ctx):
            values.append(record)
            if record["value"] is not None:
                col = header.columns[record["measure"]]
                sums[col] = sums.get(col, Decimal(0)) + record["value"]
    return values


def port_row(sheet: Sheet, r: int, port: str, header: Header, measures: dict[str, int],
             ctx: Context) -> list[dict[str, Any]]:
    """One port's figures; required measures must be stated (0 is a figure, blank is not)."""
    row, cols = sheet.rows[r], header.columns
    q_col = cols.get("qualifier")
    row_q = row_qualifier(ctx, At(sheet.name, r, q_col or 0, "Qualifier"), cell(row, q_col))
    note = cells.clean_text(cell(row, cols.get("notes"))) or None
    out = []
    for code, col in measures.items():
        raw = cell(row, col)
        at = At(sheet.name, r, col, header.names[code])
        money = ctx.ref.measures[code]["unit"] == "gbp"
        parsed = number_cell(ctx, at, raw, money=money, integer=not money)
        if parsed is None or parsed.value is None:
            if ctx.ref.measures[code]["required"] and (parsed is not None or is_blank(raw)):
                ctx.error("required-blank", f"{at.header!r} must be filled in for every port "
                          f"with figures{cells.not_recorded_note(raw)}: enter the figure, or 0 "
                          "if there were none.", at.sheet, at.row, at.col, at.header, raw)
            if parsed is None:
                continue
        qualifier = parsed.qualifier if parsed.value is not None else "not_recorded"
        if qualifier == "exact" and row_q:
            qualifier = row_q
        out.append({"measure": code, "day": None, "port": port, "value": parsed.value,
                    "qualifier": qualifier, "note": note, "sheet": sheet.name, "row": r + 1,
                    "col": column_letter(col)})
    return out
