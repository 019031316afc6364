"""The home page's figures: operation summaries, the two weeks side by side and the latest
uploads, on the demo database and with hand-made inputs for the comparison rule."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from metrics import overview as ov
from metrics.results import Status
from store.connection import open_db
from store.reference import load_reference

FIRST_RESULTS = date(2025, 10, 29)
LATER = date(2026, 3, 2)


@pytest.fixture
def demo(demo_store: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The demo store, on both stores (tests/metrics/conftest.py)."""
    return demo_store


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_db(tmp_path / "empty.duckdb")
    load_reference(con)
    yield con
    con.close()


def summary(con: duckdb.DuckDBPyConnection, code: str, as_at: date) -> ov.OperationSummary:
    return next(s for s in ov.operation_summaries(con, as_at) if s.code == code)


def values(s: ov.OperationSummary) -> dict[str, str]:
    return {card.measure: card.value for card in s.cards}


def test_exact_change_gives_direction_and_percentage() -> None:
    """Two exact figures: the change and its share of the earlier figure."""
    assert ov.change_text((180.0, "exact"), (154.0, "exact"), "count") == (-26.0, "down 26 (14%)")
    assert ov.change_text((100.0, "exact"), (100.0, "exact"), "count") == (0.0, "no change")


def test_at_least_later_figure_keeps_a_lower_bound_on_a_rise() -> None:
    """180 against 'at least 368' is a rise of at least 188."""
    assert ov.change_text((180.0, "exact"), (368.0, "at_least"), "count") == \
        (188.0, "up at least 188")


def test_at_least_earlier_figure_keeps_a_bound_on_a_fall() -> None:
    """'At least £4,126,500' against £3,342,750 is a fall of at least £783,750."""
    diff, words = ov.change_text((4_126_500.0, "at_least"), (3_342_750.0, "exact"), "gbp")
    assert diff == pytest.approx(-783_750.0)
    assert words == "down at least £783,750"


def test_bounds_that_cannot_be_called_say_so() -> None:
    """An 'at least' figure that could close the gap gives no direction, and says why."""
    _, words = ov.change_text((180.0, "exact"), (100.0, "at_least"), "count")
    assert words.startswith("cannot say yet")
    _, words = ov.change_text((180.0, "at_least"), (200.0, "exact"), "count")
    assert words == "cannot say yet: a figure is stated as 'at least'"


def test_missing_figure_is_not_compared() -> None:
    """A figure not recorded on either side gives no change."""
    assert ov.change_text((None, "not_recorded"), (13.0, "exact"), "count") == \
        (None, "cannot compare: a figure is not recorded")


def test_approximate_figures_give_an_approximate_change() -> None:
    """An 'about' figure makes the change 'about', with no percentage."""
    assert ov.change_text((900.0, "approximately"), (1000.0, "exact"), "count")[1] == \
        "up about 100"


def test_reason_before_the_operation_starts() -> None:
    """Before its start date an operation says when it starts."""
    state = Status(final=False, reporting=0, expected=37, missing_names=(), final_from=None)
    op = {"start_date": date(2025, 10, 13)}
    assert ov.reason_for(state, op, date(2025, 10, 1)) == "The operation starts on 13 October 2025."


def test_reason_lists_missing_returns_and_the_final_date() -> None:
    """A provisional result says how many returns are to come and when it becomes final."""
    state = Status(final=False, reporting=35, expected=37, missing_names=("A", "B"),
                   final_from=date(2025, 12, 22))
    op = {"start_date": date(2025, 10, 13)}
    assert ov.reason_for(state, op, FIRST_RESULTS) == (
        "2 returns are still to come; final from 22 December 2025, eight weeks after returns "
        "were due.")


def test_operations_in_home_page_order(demo: duckdb.DuckDBPyConnection) -> None:
    """National weeks newest first, then the ports operation, then funded local operations."""
    assert list(ov.ordered_operations(demo)["code"]) == ["OA2025", "OA2024", "NPO2025", "LOC2025"]


def test_first_results_and_later_versions(demo: duckdb.DuckDBPyConnection) -> None:
    """OA2025 shows 154 arrests as at 29 October 2025 and 'at least 369' as at 2 March 2026
    (one force said 'more than 368', that is at least 369)."""
    assert values(summary(demo, "OA2025", FIRST_RESULTS))["arrests"] == "154"
    later = summary(demo, "OA2025", LATER)
    assert values(later)["arrests"] == "at least 369"
    assert later.coverage == "37 of 37 forces reported"
    assert later.status == "Final"


