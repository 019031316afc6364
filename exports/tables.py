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
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter

from exports.context import ExportContext

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "\n")
SOURCE_DEFAULT = "Source: force and NaVCIS returns to the NVCRP"


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
              marking_line: bool = False) -> bytes:
    """UTF-8 CSV (with BOM, so Excel reads '£'); text fields quoted, numbers bare.

    ``marking_line`` puts '# <marking; operation; as at; version>' first, for users who ask.
    """
    buffer = io.StringIO()
    if marking_line and ctx is not None:
        buffer.write(f"# {ctx.stamp()}\r\n")
    _whole_numbers(safe_frame(df)).to_csv(buffer, index=False, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    return buffer.getvalue().encode("utf-8-sig")


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _write_cell(sheet: Any, row: int, col: int, value: Any, formats: dict[str, Any]) -> None:
    """One cell by its type; text always through write_string so it can never become a formula."""
    if _is_missing(value):
        sheet.write_blank(row, col, None)
    elif isinstance(value, (bool, np.bool_)):
        sheet.write_boolean(row, col, bool(value))
    elif isinstance(value, numbers.Real):
        number = float(value)
        sheet.write_number(row, col, number,
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


def _cover(book: Any, ctx: ExportContext, title: str, source: str, formats: dict[str, Any]) -> None:
    sheet = book.add_worksheet("About")
    _marked(sheet, ctx)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 90)
    sheet.write_string(0, 0, ctx.marking, formats["bold"])
    rows = [("Title", title), ("Operation", ctx.operation_name or ctx.operation or "All operations"),
            ("Figures as at", ctx.as_at_text), ("Data version", str(ctx.version)),
            ("Protective marking", ctx.marking), ("Source", source),
            ("Exported by", ctx.who), ("Exported at", datetime.now().strftime("%d/%m/%Y %H:%M"))]
    if ctx.illustrative:
        rows.append(("Illustrative", "Illustrative demo data: these figures are invented for "
                                     "demonstration and are not real operational results."))
    for i, (label, text) in enumerate(rows, start=2):
        sheet.write_string(i, 0, label, formats["bold"])
        sheet.write_string(i, 1, escape_text(text))


def xlsx_bytes(df: pd.DataFrame, ctx: ExportContext, *, title: str,
               source: str = SOURCE_DEFAULT, sheet_name: str = "Data") -> bytes:
    """A workbook: an 'About' cover sheet, then the table; both marked in header and footer."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    formats = {"bold": book.add_format({"bold": True}),
               "whole": book.add_format({"num_format": "#,##0"}),
               "number": book.add_format({"num_format": "#,##0.00"}),
               "date": book.add_format({"num_format": "dd/mm/yyyy"})}
    _cover(book, ctx, title, source, formats)
    sheet = book.add_worksheet(sheet_name[:31])
    _marked(sheet, ctx)
    for col, name in enumerate(df.columns):
        sheet.write_string(0, col, escape_text(str(name)), formats["bold"])
        sheet.set_column(col, col, min(50, max(10, len(str(name)) + 2)))
    for row, values in enumerate(df.itertuples(index=False, name=None), start=1):
        for col, value in enumerate(values):
            _write_cell(sheet, row, col, value, formats)
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()
