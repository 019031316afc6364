"""The web app's one DuckDB connection per process, opened, migrated and locked down once.

DuckDB wants one connection per process and a cursor per thread (STACK.md): every script run
takes its own ``cursor()`` from the shared connection.
"""

from __future__ import annotations

import threading

import duckdb
import streamlit as st

from store.connection import lock_down, open_db
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
    return shared_connection(str(settings().db_path)).cursor()
