"""What every export needs to know about the figures it carries, and who asked for it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import duckdb

from exports.naming import file_name
from metrics.format import fmt_date
from metrics.query import is_illustrative
from metrics.scope import Filters
from store.connection import data_version
from store.settings import settings


@dataclass(frozen=True)
class ExportContext:
    """The selection an export was made from: stamped into file names, files and the audit log."""

    filters: Filters
    version: int                      # data version: the latest upload id the figures saw
    who: str
    marking: str = field(default_factory=lambda: settings().marking)
    illustrative: bool = False
    operation_name: str | None = None

    @property
    def operation(self) -> str | None:
        return self.filters.operation

    @property
    def as_at(self) -> date:
        return self.filters.as_at

    @property
    def as_at_text(self) -> str:
        return fmt_date(self.filters.as_at)

    def file_name(self, name: str, ext: str) -> str:
        return file_name(name, operation=self.operation, as_at=self.as_at, version=self.version,
                         ext=ext)

    def stamp(self, title: str | None = None) -> str:
        """One line naming marking, what the file holds (its title in words, or the operation
        and as-at date) and the data version (CSV, text files)."""
        what = self.operation_name or self.operation or "All operations"
        held = title or f"{what}; figures as at {self.as_at_text}"
        demo = "; illustrative demo data" if self.illustrative else ""
        return f"{self.marking}; {held}; data version {self.version}{demo}"

    def filters_detail(self) -> dict[str, Any]:
        """The filters as plain values for the audit log."""
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self.filters).items()}


def operation_name(con: duckdb.DuckDBPyConnection, operation: str | None) -> str | None:
    if operation is None:
        return None
    rows = con.execute("SELECT name FROM operation WHERE code = ?", [operation]).fetchall()
    return str(rows[0][0]) if rows else None


def context_for(con: duckdb.DuckDBPyConnection, filters: Filters, who: str) -> ExportContext:
    """Read the data version, the demo flag and the operation's name for an export."""
    return ExportContext(filters=filters, version=data_version(con), who=who,
                         illustrative=is_illustrative(con),
                         operation_name=operation_name(con, filters.operation))
