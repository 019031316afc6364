"""The issues workbook: a copy of an uploaded file with every problem cell marked.

The copy is made from the archived bytes. Those bytes may be hostile (they may be why the upload
was rejected), so the guards run first and the copy is built in the same memory- and
time-limited child process as parsing; if either refuses, the workbook holds the 'Issues'
sheet alone. The copy keeps values only: no macros, no external links, and text that starts
with '=' stays text.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import duckdb
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from store.archive import read_archived
from store.audit import audit
from store.connection import data_version
from store.settings import Settings
from store.submissions import upload_issue_rows, upload_row

ISSUES_SHEET = "Issues"
# One colour per severity, each a light tint under black text (contrast over 12:1, where WCAG AA
# asks 4.5:1), told apart by hue and named in the key beside the list, so colour is never the
# only sign: the Severity column says it in words too.
PROBLEM_FILL = PatternFill("solid", fgColor="FFC7CE")     # light red: an error
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")     # light yellow: a warning
QUERY_FILL = PatternFill("solid", fgColor="BDD7EE")       # light blue: a query (issue 11)
FILLS = {"error": PROBLEM_FILL, "warning": WARNING_FILL, "query": QUERY_FILL}
RANK = ("error", "query", "warning")   # a cell with several issues takes the first one's colour
KEY = (("error", "Error", "A problem to fix: the file is not loaded until it is fixed."),
       ("warning", "Warning", "Saved, but worth checking."),
       ("query", "Query", "A figure far from what is usual: check it for a typing slip; if it "
                          "is right, confirm it with a reason."))
HEADINGS = ("Code", "Severity", "Sheet", "Cell", "Header", "Value", "Message", "How to fix")
WIDTHS = (22, 10, 18, 8, 22, 24, 70, 50)
_LAST_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def write_issues_workbook(
    con: duckdb.DuckDBPyConnection, upload_id: int, out: Path, settings: Settings, *,
    user: str = "command line",
) -> Path:
    """Write the issues workbook for upload ``upload_id`` to ``out`` (audited); returns ``out``."""
    upload = upload_row(con, upload_id)
    if upload is None:
        raise LookupError(f"There is no upload {upload_id}. Check the number on the uploads page.")
    issues = upload_issue_rows(con, upload_id)
    data = (read_archived(settings.archive_dir, upload["archive_path"])
            if upload["archive_path"] else b"")
    summary = {"id": upload_id, "name": upload["original_name"], "outcome": upload["outcome"],
               "marking": settings.marking}
    out = Path(out)
    out.write_bytes(_annotated_bytes(data, summary, issues, settings))
    audit(con, user, "export", {"what": "issues-workbook", "upload_id": upload_id,
                                "file": out.name, "issues": len(issues)},
          marking=settings.marking, data_version=data_version(con))
    return out


def _annotated_bytes(
    data: bytes, summary: dict[str, Any], issues: list[dict[str, Any]], settings: Settings
) -> bytes:
    from loaders.safety.guards import preflight
    from loaders.safety.sandbox import ParseFailed, run_limited

    fmt, found = preflight(data, summary["name"], max_bytes=settings.max_upload_bytes) if data \
        else (None, [])
    if fmt is not None and not any(i.severity == "error" for i in found):
        try:
            return run_limited(annotate, data, fmt, summary, issues,
                               memory_bytes=settings.parse_memory_limit,
                               timeout_s=settings.parse_timeout_s)
        except (ParseFailed, Exception):  # noqa: BLE001 - a file openpyxl cannot copy
            pass  # falls back to the list of issues alone
    return annotate(b"", None, summary, issues)


def annotate(data: bytes, fmt: str | None, summary: dict[str, Any],
             issues: list[dict[str, Any]]) -> bytes:
    """The annotated workbook's bytes (run in the parsing child for real files)."""
    wb = _copy(data, fmt, summary["name"])
    for issue in issues:
        _mark(wb, issue)
    _issues_sheet(wb, summary, issues)
    for ws in wb.worksheets:
        ws.oddHeader.center.text = summary["marking"]
        ws.evenHeader.center.text = summary["marking"]
        ws.oddFooter.center.text = summary["marking"]
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _copy(data: bytes, fmt: str | None, name: str) -> Workbook:
    if fmt == "xlsx":
        wb = load_workbook(io.BytesIO(data), keep_vba=False, data_only=True, keep_links=False)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    _as_value(cell)
        return wb
    wb = Workbook()
    wb.remove(wb.active)
    if fmt in ("csv", "ods"):
        from loaders.safety.workbook import read_workbook

        for sheet in read_workbook(data, name, fmt).sheets.values():
            ws = wb.create_sheet(sheet.name[:31])
            for r, values in enumerate(sheet.rows, start=1):
                for c, value in enumerate(values, start=1):
                    if value not in ("", None):
                        _put(ws.cell(row=r, column=c), value)
    return wb


