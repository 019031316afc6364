"""Queries against the hand-filled fixture store; every expected number is worked out in conftest.py."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from metrics import query
from metrics.query import Filters

FIRST_RESULTS = date(2025, 10, 29)
LATER = date(2026, 3, 2)


def _total(con: duckdb.DuckDBPyConnection, filters: Filters, measure: str) -> dict:
    found = query.totals(con, filters).set_index("measure")
    return found.loc[measure].to_dict()


def test_arrests_as_at_first_results(con: duckdb.DuckDBPyConnection) -> None:
    """As at 29 October 2025 arrests are South Yorkshire v1 (32) plus West Mercia (7)."""
    row = _total(con, Filters("OA2025", FIRST_RESULTS), "arrests")
    assert (row["value"], row["qualifier"], row["parts"]) == (39, "exact", 2)


def test_arrests_as_at_later_date(con: duckdb.DuckDBPyConnection) -> None:
    """As at 2 March 2026 South Yorkshire v2 (40), West Mercia (7) and Wiltshire (at least 20) count."""
    row = _total(con, Filters("OA2025", LATER), "arrests")
    assert (row["value"], row["qualifier"], row["parts"]) == (67, "at_least", 3)


def test_day_before_any_return_has_no_totals(con: duckdb.DuckDBPyConnection) -> None:
    """Before the first data_as_of nothing is held."""
    assert query.totals(con, Filters("OA2025", date(2025, 10, 26))).empty


def test_failed_upload_is_never_counted(con: duckdb.DuckDBPyConnection) -> None:
    """West Mercia's failed v2 (999 arrests, as of 28 October) is ignored on 28 October."""
    row = _total(con, Filters("OA2025", date(2025, 10, 28)), "arrests")
    assert row["value"] == 7


def test_approximate_part_makes_total_approximate(con: duckdb.DuckDBPyConnection) -> None:
    """Vehicles recovered: 12 + about 3 + 0 is 'approximately' 15."""
    row = _total(con, Filters("OA2025", LATER), "vehicles_recovered")
    assert (row["value"], row["qualifier"]) == (15, "approximately")


def test_at_least_part_makes_money_total_at_least(con: duckdb.DuckDBPyConnection) -> None:
    """Value recovered: at least £1,500,000 plus £46,250 is at least £1,546,250."""
    row = _total(con, Filters("OA2025", LATER), "value_recovered_gbp")
    assert (row["value"], row["qualifier"]) == (1_546_250, "at_least")


def test_not_recorded_parts_are_skipped_but_counted(con: duckdb.DuckDBPyConnection) -> None:
    """Charged: South Yorkshire's 5 counts, West Mercia's blank is one not-recorded part."""
    row = _total(con, Filters("OA2025", LATER), "charged")
    assert (row["value"], row["qualifier"], row["parts"], row["not_recorded"]) == (5, "exact", 1, 1)


def test_all_not_recorded_gives_no_value(con: duckdb.DuckDBPyConnection) -> None:
    """As at first results both charged figures are blank: no value, qualifier not_recorded."""
    row = _total(con, Filters("OA2025", FIRST_RESULTS), "charged")
    assert row["qualifier"] == "not_recorded" and row["not_recorded"] == 2
    assert row["value"] != row["value"]  # NaN


def test_max_totalled_measure_takes_largest(con: duckdb.DuckDBPyConnection) -> None:
    """Partner agencies (4, 6, 2) total 6, the largest single return, not 12."""
    assert _total(con, Filters("OA2025", LATER), "partner_agencies")["value"] == 6


def test_region_filter(con: duckdb.DuckDBPyConnection) -> None:
    """The South West region is Wiltshire alone: at least 20 arrests."""
    row = _total(con, Filters("OA2025", LATER, regions=("south-west",)), "arrests")
    assert (row["value"], row["qualifier"]) == (20, "at_least")


def test_force_filter(con: duckdb.DuckDBPyConnection) -> None:
    """West Mercia alone: 7 arrests, exact."""
    row = _total(con, Filters("OA2025", LATER, forces=["west-mercia"]), "arrests")
    assert (row["value"], row["qualifier"]) == (7, "exact")


def test_pillar_filter_keeps_only_its_measures(con: duckdb.DuckDBPyConnection) -> None:
    """Pillar P1 gives only the prevention measures."""
    found = query.totals(con, Filters("OA2025", LATER, pillars=("P1",)))
    assert list(found["measure"]) == ["faraday_pouches", "steering_locks", "marking_kits"]


