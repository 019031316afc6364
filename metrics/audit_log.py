"""Queries for the audit page: the log filtered by action, person and date, and its choices.

The audit log grows with every sign-in and download, so results are keyed on ``latest_id``
(pass it as an argument through ``ctx.q``), not on the data version.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd

COLUMNS = ["id", "at_time", "who", "action", "detail", "marking", "data_version"]
LIMIT = 5000


def latest_id(con: duckdb.DuckDBPyConnection) -> int:
    """The newest audit row's id (0 when the log is empty)."""
    return int(con.execute("SELECT coalesce(max(id), 0) FROM audit").fetchall()[0][0])


def actions(con: duckdb.DuckDBPyConnection, latest: int) -> list[str]:
    """Every action recorded so far, alphabetically."""
    return [r[0] for r in con.execute(
        "SELECT DISTINCT action FROM audit WHERE id <= ? ORDER BY action", [latest]).fetchall()]


def people(con: duckdb.DuckDBPyConnection, latest: int) -> list[str]:
    """Everyone named in the log (accounts, names tried at sign-in, 'command line', …)."""
    return [r[0] for r in con.execute(
        "SELECT DISTINCT who FROM audit WHERE id <= ? ORDER BY who", [latest]).fetchall()]


def entries(con: duckdb.DuckDBPyConnection, latest: int, chosen_actions: tuple[str, ...] = (),
            who: tuple[str, ...] = (), start: date | None = None, end: date | None = None,
            limit: int = LIMIT) -> pd.DataFrame:
    """Audit rows, newest first, narrowed to the actions, people and dates given (empty = all).

    ``end`` is inclusive: the whole of that day counts.
    """
    rows = con.execute(
        "SELECT id, at_time, who, action, CAST(detail AS TEXT) AS detail, marking, data_version "
        "FROM audit WHERE id <= ? "
        "AND (len(?::TEXT[]) = 0 OR list_contains(?::TEXT[], action)) "
        "AND (len(?::TEXT[]) = 0 OR list_contains(?::TEXT[], who)) "
        "AND (?::TIMESTAMP IS NULL OR at_time >= ?::TIMESTAMP) "
        "AND (?::TIMESTAMP IS NULL OR at_time < ?::TIMESTAMP) "
        "ORDER BY id DESC LIMIT ?",
        [latest, list(chosen_actions), list(chosen_actions), list(who), list(who),
         start, start, _day_after(end), _day_after(end), limit]).fetchall()
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype({"id": "int64", "data_version": "Int64"}) if not frame.empty else frame


def _day_after(day: date | None) -> date | None:
    return day + timedelta(days=1) if day else None


def counts_by_action(con: duckdb.DuckDBPyConnection, latest: int, start: date | None = None,
                     end: date | None = None) -> pd.DataFrame:
    """How many rows of each action fall between the dates: action, rows."""
    rows = con.execute(
        "SELECT action, count(*) AS n FROM audit WHERE id <= ? "
        "AND (?::TIMESTAMP IS NULL OR at_time >= ?::TIMESTAMP) "
        "AND (?::TIMESTAMP IS NULL OR at_time < ?::TIMESTAMP) "
        "GROUP BY action ORDER BY n DESC, action",
        [latest, start, start, _day_after(end), _day_after(end)]).fetchall()
    return pd.DataFrame(rows, columns=["action", "rows"])
