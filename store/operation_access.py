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
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("INSERT INTO operation_access VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    [operation, kind, grantee, datetime.now(), by])
        audit(con, by, "access_grant", {"operation": operation, kind: grantee})
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def revoke(con: duckdb.DuckDBPyConnection, operation: str, kind: str, grantee: str, *,
           by: str) -> None:
    """Withdraw a grant (audited)."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM operation_access WHERE operation = ? AND grantee_kind = ? "
                    "AND grantee = ?", [operation, kind, grantee.strip().lower()])
        audit(con, by, "access_revoke", {"operation": operation, kind: grantee})
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
