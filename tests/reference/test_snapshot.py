"""The Reference snapshot readers use: same from the database as from the files, picklable."""

from __future__ import annotations

import pickle
from datetime import date

import duckdb
import pytest

from loaders.reference.snapshot import Reference


@pytest.fixture
def from_db(con: duckdb.DuckDBPyConnection) -> Reference:
    return Reference.from_db(con)


def test_db_snapshot_equals_file_snapshot(from_db: Reference) -> None:
    """With no edits, the snapshot from the database equals the one from the files."""
    files = Reference.from_files()
    for name in ("regions", "forces", "measures", "operations", "expected", "ports", "pillars",
                 "grants", "matcher"):
        assert getattr(from_db, name) == getattr(files, name), name


def test_snapshot_survives_pickling(from_db: Reference) -> None:
    """A snapshot sent to a parsing process resolves names just as the original does."""
    copy = pickle.loads(pickle.dumps(from_db))
    assert copy == from_db
    assert copy.force_code("Devon & Cornwall") == "devon-and-cornwall"
    assert copy.measure_code("Stolen vehicles recovered") == "vehicles_recovered"


def test_snapshot_sees_admin_edits(con: duckdb.DuckDBPyConnection) -> None:
    """An operation's dates edited in the database show in the next snapshot."""
    con.execute("UPDATE operation SET end_date = DATE '2025-10-20' WHERE code = 'OA2025'")
    assert Reference.from_db(con).operations["OA2025"]["end_date"] == date(2025, 10, 20)


def test_operations_carry_dates(from_db: Reference) -> None:
    """Operation dates are dates, with returns due after the end."""
    oa = from_db.operations["OA2025"]
    assert (oa["start_date"], oa["end_date"], oa["returns_due"]) == (
        date(2025, 10, 13), date(2025, 10, 19), date(2025, 10, 27))


def test_expected_forces(from_db: Reference) -> None:
    """OA2025 expects 37 forces, NPO2025 expects NaVCIS."""
    assert len(from_db.expected["OA2025"]) == 37
    assert from_db.expected["NPO2025"] == {"navcis"}
    assert "cumbria" not in from_db.expected["OA2025"]


@pytest.mark.parametrize("text, code", [
    ("Felixstowe", "felixstowe"), ("Port of Felixstowe", "felixstowe"), ("DOVER", "dover"),
    ("London Gateway", "london-gateway"), ("london-gateway", "london-gateway"),
    ("Harwich", None), ("", None),
])
def test_port_code(from_db: Reference, text: str, code: str | None) -> None:
    """Ports match by code or name in any case, with or without 'Port of'."""
    assert from_db.port_code(text) == code


@pytest.mark.parametrize("text, code", [
    ("arrests", "arrests"), ("ARRESTS ", "arrests"), ("Value of stolen vehicles recovered",
                                                      "value_recovered_gbp"),
    ("value_recovered_gbp", "value_recovered_gbp"), ("Arrests made", None),
])
def test_measure_code(from_db: Reference, text: str, code: str | None) -> None:
    """Measures match by code or label, ignoring case and spacing; nothing else matches."""
    assert from_db.measure_code(text) == code


def test_measures_in_sort_order(from_db: Reference) -> None:
    """Measures keep the order in which returns list them."""
    orders = [m["sort_order"] for m in from_db.measures.values()]
    assert orders == sorted(orders) and len(orders) == 40


def test_grants_and_forces(from_db: Reference) -> None:
    """Grant amounts are exact and force records carry names and regions."""
    assert str(from_db.grants["G1"]["amount_gbp"]) == "485000.00"
    assert from_db.grants["G2"]["public_total"] is False
    assert from_db.forces["kent"]["region"] == "eastern"
    assert from_db.forces["hampshire"]["name"] == "Hampshire and Isle of Wight Constabulary"
    assert len(from_db.territorial_forces()) == 43
