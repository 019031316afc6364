"""Cached metric queries, keyed on the data version and access scope — never on a DataFrame.

Hashing a large DataFrame samples it and can serve a stale result (SECURITY.md trap 1), so the
key is (query name, its hashable arguments, the latest upload id, the viewer's access scope).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import duckdb
import streamlit as st

from store.operation_access import scope_key
from store.settings import settings


def _resolve(name: str) -> Callable[..., Any]:
    module, _, attr = name.rpartition(".")
    return getattr(importlib.import_module(module), attr)  # type: ignore[no-any-return]


@st.cache_data(show_spinner=False, max_entries=1024)
def _run(name: str, database: str, version: int, scope: str, args: tuple[Any, ...],
         _con: duckdb.DuckDBPyConnection) -> Any:
    return _resolve(name)(_con, *args)


def cached(fn: Callable[..., Any], con: duckdb.DuckDBPyConnection, version: int, *args: Any,
           scope: str | None = None) -> Any:
    """Call ``fn(con, *args)`` through the cache; ``args`` must be hashable values.

    The key holds what ``con`` may read (``store.operation_access.scope_key``), so a result
    computed on one person's cursor is served only to people who may see the same operations.
    ``scope`` adds to it (a role, say); it can never widen it.
    """
    # The database path is part of the key: two databases can be at the same data version.
    key = scope_key(con) + ("" if scope is None else f"|{scope}")
    return _run(f"{fn.__module__}.{fn.__qualname__}", str(settings().db_path), version, key,
                args, _con=con)
