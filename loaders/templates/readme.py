"""The README sheet of a return template: what the return is for and how to fill it in.

Written from the same layout declarations the loader reads, so the instructions name the
sheets, labels and headers the loader looks for.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from loaders.ingest.resubmission import RULE as RESUBMISSION_RULE
from loaders.returns.cells import NOTHING_RULE
from loaders.returns.layouts import Layout, Table

Line = tuple[str, str]          # (style: title | heading | text, text)

PURPOSE = {
    "force-return": "Your force's results for the operation: one row per measure, with figures "
                    "for each day of the operation where you have them, anything achieved after "
                    "the week, and a total.",
    "ports-return": "NaVCIS activity at the ports for the operation: one row per port, and, where "
                    "you can, one row per container examined and per vehicle recovered.",
    "spend-return": "Additional spend of grant money by your organisation for the financial year: "
                    "one row per item of spend.",
}

QUALIFIER_HELP = (
    "Qualifiers say how exact a figure is. Pick one in the Qualifier column for the whole row:",
    "  exact: counted from records.",
    "  at least: the true figure is this or more (for example 'more than 300'). You may also "
    "type 'more than 300' or 'over 300' in the cell itself.",
    "  approximately: a rounded figure (for example 'about 2,000').",
    "  estimate: a best estimate, to be confirmed later.",
    "A qualifier typed in a cell wins over the row's Qualifier column.",
)

BLANKS = (
    *NOTHING_RULE,
    "Numbers may be typed as 1200, 1,200 or £1,200. Do not type formulas; if your copy has "
    "formulas, save it in Excel before sending so their results are kept.",
    "Dates are day/month/year, for example 13/10/2025.",
)


def readme_lines(layout: Layout, ref: Any, operation: str | None) -> list[Line]:
    """Every line of the README sheet, in order."""
    lines: list[Line] = [("title", f"{layout.title}: how to fill in this workbook"),
                         ("text", "OFFICIAL-SENSITIVE when completed. Handle, store and send it "
                                  "as OFFICIAL-SENSITIVE."),
                         ("heading", "What this return is for"),
                         ("text", PURPOSE[layout.kind])]
    lines += [("text", text) for text in layout.readme]
    op = ref.operations.get(operation) if operation else None
    if op:
        lines.append(("text", f"Operation {operation}: {_date(op['start_date'])} to "
                              f"{_date(op['end_date'])}."))
    lines.append(("heading", "How to fill it in"))
    lines += _sheet_lines(layout)
    lines.append(("heading", "Qualifiers"))
    lines += [("text", text) for text in QUALIFIER_HELP]
    lines.append(("heading", "Blanks, zeros and numbers"))
    lines += [("text", text) for text in BLANKS]
    lines.append(("heading", "Where to send it"))
    lines += _sending(layout, op)
    lines.append(("heading", "Sending a corrected file"))
    lines.append(("text", RESUBMISSION_RULE))
    return lines


def _sheet_lines(layout: Layout) -> list[Line]:
    first = layout.tables[0]
    fields = ", ".join(f"'{f.label}'" + ("" if f.required else " (optional)")
                       for f in layout.fields)
    lines: list[Line] = [("text", f"Sheet '{first.sheet}': fill in the boxes at the top "
                                  f"({fields}) using the dropdowns, then the table below them.")]
    if layout.kind == "force-return":
        lines.append(("text", "Each day of a week of action has its own column (longer "
                              "operations report totals only). Grey cells are "
                              "reported as a total only. 'After the week' holds results since "
                              "the week ended. Leave 'Total' blank to have it added up for you; "
                              "if you fill it in, it must equal the days plus 'After the week'."))
    for table in layout.tables:
        lines += _table_lines(table)
    lines.append(("text", "Do not rename, add or delete sheets or column headers: the upload "
                          "checks find them by name."))
    return lines


def _table_lines(table: Table) -> list[Line]:
    optional = "" if table.required_sheet else " (optional)"
    lines: list[Line] = [("text", f"Sheet '{table.sheet}'{optional}: {table.help}".rstrip(": "))]
    for column in table.columns:
        need = "required" if column.required else "optional"
        extra = f": {column.help}" if column.help else ""
        lines.append(("text", f"  {column.header} ({need}){extra}"))
    return lines


def _sending(layout: Layout, op: dict[str, Any] | None) -> list[Line]:
    due = op.get("returns_due") if op else None
    lead = op.get("lead") if op else None
    who = f" or to {lead}" if lead else ""
    when = f" by {_date(due)}" if isinstance(due, date) else ""
    return [("text", f"Upload the completed file on the dashboard's upload page{who}{when}. "
                     "Send it only over an approved secure route."),
            ("text", "You can send a corrected file at any time: the latest version replaces the "
                     "figures shown, and earlier versions are kept (see below).")]


def _date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
