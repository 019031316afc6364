"""A broken reference file is refused with its name and line, and nothing is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from store.connection import open_db
from store.reference import load_reference
from store.settings import REFERENCE_DIR


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    """A private copy of the reference files to break."""
    target = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, target)
    return target


def _append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_alias_to_unknown_force(directory: Path, tmp_path: Path) -> None:
    """An alias naming no known force is refused, naming the file and line."""
    _append(directory / "force_aliases.csv", "Gotham City,gotham")
    con = open_db(tmp_path / "db.duckdb")
    with pytest.raises(ValueError, match=r"force_aliases\.csv line 143.*'gotham' is not a known force"):
        load_reference(con, directory)


def test_alias_for_two_forces(directory: Path, tmp_path: Path) -> None:
    """Two spellings that read the same but name different forces are refused."""
    _append(directory / "force_aliases.csv", "Kent Constabulary,surrey")
    con = open_db(tmp_path / "db.duckdb")
    with pytest.raises(ValueError, match=r"force_aliases\.csv line 143.*different force"):
        load_reference(con, directory)


def test_allocation_to_unknown_grant(directory: Path, tmp_path: Path) -> None:
    """An allocation whose grant does not exist is refused."""
    _append(directory / "allocations.csv", "G9-01,G9,Extra,nvcrp,P1,,100.00,true")
    con = open_db(tmp_path / "db.duckdb")
    with pytest.raises(ValueError, match=r"allocations\.csv line 35.*'G9' is not a known grant"):
        load_reference(con, directory)


def test_allocations_not_adding_up(directory: Path, tmp_path: Path) -> None:
    """Allocations that do not add up to their grant are refused, with both amounts."""
    _replace(directory / "allocations.csv", "P4,,25000.00", "P4,,25000.01")
    con = open_db(tmp_path / "db.duckdb")
    with pytest.raises(ValueError, match=r"grant G1 add up to £485,000\.01.*grants\.csv line 2"):
        load_reference(con, directory)


def test_measure_with_unknown_pillar(directory: Path, tmp_path: Path) -> None:
    """A measure filed under a pillar that does not exist is refused."""
    _replace(directory / "measures.csv", "arrests,Arrests,count,P2", "arrests,Arrests,count,P9")
    con = open_db(tmp_path / "db.duckdb")
    with pytest.raises(ValueError, match=r"measures\.csv line 10, column 'pillar': 'P9'"):
        load_reference(con, directory)


def test_bad_number(directory: Path, tmp_path: Path) -> None:
    """A grant amount that is not a number is refused, naming the column and value."""
    _replace(directory / "grants.csv", "485000.00", "£485k")
    con = open_db(tmp_path / "db.duckdb")
    with pytest.raises(ValueError, match=r"grants\.csv line 2, column 'amount_gbp': '£485k'"):
        load_reference(con, directory)


def test_duplicate_force(directory: Path, tmp_path: Path) -> None:
    """A force listed twice is refused, naming both lines."""
    _append(directory / "forces.csv", "kent,E23000032,Kent Police,Kent,eastern,England")
    con = open_db(tmp_path / "db.duckdb")
    with pytest.raises(ValueError, match=r"forces\.csv line 48.*repeats forces\.csv line 33"):
        load_reference(con, directory)


def test_failed_load_writes_nothing(directory: Path, tmp_path: Path) -> None:
    """After a refused load the previously loaded reference data is untouched."""
    con = open_db(tmp_path / "db.duckdb")
    load_reference(con)
    _replace(directory / "forces.csv", "Kent Police", "Kent Constabulary")
    _append(directory / "recorded_crime.csv", "gotham,year ending June 2025,1,ONS")
    with pytest.raises(ValueError, match="recorded_crime.csv"):
        load_reference(con, directory)
    assert con.execute("SELECT name FROM force WHERE code = 'kent'").fetchone() == ("Kent Police",)


def test_missing_column(directory: Path, tmp_path: Path) -> None:
    """A file without a required column is refused, naming the column."""
    _replace(directory / "regions.csv", "code,name,sort_order", "code,name,order")
    con = open_db(tmp_path / "db.duckdb")
    with pytest.raises(ValueError, match=r"regions\.csv: column\(s\) sort_order missing"):
        load_reference(con, directory)


def test_database_refusal_rolls_back(directory: Path, tmp_path: Path) -> None:
    """A value the database refuses mid-load undoes the tables already replaced in that load."""
    con = open_db(tmp_path / "db.duckdb")
    load_reference(con)
    _replace(directory / "forces.csv", "Kent Police", "Kent Constabulary")
    _replace(directory / "published_figures.csv", ",2046250,", ",1e30,")
    with pytest.raises(ValueError, match=r"published_figures\.csv: a value does not fit"):
        load_reference(con, directory)
    assert con.execute("SELECT name FROM force WHERE code = 'kent'").fetchone() == ("Kent Police",)
