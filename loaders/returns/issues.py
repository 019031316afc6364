"""Problems found in a file, as values: every one located, coded and saying how to fix it.

Loaders collect issues and report them all at once; they raise only when a file cannot be
read at all. Codes are stable: tests, the issues workbook and the upload page refer to them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

# A query (issue 11) is a valid figure far outside what is plausible: never an error, saved
# once confirmed with a reason (loaders/ingest/plausibility.py).
Severity = Literal["error", "warning", "query"]


@dataclass(frozen=True)
class Issue:
    code: str
    severity: Severity
    message: str                      # what is wrong and how to fix it, in plain British English
    sheet: str | None = None
    row: int | None = None            # Excel row number as the user sees it (1-based)
    column: str | None = None         # Excel column letter, e.g. "F"
    header: str | None = None         # the column's header text, when there is one
    value: str | None = None          # the raw value as found, shortened to 200 characters

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @property
    def location(self) -> str:
        """'sheet Return, cell F12 (Total)' — the place a person looks for the problem."""
        parts = []
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None and self.column:
            parts.append(f"cell {self.column}{self.row}")
        elif self.row is not None:
            parts.append(f"row {self.row}")
        elif self.column:
            parts.append(f"column {self.column}")
        if self.header:
            parts.append(f"({self.header})")
        return ", ".join(parts)


def error(code: str, message: str, **where: Any) -> Issue:
    return Issue(code=code, severity="error", message=message, **_clean(where))


def warning(code: str, message: str, **where: Any) -> Issue:
    return Issue(code=code, severity="warning", message=message, **_clean(where))


def query(code: str, message: str, **where: Any) -> Issue:
    return Issue(code=code, severity="query", message=message, **_clean(where))


def _clean(where: dict[str, Any]) -> dict[str, Any]:
    value = where.get("value")
    if value is not None and not isinstance(value, str):
        where["value"] = str(value)
    if isinstance(where.get("value"), str) and len(where["value"]) > 200:  # type: ignore[arg-type]
        where["value"] = where["value"][:200] + "…"  # type: ignore[index]
    return where


def has_errors(issues: list[Issue]) -> bool:
    return any(i.severity == "error" for i in issues)


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 25 → Z, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
