"""Restricted operations: who may see them (``operation.restricted`` + ``operation_access``).

An operation that is not restricted is visible to everyone signed in. A restricted one is
visible to administrators and to the roles and accounts granted it here. Grants and
withdrawals are audited.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from store.accounts import ROLES, AccountError, get_user
from store.audit import audit
from store.writes import transaction

GRANTEE_KINDS = ("role", "user")


def visible_operations(con: duckdb.DuckDBPyConnection, role: str, name: str) -> frozenset[str]:
    """Codes of every operation this role and account may see."""
    if role == "admin":
        rows = con.execute("SELECT code FROM operation").fetchall()
    else:
        rows = con.execute(
            "SELECT code FROM operation WHERE NOT restricted OR code IN (SELECT operation FROM "
            "operation_access WHERE (grantee_kind = 'role' AND grantee = ?) OR "
            "(grantee_kind = 'user' AND grantee = ?))", [role, name]).fetchall()
    return frozenset(r[0] for r in rows)


def restricted_operations(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    return frozenset(r[0] for r in con.execute(
        "SELECT code FROM operation WHERE restricted").fetchall())


def grants(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every grant: operation, grantee_kind, grantee, granted_at, granted_by."""
    return con.execute("SELECT operation, grantee_kind, grantee, granted_at, granted_by "
                       "FROM operation_access ORDER BY operation, grantee_kind, grantee").df()


def _check(con: duckdb.DuckDBPyConnection, operation: str, kind: str, grantee: str) -> None:
    if not con.execute("SELECT 1 FROM operation WHERE code = ?", [operation]).fetchall():
        raise AccountError(f"There is no operation '{operation}': use a code from the "
                           "operations table, e.g. 'OA2025'.")
    if kind not in GRANTEE_KINDS:
        raise AccountError(f"'{kind}' is not a kind of grantee: use 'role' or 'user'.")
    if kind == "role" and grantee not in ROLES:
        raise AccountError(f"'{grantee}' is not a role: use one of {', '.join(ROLES)}.")
    if kind == "user" and get_user(con, grantee) is None:
        raise AccountError(f"There is no account named '{grantee}'.")


