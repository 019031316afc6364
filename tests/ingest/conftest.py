"""Fixtures for the ingest tests: a fresh store with reference data, and real return files."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from loaders.reference import Reference
from loaders.template import Fill, MeasureFill, write_template
from store.connection import open_db
from store.reference import load_reference
from store.settings import Settings, settings_for

FIGURES = {"arrests": 32, "vehicles_recovered": 9, "value_recovered_gbp": 120000, "warrants": 7}


@pytest.fixture
def config(tmp_path: Path) -> Settings:
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


def force_return(path: Path, ref: Reference, figures: dict[str, Any] | None = None, *,
                 force: str = "south-yorkshire", operation: str = "OA2025",
                 as_of: date = date(2025, 10, 27), contact: str | None = None) -> Path:
    """A force return made from the template, with each figure given as its total."""
    figures = FIGURES if figures is None else figures
    fill = Fill(data_as_of=as_of, operation=operation, force=force, contact=contact,
                values={code: MeasureFill(total=value) for code, value in figures.items()})
    return write_template(path, "force-return", ref, fill=fill)
