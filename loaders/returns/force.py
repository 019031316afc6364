"""Force returns: the wide 'Return' sheet (a row per measure, a column per day) and the
long-form CSV (a line per measure and day).

Both end in ``Figures`` per measure, turned into value rows by one function: one total row
(day None) per measure stated, computed from the parts when the total is blank, plus one row
per non-blank day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from loaders.returns import cells, layouts
from loaders.returns.details import At, check_totals_row, date_cell, number_cell
from loaders.returns.fields import long_form_field
from loaders.returns.issues import column_letter
from loaders.returns.layouts import Column, Table
from loaders.returns.records import ParsedReturn, Sheet
from loaders.returns.tables import (
    Context,
    Header,
    cell,
    did_you_mean,
    hidden_rows,
    is_blank,
    is_total_label,
    suggest,
    warn_extras,
)

TABLE = layouts.FORCE_RETURN.tables[0]
LONG_FORM = Table(
    name="value",
    sheet="(csv)",
    columns=(
        Column("operation", "Operation", "operation", aliases=("operation code",)),
        Column("force", "Force", "force", aliases=("police force", "force name")),
        Column("data_as_of", "Figures as at", "date",
               aliases=("figures as of", "data as at", "as at", "as of", "data as of")),
        Column("measure", "Measure", "text", aliases=("measure code", "code", "indicator")),
        Column("day", "Day", "text", required=False, aliases=("date",)),
        Column("value", "Value", "count", aliases=("figure", "number")),
        Column("qualifier", "Qualifier", "qualifier", required=False),
        Column("notes", "Notes", "text", required=False, aliases=("comments", "note")),
    ),
)
_WEEKDAY = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)
QUALIFIER_RANK = ("at_least", "estimate", "approximately", "exact")


@dataclass
class Part:
    day: date | None                  # None: 'After the week'
    parsed: cells.Parsed
    row: int
    col: int


@dataclass
class Figures:
    """What one measure's row (or lines) state, before totals are checked and worked out."""

    code: str
    row: int
    total_col: int | None
    total: Part | None = None
    total_raw: Any = ""
    parts: list[Part] = field(default_factory=list)
    note: str | None = None
    faulty: bool = False              # a cell of this measure already has an error


def value_row(code: str, part: Part, sheet: str, note: str | None = None,
              qualifier: str | None = None, value: Decimal | None = None) -> dict[str, Any]:
    """One row of ParsedReturn.values (records.VALUE_COLUMNS)."""
    return {"measure": code, "day": part.day, "port": None,
            "value": part.parsed.value if value is None else value,
            "qualifier": qualifier or part.parsed.qualifier, "note": note, "sheet": sheet,
            "row": part.row + 1, "col": column_letter(part.col)}


def combined_qualifier(parts: list[Part]) -> str:
    """Any 'at least' part makes the sum 'at least' (DOMAIN.md); else the vaguest part wins."""
    stated = {p.parsed.qualifier for p in parts if p.parsed.value is not None}
    return next((q for q in QUALIFIER_RANK if q in stated), "not_recorded")


def figures_to_values(fig: Figures, sheet: str, ctx: Context) -> list[dict[str, Any]]:
    """Check a stated total against its parts, or work it out from them; → value rows."""
    out = [value_row(fig.code, p, sheet) for p in fig.parts if p.day is not None]
    numbers = [p for p in fig.parts if p.parsed.value is not None]
    computed = sum((p.parsed.value or Decimal(0) for p in numbers), Decimal(0))
    if fig.total is not None and (fig.total.parsed.value is not None or not numbers):
        total = fig.total.parsed
        exact = total.qualifier == "exact" and all(p.parsed.qualifier == "exact" for p in numbers)
        if numbers and total.value is not None and exact and total.value != computed:
            label = ctx.ref.measures[fig.code]["label"]
            ctx.error("total-mismatch",
                      f"The total for {label!r} is {total.value:,} but the days and 'After the "
                      f"week' add up to {computed:,}. Correct the figures, or leave the total "
                      "blank to have it added up for you.", sheet, fig.total.row, fig.total.col,
                      "Total", fig.total_raw)
        out.insert(0, value_row(fig.code, fig.total, sheet, fig.note))
    elif fig.parts:
        where = Part(None, cells.Parsed(None, "not_recorded"), fig.row,
                     fig.total_col if fig.total_col is not None else fig.parts[0].col)
        value = computed if numbers else None
        out.insert(0, value_row(fig.code, where, sheet, fig.note, combined_qualifier(fig.parts),
                                value))
    return out


