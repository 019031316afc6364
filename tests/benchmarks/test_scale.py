"""The scale database of the pages benchmark: its size, its shape and its reuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import scale
from store.connection import open_db


@pytest.fixture(scope="module")
def scale_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scale")
    scale.scale_db(folder)
    return folder


def test_holds_over_a_million_values(scale_folder: Path) -> None:
    """The database holds at least a million stored values."""
    con = open_db(scale_folder / "scale.duckdb", read_only=True)
    try:
        assert scale.counts(con)["value"] >= 1_000_000
    finally:
        con.close()


def test_force_return_totals_add_up_their_days(scale_folder: Path) -> None:
    """Every force return's total row equals the sum of its recorded days, as a loader would store."""
    con = open_db(scale_folder / "scale.duckdb", read_only=True)
    try:
        wrong = con.execute("""
            SELECT count(*) FROM (
                SELECT t.submission_id, t.measure, any_value(t.value) AS total, sum(d.value) AS days
                FROM value t JOIN value d ON d.submission_id = t.submission_id
                     AND d.measure = t.measure AND d.day IS NOT NULL
                WHERE t.day IS NULL AND t.port IS NULL
                GROUP BY t.submission_id, t.measure)
            WHERE total IS DISTINCT FROM days""").fetchall()[0][0]
    finally:
        con.close()
    assert wrong == 0


def test_later_versions_are_stated_later(scale_folder: Path) -> None:
    """Each return's versions have rising data_as_of, so the as-at rule has versions to choose."""
    con = open_db(scale_folder / "scale.duckdb", read_only=True)
    try:
        backwards = con.execute("""
            SELECT count(*) FROM submission a JOIN submission b
            ON a.return_key = b.return_key AND b.version = a.version + 1
            WHERE b.data_as_of <= a.data_as_of""").fetchall()[0][0]
    finally:
        con.close()
    assert backwards == 0


def test_reused_while_the_generator_version_holds(scale_folder: Path) -> None:
    """A second call returns the same file without writing it again."""
    path = scale_folder / "scale.duckdb"
    before = path.stat().st_mtime_ns
    assert scale.scale_db(scale_folder) == path
    assert path.stat().st_mtime_ns == before
