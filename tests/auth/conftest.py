"""A fresh store with reference data, and accounts made through the real functions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from store.connection import open_db
from store.reference import load_reference

PASSWORD = "correct horse battery"


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A migrated database holding the reference data and no accounts."""
    connection = open_db(tmp_path / "auth.duckdb")
    load_reference(connection)
    yield connection
    connection.close()


def actions(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The audit log's actions, oldest first."""
    return [r[0] for r in con.execute("SELECT action FROM audit ORDER BY id").fetchall()]
