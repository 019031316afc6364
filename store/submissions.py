"""Writes and reads of uploads, submissions, values, detail rows and upload issues.

Rows are appended, never changed, except ``upload``: its outcome moves once from
'in_progress' to accepted, duplicate, rejected or failed. The caller
(loaders/ingest/upload.py) owns the transaction around an accepted upload; every function here
runs inside whatever transaction the connection has open.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import duckdb
import pandas as pd

from store.writes import Writer, writing

# Tables that hold submitted figures: a rejected upload must leave every one unchanged.
DATA_TABLES = ("submission", "value", "vehicle", "container", "spend_line")
DETAIL_TABLES = ("vehicle", "container", "spend_line")
VALUE_COLUMNS = ("measure", "day", "port", "value", "qualifier", "note", "sheet", "row", "col")
ISSUE_COLUMNS = ("code", "severity", "sheet", "row", "col", "header", "value", "message")
SHARED_GRACE = timedelta(minutes=15)
INTERRUPTED = "The upload was interrupted before it finished (the program stopped). Nothing from it was saved: upload the file again."


def data_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row count of every data table, to show that a rejected upload wrote nothing."""
    # Table names come from DATA_TABLES, never from input.
    return {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # type: ignore[index]  # noqa: S608
            for t in DATA_TABLES}


def accepted_upload_for(con: duckdb.DuckDBPyConnection, sha: str) -> dict[str, Any] | None:
    """The first accepted upload of these exact bytes, if any."""
    row = con.execute(
        "SELECT id, uploaded_at, uploaded_by, return_key FROM upload "
        "WHERE sha256 = ? AND outcome = 'accepted' ORDER BY id LIMIT 1", [sha]
    ).fetchone()
    if row is None:
        return None
    return {"id": row[0], "uploaded_at": row[1], "uploaded_by": row[2], "return_key": row[3]}


def submission_of_upload(con: duckdb.DuckDBPyConnection, upload_id: int) -> dict[str, Any] | None:
    """The submission an accepted upload became: its kind, operation and submitter."""
    row = con.execute(
        "SELECT return_kind, operation, submitter, grant_ref, period, version FROM submission "
        "WHERE upload_id = ?", [upload_id]).fetchone()
    if row is None:
        return None
    names = ("kind", "operation", "submitter", "grant_ref", "period", "version")
    return dict(zip(names, row, strict=True))


def start_upload(
    con: duckdb.DuckDBPyConnection, *, sha: str, name: str, size: int, user: str,
    archive_path: str | None, outcome: str = "in_progress", message: str | None = None,
    at: datetime | None = None,
) -> int:
    """Record a file offered for upload; returns the new upload id.

    ``at`` defaults to now; the demo data passes the date each illustrative file was "sent".
    """
    with writing(con) as w:
        row = w.execute(
            "INSERT INTO upload (id, sha256, original_name, size_bytes, uploaded_by, uploaded_at, "
            "outcome, archive_path, message) VALUES (nextval('upload_id_seq'), ?, ?, ?, ?, ?, ?, "
            "?, ?) RETURNING id",
            [sha, name, size, user, at or datetime.now(), outcome, archive_path, message],
        ).fetchone()
    return int(row[0])  # type: ignore[index]


def finish_upload(
    con: duckdb.DuckDBPyConnection, upload_id: int, outcome: str, *, message: str | None = None,
    return_kind: str | None = None, return_key: str | None = None, rows_read: int | None = None,
    values_stored: int | None = None,
) -> None:
    """Move an upload from 'in_progress' to its final outcome (the one update the store allows)."""
    with writing(con) as w:
        w.execute(
            "UPDATE upload SET outcome = ?, message = ?, return_kind = coalesce(?, return_kind), "
            "return_key = coalesce(?, return_key), rows_read = coalesce(?, rows_read), "
            "values_stored = coalesce(?, values_stored) WHERE id = ?",
            [outcome, message, return_kind, return_key, rows_read, values_stored, upload_id],
        )


def insert_issues(
    con: duckdb.DuckDBPyConnection, upload_id: int, issues: list[dict[str, Any]]
) -> int:
    """Append an upload's issues (dicts with Issue's fields; 'column' is stored as col)."""
    if not issues:
        return 0
    frame = pd.DataFrame(
        [{"upload_id": upload_id, "seq": n, "code": i["code"], "severity": i["severity"],
          "sheet": i.get("sheet"), "row": i.get("row"), "col": i.get("column"),
          "header": i.get("header"), "value": i.get("value"), "message": i["message"]}
         for n, i in enumerate(issues, start=1)],
        dtype=object,
    )
    _append(con, "upload_issue", frame)
    return len(frame)


def latest_submission(con: duckdb.DuckDBPyConnection, return_key: str) -> dict[str, Any] | None:
    """The current (highest) version of a return, or None for a return never accepted."""
    row = con.execute(
        "SELECT id, version, data_as_of, upload_id FROM submission WHERE return_key = ? "
        "ORDER BY version DESC LIMIT 1", [return_key]
    ).fetchone()
    if row is None:
        return None
    return {"id": row[0], "version": row[1], "data_as_of": row[2], "upload_id": row[3]}


