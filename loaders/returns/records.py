"""The values that pass between the loader's stages: a read workbook and a parsed return.

bytes --guards--> bytes --workbook--> Workbook --returns--> ParsedReturn --ingest--> store
Each stage adds ``Issue``s; nothing is written unless the whole file is free of errors.
Both classes are plain data so they can cross the process boundary of the parsing sandbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from loaders.returns.issues import Issue


@dataclass
class Sheet:
    name: str
    visibility: str                   # visible | hidden | veryhidden
    # Cell values row by row as read (python-calamine types: str, float, int, bool, date,
    # datetime, time, timedelta; '' for an empty cell). rows[0] is Excel row 1.
    rows: list[list[Any]]
    hidden_rows: tuple[int, ...] = ()         # Excel row numbers hidden or filtered out
    formula_cells: int = 0                    # formulas with a saved result (accepted, noted)


@dataclass
class Workbook:
    name: str                         # the uploaded file's name, for messages
    format: str                       # xlsx | csv | ods
    sheets: dict[str, Sheet]          # in workbook order
    epoch_1904: bool = False
    issues: list[Issue] = field(default_factory=list)

    def visible_sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets.values() if s.visibility == "visible"]


# Columns of ParsedReturn.values, in this order (matching the store's value table).
VALUE_COLUMNS = ("measure", "day", "port", "value", "qualifier", "note", "sheet", "row", "col")


@dataclass
class ParsedReturn:
    kind: str | None                  # force-return | ports-return | spend-return; None if unknown
    layout_version: str | None = None
    operation: str | None = None
    submitter: str | None = None      # force code, 'navcis', or the spend return's recipient
    grant_ref: str | None = None
    period: str | None = None
    data_as_of: date | None = None
    contact: str | None = None
    # One row per figure: VALUE_COLUMNS. 'day' is None for a measure's total (one total row
    # per measure stated, computed from the days when the return left it blank).
    values: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(VALUE_COLUMNS)))
    # Store table name (vehicle | container | spend_line) → rows with that table's columns
    # (less submission_id), including 'sheet' and 'row'.
    details: dict[str, pd.DataFrame] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    rows_read: int = 0

    @property
    def return_key(self) -> str | None:
        """Identity of a return across versions, e.g. 'OA2025:south-yorkshire:force-return'."""
        if self.kind == "spend-return":
            if not (self.grant_ref and self.submitter and self.period):
                return None
            return f"{self.grant_ref}:{self.submitter}:{self.kind}:{self.period}"
        if not (self.operation and self.submitter and self.kind):
            return None
        return f"{self.operation}:{self.submitter}:{self.kind}"
