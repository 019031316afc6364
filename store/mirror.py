"""The in-process DuckDB working copy of a shared PostgreSQL store.

Pages, metrics and exports read DuckDB, whichever store holds the data: for a PostgreSQL store
each process keeps an in-memory DuckDB database with the same schema (the DuckDB migrations) and
the same rows, and every write goes to PostgreSQL (``store.writes``, ``store.postgres``). So a
query, the as-at rule and every metric give identical figures on both stores — it is the same
SQL on the same rows — and a page query takes milliseconds instead of a round trip per table.

Keeping it current (``refresh``): one query asks PostgreSQL which tables changed
(``store_change``); only those are fetched, in one snapshot. Submitted figures are append-only
and writers take turns, so a table keyed by a rising id fetches only the rows above what the
copy holds; a submission's figures and detail rows come with it; small tables that change in
place (uploads' outcomes, accounts, sessions, reference data) are fetched whole. A refresh with
nothing new costs one round trip (well under a millisecond on one machine). After fetching
only the new rows of an appended table the copy checks its count against PostgreSQL's and
fetches the whole table should they differ.
"""

from __future__ import annotations

import io
import secrets
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb
import psycopg
import pyarrow as pa
import pyarrow.csv as pacsv

from store import postgres

# Tables whose rows are only ever appended, with the id that rises in commit order.
APPEND_BY_ID = {"submission": "id", "audit": "id", "sign_in_attempt": "id"}
# Rows written with their submission, never changed afterwards: keyed by submission_id.
OF_SUBMISSION = ("value", "vehicle", "container", "spend_line")
# PostgreSQL connections one process keeps for writing (besides one for reading).
WRITE_CONNECTIONS = 4
# The attached (empty) catalogue whose name marks a DuckDB database as a working copy.
MARK = "shared_store_"

_ARROW = {"BIGINT": pa.int64(), "INTEGER": pa.int32(), "DOUBLE": pa.float64(),
          "BOOLEAN": pa.bool_(), "DATE": pa.date32(), "TIMESTAMP": pa.timestamp("us")}


def _arrow_type(kind: str) -> pa.DataType:
    """How to read a column of this DuckDB type from PostgreSQL's CSV."""
    if kind.startswith("DECIMAL("):
        precision, scale = kind[len("DECIMAL("):-1].split(",")
        return pa.decimal128(int(precision), int(scale))
    return _ARROW.get(kind, pa.string())


_mirrors: dict[str, Mirror] = {}
_handed_out: weakref.WeakKeyDictionary[Any, Mirror] = weakref.WeakKeyDictionary()
_by_url: dict[str, Mirror] = {}
_opening = threading.Lock()


def for_url(url: str) -> Mirror:
    """This process's working copy of the store at ``url``, made and filled on first use."""
    with _opening:
        mirror = _by_url.get(url)
        if mirror is None:
            mirror = _by_url[url] = Mirror(url)
    mirror.refresh()
    return mirror


def forget(url: str) -> None:
    """Drop this process's working copy of ``url`` and close its connections (tests, before
    dropping a database)."""
    with _opening:
        mirror = _by_url.pop(url, None)
    if mirror is not None:
        mirror.close()


def mirror_of(con: Any) -> Mirror | None:
    """The working copy ``con`` (a connection or cursor) reads, or None for a DuckDB file.

    A connection this module handed out is known without a query (so the web app's shared
    connection, which many threads hold, is never queried here); any other cursor is asked
    which databases it sees — on its own thread's cursor, as DuckDB requires."""
    if not _mirrors:
        return None
    known = _handed_out.get(con)
    if known is not None:
        return known
    rows = con.execute("SELECT database_name FROM duckdb_databases() "
                       "WHERE starts_with(database_name, ?)", [MARK]).fetchall()
    return _mirrors.get(rows[0][0]) if rows else None


def hand_out(mirror: Mirror) -> duckdb.DuckDBPyConnection:
    """A new cursor on ``mirror``'s copy, remembered as belonging to it."""
    cursor = mirror.con.cursor()
    _handed_out[cursor] = mirror
    return cursor