def insert_submission(
    con: duckdb.DuckDBPyConnection, *, upload_id: int, return_key: str, parsed: Any,
    version: int, supersedes: int | None, data_as_of: date,
) -> int:
    """Append a submission row for ``parsed`` (a ``loaders.returns.records.ParsedReturn``);
    returns its id."""
    with writing(con) as w:
        row = w.execute(
            "INSERT INTO submission (id, upload_id, return_key, return_kind, operation, "
            "submitter, grant_ref, period, version, supersedes, data_as_of, received_at, "
            "layout_version, contact) VALUES (nextval('submission_id_seq'), ?, ?, ?, ?, ?, ?, ?, "
            # A submission is received when its upload was.
            "?, ?, ?, (SELECT uploaded_at FROM upload WHERE id = ?), ?, ?) RETURNING id",
            [upload_id, return_key, parsed.kind, parsed.operation, parsed.submitter,
             parsed.grant_ref, parsed.period, version, supersedes, data_as_of, upload_id,
             parsed.layout_version, parsed.contact],
        ).fetchone()
    return int(row[0])  # type: ignore[index]


def insert_values(con: duckdb.DuckDBPyConnection, submission_id: int, values: pd.DataFrame) -> int:
    """Append a submission's figures (columns VALUE_COLUMNS) as one frame; returns the count."""
    if values is None or values.empty:
        return 0
    frame = values.loc[:, list(VALUE_COLUMNS)].copy()
    frame.insert(0, "submission_id", submission_id)
    _append(con, "value", frame)
    return len(frame)


def insert_details(
    con: duckdb.DuckDBPyConnection, submission_id: int, details: dict[str, pd.DataFrame]
) -> dict[str, int]:
    """Append detail rows (vehicle, container, spend_line) by column name; returns counts."""
    stored = {}
    for table, rows in details.items():
        if table not in DETAIL_TABLES:
            raise ValueError(f"unknown detail table {table!r}")
        if rows is None or rows.empty:
            continue
        frame = rows.copy()
        frame.insert(0, "submission_id", submission_id)
        _append(con, table, frame)
        stored[table] = len(frame)
    return stored


def _append(con: duckdb.DuckDBPyConnection | Writer, table: str, frame: pd.DataFrame) -> None:
    """All of a frame's rows by column name in one go, types cast by the table."""
    with writing(con) as w:
        w.append(table, frame)


def submission_values(con: duckdb.DuckDBPyConnection, submission_id: int) -> pd.DataFrame:
    """A submission's figures with the columns VALUE_COLUMNS."""
    cols = ", ".join(f'"{c}"' for c in VALUE_COLUMNS)
    return con.execute(
        f"SELECT {cols} FROM value WHERE submission_id = ?", [submission_id]  # noqa: S608
    ).df()


def submission_details(con: duckdb.DuckDBPyConnection, submission_id: int) -> dict[str, pd.DataFrame]:
    """A submission's detail rows by table (vehicle, container, spend_line), less submission_id."""
    return {table: con.execute(
        # Table names come from DETAIL_TABLES, never from input.
        f"SELECT * EXCLUDE (submission_id) FROM {table} WHERE submission_id = ? "  # noqa: S608
        "ORDER BY sheet, row", [submission_id]).df() for table in DETAIL_TABLES}


def recover_interrupted(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Mark uploads left 'in_progress' by a stopped process as failed (SECURITY.md row 38).

    Call at start-up, before anything else writes: an upload still in progress then cannot
    belong to a live ingest. Its transaction never committed, so none of its rows exist.
    A shared store has other processes ingesting as this one starts: there only uploads begun
    more than ``SHARED_GRACE`` ago (far longer than a parse may take) are taken as stopped.
    """
    from store.writes import is_shared

    before = datetime.now() - SHARED_GRACE if is_shared(con) else datetime.max
    ids = [r[0] for r in con.execute(
        "SELECT id FROM upload WHERE outcome = 'in_progress' AND uploaded_at < ? ORDER BY id",
        [before]).fetchall()]
    if ids:
        with writing(con) as w:
            w.execute("UPDATE upload SET outcome = 'failed', message = ? WHERE outcome = "
                      "'in_progress' AND id IN (SELECT unnest(?))", [INTERRUPTED, ids])
    return ids


def upload_row(con: duckdb.DuckDBPyConnection, upload_id: int) -> dict[str, Any] | None:
    cur = con.execute("SELECT * FROM upload WHERE id = ?", [upload_id])
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row, strict=True))


def upload_issue_rows(con: duckdb.DuckDBPyConnection, upload_id: int) -> list[dict[str, Any]]:
    """An upload's issues in the order found, with Issue's field names ('column', not 'col')."""
    rows = con.execute(
        "SELECT code, severity, sheet, row, col, header, value, message FROM upload_issue "
        "WHERE upload_id = ? ORDER BY seq", [upload_id]
    ).fetchall()
    names = ("code", "severity", "sheet", "row", "column", "header", "value", "message")
    return [dict(zip(names, r, strict=True)) for r in rows]
