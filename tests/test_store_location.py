"""Where the store is: NVCRP_DB and --db accept a DuckDB file path or a PostgreSQL URL, and
refuse anything else saying what is accepted (issue 10: 'postgresql://…' used to become a local
folder)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from store.settings import StoreLocationError, db_location, settings


def test_a_path_is_accepted_and_resolved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A relative path that does not exist yet is taken, relative to the working folder."""
    monkeypatch.chdir(tmp_path)
    assert db_location("new.duckdb") == tmp_path / "new.duckdb"


def test_an_existing_duckdb_file_is_accepted(tmp_path: Path) -> None:
    """A real DuckDB database, whatever its extension, is accepted."""
    path = tmp_path / "store.db"
    duckdb.connect(str(path)).close()
    assert db_location(path) == path


@pytest.mark.parametrize("location", [
    "postgresql://nvcrp@db.example:5432/nvcrp", "postgres://x@y/z",
    "postgresql://nvcrp:secret@db.example/nvcrp?sslmode=require"])
def test_a_postgresql_url_is_taken_as_it_is(location: str, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The shared store's URL is kept as written (it is not a path: no folder appears)."""
    monkeypatch.chdir(tmp_path)
    assert db_location(location) == location
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("location", [
    "duckdb:nvcrp.duckdb", "md:nvcrp", "s3://bucket/nvcrp.duckdb", ":memory:", "  ",
    "mysql://x@y/z", "file:nvcrp.duckdb"])
def test_anything_but_a_path_or_postgresql_is_refused(location: str) -> None:
    """Other URLs, in-memory and blank names are refused saying what is accepted."""
    with pytest.raises(StoreLocationError, match="DuckDB database file") as refused:
        db_location(location)
    assert "data/nvcrp.duckdb" in str(refused.value)
    assert "postgresql://" in str(refused.value)


@pytest.mark.parametrize("location", [
    "postgresql://db.example", "postgresql:nvcrp", "postgres://u:hunter2@db.example"])
def test_a_malformed_postgresql_url_is_refused_without_its_password(location: str) -> None:
    """A PostgreSQL URL without a database is refused with the form to use; a password typed
    in it is never repeated."""
    with pytest.raises(StoreLocationError, match="postgresql://USER@HOST:PORT/DATABASE") as refused:
        db_location(location)
    assert "hunter2" not in str(refused.value)


def test_a_folder_is_refused_naming_a_file_inside_it(tmp_path: Path) -> None:
    """A folder is not a database: the message suggests a file in it."""
    with pytest.raises(StoreLocationError, match="is a folder") as refused:
        db_location(tmp_path)
    assert str(tmp_path / "nvcrp.duckdb") in str(refused.value)


@pytest.mark.parametrize("content", [b"", b"# README\nnot a database\n"])
def test_a_file_that_is_not_duckdb_is_refused(content: bytes, tmp_path: Path) -> None:
    """An existing file without DuckDB's header (empty, or text) is refused, not opened."""
    path = tmp_path / "notes.duckdb"
    path.write_bytes(content)
    with pytest.raises(StoreLocationError, match="not a DuckDB database file"):
        db_location(path)
    assert path.read_bytes() == content


def test_nvcrp_db_is_checked_the_same_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """settings() refuses an unknown URL in NVCRP_DB as --db does, and takes a PostgreSQL one
    with its upload archive in NVCRP_ARCHIVE."""
    monkeypatch.setenv("NVCRP_DB", "s3://bucket/nvcrp.duckdb")
    with pytest.raises(StoreLocationError, match="neither a DuckDB database file"):
        settings()
    monkeypatch.setenv("NVCRP_DB", "postgresql://nvcrp@db.example/nvcrp")
    monkeypatch.setenv("NVCRP_ARCHIVE", "/srv/nvcrp/uploads")
    assert settings().db_path == "postgresql://nvcrp@db.example/nvcrp"
    assert settings().archive_dir == Path("/srv/nvcrp/uploads")


def test_test_clock_is_ignored_in_production(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """NVCRP_TEST_CLOCK moves the clock of a development server, never of a production one."""
    monkeypatch.setenv("NVCRP_DB", str(tmp_path / "x.duckdb"))
    monkeypatch.setenv("NVCRP_TEST_CLOCK", str(tmp_path / "clock"))
    assert settings().test_clock == tmp_path / "clock"
    monkeypatch.setenv("NVCRP_MODE", "production")
    assert settings().test_clock is None
