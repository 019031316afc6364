"""Move a DuckDB store into a shared PostgreSQL store: ``python -m store copy --to URL``.

For a team that outgrows the embedded file: every table, row for row, in one PostgreSQL
transaction, sequences set past the ids copied, nothing written unless all of it is. Refuses a
PostgreSQL store that already holds uploads (nothing accepted is ever overwritten). The upload
archive (raw files) is a folder: copy it to the shared store's NVCRP_ARCHIVE folder as well.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from store.connection import open_db
from store.postgres import shown

# Sequences and the column whose highest value each must pass.
SEQUENCES = {"upload_id_seq": ("upload", "id"), "submission_id_seq": ("submission", "id"),
             "audit_id_seq": ("audit", "id"), "sign_in_attempt_id_seq": ("sign_in_attempt", "id")}


class CopyRefused(RuntimeError):
    """The target already holds uploads, or is not a PostgreSQL store."""


def tables_of(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name <> 'schema_migration' "
        "ORDER BY table_name").fetchall()]


def copy_store(source: duckdb.DuckDBPyConnection, url: str) -> dict[str, int]:
    """Copy every table of ``source`` into the PostgreSQL store at ``url``; rows per table."""
    from store.writes import transaction

    target = open_db(url)
    held = target.execute("SELECT count(*) FROM upload").fetchall()[0][0]
    if held:
        raise CopyRefused(f"The PostgreSQL store {shown(url)} already holds {held} uploads: a "
                          "store is copied only into an empty database.")
    copied: dict[str, int] = {}
    with transaction(target) as w:
        for table in tables_of(source):
            # Through Arrow, not .df(): decimals stay Decimal, whole numbers stay whole.
            rows = source.sql(f"SELECT * FROM {table}").to_arrow_table()  # noqa: S608
            frame = rows.to_pandas(types_mapper=pd.ArrowDtype)
            # Reference tables were filled when the target opened: the copy replaces them.
            w.execute(f"DELETE FROM {table}")  # noqa: S608
            copied[table] = w.append(table, frame)
        for sequence, (table, column) in SEQUENCES.items():
            top = source.execute(f"SELECT coalesce(max({column}), 0) FROM {table}").fetchall()  # noqa: S608
            # setval(…, false): the next nextval returns this value itself.
            w.execute("SELECT setval(?, ?, false)", [sequence, int(top[0][0]) + 1])
    return copied

