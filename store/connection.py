"""Opening the database: migrations, the lock held by another process, and locking down.

DuckDB lets one process hold a database file for writing; any other process cannot open it at
all (SECURITY.md trap 7). ``open_db`` turns that into ``DatabaseBusy`` with a plain message so
command-line tools can say so instead of printing a traceback.

The database, its write-ahead log and the upload archive beside it hold OFFICIAL-SENSITIVE
figures, so only the service's own account may read them (issue 8: they were 0644/0755).
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

import duckdb

from store.archive import make_private
from store.settings import is_postgres, settings_for

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
PRIVATE_UMASK = 0o077


class DatabaseBusy(RuntimeError):
    """Another process (usually the running dashboard) holds the database file."""


def migration_files(folder: Path = MIGRATIONS_DIR) -> list[tuple[int, str, str]]:
    """(number, name, SQL) of every numbered migration in ``folder``, in order (DuckDB's here;
    PostgreSQL's twins in ``store/migrations/postgres/``)."""
    found = []
    for path in sorted(folder.glob("*.sql")):
        number = int(re.match(r"(\d+)_", path.name).group(1))  # type: ignore[union-attr]
        found.append((number, path.stem, path.read_text(encoding="utf-8")))
    return found


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply, in order and each in its own transaction, the migrations not yet applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migration "
        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_migration").fetchall()}
    applied = []
    for number, name, sql in migration_files():
        if number in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_migration VALUES (?, ?, ?)", [number, name, datetime.now()]
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(number)
    return applied


def open_db(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if need be) and migrate the store at ``path``: a DuckDB file, or a
    PostgreSQL URL, for which this returns a cursor on the process's working copy
    (``store.mirror``) after creating or upgrading the PostgreSQL schema."""
    if is_postgres(path):
        return _open_shared(str(path), read_only=read_only)
    path = Path(path)
    if not read_only:
        keep_private()
        path.parent.mkdir(parents=True, exist_ok=True)
        make_private(path, path.with_name(path.name + ".wal"), settings_for(path).archive_dir)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseBusy(
                f"The database {path} is in use by another program (most likely the running "
                "dashboard). Stop the dashboard, or upload through its 'Upload returns' page, "
                "then try again."
            ) from exc
        raise
    if not read_only:
        migrate(con)
    return con


def _open_shared(url: str, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    from store import mirror, postgres

    if read_only:
        if postgres.missing_schema(url):
            raise postgres.StoreUnreachable(
                f"The PostgreSQL store {postgres.shown(url)} has no dashboard tables yet: load "
                "reference data or returns into it first (python -m loaders ingest … --db URL).")
    else:
        keep_private()
        postgres.migrate(url)
        make_private(settings_for(url).archive_dir)
    return mirror.hand_out(mirror.for_url(url))


def existing_store(given: str | None) -> Path | str:
    """The store a reading command opens: ``--db`` if given, else NVCRP_DB or the default.
    Raises StoreLocationError for a location not accepted, or a DuckDB file that does not exist
    (opening it would create an empty one)."""
    from store.settings import StoreLocationError, db_location, settings

    location = db_location(given) if given else settings().db_path
    if not is_postgres(location) and not Path(location).exists():
        raise StoreLocationError(f"No database at {location}: load returns first "
                                 "(python -m loaders) or give --db.")
    return location


def keep_current(con: duckdb.DuckDBPyConnection) -> None:
    """Bring a shared store's working copy up to date (one round trip when nothing changed);
    nothing to do for a DuckDB file. The web app calls it once per page run."""
    from store.mirror import mirror_of

    found = mirror_of(con)
    if found is not None:
        found.refresh()


def keep_private() -> None:
    """From now on this process creates files 0600 and folders 0700; a stricter umask stays.

    Process-wide on purpose: DuckDB deletes its write-ahead log at each checkpoint and makes a
    new one at the next write, with the umask of that moment, so a umask held only while
    connecting would leave later logs readable by everyone.
    """
    current = os.umask(PRIVATE_UMASK)
    os.umask(current | PRIVATE_UMASK)


def lock_down(con: duckdb.DuckDBPyConnection) -> None:
    """After start-up the web app's connection may not touch files or load extensions."""
    con.execute("SET enable_external_access = false")
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute("SET lock_configuration = true")


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """The latest upload id: caches and exports are keyed on it (SECURITY.md traps 1 and 2)."""
    # fetchall, not fetchone: a half-read result blocks the next con.sql() in DuckDB 2.0.
    rows = con.execute("SELECT coalesce(max(id), 0) FROM upload").fetchall()
    return int(rows[0][0]) if rows else 0
