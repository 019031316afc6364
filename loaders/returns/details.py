"""Typed cells and detail tables: vehicles, containers and spend lines, driven by ``layouts``.

Each ``Column.kind`` has one reader here, used by every return, so a status, a port or a date
is checked the same way wherever it appears. Readers add located issues to the ``Context``.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from operator import itemgetter
from typing import Any

import pandas as pd

from loaders.returns import cells, layouts
from loaders.returns.issues import Issue
from loaders.returns.layouts import Column, Table, normalise_header
from loaders.returns.records import Sheet
from loaders.returns.tables import (
    Context,
    Header,
    cell,
    did_you_mean,
    find_header,
    hidden_rows,
    is_blank,
    is_total_label,
    suggest,
    warn_extras,
)

# Store columns of each detail table, less submission_id (see store/migrations/001_initial.sql).
DETAIL_COLUMNS = {
    "vehicle": ("recovered_on", "port", "container_ref", "vehicle_type", "make", "model",
                "status", "origin_force", "value_gbp", "value_qualifier", "note", "sheet", "row"),
    "container": ("container_ref", "port", "examined_on", "destination", "result",
                  "vehicles_found", "value_gbp", "value_qualifier", "note", "sheet", "row"),
    "spend_line": ("spent_on", "pillar", "operation", "allocation_ref", "category",
                   "description", "amount_gbp", "sheet", "row"),
}
CHOICES = {"status": layouts.VEHICLE_STATUSES, "result": layouts.CONTAINER_RESULTS,
           "category": layouts.SPEND_CATEGORIES}
SHORT_CHOICES = {"confirmed": "Confirmed stolen", "suspected": "Suspected stolen"}
IDENTIFIER_KINDS = ("code", "force", "port", "pillar", "operation", "grant")


@dataclass(frozen=True)
class At:
    """Where a cell is: sheet name, 0-based row and column, and the header above it."""

    sheet: str
    row: int
    col: int
    header: Any = ""


def number_cell(ctx: Context, at: At, raw: Any, *, money: bool,
                integer: bool) -> cells.Parsed | None:
    """A figure; None when blank. Problems become errors naming the cell (SECURITY.md 9–11)."""
    if is_blank(raw):
        return None
    parsed = cells.parse_number(raw, money=money, integer=integer)
    if parsed.problem:
        ctx.error("bad-number", parsed.problem, at.sheet, at.row, at.col, at.header, raw)
        return None
    return parsed


def date_cell(ctx: Context, at: At, raw: Any, *, earliest: date | None = None,
              latest: date | None = None) -> date | None:
    """A date within ``earliest``..``latest`` (when given); None when blank, 'not recorded'
    (or a dash: ``cells.nothing``) or wrong."""
    if cells.reads_as_blank(raw):
        return None
    day, problem = cells.parse_date(raw, epoch_1904=ctx.wb.epoch_1904)
    if problem or day is None:
        ctx.error("bad-date", problem or "Not a date.", at.sheet, at.row, at.col, at.header, raw)
        return None
    if (earliest and day < earliest) or (latest and day > latest):
        ctx.error("date-out-of-range",
                  f"{day:%d/%m/%Y} is outside the dates this return covers "
                  f"({_span(earliest, latest)}). Correct the date.",
                  at.sheet, at.row, at.col, at.header, raw)
        return None
    return day


def _span(earliest: date | None, latest: date | None) -> str:
    first = f"{earliest:%d/%m/%Y}" if earliest else "any date"
    return f"{first} to {latest:%d/%m/%Y}" if latest else f"from {first}"


def identifier_ok(ctx: Context, at: At, raw: Any) -> bool:
    """Identifiers with hidden or mixed-alphabet characters are refused (SECURITY.md row 21)."""
    problem = cells.bad_identifier(raw)
    if problem:
        ctx.error("bad-identifier", problem, at.sheet, at.row, at.col, at.header, raw)
    return problem is None


def force_cell(ctx: Context, at: At, raw: Any) -> str | None:
    """A force name, short name, slug or ONS code → force code, or an error with suggestions."""
    if cells.reads_as_blank(raw) or not identifier_ok(ctx, at, raw):
        return None
    code = ctx.ref.matcher.resolve(raw)
    if code is None:
        hint = did_you_mean(ctx.ref.matcher.suggest(raw))
        ctx.error("unknown-force", f"{cells.clean_text(raw)!r} is not a force we know.{hint} "
                  "Use the force's name as in the dropdown list.",
                  at.sheet, at.row, at.col, at.header, raw)
    return code


def port_cell(ctx: Context, at: At, raw: Any) -> str | None:
    if cells.reads_as_blank(raw) or not identifier_ok(ctx, at, raw):
        return None
    code = ctx.ref.port_code(raw)
    if code is None:
        hint = did_you_mean(suggest(str(raw), list(ctx.ref.ports.values())))
        ctx.error("unknown-port", f"{cells.clean_text(raw)!r} is not a port we know.{hint} "
                  "Pick the port from the dropdown list.", at.sheet, at.row, at.col, at.header, raw)
    return code


def pillar_cell(ctx: Context, at: At, raw: Any) -> str | None:
    """'P2', 'Disrupting organised criminal networks' or 'P2 - Disrupting …' → 'P2'."""
    if cells.reads_as_blank(raw) or not identifier_ok(ctx, at, raw):
        return None
    text = normalise_header(raw)
    for code, entry in ctx.ref.pillars.items():
        name = normalise_header(entry.get("name", "") if isinstance(entry, dict) else entry)
        if text in (normalise_header(code), name) or text.startswith(normalise_header(code) + " "):
            return code
    ctx.error("bad-choice", f"{cells.clean_text(raw)!r} is not a pillar. Use one of "
              f"{', '.join(ctx.ref.pillars)} (the dropdown lists them with their names).",
              at.sheet, at.row, at.col, at.header, raw)
    return None


def operation_cell(ctx: Context, at: At, raw: Any) -> str | None:
    if cells.reads_as_blank(raw) or not identifier_ok(ctx, at, raw):
        return None
    text = cells.clean_text(raw).upper()
    if text in ctx.ref.operations:
        return text
    hint = did_you_mean(suggest(text, list(ctx.ref.operations)))
    ctx.error("unknown-operation", f"{cells.clean_text(raw)!r} is not an operation we know.{hint} "
              "Pick the operation code from the dropdown list.",
              at.sheet, at.row, at.col, at.header, raw)
    return None


def choice_cell(ctx: Context, at: At, raw: Any, kind: str) -> str | None:
    """A status, result or category from its list (case and spacing do not matter)."""
    if cells.reads_as_blank(raw):
        return None
    options = CHOICES[kind]
    text = normalise_header(raw)
    text = normalise_header(SHORT_CHOICES.get(text, text))
    for option in options:
        if text == normalise_header(option):
            return option.lower() if kind != "category" else option
    ctx.error("bad-choice", f"{cells.clean_text(raw)!r} is not in the list for this column. Use "
              f"one of: {', '.join(options)}.", at.sheet, at.row, at.col, at.header, raw)
    return None


def typed_cell(ctx: Context, at: At, raw: Any, column: Column) -> tuple[Any, str | None]:
    """A detail cell read by its column's kind → (value, qualifier for money and counts)."""
    kind = column.kind
    if kind in ("count", "money"):
        parsed = number_cell(ctx, at, raw, money=kind == "money", integer=kind == "count")
        if parsed is None:
            return None, None
        value = int(parsed.value) if kind == "count" and parsed.value is not None else parsed.value
        return value, parsed.qualifier
    if kind == "date":
        return date_cell(ctx, at, raw, earliest=ctx.date_floor, latest=ctx.today), None
    readers = {"force": force_cell, "port": port_cell, "pillar": pillar_cell,
               "operation": operation_cell}
    if kind in readers:
        return readers[kind](ctx, at, raw), None
    if kind in CHOICES:
        return choice_cell(ctx, at, raw, kind), None
    if kind in IDENTIFIER_KINDS and not is_blank(raw) and not identifier_ok(ctx, at, raw):
        return None, None
    if column.required and cells.reads_as_blank(raw):
        return None, None   # 'TBC' is no container number: the caller says it must be filled in
    # Free text is stored as written, even when it starts with '=' (SECURITY.md row 22); an
    # optional note or description of 'N/A' is kept as the words typed.
    return (cells.clean_text(raw) or None), None


