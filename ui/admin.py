"""The admin and audit pages' link to the store: accounts, grants, reference data, the log.

Every function re-checks that the person acting is an administrator (the page gate already
did; this keeps a mistake in a page from opening a door) and every change is audited by the
store function it calls. Problems come back as ``AdminError`` with a message for the page.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import streamlit as st

from exports.tables import csv_bytes
from store import accounts, operation_access, reference_edits
from store.accounts import AccountError
from store.audit import audit
from store.reference_edits import ReferenceEditError
from store.settings import settings
from ui.auth import User

REFERENCE_TABLES = {"pillar": "Pillars", "operation": "Operations", "grant_fund": "Grants",
                    "allocation": "Allocations"}


class AdminError(ValueError):
    """A change the page cannot make; the message says why and what to do."""


def _require_admin(con: duckdb.DuckDBPyConnection, user: User, what: str) -> None:
    if not user.can("admin"):
        audit(con, user.name, "denied", {"what": what, "role": user.role})
        raise AdminError("Only an administrator can do this.")


def accounts_table(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every account for display (no password hashes)."""
    rows = [[u.name, u.display_name, u.role, ", ".join(u.forces), u.navcis, u.auth,
             u.email or "", u.disabled, u.must_change_password, u.last_sign_in, u.created_by]
            for u in accounts.list_users(con)]
    return pd.DataFrame(rows, columns=["Name", "Display name", "Role", "Forces", "NaVCIS",
                                       "Sign-in", "Email", "Disabled", "Must change password",
                                       "Last sign-in", "Created by"])


def account_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [u.name for u in accounts.list_users(con)]


def add_account(con: duckdb.DuckDBPyConnection, admin: User, *, name: str, display_name: str,
                role: str, forces: tuple[str, ...], navcis: bool, auth: str, email: str,
                password: str) -> str:
    """Create an account; a local one must choose its own password at first sign-in."""
    _require_admin(con, admin, "add account")
    try:
        made = accounts.create_user(con, name, role=role, by=admin.name,
                                    display_name=display_name or None, forces=forces,
                                    navcis=navcis, password=password or None, auth=auth,
                                    email=email or None, must_change=True)
    except AccountError as exc:
        raise AdminError(str(exc)) from None
    return f"Added {made.name} as {made.role}."


def _enabled_admins(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [u.name for u in accounts.list_users(con) if u.role == "admin" and not u.disabled]


def set_disabled(con: duckdb.DuckDBPyConnection, admin: User, name: str, disabled: bool) -> str:
    """Disable or enable an account; nobody may disable themselves or the last administrator."""
    _require_admin(con, admin, "disable account")
    if disabled and name == admin.name:
        raise AdminError("You cannot disable your own account: ask another administrator.")
    if disabled and _enabled_admins(con) == [name]:
        raise AdminError(f"{name} is the only administrator left: add another first.")
    try:
        account = accounts.set_disabled(con, name, disabled, by=admin.name)
    except AccountError as exc:
        raise AdminError(str(exc)) from None
    return f"{account.name} is now {'disabled' if account.disabled else 'enabled'}."


def reset_password(con: duckdb.DuckDBPyConnection, admin: User, name: str, password: str) -> str:
    """Give a local account a temporary password that must be changed at sign-in."""
    _require_admin(con, admin, "reset password")
    try:
        account = accounts.set_password(con, name, password, by=admin.name, must_change=True)
    except AccountError as exc:
        raise AdminError(str(exc)) from None
    return f"{account.name} has a new temporary password and must change it at sign-in."


def change_role(con: duckdb.DuckDBPyConnection, admin: User, name: str, role: str,
                forces: tuple[str, ...], navcis: bool) -> str:
    """Change an account's role and submission scope; the last administrator stays one."""
    _require_admin(con, admin, "change role")
    if role != "admin" and _enabled_admins(con) == [name]:
        raise AdminError(f"{name} is the only administrator left: add another first.")
    try:
        account = accounts.set_role(con, name, role=role, forces=forces, navcis=navcis,
                                    by=admin.name)
    except AccountError as exc:
        raise AdminError(str(exc)) from None
    return f"{account.name} is now {account.role}."


def grants_table(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return operation_access.grants(con)


def add_grant(con: duckdb.DuckDBPyConnection, admin: User, operation: str, kind: str,
              grantee: str) -> str:
    _require_admin(con, admin, "grant access")
    try:
        operation_access.grant(con, operation, kind, grantee, by=admin.name)
    except AccountError as exc:
        raise AdminError(str(exc)) from None
    return f"The {kind} {grantee} may now see {operation}."


def remove_grant(con: duckdb.DuckDBPyConnection, admin: User, operation: str, kind: str,
                 grantee: str) -> str:
    _require_admin(con, admin, "withdraw access")
    operation_access.revoke(con, operation, kind, grantee, by=admin.name)
    return f"The {kind} {grantee} may no longer see {operation} (unless it is not restricted)."


def reference_table(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    return reference_edits.current(con, table)


def save_reference(con: duckdb.DuckDBPyConnection, admin: User, table: str,
                   frame: pd.DataFrame) -> str:
    """Save an edited reference table; cached figures are dropped so every page sees it."""
    _require_admin(con, admin, "edit reference data")
    try:
        changes = reference_edits.save_table(con, table, frame, by=admin.name)
    except ReferenceEditError as exc:
        raise AdminError(str(exc)) from None
    if not any(changes.values()):
        return "Nothing had changed, so nothing was saved."
    # Figures are cached on the upload id, which a reference edit does not change.
    st.cache_data.clear()
    parts = [f"{len(v)} {k}" for k, v in changes.items() if v]
    return f"{REFERENCE_TABLES[table]} saved: {', '.join(parts)}."


def audit_file_name(start: date | None, end: date | None, latest: int) -> str:
    """'audit-log_2026-03-01_to_2026-03-02_upto-812.csv': the last id in the name means a
    longer log never shares a download id with an older one (SECURITY.md trap 2)."""
    span = f"{start or 'start'}_to_{end or 'now'}"
    return f"audit-log_{span}_upto-{latest}.csv"


def audit_csv(frame: pd.DataFrame) -> bytes:
    """The filtered log as CSV with formula-like text escaped (SECURITY.md trap 3)."""
    return csv_bytes(frame)


def record_audit_download(con: duckdb.DuckDBPyConnection, admin: User, file_name: str,
                          rows: int) -> None:
    """Downloading the log is an export like any other: audited."""
    audit(con, admin.name, "export", {"what": "audit log", "file_name": file_name,
                                      "rows": rows}, marking=settings().marking)
