"""Bytes that passed ``loaders.safety.guards.preflight`` → a ``Workbook`` of raw cells, row
numbers exact.

xlsx and ods are read with python-calamine (fast, and it does not trust the declared sheet
dimension: SECURITY.md trap 5). For xlsx, what calamine does not report is found by streaming
the sheet XML: the date epoch, hidden or filtered rows, and formulas — counted when a result is
saved, an error issue when not (trap 4: such cells would otherwise read as empty).

A CSV becomes a workbook with one sheet named ``CSV_SHEET`` ("(csv)"); the return parsers treat
a one-sheet CSV as the return's main table. CSV rows are records: rows[0] is record 1, which is
the row number Excel shows when it opens the file; messages about the text itself name lines.
Run this inside ``loaders.safety.sandbox.run_limited``: calamine can abort the process on
hostile files.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections import Counter
from typing import Any

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from loaders.returns.issues import Issue, error
from loaders.returns.records import ParsedReturn, Sheet, Workbook
from loaders.safety.guards import Markup, scan_sheet, sheet_parts
from loaders.safety.sandbox import ParseFailed

CSV_SHEET = "(csv)"
MAX_FORMULA_ISSUES = 50               # one issue per cell up to this many, then a summary
DELIMITERS = (",", ";", "\t")
# The enum is not hashable, so it is looked up by comparison.
VISIBILITY = ((SheetVisibleEnum.Visible, "visible"), (SheetVisibleEnum.Hidden, "hidden"),
              (SheetVisibleEnum.VeryHidden, "veryhidden"))

_DATE1904 = re.compile(rb"\sdate1904\s*=\s*[\"'](?:1|true)[\"']")


def read_workbook(data: bytes, name: str, fmt: str,
                  markup: dict[str, Markup | None] | None = None) -> Workbook:
    """Read every worksheet's cells (hidden ones too, marked as such) plus file-level issues.

    ``markup``: what ``loaders.safety.guards.preflight`` already read from each worksheet part, so
    the sheet XML is not scanned twice; parts missing from it are scanned here."""
    if fmt == "csv":
        return read_csv(data, name)
    if fmt not in ("xlsx", "ods"):
        raise ValueError(f"unknown format {fmt!r}")
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = _calamine_sheets(book)
    except Exception as exc:  # calamine raises several unrelated types for damaged files
        raise ParseFailed(f"the workbook is damaged or not a real {fmt} file ({type(exc).__name__}: "
                          f"{str(exc)[:200]})") from exc
    workbook = Workbook(name=name, format=fmt, sheets=sheets)
    if fmt == "xlsx":
        try:
            _add_xlsx_markup(workbook, data, markup or {})
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError) as exc:
            raise ParseFailed(f"the workbook is damaged ({type(exc).__name__})") from exc
    return workbook


def read_and_parse(data: bytes, name: str, fmt: str, ref: Any,
                   markup: dict[str, Markup | None] | None = None) -> ParsedReturn:
    """Read and parse in one call, for the parsing child: it lives here, in a module the
    parsing server has already imported, so a child starts without importing anything."""
    from loaders.returns.parse import parse_return

    workbook = read_workbook(data, name, fmt, markup)
    parsed = parse_return(workbook, ref)
    # The reader's issues first, each once (the parser may repeat them).
    parsed.issues = list(dict.fromkeys([*workbook.issues, *parsed.issues]))
    return parsed


def _calamine_sheets(book: CalamineWorkbook) -> dict[str, Sheet]:
    sheets = {}
    for meta in book.sheets_metadata:
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue  # chart and dialog sheets hold no cells
        rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        sheets[meta.name] = Sheet(name=meta.name, visibility=_visibility(meta.visible),
                                  rows=rows)
    return sheets


def _visibility(visible: SheetVisibleEnum) -> str:
    return next((label for member, label in VISIBILITY if visible == member), "hidden")


def _add_xlsx_markup(workbook: Workbook, data: bytes, markup: dict[str, Markup | None]) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        try:
            with zf.open("xl/workbook.xml") as part:
                workbook.epoch_1904 = bool(_DATE1904.search(part.read(1024 * 1024)))
        except KeyError:
            pass
        members = set(zf.namelist())
        for sheet_name, member in sheet_parts(zf).items():
            sheet = workbook.sheets.get(sheet_name)
            if sheet is None or member not in members:
                continue
            found = markup.get(member) or scan_sheet(zf, member, cap=None)[1]
            hidden, formulas, missing = found or ((), 0, [])
            sheet.hidden_rows = tuple(hidden)
            sheet.formula_cells = formulas
            workbook.issues.extend(_formula_issues(workbook.name, sheet_name, missing))


def _formula_issues(name: str, sheet: str, missing: list[str]) -> list[Issue]:
    fix = "open the file in Excel and save it so formula results are stored, then upload it again."
    issues = []
    for ref in missing[:MAX_FORMULA_ISSUES]:
        row = "".join(ch for ch in ref if ch.isdigit())
        col = "".join(ch for ch in ref if ch.isalpha())
        issues.append(error("formula-no-result", f"{name}: sheet {sheet!r}, cell {ref} has a formula "
                            f"with no saved result: {fix}", sheet=sheet, row=int(row) if row else None,
                            column=col or None))
    if len(missing) > MAX_FORMULA_ISSUES:
        issues.append(error("formula-no-result", f"{name}: sheet {sheet!r} has {len(missing):,} formulas "
                            f"with no saved result in all (the first {MAX_FORMULA_ISSUES} are listed): {fix}",
                            sheet=sheet))
    return issues


# --- CSV -------------------------------------------------------------------------------------

def read_csv(data: bytes, name: str) -> Workbook:
    """Decode explicitly (UTF-8 with or without BOM, else Windows-1252), sniff the delimiter, read."""
    workbook = Workbook(name=name, format="csv", sheets={})
    text, issues = _decode(data, name)
    workbook.issues.extend(issues)
    if text is None:
        workbook.sheets[CSV_SHEET] = Sheet(name=CSV_SHEET, visibility="visible", rows=[])
        return workbook
    records, lines = _records(text, _delimiter(text))
    width = _header_width(records)
    workbook.issues.extend(_ragged_issues(name, records, lines, width))
    widest = max((len(r) for r in records), default=0)
    rows: list[list[Any]] = [r + [""] * (widest - len(r)) for r in records]
    workbook.sheets[CSV_SHEET] = Sheet(name=CSV_SHEET, visibility="visible", rows=rows)
    return workbook


def _decode(data: bytes, name: str) -> tuple[str | None, list[Issue]]:
    if b"\x00" in data:
        lines = sorted({data.count(b"\n", 0, i) + 1 for i in _positions(data, b"\x00", 20)})
        return None, [error("csv-nul", f"{name}: the file contains NUL bytes (line{'s' if len(lines) > 1 else ''} "
                            f"{', '.join(map(str, lines))}), so it is not a plain CSV. Open it in Excel and "
                            "save as 'CSV UTF-8 (Comma delimited)' or .xlsx, then upload.")]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, [error("csv-encoding", f"{name}: line {line} has bytes that are neither UTF-8 nor "
                            "Windows text. Save the file as 'CSV UTF-8 (Comma delimited)', then upload.",
                            row=line)]


def _positions(data: bytes, needle: bytes, limit: int) -> list[int]:
    found: list[int] = []
    start = 0
    while len(found) < limit and (i := data.find(needle, start)) >= 0:
        found.append(i)
        start = i + 1
    return found


def _records(text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """Records and the line each starts on; quoted newlines stay inside their field."""
    # newline="" splits lines on \n, \r\n and bare \r alike and hands them over untranslated.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records, lines, line = [], [], 1
    for record in reader:
        records.append(record)
        lines.append(line)
        line = reader.line_num + 1
    return records, lines


def _delimiter(text: str) -> str:
    """The candidate that splits the first lines into the most consistent, widest records."""
    sample = text[:65536]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        counts = [len(r) for r in list(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter))[:30] if r]
        if not counts or max(counts) < 2:
            continue
        width, agreeing = Counter(counts).most_common(1)[0]
        score = (agreeing, width) if width > 1 else (0, 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _header_width(records: list[list[str]]) -> int:
    """The width most records share: a title line is narrower, a ragged row wider."""
    counts = Counter(len(r) for r in records if any(f.strip() for f in r))
    if not counts:
        return 0
    return max(counts.items(), key=lambda item: (item[1], -item[0]))[0]


def _ragged_issues(name: str, records: list[list[str]], lines: list[int], width: int) -> list[Issue]:
    ragged = [line for record, line in zip(records, lines, strict=True)
              if len(record) > width and any(f.strip() for f in record[width:])]
    if not ragged:
        return []
    shown = ", ".join(map(str, ragged[:20])) + (f" and {len(ragged) - 20} more" if len(ragged) > 20 else "")
    return [error("csv-ragged", f"{name}: line{'s' if len(ragged) > 1 else ''} {shown} "
                  f"{'have' if len(ragged) > 1 else 'has'} more fields than the header ({width}). A value "
                  "probably contains an unquoted comma (for example 1,200 or a note): put the value in "
                  "double quotes or remove the comma, then upload again.", sheet=CSV_SHEET)]

