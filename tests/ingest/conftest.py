"""Fixtures for the ingest tests: a fresh store with reference data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from loaders.reference.snapshot import Reference
from store.connection import open_db
from store.reference import load_reference
from store.settings import Settings, settings_for


@pytest.fixture(params=["duckdb", "postgresql"])
def config(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Every ingest test that takes the store's settings runs on both stores: a DuckDB file,
    and a fresh shared PostgreSQL database (its uploads archived in tmp_path)."""
    if request.param == "postgresql":
        return settings_for(request.getfixturevalue("postgres_url"),
                            archive_dir=tmp_path / "store_uploads")
    return settings_for(tmp_path / "store.duckdb")


@pytest.fixture
def con(config: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = open_db(config.db_path)
    load_reference(connection)
    yield connection
    connection.close()


@pytest.fixture
def ref(con: duckdb.DuckDBPyConnection) -> Reference:
    return Reference.from_db(con)