def required_missing(fig: Figures | None, code: str, sheet: str, ctx: Context) -> None:
    """A required measure must be stated: 0 (or a dash) is a statement, blank, 'N/A' and 'TBC'
    are not. A measure whose cells already have an error gets no second message."""
    stated = fig is not None and (
        (fig.total is not None and fig.total.parsed.value is not None)
        or any(p.parsed.value is not None for p in fig.parts))
    if stated or not ctx.ref.measures[code]["required"] or (fig is not None and fig.faulty):
        return
    label = ctx.ref.measures[code]["label"]
    row = fig.row if fig else None
    col = fig.total_col if fig else None
    raw = fig.total_raw if fig else ""
    ctx.error("required-blank", f"{label!r} must be filled in{cells.not_recorded_note(raw)}: "
              "enter the figure, or 0 if there were none.", sheet, row, col,
              "Total" if fig else None, None if is_blank(raw) else raw)


def measure_of(ctx: Context, at: At, code_raw: Any, label_raw: Any) -> str | None:
    """The measure named by its code or label, or an error with suggestions."""
    for raw in (code_raw, label_raw):
        if not is_blank(raw):
            code = ctx.ref.measure_code(cells.clean_text(raw))
            if code and ctx.ref.measures[code]["return_kind"] == "force-return":
                return code
    shown = code_raw if not is_blank(code_raw) else label_raw
    names = [m["label"] for m in ctx.ref.measures.values() if m["return_kind"] == "force-return"]
    ctx.error("unknown-measure", f"{cells.clean_text(shown)!r} is not a measure of the force "
              f"return.{did_you_mean(suggest(str(shown), names))} Use the codes and names from "
              "the template.", at.sheet, at.row, at.col, at.header, shown)
    return None


# --- the wide sheet ------------------------------------------------------------------------

def header_day(value: Any, ctx: Context) -> date | None:
    """A day column's header: a date cell or a text date such as 'Mon 13/10/2025'."""
    if isinstance(value, date):
        return value if type(value) is date else value.date()  # type: ignore[attr-defined]
    if not isinstance(value, str):
        return None
    day, problem = cells.parse_date(_WEEKDAY.sub("", value.strip()), epoch_1904=ctx.wb.epoch_1904)
    return None if problem else day


def day_columns(sheet: Sheet, header: Header, ctx: Context) -> dict[int, date]:
    """Columns headed by a date within the operation; others are warned about and ignored."""
    days: dict[int, date] = {}
    others: dict[int, Any] = {}
    window = ctx.op_window()
    for col, value in sorted(header.extras.items()):
        day = header_day(value, ctx)
        if day is None:
            others[col] = value
        elif day in days.values():
            first = next(c for c, d in days.items() if d == day)
            ctx.error("duplicate-column", f"The day {day:%d/%m/%Y} heads two columns, "
                      f"{column_letter(first)} and {column_letter(col)}. Keep one.",
                      sheet.name, header.row, col, value, value)
        elif window and not window[0] <= day <= window[1]:
            ctx.error("day-outside-operation",
                      f"The column for {day:%d/%m/%Y} is outside the operation "
                      f"({window[0]:%d/%m/%Y} to {window[1]:%d/%m/%Y}). Put figures for later "
                      "days in 'After the week', or correct the date.",
                      sheet.name, header.row, col, value, value)
        else:
            days[col] = day
    warn_extras(sheet, header, others, ctx)
    return days


