"""Every write to the store goes through here, whichever store it is.

The store is a DuckDB file (the default) or PostgreSQL (shared by several processes; see
``store.postgres`` and ``store.mirror``). Code that reads never knows which: it always reads a
DuckDB connection — the file itself, or the in-process working copy of PostgreSQL. Code that
writes asks for a writer here instead of calling ``con.execute("INSERT …")``:

    with transaction(con) as w:          # all or nothing
        w.execute("INSERT INTO … VALUES (?, ?) RETURNING id", [a, b]).fetchone()
        w.append("value", frame)         # many rows at once, columns by name

    with writing(con) as w:              # one write, joining a transaction already open

A DuckDB writer is the connection itself (the same statements, the same transaction). A
PostgreSQL writer sends the statement to PostgreSQL, holds the store's write lock for the whole
transaction (so writers take turns and ids rise in commit order) and brings the working copy up
to date after the commit, so a read straight after a write sees it.

Statements use ``?`` placeholders and the SQL both databases share (INSERT … RETURNING,
ON CONFLICT DO NOTHING, nextval, coalesce).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from itertools import count
from typing import Any, Protocol

import duckdb
import pandas as pd

_frame_names = count(1)


class Writer(Protocol):
    def execute(self, sql: str, params: Any = ...) -> Any:
        """Run one statement; the result has ``fetchone()`` and ``fetchall()``."""

    def append(self, table: str, frame: pd.DataFrame, *, cast: bool = False) -> int:
        """Insert ``frame``'s rows into ``table`` by column name; returns the count.

        ``cast``: the frame holds text to be read as the columns' types (reference files)."""


class DuckDBWriter:
    """Writes to a DuckDB file: straight on the connection, inside its transaction if any."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def execute(self, sql: str, params: Any = None) -> Any:
        return self.con.execute(sql, params) if params is not None else self.con.execute(sql)

    def append(self, table: str, frame: pd.DataFrame, *, cast: bool = False) -> int:
        if frame is None or frame.empty:
            return 0
        name = f"_frame_{next(_frame_names)}"
        self.con.register(name, frame)
        try:
            # Both names are ours: a table of the schema and a counter, never input.
            if cast:
                types = column_types(self.con, table)
                select = ", ".join(f'CAST("{c}" AS {types[c]}) AS "{c}"' for c in frame.columns)
                names = ", ".join(f'"{c}"' for c in frame.columns)
                self.con.execute(f"INSERT INTO {table} ({names}) SELECT {select} FROM {name}")  # noqa: S608
            else:
                self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {name}")  # noqa: S608
        finally:
            self.con.unregister(name)
        return len(frame)


def column_types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    rows = con.execute("SELECT column_name, data_type FROM information_schema.columns "
                       "WHERE table_name = ? AND table_schema = 'main'", [table]).fetchall()
    return {name: kind for name, kind in rows}


# The PostgreSQL transaction open in this thread (Streamlit runs each session in its own thread),
# so a store function handed the plain connection inside ``transaction`` joins it.
_open: contextvars.ContextVar[Any] = contextvars.ContextVar("open_shared_transaction", default=None)


def _shared(con: Any) -> Any:
    """The PostgreSQL working copy behind ``con``, or None for a DuckDB file."""
    from store.mirror import mirror_of

    return mirror_of(con)


def is_shared(con: Any) -> bool:
    """Whether ``con`` reads the working copy of a shared PostgreSQL store."""
    return not _is_writer(con) and _shared(con) is not None


def _is_writer(obj: Any) -> bool:
    return hasattr(obj, "append") and hasattr(obj, "execute") and not isinstance(
        obj, duckdb.DuckDBPyConnection)


@contextlib.contextmanager
def transaction(con: Any) -> Iterator[Writer]:
    """All the writes in the block, or none of them."""
    if _is_writer(con):            # already inside one: join it
        yield con
        return
    mirror = _shared(con)
    if mirror is not None:
        if _open.get() is not None:
            yield _open.get()
            return
        with mirror.transaction() as writer:
            token = _open.set(writer)
            try:
                yield writer
            finally:
                _open.reset(token)
        return
    con.execute("BEGIN TRANSACTION")
    try:
        yield DuckDBWriter(con)
        con.execute("COMMIT")
    except BaseException:
        # A failed COMMIT has already ended the transaction.
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise


@contextlib.contextmanager
def writing(con: Any) -> Iterator[Writer]:
    """A writer for one or two statements: inside the caller's transaction when one is open,
    else each statement on its own (DuckDB) or one short transaction (PostgreSQL)."""
    if _is_writer(con):
        yield con
        return
    mirror = _shared(con)
    if mirror is None:
        yield DuckDBWriter(con)
        return
    with transaction(con) as writer:
        yield writer


def is_conflict(exc: BaseException) -> bool:
    """A write that lost a race with another one (try again), on either store."""
    text = str(exc).lower()
    if isinstance(exc, (duckdb.TransactionException, duckdb.ConstraintException)):
        return "conflict" in text or "duplicate key" in text or "unique" in text
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is in requirements.txt
        return False
    return isinstance(exc, (psycopg.errors.UniqueViolation,
                            psycopg.errors.SerializationFailure,
                            psycopg.errors.DeadlockDetected))
