"""Fixtures shared by every room's tests: an empty database and the demo database.

The demo database is built once per test session through the real loaders (about half a
minute); tests that write get their own copy, so no test sees another's uploads.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database and its upload archive, built once; never open it for writing."""
    from loaders.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "nvcrp.duckdb"
    build_demo(path)
    return path


def copy_db(source: Path, target_dir: Path) -> Path:
    """Copy a closed database and its archive folder; returns the new database path."""
    target = target_dir / source.name
    shutil.copy(source, target)
    archive = source.parent / f"{source.stem}_uploads"
    if archive.exists():
        shutil.copytree(archive, target_dir / archive.name)
    return target


@pytest.fixture
def demo_db(demo_db_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the demo database, which the app (NVCRP_DB) also points at."""
    path = copy_db(demo_db_template, tmp_path)
    monkeypatch.setenv("NVCRP_DB", str(path))
    return path


@pytest.fixture
def empty_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A path for a fresh database (created, migrated and given reference data on first open)."""
    path = tmp_path / "empty.duckdb"
    monkeypatch.setenv("NVCRP_DB", str(path))
    return path