def read_detail(sheet: Sheet, table: Table, ctx: Context,
                header: Header | None = None) -> pd.DataFrame | None:
    """Every non-blank row of a detail table → rows with the store table's columns.

    Blank rows are skipped wherever they are; a totals row is checked, not added. Detail sheets
    run to 100,000 rows, so cells are read column by column, each distinct value once; issues
    are then put in the order a row-by-row reading finds them."""
    header = header or find_header(sheet, table, ctx)
    if header is None:
        return None
    warn_extras(sheet, header, header.extras, ctx)
    hidden_rows(sheet, header.row, ctx)
    present = [(c, header.columns[c.key]) for c in table.columns if c.key in header.columns]
    start = header.row + 1
    every = _body(sheet, start, [col for _, col in present])
    kept, totals = _data_rows(every, start)
    columns = every if len(kept) == len(sheet.rows) - start else [
        [column[r - start] for r in kept] for column in every]
    values: dict[str, list[Any]] = {}
    found: dict[int, list[list[Issue]]] = {}
    for (column, col), raws in zip(present, columns, strict=True):
        at = At(sheet.name, 0, col, header.names.get(column.key, column.header))
        read, bad = _read_column(ctx, at, column, raws, kept)
        values[column.key] = list(map(itemgetter(0), read))
        if column.key == "value_gbp":
            values["value_qualifier"] = [q if v is not None else None for v, q in read]
        for j, issues in bad.items():
            found.setdefault(j, []).append(issues)
    _put_issues(ctx, sheet, (table, header), values, (kept, totals), found)
    ctx.rows_read += len(kept)
    return _frame(table, sheet.name, values, kept)


