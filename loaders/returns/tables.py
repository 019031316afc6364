"""Finding things on a return sheet: the header block of labelled fields and a table's header row.

Headers are found by their names (``layouts.header_names``) within the first
``layouts.HEADER_SEARCH_ROWS`` rows, never by position; title rows and merged cells above a
table are fine. Row and column numbers here are 0-based; ``Context`` turns them into the
Excel row numbers and column letters people see.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from loaders.returns import cells, layouts
from loaders.returns.issues import Issue, column_letter, error, warning
from loaders.returns.layouts import Field, Table, normalise_header
from loaders.returns.records import Sheet, Workbook

TOTAL_WORDS = {"total", "totals", "grand total", "total spend", "all ports", "overall total"}


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell(row: list[Any], col: int | None) -> Any:
    """The value at ``col`` in ``row``, or '' where the row is short or the column absent."""
    if col is None or col >= len(row):
        return ""
    return row[col]


def is_total_label(value: Any) -> bool:
    return normalise_header(value) in TOTAL_WORDS


def suggest(text: str, options: list[str], n: int = 3) -> list[str]:
    """Close matches for a 'did you mean' hint; never used to correct a value silently."""
    by_key = {normalise_header(o): o for o in options}
    keys = difflib.get_close_matches(normalise_header(text), list(by_key), n=n, cutoff=0.6)
    return [by_key[k] for k in keys]


def did_you_mean(options: list[str]) -> str:
    return f" Did you mean {' or '.join(repr(o) for o in options)}?" if options else ""


@dataclass
class Context:
    """What every part of a parse shares: the workbook, the reference data and the issues."""

    wb: Workbook
    ref: Any
    today: date
    issues: list[Issue] = field(default_factory=list)
    operation: str | None = None
    date_floor: date | None = None    # detail dates before this are refused
    rows_read: int = 0
    # (column key, type, raw value) → the typed value and qualifier of a cell that read cleanly.
    # Detail sheets repeat dates, categories and pillars on every row; reading each distinct
    # value once made a 100,000-row return parse several times faster.
    memo: dict[tuple[str, type, Any], tuple[Any, str | None]] = field(default_factory=dict)

    def error(self, code: str, message: str, sheet: str | None = None, row: int | None = None,
              col: int | None = None, header: Any = None, value: Any = None) -> None:
        self.issues.append(error(code, message, **_where(sheet, row, col, header, value)))

    def warn(self, code: str, message: str, sheet: str | None = None, row: int | None = None,
             col: int | None = None, header: Any = None, value: Any = None) -> None:
        self.issues.append(warning(code, message, **_where(sheet, row, col, header, value)))

    def op_window(self) -> tuple[date, date] | None:
        op = self.ref.operations.get(self.operation) if self.operation else None
        return (op["start_date"], op["end_date"]) if op else None


def _where(sheet: str | None, row: int | None, col: int | None, header: Any,
           value: Any) -> dict[str, Any]:
    """0-based row and column → Excel row number and column letter."""
    if isinstance(value, float):
        value = cells.shown(value)  # calamine reads every number as a float: show 7, not 7.0
    return {"sheet": sheet, "row": None if row is None else row + 1,
            "column": None if col is None else column_letter(col),
            "header": None if is_blank(header) else str(header),
            "value": None if value is None or value == "" else str(value)}


# --- header block ------------------------------------------------------------------------

@dataclass(frozen=True)
class FieldCell:
    raw: Any
    row: int        # 0-based
    col: int        # 0-based: the value's column
    label: str


def _label_key(value: Any) -> str:
    text = normalise_header(value)
    for tail in ("(optional)", "(required)"):
        text = text.removesuffix(tail).strip()
    return text.rstrip(":*").strip()


def read_fields(sheet: Sheet, fields: tuple[Field, ...], stop: int) -> dict[str, FieldCell]:
    """Header-block values found above row ``stop``: the label in the first non-empty cell of
    a row (column A in our templates), the value in the next non-empty cell to its right."""
    names = {f.key: layouts.header_names(f) for f in fields}
    found: dict[str, FieldCell] = {}
    for r, row in enumerate(sheet.rows[:stop]):
        filled = [c for c, v in enumerate(row) if not is_blank(v)]
        if not filled or filled[0] > 2:
            continue
        label_col = filled[0]
        key = next((k for k, ns in names.items() if _label_key(row[label_col]) in ns), None)
        if key is None or key in found:
            continue
        value_col = filled[1] if len(filled) > 1 else label_col + 1
        found[key] = FieldCell(cell(row, value_col), r, value_col, str(row[label_col]).strip())
    return found


# --- table header row ----------------------------------------------------------------------

@dataclass
class Header:
    row: int                                        # 0-based
    columns: dict[str, int]                         # column key → 0-based column
    extras: dict[int, Any]                          # unmatched header cells: column → value
    names: dict[str, Any] = field(default_factory=dict)    # column key → header as written


def _match_row(row: list[Any], table: Table) -> dict[str, list[int]]:
    names = {c.key: layouts.header_names(c) for c in table.columns}
    matched: dict[str, list[int]] = {}
    for c, value in enumerate(row):
        if is_blank(value) or isinstance(value, (int, float, date)):
            continue
        text = normalise_header(value)
        key = next((k for k, ns in names.items() if text in ns), None)
        if key:
            matched.setdefault(key, []).append(c)
    return matched


def locate_header(sheet: Sheet, table: Table) -> tuple[int, dict[str, list[int]]] | None:
    """The row (0-based) within the search window that names the most of the table's columns."""
    required = {c.key for c in table.columns if c.required}
    best: tuple[tuple[int, int], int, dict[str, list[int]]] | None = None
    for r, row in enumerate(sheet.rows[:layouts.HEADER_SEARCH_ROWS]):
        matched = _match_row(row, table)
        score = (len(required & set(matched)), len(matched))
        if best is None or score > best[0]:
            best = (score, r, matched)
    if best is None or best[0][0] < min(2, len(required)):
        return None
    return best[1], best[2]