def grant(con: duckdb.DuckDBPyConnection, operation: str, kind: str, grantee: str, *,
          by: str) -> None:
    """Let a role or an account see a restricted operation (audited; repeating is harmless)."""
    grantee = grantee.strip().lower()
    _check(con, operation, kind, grantee)
    with transaction(con) as w:
        w.execute("INSERT INTO operation_access VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                  [operation, kind, grantee, datetime.now(), by])
        audit(w, by, "access_grant", {"operation": operation, kind: grantee})


def revoke(con: duckdb.DuckDBPyConnection, operation: str, kind: str, grantee: str, *,
           by: str) -> None:
    """Withdraw a grant (audited)."""
    with transaction(con) as w:
        w.execute("DELETE FROM operation_access WHERE operation = ? AND grantee_kind = ? "
                  "AND grantee = ?", [operation, kind, grantee.strip().lower()])
        audit(w, by, "access_revoke", {"operation": operation, kind: grantee})


# ---------------------------------------------------------------------------------------------
# Need to know, where the data is read.
#
# ``scoped(cursor, operations)`` shadows every table that holds or names an operation with a
# temporary view of the same name, on that cursor only, narrowed to the operations given. Every
# query run on the cursor afterwards — metric, chart, table, tracker, template list, export,
# pack, or one written next year — reads the narrowed views, because DuckDB resolves an
# unqualified name to the temporary schema first. Writes to these tables fail on a scoped
# cursor ("not a table"), which is what we want: uploads and reference edits take their own
# cursor. Each table in the schema is named below as scoped or as holding no operation's data;
# tests/auth/test_scope_tables.py fails when a migration adds a table that is neither.
# ---------------------------------------------------------------------------------------------

# Each view's condition; {db} is the database's own catalogue, so a view reads the table it
# shadows and not itself. An upload's return key starts with its operation code
# (store/migrations/001_initial.sql); spend returns start with a grant reference, which is no
# operation's code. A file whose return could not be told (an unknown force, say) may name any
# operation, so it is shown only to the person who uploaded it (administrators read unscoped).
SCOPED_TABLES: dict[str, str] = {
    "operation": "code IN (SELECT code FROM temp.visible_operation)",
    "operation_force": "operation IN (SELECT code FROM temp.visible_operation)",
    "operation_access": "operation IN (SELECT code FROM temp.visible_operation)",
    "published_figure": "operation IN (SELECT code FROM temp.visible_operation)",
    "allocation": "operation IS NULL OR operation IN (SELECT code FROM temp.visible_operation)",
    "force_bid": "operation IS NULL OR operation IN (SELECT code FROM temp.visible_operation)",
    "upload": """
        ((return_key IS NULL AND uploaded_by IN (SELECT name FROM temp.scope_person))
         OR split_part(return_key, ':', 1) IN (SELECT code FROM temp.visible_operation)
         OR split_part(return_key, ':', 1) NOT IN (SELECT code FROM {db}.main.operation))
        AND id NOT IN (SELECT upload_id FROM {db}.main.submission WHERE operation IS NOT NULL
                       AND operation NOT IN (SELECT code FROM temp.visible_operation))""",
    "submission": """
        (operation IS NULL OR operation IN (SELECT code FROM temp.visible_operation))
        AND (split_part(return_key, ':', 1) IN (SELECT code FROM temp.visible_operation)
             OR split_part(return_key, ':', 1) NOT IN (SELECT code FROM {db}.main.operation))""",
    "upload_issue": "upload_id IN (SELECT id FROM temp.upload)",
    "value": "submission_id IN (SELECT id FROM temp.submission)",
    "vehicle": "submission_id IN (SELECT id FROM temp.submission)",
    "container": "submission_id IN (SELECT id FROM temp.submission)",
    "spend_line": """
        (operation IS NULL OR operation IN (SELECT code FROM temp.visible_operation))
        AND submission_id IN (SELECT id FROM temp.submission)""",
    "grant_fund": "true",
}

# Free text in reference data can name an operation (a grant's source: "NPCC press release on
# Operation Alliances 2025"). On a scoped cursor such a cell reads as the words given here
# instead, when the operation it names is one the person may not see.
WITHHELD_TEXT: dict[str, dict[str, str]] = {
    "grant_fund": {"name": "NVCRP grant", "source": "Published funding announcement"},
    "allocation": {"purpose": "Allocation"},
}
_NAMES_HIDDEN = """EXISTS (SELECT 1 FROM {db}.main.operation o
    WHERE o.code NOT IN (SELECT code FROM temp.visible_operation)
      AND (contains(lower({column}), lower(o.name)) OR contains({column}, o.code)))"""

# Tables that hold no operation's code, name or figures: reference data, accounts, the audit
# trail (read only on the administrators' Audit page, and written from every page).
UNSCOPED_TABLES = frozenset({
    "region", "force", "force_alias", "pillar", "measure", "port",
    "recorded_crime", "audit", "user_account", "sign_in_attempt", "schema_migration",
    "web_session", "session_handover",
})


def scoped(con: duckdb.DuckDBPyConnection,
           operations: frozenset[str] | set[str] | tuple[str, ...],
           person: str = "") -> duckdb.DuckDBPyConnection:
    """A new cursor of ``con`` that can read only ``operations`` (and data naming none).

    Give it ``visible_operations(...)`` for the person: an operation left out is as absent as
    one that does not exist, in every query run on the returned cursor. ``person`` (their
    account name) also sees their own uploads whose return could not be told.
    """
    cur = con.cursor()
    db = cur.execute("SELECT current_database()").fetchall()[0][0].replace('"', '""')
    cur.execute("CREATE TEMP TABLE scope_person (name TEXT)")
    cur.execute("INSERT INTO temp.scope_person VALUES (?)", [person])
    cur.execute("CREATE TEMP TABLE visible_operation (code TEXT PRIMARY KEY)")
    if operations:
        cur.executemany("INSERT INTO temp.visible_operation VALUES (?)",
                        [[code] for code in sorted(operations)])
    catalogue = f'"{db}"'
    for table, where in SCOPED_TABLES.items():
        withheld = ", ".join(
            f"CASE WHEN {_NAMES_HIDDEN.format(db=catalogue, column=column)} "
            f"THEN '{words}' ELSE {column} END AS {column}"
            for column, words in WITHHELD_TEXT.get(table, {}).items())
        columns = f"* REPLACE ({withheld})" if withheld else "*"
        cur.execute(f"CREATE TEMP VIEW {table} AS SELECT {columns} "  # noqa: S608
                    f"FROM {catalogue}.main.{table} WHERE {where.format(db=catalogue)}")
    return cur


def scope_key(con: duckdb.DuckDBPyConnection) -> str:
    """'all', or the sorted codes a scoped cursor may read: a cache key part."""
    try:
        rows = con.execute("SELECT code FROM temp.visible_operation ORDER BY code").fetchall()
    except duckdb.CatalogException:
        return "all"
    person = con.execute("SELECT name FROM temp.scope_person").fetchall()[0][0]
    return f"ops={','.join(r[0] for r in rows)}|by={person}"