def test_filters_are_hashable_and_normalised() -> None:
    """Lists become sorted tuples so equal choices give equal cache keys."""
    a = Filters("OA2025", LATER, forces=["wiltshire", "west-mercia"])
    b = Filters("OA2025", LATER, forces=("west-mercia", "wiltshire"))
    assert a == b and hash(a) == hash(b)


def test_by_force_values_and_rates(con: duckdb.DuckDBPyConnection) -> None:
    """Arrests per force, and per 1,000 recorded vehicle offences (40 / 12,000 × 1,000)."""
    found = query.by_force(con, Filters("OA2025", LATER), "arrests").set_index("force_code")
    assert found["value"].to_dict() == {"south-yorkshire": 40, "west-mercia": 7, "wiltshire": 20}
    assert found.loc["south-yorkshire", "per_1000_offences"] == pytest.approx(40 / 12)
    assert found.loc["wiltshire", "qualifier"] == "at_least"
    assert found.loc["west-mercia", "force_name"] == "West Mercia"


def test_by_region(con: duckdb.DuckDBPyConnection) -> None:
    """Arrests per region as at first results: Yorkshire 32, West Midlands 7."""
    found = query.by_region(con, Filters("OA2025", FIRST_RESULTS), "arrests").set_index("region")
    assert found["value"].to_dict() == {"yorkshire-humber": 32, "west-midlands": 7}


def test_by_day_sums_forces_per_day(con: duckdb.DuckDBPyConnection) -> None:
    """Daily arrests: 13 October 10 + 7, 14 October 22, 15 October 8 (South Yorkshire v2)."""
    found = query.by_day(con, Filters("OA2025", LATER), ["arrests"])
    assert [(d.day, v) for d, v in zip(found["day"], found["value"], strict=True)] == [
        (13, 17), (14, 22), (15, 8)]


def test_by_day_respects_start_and_end(con: duckdb.DuckDBPyConnection) -> None:
    """start 14 October and end 14 October leave one day."""
    day = date(2025, 10, 14)
    found = query.by_day(con, Filters("OA2025", LATER, start=day, end=day), ["arrests"])
    assert list(found["value"]) == [22]


def test_by_pillar_counts_and_spend(con: duckdb.DuckDBPyConnection) -> None:
    """P1: 400 + 10 + 20 items and £5,000; P2 counts arrests, charged, warrants, vehicles; £30,000."""
    found = query.by_pillar(con, Filters("OA2025", LATER)).set_index("pillar")
    assert found.loc["P1", "count_total"] == 430 and found.loc["P1", "spend_gbp"] == 5000
    assert found.loc["P2", "count_total"] == 67 + 5 + 7 + 15
    assert found.loc["P2", "qualifier"] == "at_least"
    assert found.loc["P2", "spend_gbp"] == 30000


def test_by_pillar_before_any_return_is_all_zero(con: duckdb.DuckDBPyConnection) -> None:
    """As at a date before any return, every pillar is listed with nothing counted or spent."""
    found = query.by_pillar(con, Filters("OA2025", date(2024, 1, 1)))
    assert len(found) > 0
    assert found["count_total"].eq(0).all() and found["spend_gbp"].eq(0).all()


def test_coverage_as_at_dates(con: duckdb.DuckDBPyConnection) -> None:
    """Wiltshire's return (as of 30 October) is missing on 29 October and held by March."""
    early = query.coverage(con, Filters("OA2025", FIRST_RESULTS))
    late = query.coverage(con, Filters("OA2025", LATER))
    assert (early.expected, early.reporting, early.missing) == (3, 2, ("wiltshire",))
    assert (late.reporting, late.missing, late.share) == (3, (), 1.0)


def test_coverage_region_filter(con: duckdb.DuckDBPyConnection) -> None:
    """Only the South West's one expected force is counted under that region."""
    found = query.coverage(con, Filters("OA2025", FIRST_RESULTS, regions=("south-west",)))
    assert (found.expected, found.reporting) == (1, 0)


def test_spend_filters_lines_by_operation(con: duckdb.DuckDBPyConnection) -> None:
    """OA2025 spend is £35,000; the LOC2025 line (£10,000) belongs to another operation."""
    assert query.spend_total(con, Filters("OA2025", LATER)) == 35000
    assert query.spend_total(con, Filters(None, LATER)) == 45000
    assert query.spend_total(con, Filters("OA2025", FIRST_RESULTS)) == 0


def test_ports_sum_port_rows_only(con: duckdb.DuckDBPyConnection) -> None:
    """Containers examined: 2 + 2 per port; the port-less row of 4 is not added again."""
    row = _total(con, Filters("NPO2025", LATER), "containers_examined")
    assert row["value"] == 4
    value = _total(con, Filters("NPO2025", LATER), "port_value_recovered_gbp")
    assert (value["value"], value["qualifier"]) == (730000, "approximately")


