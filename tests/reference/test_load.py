"""Loading the reference files into the store: counts, totals, idempotence and admin edits."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb

from store.connection import open_db
from store.reference import SPECS, load_reference

REFERENCE_TABLES = [spec.table for spec in SPECS]


def _snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[object, ...]]]:
    return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
            for t in REFERENCE_TABLES}


def test_force_and_region_counts(con: duckdb.DuckDBPyConnection) -> None:
    """46 forces, 43 of them territorial in England and Wales, each in a known region."""
    assert con.execute("SELECT count(*) FROM force").fetchone() == (46,)
    assert con.execute(
        "SELECT count(*) FROM force WHERE country IN ('England', 'Wales')").fetchone() == (43,)
    assert con.execute("SELECT count(*) FROM force f ANTI JOIN region r ON f.region = r.code"
                       ).fetchone() == (0,)


def test_ons_codes(con: duckdb.DuckDBPyConnection) -> None:
    """ONS codes run E23000001..39 and W15000001..4, plus Scotland and NI; BTP has none."""
    codes = {r[0] for r in con.execute("SELECT ons_code FROM force").fetchall()}
    expected = ({f"E230000{i:02d}" for i in range(1, 40)} | {f"W1500000{i}" for i in range(1, 5)}
                | {"S23000009", "N23000001", None})
    assert codes == expected
    assert con.execute("SELECT ons_code FROM force WHERE code = 'btp'").fetchone() == (None,)


def test_recorded_crime_has_every_area(con: duckdb.DuckDBPyConnection) -> None:
    """43 police force areas have recorded vehicle offences, none for BTP, Scotland or NI."""
    rows = con.execute("SELECT r.force_code, f.country FROM recorded_crime r "
                       "JOIN force f ON f.code = r.force_code").fetchall()
    assert len(rows) == 43
    assert {country for _, country in rows} == {"England", "Wales"}


def test_recorded_crime_values_match_the_ons_table(con: duckdb.DuckDBPyConnection) -> None:
    """Values checked by hand against the ONS file, including City of London's CSP-only row."""
    values = dict(con.execute("SELECT force_code, vehicle_offences FROM recorded_crime").fetchall())
    assert values["avon-and-somerset"] == 9905
    assert values["metropolitan"] == 93184
    assert values["greater-manchester"] == 17435   # the area total, not 'Manchester Airport' (135)
    assert values["humberside"] == 3277            # named 'Humberside [note 4]' in the source
    assert values["city-of-london"] == 100
    assert values["dyfed-powys"] == 704


def test_bids_and_awards(con: duckdb.DuckDBPyConnection) -> None:
    """34 forces bid under grant 2; 24 were awarded, each no more than it bid."""
    assert con.execute("SELECT count(*) FROM force_bid WHERE grant_ref = 'G2'").fetchone() == (34,)
    awarded = con.execute("SELECT count(*) FROM force_bid WHERE amount_awarded_gbp > 0 "
                          "AND operation = 'LOC2025'").fetchone()
    assert awarded == (24,)
    assert con.execute("SELECT count(*) FROM force_bid WHERE amount_awarded_gbp > amount_bid_gbp"
                       ).fetchone() == (0,)


def test_allocations_add_up_to_each_grant(con: duckdb.DuckDBPyConnection) -> None:
    """G1 lines add up to £485,000 and G2 lines to £210,000: £695,000 in all."""
    totals = dict(con.execute("SELECT grant_ref, sum(amount_gbp) FROM allocation GROUP BY 1"
                              ).fetchall())
    assert totals == {"G1": Decimal("485000.00"), "G2": Decimal("210000.00")}


def test_local_operation_lines_equal_awards(con: duckdb.DuckDBPyConnection) -> None:
    """Each LOC2025 allocation equals its force's award, and the awarded forces are expected."""
    lines = dict(con.execute("SELECT recipient, amount_gbp FROM allocation "
                             "WHERE operation = 'LOC2025'").fetchall())
    awards = dict(con.execute("SELECT force_code, amount_awarded_gbp FROM force_bid "
                              "WHERE amount_awarded_gbp > 0").fetchall())
    expected = {r[0] for r in con.execute(
        "SELECT force_code FROM operation_force WHERE operation = 'LOC2025'").fetchall()}
    assert lines == awards
    assert expected == set(awards)


def test_expected_forces_per_operation(con: duckdb.DuckDBPyConnection) -> None:
    """OA2024 expects 43 forces, OA2025 37 (South Yorkshire among them), NPO2025 NaVCIS only."""
    counts = dict(con.execute("SELECT operation, count(*) FROM operation_force GROUP BY 1"
                              ).fetchall())
    assert counts == {"OA2024": 43, "OA2025": 37, "NPO2025": 1, "LOC2025": 24}
    assert con.execute("SELECT count(*) FROM operation_force WHERE operation = 'OA2025' AND "
                       "force_code IN ('south-yorkshire', 'west-mercia', 'wiltshire', 'kent', "
                       "'essex', 'metropolitan')").fetchone() == (6,)


def test_published_figures(con: duckdb.DuckDBPyConnection) -> None:
    """The latest published OA2025 arrests figure is 'more than 365', as at 2 March 2026."""
    row = con.execute("SELECT value, qualifier, CAST(stated_on AS TEXT) FROM published_figure "
                      "WHERE operation = 'OA2025' AND measure = 'arrests' "
                      "ORDER BY stated_on DESC LIMIT 1").fetchone()
    assert row == (Decimal("365.00"), "at_least", "2026-03-02")
    assert con.execute("SELECT count(*) FROM published_figure").fetchone() == (9,)


def test_loading_twice_changes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    """A second load leaves every reference table exactly as the first left it."""
    before = _snapshot(con)
    load_reference(con)
    assert _snapshot(con) == before


def test_second_load_keeps_editable_tables(con: duckdb.DuckDBPyConnection) -> None:
    """On a second load, editable tables report 0 rows written and file-only ones are rewritten."""
    written = load_reference(con)
    assert written["pillar"] == 0 and written["allocation"] == 0
    assert written["force"] == 46 and written["recorded_crime"] == 43


def test_admin_edit_survives_reload(tmp_path: Path) -> None:
    """A pillar renamed by an administrator keeps its name after a restart reloads the files."""
    path = tmp_path / "edit.duckdb"
    con = open_db(path)
    load_reference(con)
    con.execute("UPDATE pillar SET name = 'Ports, borders and export', confirmed = true "
                "WHERE code = 'P5'")
    con.close()
    con = open_db(path)
    load_reference(con)
    assert con.execute("SELECT name, confirmed FROM pillar WHERE code = 'P5'").fetchone() == (
        "Ports, borders and export", True)
    con.close()


def test_file_only_tables_are_replaced(con: duckdb.DuckDBPyConnection) -> None:
    """A stray row in a file-only table is gone after the next load."""
    con.execute("INSERT INTO port VALUES ('harwich', 'Port of Harwich')")
    load_reference(con)
    assert con.execute("SELECT count(*) FROM port WHERE code = 'harwich'").fetchone() == (0,)