def parse_wide(sheet: Sheet, header: Header, ctx: Context) -> list[dict[str, Any]]:
    """The measure table of a force return → value rows."""
    days = day_columns(sheet, header, ctx)
    hidden_rows(sheet, header.row, ctx)
    cols = header.columns
    seen: dict[str, Figures] = {}
    sums: dict[int, Decimal] = {}
    values: list[dict[str, Any]] = []
    inputs = [*days, *(cols[k] for k in ("after_week", "total", "qualifier", "notes") if k in cols)]
    for r in range(header.row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        names = (cell(row, cols.get("code")), cell(row, cols.get("measure")))
        if all(is_blank(cell(row, c)) for c in inputs) and all(is_blank(n) for n in names):
            continue
        if any(is_total_label(n) for n in names):
            check_totals_row(ctx, sheet, r, dict(sums), _headers(header, days))
            continue
        at = At(sheet.name, r, cols.get("code", cols.get("measure", 0)), "Code")
        code = measure_of(ctx, at, *names)
        if code is None:
            continue
        if code in seen:
            ctx.error("duplicate-row", f"{ctx.ref.measures[code]['label']!r} appears twice, in "
                      f"rows {seen[code].row + 1} and {r + 1}. Keep one row per measure.",
                      sheet.name, r, at.col, "Code", names[0] or names[1])
            continue
        fig = measure_row(sheet, r, code, header, days, ctx)
        seen[code] = fig
        for part in [*fig.parts, *([fig.total] if fig.total else [])]:
            if part.parsed.value is not None:
                sums[part.col] = sums.get(part.col, Decimal(0)) + part.parsed.value
        if fig.parts or fig.total:
            values += figures_to_values(fig, sheet.name, ctx)
    ctx.rows_read += len(seen)
    for code in _force_measures(ctx):
        required_missing(seen.get(code), code, sheet.name, ctx)
    return values


def _headers(header: Header, days: dict[int, date]) -> dict[int, Any]:
    return {**{c: header.names[k] for k, c in header.columns.items()}, **days}


def _force_measures(ctx: Context) -> list[str]:
    return [c for c, m in ctx.ref.measures.items() if m["return_kind"] == "force-return"]


def row_qualifier(ctx: Context, at: At, raw: Any) -> str | None:
    """The row's Qualifier column → a code; an unknown word is an error, blank is None (and so
    are 'N/A', 'TBC' and a dash: ``cells.nothing``)."""
    if cells.reads_as_blank(raw):
        return None
    code = cells.parse_qualifier(raw)
    if code is None:
        ctx.error("bad-qualifier", f"{cells.clean_text(raw)!r} is not a qualifier. "
                  f"{cells.QUALIFIER_HELP}", at.sheet, at.row, at.col, at.header, raw)
    return code


def measure_row(sheet: Sheet, r: int, code: str, header: Header, days: dict[int, date],
                ctx: Context) -> Figures:
    """One measure's cells: its own qualifier text wins over the row's Qualifier column."""
    row, cols = sheet.rows[r], header.columns
    money = ctx.ref.measures[code]["unit"] == "gbp"
    fig = Figures(code, r, cols.get("total"))
    q_col = cols.get("qualifier")
    row_q = row_qualifier(ctx, At(sheet.name, r, q_col or 0, "Qualifier"), cell(row, q_col))
    note = cells.clean_text(cell(row, cols.get("notes")))
    fig.note = note or None
    targets: list[tuple[int, date | None]] = list(days.items())
    targets += [(cols[k], None) for k in ("after_week", "total") if k in cols]
    for col, day in targets:
        raw = cell(row, col)
        head = day if day else header.names.get("total" if col == fig.total_col else "after_week")
        before = len(ctx.issues)
        parsed = number_cell(ctx, At(sheet.name, r, col, head), raw, money=money,
                             integer=not money)
        fig.faulty = fig.faulty or len(ctx.issues) > before
        if parsed is None:
            continue
        if parsed.value is None:
            parsed = cells.Parsed(None, "not_recorded")
        elif parsed.qualifier == "exact" and row_q:
            parsed = cells.Parsed(parsed.value, row_q)
        part = Part(day, parsed, r, col)
        if col == fig.total_col:
            fig.total, fig.total_raw = part, raw
        else:
            fig.parts.append(part)
    return fig


# --- the long-form CSV ---------------------------------------------------------------------

def long_line(sheet: Sheet, r: int, header: Header, ctx: Context, pr: ParsedReturn,
              first: dict[str, tuple[str, int]],
              faulty: set[str]) -> tuple[str, Part, str | None] | None:
    """One CSV line → (measure, part, note); header fields must agree on every line.

    A measure whose value cell has an error is added to ``faulty`` (one message a cell)."""
    row, cols = sheet.rows[r], header.columns
    for key in ("operation", "force", "data_as_of"):
        long_form_field(sheet, r, key, header, ctx, pr, first)
    m_col = cols["measure"]
    code = measure_of(ctx, At(sheet.name, r, m_col, "Measure"), cell(row, m_col), "")
    day_raw = cell(row, cols.get("day"))
    day = None
    if not is_blank(day_raw) and not is_total_label(day_raw):
        window = ctx.op_window()
        day = date_cell(ctx, At(sheet.name, r, cols["day"], "Day"), day_raw,
                        earliest=window[0] if window else None, latest=window[1] if window else None)
        if day is None:
            return None
    if code is None:
        return None
    money = ctx.ref.measures[code]["unit"] == "gbp"
    at = At(sheet.name, r, cols["value"], "Value")
    before = len(ctx.issues)
    parsed = number_cell(ctx, at, cell(row, cols["value"]), money=money, integer=not money)
    if len(ctx.issues) > before:
        faulty.add(code)
    if parsed is None:
        return None
    row_q = row_qualifier(ctx, At(sheet.name, r, cols.get("qualifier", 0), "Qualifier"),
                          cell(row, cols.get("qualifier")))
    if parsed.value is None:
        parsed = cells.Parsed(None, "not_recorded")
    elif parsed.qualifier == "exact" and row_q:
        parsed = cells.Parsed(parsed.value, row_q)
    note = cells.clean_text(cell(row, cols.get("notes"))) or None
    return code, Part(day, parsed, r, cols["value"]), note


def parse_long(sheet: Sheet, header: Header, ctx: Context,
               pr: ParsedReturn) -> list[dict[str, Any]]:
    """A long-form force return: the same force + measure + day twice is refused."""
    warn_extras(sheet, header, header.extras, ctx)
    figures: dict[str, Figures] = {}
    lines: dict[tuple[str, date | None], int] = {}
    first: dict[str, tuple[str, int]] = {}
    faulty: set[str] = set()
    for r in range(header.row + 1, len(sheet.rows)):
        if all(is_blank(v) for v in sheet.rows[r]):
            continue
        ctx.rows_read += 1
        got = long_line(sheet, r, header, ctx, pr, first, faulty)
        if got is None:
            continue
        code, part, note = got
        if (code, part.day) in lines:
            when = f"{part.day:%d/%m/%Y}" if part.day else "the total"
            ctx.error("duplicate-row", f"{code!r} for {when} appears twice, on lines "
                      f"{lines[(code, part.day)] + 1} and {r + 1}. Keep one line.",
                      sheet.name, r, part.col, "Value", cell(sheet.rows[r], part.col))
            continue
        lines[(code, part.day)] = r
        fig = figures.setdefault(code, Figures(code, r, None))
        if part.day is None:
            fig.total, fig.total_raw, fig.total_col = part, cell(sheet.rows[r], part.col), part.col
        else:
            fig.parts.append(part)
        fig.note = fig.note or note
    values: list[dict[str, Any]] = []
    for fig in figures.values():
        values += figures_to_values(fig, sheet.name, ctx)
    for code in _force_measures(ctx):
        if code not in faulty:
            required_missing(figures.get(code), code, sheet.name, ctx)
    return values
