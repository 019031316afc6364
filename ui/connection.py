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
    con = open_db(db_path)
    load_reference(con)
    recover_interrupted(con)
    lock_down(con)
    return con


def cursor() -> duckdb.DuckDBPyConnection:
    return shared_connection(str(settings().db_path)).cursor()
