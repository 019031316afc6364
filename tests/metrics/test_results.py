"""Operation results on the hand-filled store (tests/metrics/conftest.py): cards, status, sources,
per-force figures, daily figures, the previous operation at the same stage and published words.
Expected values are worked out by hand from the fixture's VALUES."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from metrics import results, stages
from metrics.scope import Filters

LATE = Filters(operation="OA2025", as_at=date(2026, 3, 2))
EARLY = Filters(operation="OA2025", as_at=date(2025, 10, 29))


def _card(con: duckdb.DuckDBPyConnection, filters: Filters, key: str) -> pd.Series:
    found = results.cards(con, filters, "week-of-action").set_index("key")
    return found.loc[key]


def test_arrests_card_adds_latest_versions_and_keeps_at_least(con: duckdb.DuckDBPyConnection) -> None:
    """Arrests = 40 (South Yorkshire v2) + 7 + 20 'at least' = 'at least 67'."""
    arrests = _card(con, LATE, "arrests")
    assert arrests["value"] == 67
    assert arrests["text"] == "at least 67"


def test_prevention_items_card_adds_its_four_measures(con: duckdb.DuckDBPyConnection) -> None:
    """Prevention items = 400 pouches + 10 steering locks + 20 marking kits."""
    assert _card(con, LATE, "prevention_items")["text"] == "430"


def test_card_with_no_figure_says_not_recorded(con: duckdb.DuckDBPyConnection) -> None:
    """A measure no return states prints 'not recorded'."""
    assert _card(con, LATE, "dismantling_sites")["text"] == "not recorded"


def test_card_sources_list_each_cell(con: duckdb.DuckDBPyConnection) -> None:
    """The arrests card's sources are the three total cells, with file, version and cell."""
    cells = results.card_sources(con, LATE, "arrests", "week-of-action")
    assert sorted(cells["File"]) == ["south_yorkshire_v2.xlsx", "west_mercia.xlsx",
                                     "wiltshire.xlsx"]
    row = cells.set_index("Force").loc["South Yorkshire"]
    assert (row["Version"], row["Sheet"], row["Cell"], row["Value"]) == (2, "Totals", "C5", "40")


@pytest.mark.parametrize("filters", [LATE, EARLY])
def test_every_cards_sources_at_once_match_card_by_card(con: duckdb.DuckDBPyConnection,
                                                        filters: Filters) -> None:
    """cards_sources (one query for every card) gives each card exactly its card_sources."""
    every = results.cards_sources(con, filters, "week-of-action")
    assert list(every) == [card.key for card in results.WEEK_CARDS]
    for card in results.WEEK_CARDS:
        pd.testing.assert_frame_equal(
            every[card.key], results.card_sources(con, filters, card.key, "week-of-action"))


def test_status_is_provisional_while_a_force_is_missing(con: duckdb.DuckDBPyConnection) -> None:
    """As at 29 October 2025 Wiltshire has no return: provisional, Wiltshire named missing."""
    state = results.status(con, EARLY)
    assert (state.label, state.coverage_text) == ("Provisional", "2 of 3 forces reported")
    assert state.missing_names == ("Wiltshire",)


def test_status_is_final_eight_weeks_after_returns_due(con: duckdb.DuckDBPyConnection) -> None:
    """All three returns in and past 22 December 2025 (27 October + 8 weeks): final."""
    assert results.status(con, LATE).label == "Final"
    assert results.status(con, Filters("OA2025", date(2025, 12, 21))).label == "Provisional"
    assert "22 December 2025" in results.status_help(results.status(con, LATE))


def test_status_of_a_ports_operation_counts_the_ports_return(con: duckdb.DuckDBPyConnection) -> None:
    """NPO2025 is reported by NaVCIS in one ports return, not by forces."""
    state = results.status(con, Filters("NPO2025", date(2026, 3, 1)))
    assert state.coverage_text == "Ports return received"


def test_words_name_the_forces_chosen(con: duckdb.DuckDBPyConnection) -> None:
    """Chart words carry the operation, its dates and the forces chosen."""
    words = results.words(con, Filters("OA2025", date(2026, 3, 2),
                                       forces=("wiltshire", "south-yorkshire")))
    assert words.operation == "Operation Alliances 2025"
    assert words.period == "13 to 19 October 2025"
    assert words.geography == "South Yorkshire and Wiltshire"


def test_forces_for_map_keeps_forces_without_a_return(con: duckdb.DuckDBPyConnection) -> None:
    """Every expected force is listed; one with no return yet has no value and 'no return'."""
    found = results.forces_for_map(con, EARLY, "arrests").set_index("force_name")
    assert list(found.index) == ["South Yorkshire", "West Mercia", "Wiltshire"]
    assert found.loc["Wiltshire", "text"] == "no return"
    assert found.loc["South Yorkshire", "value"] == 32
    assert round(found.loc["South Yorkshire", "per_1000_offences"], 4) == round(32 / 12, 4)


def test_daily_adds_an_after_the_week_row(con: duckdb.DuckDBPyConnection) -> None:
    """Days add up to 47 arrests (17 + 22 + 8); the total of 67 leaves 20 after the week."""
    found = stages.daily(con, LATE, ("arrests",))
    assert list(found["value"]) == [17, 22, 8, 20]
    assert list(found["after"]) == [False, False, False, True]
    text = stages.after_week_text(found, LATE.as_at)
    assert "add up to 47 arrests" in text and "so 20 came after the week" in text


def test_pillar_activity_marks_p5_to_be_confirmed(con: duckdb.DuckDBPyConnection) -> None:
    """Pillar labels come from the store; the unconfirmed fifth reads 'P5 (to be confirmed)'."""
    labels = list(stages.pillar_activity(con, LATE)["label"])
    assert labels[0] == "P1 Preventing vehicle crime"
    assert labels[-1] == "P5 (to be confirmed)"


def test_same_stage_uses_the_same_days_after_each_week(con: duckdb.DuckDBPyConnection) -> None:
    """OA2025 as at 2 March 2026 is 134 days after its week: OA2024 is taken 134 days after its own."""
    con.execute("INSERT INTO operation VALUES ('OA2024', 'Operation Alliances 2024', "
                "'week-of-action', '2024-09-16', '2024-09-22', '2024-09-30', 'Opal', NULL, "
                "false, 'First week.')")
    assert stages.previous_operation(con, "OA2025") == "OA2024"
    found = stages.same_stage(con, LATE, "OA2024")
    dates = dict(zip(found["operation"], found["as_at"], strict=False))
    assert dates == {"OA2024": date(2025, 2, 3), "OA2025": date(2026, 3, 2)}
    arrests = found[found["measure"] == "arrests"].set_index("operation")["text"]
    assert (arrests["OA2024"], arrests["OA2025"]) == ("not recorded", "at least 67")
    assert "134 days after its week ended" in stages.same_stage_text(found)


def test_published_text_explains_a_lower_published_figure() -> None:
    """A published figure below the returns is explained by cumulative returns and snapshots."""
    row = pd.Series({"unit": "count", "label": "Arrests", "published_value": 365.0,
                     "published_qualifier": "at_least", "returns_value": 368.0,
                     "returns_qualifier": "at_least", "difference": 3.0,
                     "stated_on": pd.Timestamp("2026-03-02")})
    text = stages.published_text(row)
    assert text.startswith("The published figure for arrests of at least 365 (2 March 2026) "
                           "is 3 lower than the returns now show")
    assert "cumulative" in text and "snapshot" in text
