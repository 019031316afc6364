"""Read a return: a ``Workbook`` from ``loaders/safety/workbook.py`` → a ``ParsedReturn``.

Which return a file is comes from the very hidden '_layout' sheet our templates carry (the only
hidden sheet ever read), else from the sheet names and headers found. Every problem is reported
at once as a located ``Issue``; this module raises only on bugs.

Issue codes (stable: tests, the issues workbook and the upload page refer to them)

| Code                  | Severity | Meaning                                                          |
|-----------------------|----------|------------------------------------------------------------------|
| sheet-missing         | error    | no sheet of a known return; lists the sheets present             |
| hidden-sheets-ignored | warning  | hidden sheets were not read; lists them                          |
| layout-unknown        | warning  | the '_layout' marker names a layout this version does not know   |
| formulas-present      | warning  | formulas found; their saved results were used                    |
| field-missing         | error    | a header field (Operation, Force, Figures as at, …) is absent    |
| unknown-operation     | error    | operation code not in the reference list (with suggestions)      |
| unknown-force         | error    | force name not recognised (with 'did you mean')                  |
| force-not-expected    | warning  | force not expected to send a return for the operation            |
| unknown-grant         | error    | grant reference not in the reference list                        |
| bad-period            | error    | financial year not written like 2025-26                          |
| bad-identifier        | error    | hidden/control or mixed-alphabet characters in an identifier     |
| bad-date              | error    | a date cell that is not a date                                   |
| date-out-of-range     | error    | a detail date before the operation/period began or in the future |
| date-before-operation | error    | 'Figures as at' before the operation began                       |
| date-in-future        | error    | 'Figures as at' after today                                      |
| header-not-found      | error    | no table header row in the rows searched; names rows and headers |
| column-missing        | error    | a required column is absent from the header row found            |
| columns-ignored       | warning  | unknown columns, listed and ignored                              |
| duplicate-column      | error    | one header (or one day) heads two columns; names both letters    |
| day-outside-operation | error    | a day column dated outside the operation                         |
| hidden-rows           | warning  | hidden or filtered rows (read, and named)                        |
| totals-row            | warning  | a totals row was recognised, checked and not added               |
| totals-mismatch       | error    | a totals row differs from the sum of the rows above              |
| unknown-measure       | error    | measure code/label not known for this return (with suggestions)  |
| unknown-port          | error    | port not known (with suggestions)                                |
| duplicate-row         | error    | the same measure / port / measure+day twice; names both rows     |
| bad-number            | error    | not a figure: negative, fractional count, text, £ in a count, …  |
| bad-qualifier         | error    | Qualifier column value not one of the qualifiers                 |
| bad-choice            | error    | status, result, category or pillar not in its list               |
| required-blank        | error    | a required figure or cell is blank or 'not recorded'             |
| total-mismatch        | error    | a stated Total differs from its days plus 'After the week'       |
| mixed-return          | error    | long-form CSV lines name different operations/forces/dates       |
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from loaders.returns import layouts
from loaders.returns.details import read_detail
from loaders.returns.fields import apply_fields
from loaders.returns.force import LONG_FORM, parse_long, parse_wide
from loaders.returns.layouts import Layout, Table, normalise_header
from loaders.returns.ports import parse_ports
from loaders.returns.records import VALUE_COLUMNS, ParsedReturn, Sheet, Workbook
from loaders.returns.tables import Context, Header, find_header, locate_header

OWN_HIDDEN = (layouts.LAYOUT_SHEET, layouts.LISTS_SHEET)


def parse_return(wb: Workbook, ref: Any, *, today: date | None = None) -> ParsedReturn:
    """Check and read a workbook as one return; problems are in ``.issues``."""
    ctx = Context(wb, ref, today or date.today(), issues=list(wb.issues))
    pr = ParsedReturn(kind=None)
    layout, main = detect(wb, ctx, pr)
    if layout is not None and main is not None:
        pr.kind = layout.kind
        for sheet in wb.sheets.values():
            if sheet.formula_cells and sheet.visibility == "visible":
                ctx.warn("formulas-present", f"{sheet.formula_cells} formula cells found: their "
                         "saved results were used. Check they show the figures you meant.",
                         sheet.name)
        if main.name == "(csv)" and layout is layouts.FORCE_RETURN and _is_long(main):
            values = _force_long(main, ctx, pr)
        else:
            values = PARSERS[layout.kind](wb, layout, main, ctx, pr)
        pr.values = pd.DataFrame(values, columns=list(VALUE_COLUMNS))
    pr.issues, pr.rows_read = ctx.issues, ctx.rows_read
    return pr


# --- which return is this? -----------------------------------------------------------------

def detect(wb: Workbook, ctx: Context, pr: ParsedReturn) -> tuple[Layout | None, Sheet | None]:
    """The layout and its main sheet, from the version marker, else sheet names, else headers."""
    hidden = [s.name for s in wb.sheets.values()
              if s.visibility != "visible" and s.name not in OWN_HIDDEN]
    if hidden:
        ctx.warn("hidden-sheets-ignored", f"Hidden sheets were not read: {', '.join(hidden)}. "
                 "If they hold figures for this return, unhide them and copy the figures into "
                 "the return's own sheets.")
    layout = _marked_layout(wb, ctx, pr)
    if layout is not None:
        main = named_sheet(wb, layout.tables[0])
        if main is None:
            _sheet_missing(wb, ctx, layout)
        return layout, main
    found = _by_names(wb) or _by_headers(wb)
    if found is None:
        _sheet_missing(wb, ctx, None)
        return None, None
    return found


def _marked_layout(wb: Workbook, ctx: Context, pr: ParsedReturn) -> Layout | None:
    marker = wb.sheets.get(layouts.LAYOUT_SHEET)
    if marker is None or not marker.rows or not marker.rows[0]:
        return None
    version = str(marker.rows[0][0]).strip()
    kind = version.split("/")[0]
    if kind not in layouts.LAYOUTS:
        ctx.warn("layout-unknown", f"The template marker {version!r} is not one this version "
                 "knows; the sheets were read by their names instead. Download a new template.",
                 layouts.LAYOUT_SHEET, 0, 0)
        return None
    pr.layout_version = version
    return layouts.LAYOUTS[kind]


def named_sheet(wb: Workbook, table: Table) -> Sheet | None:
    """The visible sheet named as the table's sheet or one of its aliases (any case)."""
    names = {normalise_header(n) for n in (table.sheet, *table.sheet_aliases)}
    return next((s for s in wb.sheets.values()
                 if s.visibility == "visible" and normalise_header(s.name) in names), None)


