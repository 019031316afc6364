"""Fixtures for the reference data tests: a fresh database with the reference files loaded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from store.connection import open_db
from store.reference import load_reference


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A new database with every reference file loaded once."""
    connection = open_db(tmp_path / "reference.duckdb")
    load_reference(connection)
    yield connection
    connection.close()
