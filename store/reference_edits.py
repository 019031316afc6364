"""Administrators' edits to reference data: pillars, operations, grants and allocations.

An edited table is checked whole (types, required cells, unique keys, links to other tables,
rows still in use) and then replaces the table in one transaction with one audit row listing
the keys added, changed and removed. Edited tables are kept across restarts because
``load_reference`` fills editable tables only while they are empty.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from store.audit import audit
from store.reference import CONVERTERS, KEYS, SPECS, FileSpec, _insert
from store.writes import transaction

EDITABLE = {s.table: s for s in SPECS if s.table in ("pillar", "operation", "grant_fund",
                                                      "allocation")}
OPERATION_KINDS = ("week-of-action", "ports", "local")
# Removing a row still named here would orphan stored returns or measures.
IN_USE = {
    "operation": "SELECT DISTINCT operation FROM submission WHERE operation IS NOT NULL",
    "pillar": "SELECT DISTINCT pillar FROM measure",
    "grant_fund": "SELECT DISTINCT grant_ref FROM submission WHERE grant_ref IS NOT NULL",
}
LINKS = {   # (table, column) → (table, key column) it must name
    ("allocation", "grant_ref"): ("grant_fund", "ref"),
    ("allocation", "pillar"): ("pillar", "code"),
    ("allocation", "operation"): ("operation", "code"),
}


class ReferenceEditError(ValueError):
    """An edit that cannot be saved; the message names the row, the column and the fix."""


def current(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """The table as stored, in its reference file's column order, sorted by key."""
    spec = _spec(table)
    columns = ", ".join(f'"{c}"' for c in spec.columns)
    order = ", ".join(KEYS[table])
    return con.execute(f"SELECT {columns} FROM {table} ORDER BY {order}").df()  # noqa: S608


def _spec(table: str) -> FileSpec:
    if table not in EDITABLE:
        raise ReferenceEditError(f"'{table}' cannot be edited here: use one of "
                                 f"{', '.join(EDITABLE)}.")
    return EDITABLE[table]


def _text(value: Any) -> str:
    """A cell from the editor as the text a reference file would hold."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (datetime, pd.Timestamp)):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _typed(spec: FileSpec, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Each row converted by the reference file rules; the first problem raises."""
    rows = []
    for number, record in enumerate(frame.to_dict("records"), start=1):
        row: dict[str, Any] = {}
        for column, kind in spec.columns.items():
            text = _text(record.get(column))
            if not text:
                if kind not in ("opt", "optdate"):
                    raise ReferenceEditError(f"Row {number}, column '{column}': a value is "
                                             "required. Fill it in or remove the row.")
                row[column] = None
                continue
            try:
                row[column] = CONVERTERS[kind](text)
            except (ValueError, ArithmeticError) as exc:
                raise ReferenceEditError(f"Row {number}, column '{column}': '{text[:60]}' is "
                                         f"not valid ({exc}).") from None
        rows.append(row)
    return rows


def _check(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        raise ReferenceEditError("The table would be empty: keep at least one row.")
    seen: dict[tuple[Any, ...], int] = {}
    for number, row in enumerate(rows, start=1):
        key = tuple(row[c] for c in KEYS[table])
        if key in seen:
            raise ReferenceEditError(f"Row {number} repeats the key {', '.join(map(str, key))} "
                                     f"of row {seen[key]}. Change or remove one of them.")
        seen[key] = number
        _check_row(con, table, number, row)
    if table in IN_USE:
        used = {r[0] for r in con.execute(IN_USE[table]).fetchall()}
        gone = sorted(used - {k[0] for k in seen})
        if gone:
            raise ReferenceEditError(f"{', '.join(gone)} cannot be removed: stored returns or "
                                     "measures refer to it. Put the row back.")


def _check_row(con: duckdb.DuckDBPyConnection, table: str, number: int,
               row: dict[str, Any]) -> None:
    if table == "operation":
        if row["kind"] not in OPERATION_KINDS:
            raise ReferenceEditError(f"Row {number}, column 'kind': use one of "
                                     f"{', '.join(OPERATION_KINDS)}.")
        if row["end_date"] < row["start_date"]:
            raise ReferenceEditError(f"Row {number}: the end date is before the start date.")
    for (source, column), (target, key) in LINKS.items():
        if source == table and row[column] is not None:
            found = con.execute(f"SELECT 1 FROM {target} WHERE {key} = ?",  # noqa: S608
                                [row[column]]).fetchall()
            if not found:
                raise ReferenceEditError(f"Row {number}, column '{column}': '{row[column]}' is "
                                         f"not in the {target.replace('_', ' ')} table.")


def _changes(before: pd.DataFrame, after: list[dict[str, Any]],
             table: str) -> dict[str, list[str]]:
    """Keys added, changed and removed, for the audit row."""
    def key(row: dict[str, Any]) -> str:
        return ":".join(str(row[c]) for c in KEYS[table])

    old = {key(r): {c: _text(v) for c, v in r.items()} for r in before.to_dict("records")}
    new = {key(r): {c: _text(v) for c, v in r.items()} for r in after}
    return {"added": sorted(set(new) - set(old)), "removed": sorted(set(old) - set(new)),
            "changed": sorted(k for k in set(new) & set(old) if new[k] != old[k])}


def save_table(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, *,
               by: str) -> dict[str, list[str]]:
    """Check ``frame`` and make it the whole table (audited); returns the keys changed."""
    spec = _spec(table)
    missing = [c for c in spec.columns if c not in frame.columns]
    if missing:
        raise ReferenceEditError(f"Column(s) {', '.join(missing)} are missing from the edit.")
    rows = _typed(spec, frame)
    _check(con, table, rows)
    changes = _changes(current(con, table), rows, table)
    if not any(changes.values()):
        return changes
    text = pd.DataFrame([{c: (_text(v) or None) for c, v in r.items()} for r in rows],
                        columns=list(spec.columns), dtype=object)
    with transaction(con) as w:
        w.execute(f"DELETE FROM {table}")  # noqa: S608 - table is one of EDITABLE
        _insert(w, table, text)
        audit(w, by, "reference_edit", {"table": table, **changes})
    return changes

