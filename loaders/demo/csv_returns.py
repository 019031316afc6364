"""Demo returns sent as long-form CSV (a line per measure and day, as some forces export).

One is deliberately wrong: a line copied twice, which the loader must refuse (duplicate-row).
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date
from typing import Any

from loaders.demo.figures import OA2025_WEEK, ForceReturnPlan

HEADER = ("Operation", "Force", "Figures as at", "Measure", "Day", "Value", "Qualifier", "Notes")
DUPLICATED_FORCE = "surrey"


def long_form(plan: ForceReturnPlan, force_name: str, week: tuple[date, ...]) -> list[list[str]]:
    """A force return as CSV lines: one per non-blank day, plus one for the total."""
    lines = []
    for measure, fig in plan.figures.items():
        common = [plan.operation, force_name, f"{plan.data_as_of:%d/%m/%Y}", measure]
        for day, value in zip(week, fig.days, strict=False):
            lines.append([*common, f"{day:%d/%m/%Y}", str(value), "", ""])
        lines.append([*common, "", str(fig.total_cell), fig.qualifier or "", fig.note or ""])
    return lines


def csv_text(lines: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(lines)
    return out.getvalue()


def csv_files(plan: Any, names: dict[str, str] | None = None) -> dict[str, str]:
    """CSV demo files by name (relative to the demo folder) → text."""
    names = names or {}
    surrey = next((p for p in plan.force_returns if p.operation == "OA2025"
                   and p.force == DUPLICATED_FORCE and not p.rejected), None)
    if surrey is None:
        return {}
    draft = replace(surrey, data_as_of=date(2025, 10, 23))
    lines = long_form(draft, names.get(DUPLICATED_FORCE, "Surrey Police"), OA2025_WEEK)
    arrests = next(i for i, line in enumerate(lines) if line[3] == "arrests" and line[4])
    lines.insert(arrests + 1, list(lines[arrests]))   # the same line pasted twice
    name = f"rejected/{draft.data_as_of}_OA2025_{DUPLICATED_FORCE}_duplicated-row.csv"
    return {name: csv_text(lines)}