def test_ports_table(con: duckdb.DuckDBPyConnection) -> None:
    """Per port: measures, qualifiers, listed containers and destinations."""
    found = query.ports(con, Filters("NPO2025", LATER)).set_index("port")
    assert found.loc["tilbury", "port_vehicles_recovered"] == 8
    assert found.loc["tilbury", "port_value_recovered_gbp_qualifier"] == "approximately"
    assert found.loc["felixstowe", "listed_positive"] == 1
    assert found.loc["felixstowe", "destinations"] == "Ghana, United Arab Emirates"
    assert found.loc["tilbury", "port_name"] == "Port of Tilbury"


def test_ports_before_return_is_empty(con: duckdb.DuckDBPyConnection) -> None:
    """Before the ports return's data_as_of there are no port rows."""
    assert query.ports(con, Filters("NPO2025", date(2026, 1, 2))).empty


def test_force_filter_drops_ports_return(con: duckdb.DuckDBPyConnection) -> None:
    """NaVCIS is not a force, so a force filter leaves no ports figures."""
    assert query.totals(con, Filters("NPO2025", LATER, forces=("wiltshire",))).empty


def test_published_vs_returns_first_results(con: duckdb.DuckDBPyConnection) -> None:
    """On 29 October: 154 arrests published against 39 in returns, a difference of -115."""
    found = query.published_vs_returns(con, Filters("OA2025", FIRST_RESULTS)).set_index("measure")
    assert found.loc["arrests", ["published_value", "returns_value", "difference"]].tolist() == [
        154, 39, -115]


def test_published_vs_returns_uses_latest_statement(con: duckdb.DuckDBPyConnection) -> None:
    """By 2 March the 'more than 365' statement replaces the 154."""
    found = query.published_vs_returns(con, Filters("OA2025", LATER)).set_index("measure")
    assert found.loc["arrests", "published_qualifier"] == "at_least"
    assert found.loc["arrests", "wording"] == "more than 365 arrests so far"
    assert found.loc["arrests", "difference"] == 67 - 365


def test_published_before_any_statement_is_empty(con: duckdb.DuckDBPyConnection) -> None:
    """Nothing was published before 29 October."""
    assert query.published_vs_returns(con, Filters("OA2025", date(2025, 10, 28))).empty


def test_compare_operations_long_form(con: duckdb.DuckDBPyConnection) -> None:
    """Both operations appear, each with its own measures."""
    found = query.compare_operations(con, ["OA2025", "NPO2025"], LATER)
    pairs = set(zip(found["operation"], found["measure"], strict=True))
    assert ("OA2025", "arrests") in pairs and ("NPO2025", "containers_examined") in pairs
    assert ("NPO2025", "arrests") not in pairs


def test_latest_uploads_newest_first(con: duckdb.DuckDBPyConnection) -> None:
    """The three latest uploads are 8, 7 and 6, whatever their outcome."""
    assert list(query.latest_uploads(con, 3)["id"]) == [8, 7, 6]


def test_operations_listed(con: duckdb.DuckDBPyConnection) -> None:
    """Operations come oldest first."""
    assert list(query.operations(con)["code"]) == ["OA2025", "NPO2025"]


def test_queries_survive_half_read_result(con: duckdb.DuckDBPyConnection) -> None:
    """A page's earlier fetchone() does not block the next metric query."""
    con.execute("SELECT id FROM upload").fetchone()
    assert _total(con, Filters("OA2025", LATER), "arrests")["value"] == 67


def test_reference_lists_for_filters(con: duckdb.DuckDBPyConnection) -> None:
    """Regions come in reference order; forces carry their region."""
    assert list(query.regions(con)["code"]) == ["yorkshire-humber", "west-midlands", "south-west"]
    found = query.forces(con).set_index("code")
    assert found.loc["wiltshire", "region"] == "south-west"


def test_is_illustrative_only_with_demo_uploads(con: duckdb.DuckDBPyConnection) -> None:
    """The fixture has no demo uploads; adding one by user 'demo' flips the flag."""
    assert query.is_illustrative(con) is False
    con.execute("INSERT INTO upload (id, sha256, original_name, size_bytes, uploaded_by, "
                "uploaded_at, outcome) VALUES (9, 'd', 'demo.xlsx', 1, 'demo', now(), 'accepted')")
    assert query.is_illustrative(con) is True


def test_data_version_leaves_connection_usable(con: duckdb.DuckDBPyConnection) -> None:
    """Reading the data version does not block a following con.sql() call."""
    from store.connection import data_version

    assert data_version(con) == 8
    assert con.sql("SELECT 1").fetchall() == [(1,)]