def _body(sheet: Sheet, start: int, cols: list[int]) -> list[list[Any]]:
    """Each table column's cells below the header ('' where a row is short)."""
    rows = sheet.rows[start:]
    if min(map(len, rows), default=0) > max(cols, default=-1):
        return [list(map(itemgetter(col), rows)) for col in cols]
    return [[row[col] if col < len(row) else "" for row in rows] for col in cols]


def _data_rows(columns: list[list[Any]], start: int) -> tuple[list[int], list[int]]:
    """0-based sheet rows holding data, and those read as totals rows; blank rows in neither."""
    if not columns:
        return [], []
    kept: list[int] = []
    totals: list[int] = []
    for r, lead in enumerate(columns[0], start):
        if lead is not None and not isinstance(lead, str):
            kept.append(r)  # a number or date first: neither blank nor a totals label
            continue
        first = next((c[r - start] for c in columns if not is_blank(c[r - start])), None)
        if first is None:
            continue
        (totals if isinstance(first, str) and is_total_label(first) else kept).append(r)
    return kept, totals


_BAD = object()
NUMBER_KINDS = ("count", "money")
READ_KINDS = ("count", "money", "date", "force", "port", "pillar", "operation", *CHOICES)


def _read_column(ctx: Context, at: At, column: Column, raws: list[Any],
                 kept: list[int]) -> tuple[list[Any], dict[int, list[Issue]]]:
    """(value, qualifier) per cell, and the issues of each cell (by position) that has any."""
    keyed = _mixed_numbers(raws)
    keys = list(zip(map(type, raws), raws, strict=True)) if keyed else raws
    distinct = dict.fromkeys(keys)
    hits = {} if keyed else _plain_text(column, distinct)
    for key in distinct:
        if key not in hits:
            hits[key] = _clean_read(ctx, at, key[1] if keyed else key, column)
    read = list(map(hits.__getitem__, keys))
    bad: dict[int, list[Issue]] = {}
    if any(hit is _BAD for hit in hits.values()):
        for j, hit in enumerate(read):
            if hit is _BAD:
                read[j], bad[j] = _located_read(ctx, replace(at, row=kept[j]), raws[j], column)
    return read, bad


def _plain_text(column: Column, distinct: dict[Any, None]) -> dict[Any, Any]:
    """Free text (and identifiers, which printable ASCII always passes) read as clean_text
    reads printable ASCII, without a call per value; other kinds and values are left out."""
    if column.kind in READ_KINDS:
        return {}
    return {v: (text, None) for v in distinct if type(v) is str and len(v) <= cells.TEXT_LIMIT
            and v.isascii() and v.isprintable() and (text := v.strip())
            and not (column.required and cells.reads_as_blank(text))}


def _mixed_numbers(raws: list[Any]) -> bool:
    """True when 1, 1.0 and True could meet as one dict key: such values are keyed by type too."""
    kinds = set(map(type, raws))
    return len(kinds & {int, float, bool, Decimal}) > 1 or any(
        k not in (int, float, bool, Decimal, str, date, datetime, time, timedelta) for k in kinds)