def find_header(sheet: Sheet, table: Table, ctx: Context) -> Header | None:
    """The table's header row with its columns; issues for what is missing or repeated."""
    located = locate_header(sheet, table)
    if located is None:
        searched = min(layouts.HEADER_SEARCH_ROWS, len(sheet.rows))
        looked = ", ".join(repr(c.header) for c in table.columns if c.required)
        ctx.error("header-not-found",
                  f"No header row found: rows 1 to {max(searched, 1)} were searched for the "
                  f"headers {looked}. Put these headers in one row near the top of the sheet, "
                  "spelt as in the template.", sheet=sheet.name)
        return None
    r, matched = located
    row = sheet.rows[r]
    header = Header(row=r, columns={k: cols[0] for k, cols in matched.items()},
                    extras={c: v for c, v in enumerate(row) if not is_blank(v)
                            and c not in {x for cols in matched.values() for x in cols}})
    header.names = {k: row[c] for k, c in header.columns.items()}
    for cols in matched.values():
        if len(cols) > 1:
            letters = " and ".join(column_letter(c) for c in cols)
            ctx.error("duplicate-column",
                      f"The header {row[cols[0]]!r} appears twice, in columns {letters}. Keep "
                      "one column of that name and remove or rename the other.",
                      sheet=sheet.name, row=r, col=cols[1], header=row[cols[1]])
    for column in table.columns:
        if column.required and column.key not in header.columns:
            ctx.error("column-missing",
                      f"Required column {column.header!r} is missing from the header row found "
                      f"at row {r + 1}. Add a column headed {column.header!r}.",
                      sheet=sheet.name, row=r)
    return header


def warn_extras(sheet: Sheet, header: Header, extras: dict[int, Any], ctx: Context) -> None:
    """Unknown columns are listed and ignored, never mapped by position (SECURITY.md row 4)."""
    if not extras:
        return
    listed = ", ".join(f"{column_letter(c)} ({v!s})" for c, v in sorted(extras.items()))
    first = min(extras)
    ctx.warn("columns-ignored",
             f"Columns not part of this return were ignored: {listed}. If one of them holds "
             "figures, rename its header to the template's header.",
             sheet=sheet.name, row=header.row, col=first, header=extras[first])


def hidden_rows(sheet: Sheet, first: int, ctx: Context) -> None:
    """Hidden or filtered rows are read, and said so (SECURITY.md row 15)."""
    rows = [r for r in sheet.hidden_rows if r > first + 1 and r <= len(sheet.rows)
            and any(not is_blank(v) for v in sheet.rows[r - 1])]
    if rows:
        listed = ", ".join(str(r) for r in rows)
        ctx.warn("hidden-rows",
                 f"Rows {listed} are hidden or filtered out; their figures were read. Unhide "
                 "them and check they belong in the return.",
                 sheet=sheet.name, row=rows[0] - 1)
