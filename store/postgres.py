"""PostgreSQL as the shared store: connecting, its migrations, and writing to it.

PostgreSQL is the system of record when several processes share the store
(``NVCRP_DB=postgresql://…``). Figures are still computed by DuckDB, over an in-process working
copy (``store.mirror``): why, by measurement, is in README "Shared store".

Writers take turns. Every write transaction first takes one transaction-level advisory lock, so
ids drawn from the sequences rise in commit order, and records which tables it changed in
``store_change``; a working copy then fetches only what changed since it last looked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psycopg

from store.connection import DatabaseBusy, migration_files
from store.settings import shown_location

MIGRATIONS_DIR = Path(__file__).with_name("migrations") / "postgres"
# pg_advisory_xact_lock key for "one writer at a time" ('NVCR' as an integer).
WRITE_LOCK_KEY = 0x4E564352
# The same key, one higher, while migrations run (processes starting at once).
MIGRATE_LOCK_KEY = WRITE_LOCK_KEY + 1
_WRITTEN = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+([A-Za-z_][A-Za-z0-9_]*)",
                      re.IGNORECASE)


class StoreUnreachable(DatabaseBusy):
    """The PostgreSQL server named by NVCRP_DB / --db cannot be reached or refused us (a kind
    of DatabaseBusy, so every command that says "busy" says this too)."""


def shown(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return shown_location(url)


def connect(url: str, *, autocommit: bool = False) -> psycopg.Connection:
    try:
        return psycopg.connect(url, autocommit=autocommit, connect_timeout=10,
                               application_name="nvcrp-dashboard")
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreUnreachable(
            f"The PostgreSQL store {shown(url)} could not be reached: {first}. Check that the "
            "server is running, and the host, port, user and database name in NVCRP_DB or --db."
        ) from exc


def migrate(url: str) -> list[int]:
    """Create or upgrade the schema; several processes starting at once take turns."""
    applied = []
    with connect(url) as pg, pg.transaction():
        pg.execute("SELECT pg_advisory_xact_lock(%s)", [MIGRATE_LOCK_KEY])
        pg.execute("CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY, "
                   "name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)")
        # Which tables each write transaction changed, for the working copies (store.mirror).
        pg.execute("CREATE TABLE IF NOT EXISTS store_change (table_name TEXT PRIMARY KEY, "
                   "version BIGINT NOT NULL)")
        done = {r[0] for r in pg.execute("SELECT version FROM schema_migration").fetchall()}
        for number, name, sql in migration_files(MIGRATIONS_DIR):
            if number in done:
                continue
            pg.execute(sql)  # type: ignore[arg-type]  # our own files, never input
            pg.execute("INSERT INTO schema_migration VALUES (%s, %s, %s)",
                       [number, name, datetime.now()])
            applied.append(number)
        if applied:
            pg.execute("INSERT INTO store_change VALUES ('schema_migration', 1) ON CONFLICT "
                       "(table_name) DO UPDATE SET version = store_change.version + 1")
    return applied


def missing_schema(url: str) -> bool:
    with connect(url, autocommit=True) as pg:
        row = pg.execute("SELECT to_regclass('public.store_change') IS NULL").fetchone()
    return bool(row and row[0])


def _placeholders(sql: str) -> str:
    """DuckDB's ``?`` placeholders as psycopg's ``%s`` (our statements hold no literal ?)."""
    return sql.replace("%", "%%").replace("?", "%s")


def _plain(value: Any) -> Any:
    """A value psycopg can send: None for missing, Python scalars for numpy and pandas ones."""
    if value is None:
        return None
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in value]
    if value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Decimal):
        return value
    return value


class PostgresWriter:
    """Writes inside one PostgreSQL transaction that holds the store's write lock."""

    def __init__(self, pg: psycopg.Connection) -> None:
        self.pg = pg
        self.changed: set[str] = set()

    def execute(self, sql: str, params: Any = None) -> psycopg.Cursor:
        match = _WRITTEN.match(sql)
        if match:
            self.changed.add(match.group(1).lower())
        cur = self.pg.cursor()
        cur.execute(_placeholders(sql),  # type: ignore[arg-type]
                    [_plain(p) for p in params] if params is not None else None)
        return cur

    def append(self, table: str, frame: pd.DataFrame, *, cast: bool = False) -> int:
        """COPY the frame's rows in; PostgreSQL reads text as each column's type (``cast``)."""
        if frame is None or frame.empty:
            return 0
        self.changed.add(table)
        names = ", ".join(f'"{c}"' for c in frame.columns)
        # Table and column names are ours (the schema), never input.
        with self.pg.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # type: ignore[arg-type]
            for row in frame.itertuples(index=False, name=None):
                copy.write_row([_plain(v) for v in row])
        return len(frame)

    def record_changes(self) -> None:
        for table in sorted(self.changed):
            self.pg.execute("INSERT INTO store_change VALUES (%s, 1) ON CONFLICT (table_name) "
                            "DO UPDATE SET version = store_change.version + 1", [table])


@contextmanager
def write_transaction(pg: psycopg.Connection) -> Iterator[PostgresWriter]:
    """One transaction holding the write lock; commits when the block ends without error."""
    with pg.transaction():
        pg.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK_KEY])
        writer = PostgresWriter(pg)
        yield writer
        writer.record_changes()
