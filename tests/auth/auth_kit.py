"""Shared by the sign-in tests: a password that passes the rules, and the audit log's actions.

``signed_in_session`` also serves page tests elsewhere once sign-in is switched on: it adds an
account to the database the app will open and returns the session record to seed into
``at.session_state[ui.auth.SESSION_KEY]``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

PASSWORD = "correct horse battery"


def actions(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The audit log's actions, oldest first."""
    return [r[0] for r in con.execute("SELECT action FROM audit ORDER BY id").fetchall()]


def signed_in_session(db: Path, name: str = "tester", role: str = "admin") -> dict[str, Any]:
    """Create (if need be) an account in the closed database ``db``; return its session record."""
    from store import accounts
    from store.connection import open_db
    from store.reference import load_reference
    from ui import auth

    con = open_db(db)
    try:
        load_reference(con)
        if accounts.get_user(con, name) is None:
            accounts.create_user(con, name, role=role, by="test", password=PASSWORD,
                                 must_change=False)
    finally:
        con.close()
    return auth.session_for(name)