class Mirror:
    """One process's working copy of the PostgreSQL store at ``url``."""

    def __init__(self, url: str) -> None:
        from store.connection import migrate

        self.url = url
        self.mark = MARK + secrets.token_hex(8)
        self.con = duckdb.connect(":memory:")
        migrate(self.con)                       # the DuckDB schema: the same tables and types
        self.con.execute(f"ATTACH ':memory:' AS {self.mark}")
        self.tables = [r[0] for r in self.con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'memory' "
            "AND schema_name = 'main' ORDER BY table_name").fetchall()]
        self.columns = {t: self.con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = 'memory' "
            "AND table_name = ? ORDER BY column_index", [t]).fetchall() for t in self.tables}
        self.versions: dict[str, int] = {}
        self.loaded = False
        self._lock = threading.RLock()
        self._sync = self.con.cursor()
        self._reader = postgres.connect(url, autocommit=True)
        self._idle: list[Any] = []           # PostgreSQL connections for writing, not in use
        self._free = threading.BoundedSemaphore(WRITE_CONNECTIONS)
        _mirrors[self.mark] = self

    # -- keeping current ------------------------------------------------------------------

    def refresh(self) -> list[str]:
        """Fetch what changed in PostgreSQL since the last look; returns the tables fetched.

        A connection lost since the last look (the server restarted or failed over) is made
        again once before giving up."""
        with self._lock:
            try:
                return self._refresh()
            except psycopg.OperationalError:
                if not self._reader.closed:
                    self._reader.close()
                self._reader = postgres.connect(self.url, autocommit=True)
                return self._refresh()

    def _refresh(self) -> list[str]:
        with self._lock:
            with self._reader.transaction():
                self._reader.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                now: dict[str, int] = dict(self._reader.execute(  # type: ignore[arg-type]
                    "SELECT table_name, version FROM store_change").fetchall())
                changed = [t for t in self.tables
                           if not self.loaded or now.get(t, 0) != self.versions.get(t, 0)]
                if not changed:
                    return []
                frames = self._fetch(changed)
            self._apply(frames)
            self.versions = {t: now.get(t, 0) for t in self.tables}
            self.loaded = True
            return changed

    def _fetch(self, changed: list[str]) -> dict[str, tuple[str, pa.Table]]:
        """Rows to add to each changed table, read in the caller's snapshot.

        An appended table fetches only the rows keyed above the highest the copy holds, then
        checks its count against PostgreSQL's: should the rows ever have arrived out of order,
        the whole table is fetched instead, so the copy is never short."""
        frames: dict[str, tuple[str, pa.Table]] = {}
        for table in changed:
            key = APPEND_BY_ID.get(table) or ("submission_id" if table in OF_SUBMISSION else None)
            if self.loaded and key is not None:
                held, top = self._held(table, key)
                rows = self._copy(table, key, top)
                total = self._reader.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
                if total is not None and total[0] == held + rows.num_rows:
                    frames[table] = ("add", rows)
                    continue
            frames[table] = ("replace", self._copy(table, None, None))
        return frames

    def _held(self, table: str, key: str) -> tuple[int, int]:
        """How many rows the copy holds of ``table``, and the highest ``key``."""
        row = self._sync.execute(
            f"SELECT count(*), coalesce(max({key}), 0) FROM {table}").fetchall()  # noqa: S608
        return int(row[0][0]), int(row[0][1])

    def _copy(self, table: str, column: str | None, above: int | None) -> pa.Table:
        """A table's rows (those with ``column`` above ``above``) as text, by COPY."""
        columns = self.columns[table]
        select = ", ".join(
            f'array_to_json("{name}")::text' if kind.endswith("[]") else f'"{name}"'
            for name, kind in columns)
        where = f' WHERE "{column}" > {int(above or 0)}' if column is not None else ""
        buffer = io.BytesIO()
        # Table and column names come from our schema; ``above`` is an int.
        with self._reader.cursor() as cur, cur.copy(
                f"COPY (SELECT {select} FROM {table}{where}) TO STDOUT (FORMAT csv)") as copy:  # type: ignore[arg-type]  # noqa: S608
            for chunk in copy:
                buffer.write(chunk)
        names = [name for name, _ in columns]
        if buffer.tell() == 0:
            return pa.table({n: pa.array([], pa.string()) for n in names})
        buffer.seek(0)
        return pacsv.read_csv(
            buffer,
            read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            # Each column read as its own type, never guessed; DuckDB casts the rest (JSON,
            # lists) from text. PostgreSQL writes NULL as an empty field and '' as "".
            convert_options=pacsv.ConvertOptions(
                column_types={n: _arrow_type(kind) for n, kind in columns},
                strings_can_be_null=True, quoted_strings_can_be_null=False, null_values=[""],
                true_values=["t"], false_values=["f"]))

    def _apply(self, frames: dict[str, tuple[str, pa.Table]]) -> None:
        cur = self._sync
        cur.execute("BEGIN TRANSACTION")
        try:
            for table, (how, rows) in frames.items():
                if how == "replace":
                    cur.execute(f"DELETE FROM {table}")  # noqa: S608
                if rows.num_rows == 0:
                    continue
                select = ", ".join(f'CAST("{name}" AS {kind}) AS "{name}"'
                                   for name, kind in self.columns[table])
                cur.register("_fetched", rows)
                try:
                    cur.execute(f"INSERT INTO {table} SELECT {select} FROM _fetched")  # noqa: S608
                finally:
                    cur.unregister("_fetched")
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    # -- writing ----------------------------------------------------------------------------

    @contextmanager
    def _writer_connection(self) -> Iterator[Any]:
        """A PostgreSQL connection from this process's few, for one write transaction.

        Writers take turns under the store's lock anyway, so a handful is plenty however many
        people are signed in: a connection per page thread exhausted the server's 100 at 20
        leads. A caller finding none free waits for one."""
        self._free.acquire()
        with self._lock:
            pg = self._idle.pop() if self._idle else None
        try:
            if pg is not None and (pg.closed or pg.broken or pg.info.transaction_status
                                   != psycopg.pq.TransactionStatus.IDLE):
                pg.close()    # left broken by a lost connection: start afresh
                pg = None
            if pg is None:
                pg = postgres.connect(self.url, autocommit=True)
            yield pg
        finally:
            with self._lock:
                if pg is not None and not pg.closed:
                    self._idle.append(pg)
            self._free.release()

    @contextmanager
    def transaction(self) -> Iterator[postgres.PostgresWriter]:
        """One PostgreSQL write transaction; the copy is brought up to date once the lock is
        held (so reads inside see every committed write) and again after the commit."""
        with self._writer_connection() as pg, postgres.write_transaction(pg) as writer:
            self.refresh()
            yield writer
        self.refresh()

    def close(self) -> None:
        _mirrors.pop(self.mark, None)
        with self._lock:
            for pg in (self._reader, *self._idle):
                if not pg.closed:
                    pg.close()
        self.con.close()
