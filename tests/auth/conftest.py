"""A fresh store with reference data, and accounts made through the real functions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from store.connection import open_db
from store.reference import load_reference


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A migrated database holding the reference data and no accounts."""
    connection = open_db(tmp_path / "auth.duckdb")
    load_reference(connection)
    yield connection
    connection.close()
