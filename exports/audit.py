"""One audit row per export: who, what (chart, table or pack), filters, as-at, version, marking."""

from __future__ import annotations

from typing import Any

import duckdb

from exports.context import ExportContext
from store.audit import audit

ACTION = "export"
KINDS = ("chart", "table", "pack")


def record_export(con: duckdb.DuckDBPyConnection, ctx: ExportContext, *, kind: str, name: str,
                  fmt: str, file_name: str, extra: dict[str, Any] | None = None) -> int:
    """Append the audit row for one exported file and return its id."""
    if kind not in KINDS:
        raise ValueError(f"Unknown export kind {kind!r}: use one of {', '.join(KINDS)}.")
    detail = {"what": kind, "name": name, "format": fmt, "file_name": file_name,
              "operation": ctx.operation, "as_at": ctx.as_at, "filters": ctx.filters_detail(),
              "illustrative": ctx.illustrative, **(extra or {})}
    return audit(con, ctx.who, ACTION, detail, marking=ctx.marking, data_version=ctx.version)
