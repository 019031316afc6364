"""Tables as CSV and XLSX that a spreadsheet cannot run as formulas.

``DataFrame.to_excel`` writes text starting with '=' as a live formula and ``to_csv`` escapes
nothing (SECURITY.md trap 3, row 22). Text cells starting with = + - @, tab, CR or LF get a
leading apostrophe; numbers are left as numbers, so -2 stays a number. XLSX cells are written
one by one as strings, numbers or dates, never through a formula-guessing writer.
"""

from __future__ import annotations

import csv
import io
import math
import numbers
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter

from exports.context import ExportContext

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "\n")
SOURCE_DEFAULT = "Source: force and NaVCIS returns to the NVCRP"
HEADER_ROW = 3          # Data sheet: title, marking and source lines above the headings


def escape_text(text: str) -> str:
    """'=HYPERLINK(…)' → "'=HYPERLINK(…)"; other text unchanged."""
    return "'" + text if text.startswith(DANGEROUS_START) else text


def escape_cell(value: Any) -> Any:
    """Escape text only: numbers, dates and missing values pass through untouched."""
    return escape_text(value) if isinstance(value, str) else value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell (and column name) escaped."""
    out = df.copy()
    out.columns = [escape_text(str(c)) for c in out.columns]
    for column in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[column]) or
                pd.api.types.is_datetime64_any_dtype(out[column])):
            out[column] = out[column].map(escape_cell).astype(object)
    return out


def _whole_numbers(df: pd.DataFrame) -> pd.DataFrame:
    """Float columns holding only whole numbers are written as '52', not '52.0'."""
    for column in df.columns:
        values = df[column]
        if pd.api.types.is_float_dtype(values):
            known = values.dropna()
            if (known == known.round()).all():
                df[column] = values.astype("Int64")
    return df


def csv_bytes(df: pd.DataFrame, ctx: ExportContext | None = None, *,
              marking_line: bool = False, title: str | None = None) -> bytes:
    """UTF-8 CSV (with BOM, so Excel reads '£'); text fields quoted, numbers bare.

    ``marking_line`` puts '# <marking; title; version>' first, for users who ask; the
    header row stays the first row otherwise, so the file loads into other tools as it is.
    """
    buffer = io.StringIO()
    if marking_line and ctx is not None:
        buffer.write(f"# {one_line(ctx.stamp(title))}\r\n")
    _whole_numbers(safe_frame(df)).to_csv(buffer, index=False, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    return buffer.getvalue().encode("utf-8-sig")


def one_line(text: str) -> str:
    """Line breaks from stored names would end a comment line early: spaces instead."""
    return " ".join(text.split())


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _write_cell(sheet: Any, row: int, col: int, value: Any, formats: dict[str, Any],
                number_format: Any = None) -> None:
    """One cell by its type; text always through write_string so it can never become a formula.
    ``number_format`` is the column's own (pounds, places); otherwise whole or two places."""
    if _is_missing(value):
        sheet.write_blank(row, col, None)
    elif isinstance(value, (bool, np.bool_)):
        sheet.write_boolean(row, col, bool(value))
    elif isinstance(value, numbers.Real):
        number = float(value)
        sheet.write_number(row, col, number, number_format or
                           formats["whole" if number.is_integer() else "number"])
    elif isinstance(value, (pd.Timestamp, datetime)):
        sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), formats["date"])
    elif isinstance(value, date):
        sheet.write_datetime(row, col, datetime(value.year, value.month, value.day), formats["date"])
    else:
        sheet.write_string(row, col, escape_text(str(value)))


def _marked(sheet: Any, ctx: ExportContext) -> None:
    """Marking centred in the printed header and footer; as-at, version and page in the footer."""
    marking = ctx.marking.replace("&", "&&")
    stamp = f"As at {ctx.as_at_text}, data version {ctx.version}"
    sheet.set_header(f'&C&"Arial,Bold"{marking}')
    sheet.set_footer(f'&L&8{stamp}&C&"Arial,Bold"{marking}&R&8Page &P of &N')


def _cover(book: Any, ctx: ExportContext, title: str, source: str, notes: Sequence[str],
           formats: dict[str, Any]) -> None:
    sheet = book.add_worksheet("About")
    _marked(sheet, ctx)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 100, formats["wrap"])
    sheet.write_string(0, 0, ctx.marking, formats["bold"])
    rows = [("Title", title), ("Operation", ctx.operation_name or ctx.operation or "All operations"),
            ("Figures as at", ctx.as_at_text), ("Data version", str(ctx.version)),
            ("Protective marking", ctx.marking), ("Source", source),
            *[("Notes" if i == 0 else "", note) for i, note in enumerate(notes)],
            ("Exported by", ctx.who), ("Exported at", datetime.now().strftime("%d/%m/%Y %H:%M"))]
    if ctx.illustrative:
        rows.append(("Illustrative", "Illustrative demo data: these figures are invented for "
                                     "demonstration and are not real operational results."))
    for i, (label, text) in enumerate(rows, start=2):
        sheet.write_string(i, 0, label, formats["bold"])
        sheet.write_string(i, 1, escape_text(text))


def _width(name: str, values: pd.Series) -> int:
    """Characters wide enough for the heading's longest word and most values, within 12 to 60."""
    longest = max([len(str(v)) for v in values.head(200)] + [0])
    heading = max(len(name) // 2 + 2, max(len(w) for w in (name.split() or [""])) + 2)
    return min(60, max(12, heading, longest + 2))


def xlsx_bytes(df: pd.DataFrame, ctx: ExportContext, *, title: str,
               source: str = SOURCE_DEFAULT, sheet_name: str = "Data",
               notes: Sequence[str] = (), number_formats: Sequence[str | None] = ()) -> bytes:
    """A workbook: an 'About' cover sheet, then the table under its title, the marking and the
    source; both sheets marked in the printed header and footer. ``number_formats`` gives each
    column's Excel format (``exports.readable.Column.excel_format``)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    formats = {"bold": book.add_format({"bold": True}),
               "title": book.add_format({"bold": True, "font_size": 14}),
               "heading": book.add_format({"bold": True, "text_wrap": True, "valign": "top",
                                           "bottom": 1}),
               "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
               "whole": book.add_format({"num_format": "#,##0"}),
               "number": book.add_format({"num_format": "#,##0.00"}),
               "date": book.add_format({"num_format": "dd/mm/yyyy"})}
    _cover(book, ctx, title, source, notes, formats)
    sheet = book.add_worksheet(sheet_name[:31])
    _marked(sheet, ctx)
    sheet.write_string(0, 0, escape_text(one_line(title)), formats["title"])
    sheet.write_string(1, 0, ctx.marking, formats["bold"])
    sheet.write_string(2, 0, escape_text(f"{source}. Figures as at {ctx.as_at_text}, data "
                                         f"version {ctx.version}. Notes are on the About sheet."))
    own = {i: book.add_format({"num_format": f}) for i, f in enumerate(number_formats) if f}
    for col, name in enumerate(df.columns):
        sheet.write_string(HEADER_ROW, col, escape_text(str(name)), formats["heading"])
        sheet.set_column(col, col, _width(str(name), df[name]))
    for row, values in enumerate(df.itertuples(index=False, name=None), start=HEADER_ROW + 1):
        for col, value in enumerate(values):
            _write_cell(sheet, row, col, value, formats, own.get(col))
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    book.close()
    return buffer.getvalue()
