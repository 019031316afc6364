"""Cached metric queries, keyed on the data version and access scope — never on a DataFrame.

Hashing a large DataFrame samples it and can serve a stale result (SECURITY.md trap 1), so the
key is (query name, its hashable arguments, the latest upload id, the viewer's access scope).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Asked:
    """A cached query named but not run: ``fn(con, *args)`` through ``cached``."""

    fn: Callable[..., Any]
    args: tuple[Any, ...]

    @property
    def name(self) -> str:
        return f"{self.fn.__module__}.{self.fn.__qualname__}"


def asked(fn: Callable[..., Any], *args: Any) -> Asked:
    """``fn(con, *args)`` as an input of ``cached_chart``: run (through the cache) only when the
    chart is not cached already."""
    return Asked(fn, args)


@st.cache_resource(show_spinner=False, max_entries=64)
def _chart(name: str, database: str, version: int, scope: str, inputs: tuple[Any, ...],
           options: tuple[tuple[str, Any], ...], _made: Callable[[], Any]) -> Any:
    return _made()


def cached_chart(builder: Callable[..., Any], con: duckdb.DuckDBPyConnection, version: int,
                 *inputs: Any, scope: str | None = None, **options: Any) -> Any:
    """``builder(*inputs, **options)``, built once per data version and access scope.

    Each input is a hashable value or an ``asked`` query, run through ``cached`` with the same
    cursor, version and scope. The key is what the chart is made from (the builder, each
    query's name and arguments, the values), never the figures, and it holds what ``con`` may
    read as ``cached``'s key does, so a chart is only ever shown to people who may see every
    operation its figures came from.

    Building a Plotly figure (checking every property) cost more than its queries on a rerun;
    the built chart is kept as it is, shared and not copied, and must not be changed: the
    page draws it and exports copy it before adding their words (``with_words``).
    """
    key = scope_key(con) + ("" if scope is None else f"|{scope}")
    recipe = tuple((item.name, item.args) if isinstance(item, Asked) else ("", item)
                   for item in inputs)

    def made() -> Any:
        given = [cached(item.fn, con, version, *item.args, scope=scope)
                 if isinstance(item, Asked) else item for item in inputs]
        return builder(*given, **options)

    return _chart(f"{builder.__module__}.{builder.__qualname__}", str(settings().db_path),
                  version, key, recipe, tuple(sorted(options.items())), _made=made)


def built(ctx: Any, builder: Callable[..., Any], *inputs: Any, **options: Any) -> Any:
    """``cached_chart`` on a page's context (``ui.shell.PageContext``): its cursor, data
    version and the signed-in person's scope, as ``ctx.q`` uses them."""
    return cached_chart(builder, ctx.con, ctx.version, *inputs, scope=ctx.user.scope(),
                        **options)


def clear_charts() -> None:
    """Forget every built chart (benchmarks time a page's first run with nothing cached)."""
    _chart.clear()