def _clean_read(ctx: Context, at: At, raw: Any, column: Column) -> Any:
    """A cell's reading when it reads without issues (remembered in ``ctx.memo``), else _BAD."""
    if type(raw) is float and column.kind in NUMBER_KINDS:
        quick = cells.quick_number(raw, integer=column.kind == "count")
        if quick is not None:
            return quick
    key = (column.key, type(raw), raw)
    hit = ctx.memo.get(key)
    if hit is not None:
        return hit
    if column.required and is_blank(raw):
        return _BAD
    before = len(ctx.issues)
    hit = typed_cell(ctx, at, raw, column)
    if len(ctx.issues) != before or (column.required and hit[0] is None):
        del ctx.issues[before:]
        return _BAD
    ctx.memo[key] = hit
    return hit


def _located_read(ctx: Context, at: At, raw: Any, column: Column) -> tuple[Any, list[Issue]]:
    """A cell with issues read where it is, so each issue names its own row; one issue a cell.

    A required cell that states nothing (blank, 'TBC', 'N/A': ``cells.nothing``) is one
    'required-blank' quoting what was typed; it never reaches the store as a missing value."""
    before = len(ctx.issues)
    hit: Any = (None, None) if is_blank(raw) else typed_cell(ctx, at, raw, column)
    if column.required and hit[0] is None and len(ctx.issues) == before:
        ctx.error("required-blank", required_text(column, raw),
                  at.sheet, at.row, at.col, at.header, None if is_blank(raw) else raw)
    issues = ctx.issues[before:]
    del ctx.issues[before:]
    return hit, issues


def required_text(column: Column, raw: Any) -> str:
    """"'Amount (£)' must be filled in on every row ('TBC' means not recorded). …"."""
    what = "the figure, or 0 if there was none" if column.kind in NUMBER_KINDS else "it"
    return (f"{column.header!r} must be filled in on every row{cells.not_recorded_note(raw)}. "
            f"Enter {what}.")


def _put_issues(ctx: Context, sheet: Sheet, where: tuple[Table, Header], values: dict[str, list[Any]],
                rows: tuple[list[int], list[int]], found: dict[int, list[list[Issue]]]) -> None:
    """Cell issues and totals-row checks in sheet order, as a row-by-row reading adds them."""
    table, header = where
    kept, totals = rows
    events = sorted([(kept[j], j) for j in found] + [(r, -1) for r in totals])
    numeric = [c.key for c in table.columns if c.kind in NUMBER_KINDS and c.key in header.columns]
    for r, j in events:
        if j >= 0:
            for issues in found[j]:
                ctx.issues.extend(issues)
            continue
        above = bisect_left(kept, r)
        sums = {header.columns[k]: decimal_sum([_dec(x) for x in values[k][:above]]) for k in numeric}
        check_totals_row(ctx, sheet, r, sums, {header.columns[k]: header.names[k] for k in numeric})


def _frame(table: Table, sheet_name: str, values: dict[str, list[Any]], kept: list[int]) -> pd.DataFrame:
    names = list(DETAIL_COLUMNS[table.name])
    if not kept:
        return pd.DataFrame([], columns=names)
    blank = [None] * len(kept)
    data = {name: values.get(name, blank) for name in names}
    data["sheet"] = [sheet_name] * len(kept)
    data["row"] = [r + 1 for r in kept]
    return pd.DataFrame(data, columns=names)


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def check_totals_row(ctx: Context, sheet: Sheet, r: int, sums: dict[int, Decimal],
                     headers: dict[int, Any]) -> None:
    """A 'Total' row is compared with the rows above it and never added (SECURITY.md row 14).

    ``sums``: column (0-based) → the sum of the figures above; ``headers``: column → header."""
    wrong = False
    for col, expected in sums.items():
        raw = cell(sheet.rows[r], col)
        if is_blank(raw):
            continue
        parsed = cells.parse_number(raw, money=True, integer=False)
        if parsed.value is not None and parsed.qualifier == "exact" and parsed.value != expected:
            wrong = True
            ctx.error("totals-mismatch",
                      f"The totals row says {parsed.value:,} but the rows above add up to "
                      f"{expected:,}. Correct the figures or the total (or delete the totals "
                      "row: totals are worked out for you).",
                      sheet.name, r, col, headers.get(col), raw)
    if not wrong:
        ctx.warn("totals-row", "This row was read as a totals row: it was checked against the "
                 "rows above and not added to them.", sheet.name, r)


def decimal_sum(values: list[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))
