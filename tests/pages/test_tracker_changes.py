"""The Returns tracker's "What changed" between two stored versions: the same comparison as a
resubmission, in words, counting detail rows too, and never printing 'None' or a key."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ui.upload_changes import version_changes


@pytest.fixture(scope="module")
def demo(demo_db_template: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(demo_db_template), read_only=True)
    yield con
    con.close()


def test_ports_versions_count_figures_and_rows_in_words(demo: duckdb.DuckDBPyConnection) -> None:
    """The NaVCIS ports return's second version: figures altered per port, and the vehicles and
    containers it lists counted as rows added (the old tracker counted figures only)."""
    summary, table = version_changes(demo, "NPO2025:navcis:ports-return", 1, 2)
    assert "figures changed" in summary and "containers changed" in summary
    assert "vehicles changed" in summary
    assert list(table.columns) == ["Figure", "Day or port", "Was", "Becomes"]
    cells = table.astype(str).to_numpy().ravel()
    assert not any(c in ("None", "nan", "NaT", "") for c in cells)
    assert not any("NPO2025" in c or "navcis" in c for c in cells)
    assert "Port of Felixstowe" in set(table["Day or port"])


def test_unchanged_resubmission_reads_zero(demo: duckdb.DuckDBPyConnection) -> None:
    summary, table = version_changes(demo, "OA2025:hertfordshire:force-return", 2, 3)
    assert (summary, len(table)) == ("0 figures changed", 0)


def test_versions_of_another_return_are_not_mixed_in(demo: duckdb.DuckDBPyConnection) -> None:
    """Unknown versions give nothing rather than someone else's figures."""
    summary, table = version_changes(demo, "OA2025:hertfordshire:force-return", 2, 99)
    assert table.empty and summary == "0 figures changed"