def _as_value(cell: Any) -> None:
    """A formula (or text read as one) is kept as its text, never as a live formula."""
    if isinstance(cell, Cell) and cell.data_type == "f":
        cell.data_type = "s"
        cell.value = str(cell.value)
        cell.data_type = "s"


def _put(cell: Cell, value: Any) -> None:
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # '=HYPERLINK(…)' typed by a user stays text (SECURITY.md row 22)
    elif isinstance(value, (int, float, bool)) or hasattr(value, "isoformat"):
        cell.value = value
    else:
        _put(cell, str(value))


def _mark(wb: Workbook, issue: dict[str, Any]) -> None:
    sheet, row, column = issue.get("sheet"), issue.get("row"), issue.get("column")
    if not sheet or sheet not in wb.sheetnames or row is None:
        return
    cell = wb[sheet][f"{column or 'A'}{row}"]
    severity = issue["severity"] if issue["severity"] in FILLS else "error"
    if _marked_as(cell) is None or RANK.index(severity) < RANK.index(_marked_as(cell) or ""):
        cell.fill = FILLS[severity]
    text = f"{issue['severity'].capitalize()} ({issue['code']}): {issue['message']}"
    if cell.comment is not None:
        text = f"{cell.comment.text}\n\n{text}"
    comment = Comment(text[:30000], "Upload checks")
    comment.width, comment.height = 360, 160
    cell.comment = comment


def _marked_as(cell: Cell) -> str | None:
    """The severity whose colour a cell already has, if any."""
    colour = cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None
    return next((s for s in RANK if isinstance(colour, str)
                 and colour.endswith(str(FILLS[s].fgColor.rgb)[-6:])), None)


def _issues_sheet(wb: Workbook, summary: dict[str, Any], issues: list[dict[str, Any]]) -> None:
    title = ISSUES_SHEET if ISSUES_SHEET not in wb.sheetnames else f"{ISSUES_SHEET} (upload {summary['id']})"
    ws = wb.create_sheet(title, 0)
    wb.active = 0
    for other in wb.worksheets[1:]:
        other.sheet_view.tabSelected = False
    _put(ws["A1"], summary["marking"])
    ws["A1"].font = Font(bold=True, color="C00000")
    _put(ws["A2"], f"Problems found in {summary['name']} (upload {summary['id']}, "
                   f"{summary['outcome']}): {len(issues)}")
    ws["A2"].font = Font(bold=True, size=13)
    for col, heading in enumerate(HEADINGS, start=1):
        ws.cell(row=4, column=col, value=heading).font = Font(bold=True)
    for r, issue in enumerate(issues, start=5):
        _issue_row(ws, r, issue)
    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[chr(64 + col)].width = width
    _key(ws)
    ws.freeze_panes = "A5"


def _key(ws: Worksheet) -> None:
    """What each colour means, beside the list (columns J and K, rows 1 to 4)."""
    _put(ws["J1"], "Key to the colours")
    ws["J1"].font = Font(bold=True)
    for r, (severity, name, meaning) in enumerate(KEY, start=2):
        _put(ws.cell(row=r, column=10), name)
        ws.cell(row=r, column=10).fill = FILLS[severity]
        _put(ws.cell(row=r, column=11), meaning)
        ws.cell(row=r, column=11).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["J"].width = 12
    ws.column_dimensions["K"].width = 70


def _issue_row(ws: Worksheet, r: int, issue: dict[str, Any]) -> None:
    where = f"{issue.get('column') or ''}{issue.get('row') or ''}"
    message = str(issue["message"])
    parts = _LAST_SENTENCE.split(message)
    fix = parts[-1] if len(parts) > 1 else ""
    if not fix and ": " in message:  # 'X must be filled in: enter the figure, or 0 …'
        tail = message.rsplit(": ", 1)[1]
        fix = tail[:1].upper() + tail[1:]
    row = (issue["code"], issue["severity"], issue.get("sheet") or "", where,
           issue.get("header") or "", issue.get("value") or "", message, fix)
    for col, value in enumerate(row, start=1):
        cell = ws.cell(row=r, column=col)
        _put(cell, value)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    if issue["severity"] in FILLS:
        ws.cell(row=r, column=2).fill = FILLS[issue["severity"]]
