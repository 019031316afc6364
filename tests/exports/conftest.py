"""Shared pieces for export tests: a demo database copy per module and an export context."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from exports.context import ExportContext, context_for
from metrics.scope import Filters
from store.connection import open_db

AS_AT = date(2026, 3, 2)
OPERATION = "OA2025"


@pytest.fixture(scope="module")
def demo_con(demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writable copy of the demo database shared by one module's tests."""
    folder = tmp_path_factory.mktemp("exports")
    path = folder / demo_db_template.name
    shutil.copy(demo_db_template, path)
    con = open_db(path)
    yield con
    con.close()


@pytest.fixture
def demo_ctx(demo_con: duckdb.DuckDBPyConnection) -> ExportContext:
    return context_for(demo_con, Filters(operation=OPERATION, as_at=AS_AT), "tester")


def export_rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Every export audit row: (who, detail JSON, marking, data_version)."""
    return con.execute("SELECT who, detail, marking, data_version FROM audit "
                       "WHERE action = 'export' ORDER BY id").fetchall()
