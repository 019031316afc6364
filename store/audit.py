"""The audit log: one appended row for every upload, export, sign-in and refusal."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb

from store.writes import Writer, writing


def _jsonable(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


def audit(
    con: duckdb.DuckDBPyConnection | Writer,
    who: str,
    action: str,
    detail: dict[str, Any],
    marking: str | None = None,
    data_version: int | None = None,
) -> int:
    """Append one audit row and return its id. Runs inside the caller's transaction, if any."""
    with writing(con) as w:
        row = w.execute(
            "INSERT INTO audit (id, at_time, who, action, detail, marking, data_version) "
            "VALUES (nextval('audit_id_seq'), ?, ?, ?, ?, ?, ?) RETURNING id",
            [datetime.now(), who, action, json.dumps(detail, default=_jsonable), marking,
             data_version],
        ).fetchone()
    return int(row[0])  # type: ignore[index]
