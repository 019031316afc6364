"""Funding queries on the demo database, each checked against the reference CSVs or a separate SQL."""

from __future__ import annotations

import csv
from datetime import date

import duckdb
import pandas as pd
import pytest

from metrics import funding
from metrics.query import Filters
from store.settings import REFERENCE_DIR

AS_AT = date(2026, 3, 31)
BEFORE_SPEND = date(2025, 12, 31)

# The as-at rule written independently: the highest accepted version stated by the date.
CURRENT = """
SELECT s.* FROM submission s JOIN upload u ON u.id = s.upload_id
WHERE u.outcome = 'accepted' AND s.data_as_of <= $d
  AND s.version = (SELECT max(s2.version) FROM submission s2 JOIN upload u2 ON u2.id = s2.upload_id
                   WHERE u2.outcome = 'accepted' AND s2.return_key = s.return_key
                     AND s2.data_as_of <= $d)"""


@pytest.fixture
def con(demo_store: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The demo store, on both stores (tests/metrics/conftest.py)."""
    return demo_store


def _csv(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _spent(con: duckdb.DuckDBPyConnection, where: str, d: date = AS_AT) -> float:
    text = f"SELECT coalesce(sum(l.amount_gbp), 0) FROM spend_line l JOIN ({CURRENT}) c ON c.id = l.submission_id WHERE c.return_kind = 'spend-return' AND {where}"
    return float(con.execute(text, {"d": d}).fetchall()[0][0])


def test_grant_1_spend_is_485000(con: duckdb.DuckDBPyConnection) -> None:
    """Grant 1's spend as at 31 March 2026 is the public £485,000, as a separate SQL adds up."""
    found = funding.grants(con, AS_AT).set_index("ref")
    assert found.loc["G1", "spent"] == 485_000 == _spent(con, "c.grant_ref = 'G1'")


def test_grant_allocations_match_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Each grant's allocated total is the sum of its rows in allocations.csv."""
    expected: dict[str, float] = {}
    for row in _csv("allocations.csv"):
        expected[row["grant_ref"]] = expected.get(row["grant_ref"], 0) + float(row["amount_gbp"])
    found = funding.grants(con, AS_AT).set_index("ref")["allocated"]
    assert {k: v for k, v in found.items() if v} == expected


def test_nothing_spent_before_the_first_spend_return(con: duckdb.DuckDBPyConnection) -> None:
    """As at 31 December 2025 no spend return is held, so every allocation shows £0 spent."""
    assert funding.allocation_spend(con, BEFORE_SPEND)["spent"].sum() == 0


def test_spend_per_allocation_matches_separate_sql(con: duckdb.DuckDBPyConnection) -> None:
    """Spend matched to allocation G2-02 (NaVCIS ports) equals its spend lines' sum."""
    found = funding.allocation_spend(con, AS_AT).set_index("ref")
    assert found.loc["G2-02", "spent"] == _spent(con, "l.allocation_ref = 'G2-02'") > 0


def test_pillar_allocations_match_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Allocated per pillar equals allocations.csv added up per pillar."""
    expected: dict[str, float] = {}
    for row in _csv("allocations.csv"):
        expected[row["pillar"]] = expected.get(row["pillar"], 0) + float(row["amount_gbp"])
    found = funding.spend_against_allocation(con, AS_AT, "pillar").set_index("key")
    assert found["allocated"].to_dict() == expected


def test_recipient_spend_uses_names(con: duckdb.DuckDBPyConnection) -> None:
    """Per recipient, Opal's spend is all its spend lines and it is shown by name."""
    found = funding.spend_against_allocation(con, AS_AT, "recipient").set_index("key")
    assert found.loc["opal", "name"] == "Opal"
    assert found.loc["opal", "spent"] == _spent(con, "c.submitter = 'opal'")


def test_flows_balance(con: duckdb.DuckDBPyConnection) -> None:
    """Grant → pillar links carry every allocation; both grants are fully allocated, and the
    port enforcement money, not an NVCRP grant, is not drawn at all."""
    flows = funding.funding_flows(con, AS_AT)
    total = sum(float(r["amount_gbp"]) for r in _csv("allocations.csv"))
    assert flows.loc[flows["kind"] == "allocated", "amount"].sum() == total
    assert flows[flows["kind"] == "unallocated"].empty
    assert "Port enforcement staff and equipment" not in set(flows["source"]) | set(flows["target"])


def test_money_out_of_the_grants_is_what_was_granted(con: duckdb.DuckDBPyConnection) -> None:
    """The diagram's grant nodes send out exactly the NVCRP grants in grants.csv: Grant 1 and
    Grant 2, £695,000 (published as nearly £700,000), never the £945,000 with other funding."""
    flows = funding.funding_flows(con, AS_AT)
    granted = flows[flows["kind"].isin(["allocated", "unallocated"])]
    expected = sum(float(r["amount_gbp"]) for r in _csv("grants.csv") if r["ref"] != "PORT24")
    assert set(granted["source"]) == {"Grant 1", "Grant 2"}
    assert granted["amount"].sum() == expected == 695_000


def test_grants_are_told_from_other_funding(con: duckdb.DuckDBPyConnection) -> None:
    """Grants with allocations or spend returns are NVCRP grants; the port money is not."""
    found = funding.grants(con, AS_AT).set_index("ref")["nvcrp_grant"]
    assert found.to_dict() == {"G1": True, "G2": True, "PORT24": False}


def test_tiles_put_the_grants_first_and_other_funding_apart(con: duckdb.DuckDBPyConnection) -> None:
    """The headline is the two grants' £695,000; the £250,000 port money is a tile apart."""
    tiles = funding.funding_tiles(funding.grants(con, AS_AT))
    assert tiles.total is not None
    assert (tiles.total.label, tiles.total.value) == ("NVCRP grants", "£695,000")
    assert tiles.total.note == "Grant 1 and Grant 2 together"
    assert [(t.label, t.value) for t in tiles.grants] == [("Grant 1", "£485,000"),
                                                         ("Grant 2", "£210,000")]
    assert [(t.label, t.value) for t in tiles.other] == [
        ("Port enforcement staff and equipment", "£250,000")]
    assert "Not an NVCRP grant" in tiles.other[0].note
    assert "allocated" not in tiles.other[0].note


def test_no_tile_contradicts_its_own_figure(con: duckdb.DuckDBPyConnection) -> None:
    """Grant 2 shows £210,000 without 'total not public' beside it; one caption says why the
    amount is known though it is not published on its own."""
    tiles = funding.funding_tiles(funding.grants(con, AS_AT))
    for tile in (*tiles.grants, *tiles.other):
        assert "not public" not in tile.note and "not published" not in tile.note
    assert tiles.unpublished.startswith("Grant 2's amount is not published on its own: balance "
                                        "of the published total of nearly £700,000")
    assert "Grant 1" not in tiles.unpublished


def test_awarded_bids_equal_local_allocation_lines(con: duckdb.DuckDBPyConnection) -> None:
    """The 34 bids' awards add up to the LOC2025 allocation lines, in the CSVs and the query."""
    bids = _csv("force_bids.csv")
    local = sum(float(r["amount_gbp"]) for r in _csv("allocations.csv")
                if r["operation"] == "LOC2025")
    found = funding.local_operations(con, AS_AT, "LOC2025")
    assert len(bids) == len(found) == 34
    assert sum(float(r["amount_awarded_gbp"]) for r in bids) == local == found["awarded"].sum()


def test_local_spend_per_force_matches_separate_sql(con: duckdb.DuckDBPyConnection) -> None:
    """Kent's spent figure is its LOC2025 spend lines; a force with no award spent nothing."""
    found = funding.local_operations(con, AS_AT, "LOC2025").set_index("force_code")
    kent = _spent(con, "c.submitter = 'kent' AND l.operation = 'LOC2025'")
    assert found.loc["kent", "spent"] == kent > 0
    assert found.loc["wiltshire", ["awarded", "spent"]].tolist() == [0, 0]


def test_local_results_come_from_the_force_return(con: duckdb.DuckDBPyConnection) -> None:
    """West Midlands' LOC2025 arrests are the total row of its current force return."""
    text = f"""SELECT v.value FROM value v JOIN ({CURRENT}) c ON c.id = v.submission_id
               WHERE c.operation = 'LOC2025' AND c.submitter = 'west-midlands'
                 AND v.measure = 'arrests' AND v.day IS NULL"""
    expected = float(con.execute(text, {"d": AS_AT}).fetchall()[0][0])
    found = funding.local_operations(con, AS_AT, "LOC2025").set_index("force_code")
    assert found.loc["west-midlands", "arrests"] == expected
    assert found.loc["west-midlands", "reported"]


def test_local_table_ends_with_totals(con: duckdb.DuckDBPyConnection) -> None:
    """The table's last row is the total, with bids summed from force_bids.csv and marked."""
    table = funding.local_operations_table(funding.local_operations(con, AS_AT, "LOC2025"))
    bid = sum(float(r["amount_bid_gbp"]) for r in _csv("force_bids.csv"))
    last = table.iloc[-1]
    assert (last["Force"], last["Bid"], last["Illustrative"]) == ("Total", f"£{bid:,.0f}", "yes")


def test_unawarded_force_shows_no_award(con: duckdb.DuckDBPyConnection) -> None:
    """A force that bid without success reads 'no award', not 'not recorded'."""
    table = funding.local_operations_table(funding.local_operations(con, AS_AT, "LOC2025"))
    assert table.set_index("Force").loc["Wiltshire", "Arrests"] == "no award"


def test_cost_effectiveness_of_oa2025(con: duckdb.DuckDBPyConnection) -> None:
    """OA2025's spend is its £485,000 of lines; value per £1 is value recovered over that."""
    found = funding.cost_effectiveness(con, Filters("OA2025", AS_AT))
    value = float(con.execute(
        f"""SELECT sum(v.value) FROM value v JOIN ({CURRENT}) c ON c.id = v.submission_id
            WHERE c.operation = 'OA2025' AND c.return_kind = 'force-return'
              AND v.measure = 'value_recovered_gbp' AND v.day IS NULL""",
        {"d": AS_AT}).fetchall()[0][0])
    assert found["spend"] == (485_000, "exact")
    assert found["value_recovered_per_gbp_spent"][0] == pytest.approx(value / 485_000)
    assert "core policing" in found["caveat"]


def test_cost_effectiveness_without_spend_is_not_recorded(con: duckdb.DuckDBPyConnection) -> None:
    """OA2024 has no spend lines, so neither ratio can be worked out."""
    found = funding.cost_effectiveness(con, Filters("OA2024", AS_AT))
    assert found["text"]["cost_per_arrest"] == "not recorded"
    assert found["value_recovered_per_gbp_spent"] == (None, "not_recorded")


def test_local_operation_code(con: duckdb.DuckDBPyConnection) -> None:
    """The funded local operation is the one of kind 'local' in operations.csv."""
    expected = [r["code"] for r in _csv("operations.csv") if r["kind"] == "local"]
    assert funding.local_operation(con) == expected[-1]


def test_unconfirmed_pillar_is_labelled_to_be_confirmed(con: duckdb.DuckDBPyConnection) -> None:
    """The fifth pillar, unconfirmed in pillars.csv, reads 'P5 (to be confirmed)'."""
    unconfirmed = [r["code"] for r in _csv("pillars.csv") if r["confirmed"] == "false"]
    found = funding.spend_against_allocation(con, AS_AT, "pillar").set_index("key")
    assert [found.loc[c, "name"] for c in unconfirmed] == ["P5 (to be confirmed)"]


def test_tiles_from_a_hand_made_table() -> None:
    """An unpublished amount is explained once; money with no allocation or spend is apart;
    the chart words name only the grants' financial years."""
    table = pd.DataFrame({
        "ref": ["A", "B", "C"], "name": ["Grant 1: week", "Grant 2: ports", "Port staff"],
        "funder": ["Home Office", "ISF", "Home Office"], "amount": [100.0, 50.0, 70.0],
        "financial_year": ["2025-26", "2025-26", "2024-25"],
        "public_total": [True, False, True], "source": ["Release", "The balance", "Statement"],
        "allocated": [100.0, 50.0, 0.0], "spent": [10.0, 0.0, 0.0],
        "illustrative": [True, True, False], "nvcrp_grant": [True, True, False]})
    tiles = funding.funding_tiles(table)
    assert tiles.total == funding.Tile(
        "NVCRP grants", "£150", "Grant 1 and Grant 2 together",
        "The grants the NVCRP allocates to the strategy's pillars and tracks with spend "
        "returns. Grant 1: Release. Grant 2: The balance.")
    assert tiles.unpublished == "Grant 2's amount is not published on its own: the balance."
    assert [t.label for t in tiles.other] == ["Port staff"]
    assert funding.funding_words(table, AS_AT, False).period == "financial years 2025-26"
