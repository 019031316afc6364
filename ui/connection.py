"""The web app's one DuckDB connection per process, opened, migrated and locked down once.

DuckDB wants one connection per process and a cursor per thread (STACK.md): every script run
takes its own ``cursor()`` from the shared connection.
"""

from __future__ import annotations

import threading

import duckdb
import streamlit as st

from store.connection import keep_current, lock_down, open_db
from store.operation_access import scoped
from store.reference import load_reference
from store.settings import settings
from store.submissions import recover_interrupted

# One writer at a time inside this process (uploads); readers never wait for it.
WRITE_LOCK = threading.Lock()


@st.cache_resource(show_spinner="Opening the database…")
def shared_connection(db_path: str) -> duckdb.DuckDBPyConnection:
    """Keyed on the path so tests in one process can serve several databases."""
    from ui import auth  # late: auth reaches back here for its own cursor

    con = open_db(db_path)
    load_reference(con)
    recover_interrupted(con)
    # First start with no accounts: the one-time admin password goes to the terminal only.
    auth.announce_bootstrap(con)
    auth.enforce_startup(con)   # production mode refuses to start with no way to sign in
    lock_down(con)
    return con


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor that reads everything: for signing in, the audit trail and administrators.

    Pages read through ``person_cursor`` instead (``ui.shell.page_setup`` hands it over).
    With a shared PostgreSQL store, the working copy is first brought up to date, so a
    sign-out or an upload made through another server process counts at once.
    """
    con = shared_connection(str(settings().db_path))
    keep_current(con)
    return con.cursor()


def person_cursor(role: str, operations: frozenset[str], name: str) -> duckdb.DuckDBPyConnection:
    """A cursor that reads only the operations this person may see (need to know).

    Administrators see every operation and edit reference data, so theirs is not narrowed;
    everyone else's shadows each operation table with a view of what they may see
    (``store.operation_access.scoped``).
    """
    if role == "admin":
        return cursor()
    con = shared_connection(str(settings().db_path))
    keep_current(con)
    return scoped(con, operations, name)


def writer_cursor() -> duckdb.DuckDBPyConnection:
    """A cursor for saving uploads: ingest checks the uploader's access itself, and must see
    every earlier version to keep versions and duplicates right. Never used to show figures."""
    return cursor()