def test_ports_operation_has_ports_cards(demo: duckdb.DuckDBPyConnection) -> None:
    """The ports operation's cards are containers and port recoveries, from NaVCIS's return."""
    ports = summary(demo, "NPO2025", LATER)
    assert [c.measure for c in ports.cards] == list(ov.CARDS["ports"])
    assert ports.coverage == "Ports return received"
    assert values(ports)["port_value_recovered_gbp"].startswith("£")


def test_force_filter_narrows_coverage(demo: duckdb.DuckDBPyConnection) -> None:
    """Choosing one force counts only that force's return."""
    one = next(s for s in ov.operation_summaries(demo, LATER, forces=("south-yorkshire",))
               if s.code == "OA2025")
    assert one.coverage == "1 of 1 force reported"
    assert values(one)["arrests"] != values(summary(demo, "OA2025", LATER))["arrests"]


def test_week_comparison_on_the_demo(demo: duckdb.DuckDBPyConnection) -> None:
    """The two latest national weeks as at 29 October 2025: 180 arrests against 154."""
    weeks = ov.week_comparison(demo, FIRST_RESULTS)
    assert weeks is not None
    assert (weeks.earlier, weeks.later) == ("OA2024", "OA2025")
    arrests = weeks.table.set_index("measure").loc["arrests"]
    assert (arrests["earlier_text"], arrests["later_text"]) == ("180", "154")
    assert arrests["change"] == -26


def test_empty_store_has_summaries_but_no_figures(empty: duckdb.DuckDBPyConnection) -> None:
    """With reference data only, every operation is listed and every card is 'not recorded'."""
    summaries = ov.operation_summaries(empty, LATER)
    assert len(summaries) == 4
    assert {c.value for s in summaries for c in s.cards} == {"not recorded"}
    assert ov.recent_uploads(empty).empty


def test_recent_uploads_name_the_force_even_when_rejected(demo: duckdb.DuckDBPyConnection) -> None:
    """A rejected upload with a known return key still names its force and operation."""
    uploads = ov.recent_uploads(demo, 200)
    assert len(uploads) == demo.execute("SELECT count(*) FROM upload").fetchall()[0][0]
    rejected = uploads[uploads["file"].str.contains("cleveland_negative")].iloc[0]
    assert (rejected["force"], rejected["operation"], rejected["outcome"]) == \
        ("Cleveland", "OA2025", "rejected")
    assert list(ov.recent_uploads(demo, 3)["file"]) == list(uploads["file"].iloc[:3])


def test_summaries_only_for_operations_the_viewer_may_see(demo: duckdb.DuckDBPyConnection) -> None:
    """A restricted operation left out of ``visible`` gets no summary on the home page."""
    codes = [s.code for s in ov.operation_summaries(demo, LATER, visible=("OA2024", "NPO2025"))]
    assert codes == ["OA2024", "NPO2025"]


def test_older_operations_move_to_the_earlier_list(demo: duckdb.DuckDBPyConnection) -> None:
    """With one per kind summarised, OA2024 is listed among the earlier operations instead."""
    codes = [s.code for s in ov.operation_summaries(demo, LATER, per_kind=1)]
    assert codes == ["OA2025", "NPO2025", "LOC2025"]
    earlier = ov.earlier_operations(demo, per_kind=1)
    assert list(earlier["Operation"]) == ["Operation Alliances 2024"]
    assert list(earlier["Dates"]) == ["16 to 22 September 2024"]


def test_weeks_the_viewer_may_not_see_are_not_compared(demo: duckdb.DuckDBPyConnection) -> None:
    """With OA2024 closed to the viewer there is no second week to compare with."""
    assert ov.week_comparison(demo, LATER, allowed=("OA2025", "NPO2025", "LOC2025")) is None
    assert ov.week_comparison(demo, LATER, allowed=("OA2024", "OA2025")) is not None


def test_uploads_of_closed_operations_are_left_out(demo: duckdb.DuckDBPyConnection) -> None:
    """Only uploads of operations the viewer may see, plus spend returns and files whose
    return could not be told."""
    uploads = ov.recent_uploads(demo, 500, allowed=("OA2024",))
    assert set(uploads["operation"].dropna()) <= {"OA2024", "G1", "G2"}
    assert "OA2024" in set(uploads["operation"]) and "G2" in set(uploads["operation"])
    told = uploads.dropna(subset=["operation"])
    assert not told["file"].str.contains("OA2025").any()