def _score(sheet: Sheet, table: Table) -> int:
    located = locate_header(sheet, table)
    if located is None:
        return 0
    required = {c.key for c in table.columns if c.required}
    return len(required & set(located[1]))


def _by_names(wb: Workbook) -> tuple[Layout, Sheet] | None:
    """A sheet named for a return's main table; where names clash, the best header wins."""
    candidates = [(layout, sheet) for layout in layouts.LAYOUTS.values()
                  if (sheet := named_sheet(wb, layout.tables[0])) is not None]
    if not candidates:
        return None
    return max(candidates, key=lambda c: _score(c[1], c[0].tables[0]))


def _by_headers(wb: Workbook) -> tuple[Layout, Sheet] | None:
    """A visible sheet (a CSV's only sheet, or a renamed one) whose headers fit a return."""
    best: tuple[int, Layout, Sheet] | None = None
    for sheet in wb.sheets.values():
        if sheet.visibility != "visible":
            continue
        for layout in layouts.LAYOUTS.values():
            tables = [layout.tables[0]] + ([LONG_FORM] if layout is layouts.FORCE_RETURN else [])
            score = max(_score(sheet, t) for t in tables)
            if score and (best is None or score > best[0]):
                best = (score, layout, sheet)
    return (best[1], best[2]) if best else None


def _sheet_missing(wb: Workbook, ctx: Context, layout: Layout | None) -> None:
    present = ", ".join(repr(n) for n in wb.visible_sheet_names()) or "none"
    if layout:
        wanted = f"a sheet named {layout.tables[0].sheet!r}"
    else:
        wanted = " or ".join(repr(lay.tables[0].sheet) for lay in layouts.LAYOUTS.values())
        wanted = f"a sheet named {wanted}, or a table with a return's headers"
    ctx.error("sheet-missing", f"This file has no sheet the return needs: expected {wanted}; "
              f"sheets present: {present}. Use the template, and do not rename its sheets.",
              value=present)


# --- each kind -----------------------------------------------------------------------------

def _is_long(sheet: Sheet) -> bool:
    return _score(sheet, LONG_FORM) >= _score(sheet, layouts.FORCE_RETURN.tables[0])


def _force_long(sheet: Sheet, ctx: Context, pr: ParsedReturn) -> list[dict[str, Any]]:
    header = find_header(sheet, LONG_FORM, ctx)
    return parse_long(sheet, header, ctx, pr) if header else []


def _main_table(layout: Layout, main: Sheet, ctx: Context, pr: ParsedReturn) -> Header | None:
    """The main table's header row, after the header block above it has been read."""
    header = find_header(main, layout.tables[0], ctx)
    apply_fields(layout, main, header.row if header else layouts.HEADER_SEARCH_ROWS, ctx, pr)
    return header


def _details(wb: Workbook, layout: Layout, ctx: Context, pr: ParsedReturn) -> None:
    for table in layout.tables[1:]:
        sheet = named_sheet(wb, table)
        if sheet is None:
            continue
        frame = read_detail(sheet, table, ctx)
        if frame is not None:
            pr.details[table.name] = frame


def _force(wb: Workbook, layout: Layout, main: Sheet, ctx: Context,
           pr: ParsedReturn) -> list[dict[str, Any]]:
    header = _main_table(layout, main, ctx, pr)
    values = parse_wide(main, header, ctx) if header else []
    _details(wb, layout, ctx, pr)
    return values


def _ports(wb: Workbook, layout: Layout, main: Sheet, ctx: Context,
           pr: ParsedReturn) -> list[dict[str, Any]]:
    header = _main_table(layout, main, ctx, pr)
    pr.submitter = "navcis"
    values = parse_ports(main, header, ctx) if header and "port" in header.columns else []
    _details(wb, layout, ctx, pr)
    return values


def _spend(wb: Workbook, layout: Layout, main: Sheet, ctx: Context,
           pr: ParsedReturn) -> list[dict[str, Any]]:
    """Spend lines only: a spend return has no measure values."""
    header = _main_table(layout, main, ctx, pr)
    frame = read_detail(main, layout.tables[0], ctx, header) if header else None
    if frame is not None:
        pr.details["spend_line"] = frame
    return []


PARSERS = {"force-return": _force, "ports-return": _ports, "spend-return": _spend}
