"""Headline figures, derived metrics and provenance on the fixture store."""

from __future__ import annotations

import re
from datetime import date

import duckdb
import pytest

from metrics.derived import derived_values
from metrics.headline import UnknownOperation, headline
from metrics.query import Filters, totals
from metrics.sources import sources

LATER = date(2026, 3, 2)


def test_headline_figures(con: duckdb.DuckDBPyConnection) -> None:
    """OA2025 as at 2 March 2026: at least 67 arrests, about 15 vehicles, 3 of 3 forces."""
    found = headline(con, "OA2025", LATER)
    assert (found["arrests"], found["arrests_qualifier"]) == (67, "at_least")
    assert (found["vehicles_recovered"], found["vehicles_recovered_qualifier"]) == (15, "approximately")
    assert found["value_recovered_gbp"] == 1_546_250
    assert (found["forces_reporting"], found["forces_expected"]) == (3, 3)
    assert found["data_version"] == 8 and found["illustrative"] is False
    assert found["dismantling_sites"] is None


def test_headline_text_never_overstates(con: duckdb.DuckDBPyConnection) -> None:
    """The printed lines say 'at least 67 arrests' and 'at least £1,546,250', never 'more than'."""
    text = headline(con, "OA2025", LATER)["text"]
    assert "at least 67 arrests" in text
    assert "Value of stolen vehicles recovered: at least £1,546,250" in text
    assert not any(re.search(r"\b(more than|over)\b", line) for line in text)
    assert text[0] == "Operation Alliances 2025: results as at 2 March 2026"


def test_headline_changes_with_as_at(con: duckdb.DuckDBPyConnection) -> None:
    """On 29 October the same operation shows 39 exact arrests and 2 of 3 forces."""
    found = headline(con, "OA2025", date(2025, 10, 29))
    assert (found["arrests"], found["arrests_qualifier"], found["forces_reporting"]) == (39, "exact", 2)


def test_headline_marks_demo_data(con: duckdb.DuckDBPyConnection) -> None:
    """Any upload by the 'demo' user makes the headline illustrative."""
    con.execute("INSERT INTO upload (id, sha256, original_name, size_bytes, uploaded_by, "
                "uploaded_at, outcome) VALUES (9, 'd', 'demo.xlsx', 1, 'demo', now(), 'accepted')")
    found = headline(con, "OA2025", LATER)
    assert found["illustrative"] is True and found["data_version"] == 9


def test_unknown_operation_lists_known_codes(con: duckdb.DuckDBPyConnection) -> None:
    """An unknown code raises with the known codes in the message."""
    with pytest.raises(UnknownOperation, match="OA2025, NPO2025"):
        headline(con, "OA2099", LATER)


def test_derived_values(con: duckdb.DuckDBPyConnection) -> None:
    """Prevention items 430, spend £35,000, cost per arrest £35,000 / 67 (indicative)."""
    found = derived_values(con, Filters("OA2025", LATER)).set_index("metric")
    assert found.loc["prevention_items", "value"] == 430
    assert found.loc["spend_gbp", "value"] == 35000
    assert found.loc["cost_per_arrest", "value"] == pytest.approx(35000 / 67)
    assert found.loc["cost_per_arrest", "qualifier"] == "approximately"
    assert bool(found.loc["cost_per_arrest", "indicative"]) is True
    assert found.loc["value_recovered_per_gbp_spent", "value"] == pytest.approx(1_546_250 / 35000)
    assert found.loc["share_forces_reporting", "value"] == 1.0


def test_share_reporting_on_first_results(con: duckdb.DuckDBPyConnection) -> None:
    """Two of three forces had reported on 29 October."""
    found = derived_values(con, Filters("OA2025", date(2025, 10, 29))).set_index("metric")
    assert found.loc["share_forces_reporting", "value"] == pytest.approx(2 / 3)


def test_sources_add_up_to_total(con: duckdb.DuckDBPyConnection) -> None:
    """The cells behind arrests sum to the total and name file, version, sheet, row and column."""
    filters = Filters("OA2025", LATER)
    cells = sources(con, filters, "arrests")
    total = totals(con, filters, ["arrests"]).loc[0, "value"]
    assert cells["value"].sum() == total
    sy = cells[cells["submitter"] == "south-yorkshire"].iloc[0]
    assert (sy["original_name"], sy["version"], sy["sheet"], sy["row"], sy["col"]) == (
        "south_yorkshire_v2.xlsx", 2, "Totals", 5, "C")


def test_sources_as_at_earlier_date_show_old_version(con: duckdb.DuckDBPyConnection) -> None:
    """On 29 October South Yorkshire's figure comes from version 1."""
    cells = sources(con, Filters("OA2025", date(2025, 10, 29)), "arrests", force="south-yorkshire")
    assert list(cells["original_name"]) == ["south_yorkshire_v1.xlsx"]
    assert list(cells["value"]) == [32]


def test_sources_for_ports_list_each_port(con: duckdb.DuckDBPyConnection) -> None:
    """Containers examined come from the two per-port cells, not the port-less row."""
    cells = sources(con, Filters("NPO2025", LATER), "containers_examined")
    assert sorted(cells["port"]) == ["felixstowe", "tilbury"]
