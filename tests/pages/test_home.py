"""The home page on the demo database: cards per operation as at the date chosen, the two
national weeks side by side, the latest uploads, and filters taken from the URL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
FIRST_RESULTS = date(2025, 10, 29)
LATER = date(2026, 3, 2)

pytestmark = pytest.mark.slow


def home(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def cards(at: AppTest, operation: str) -> dict[str, str]:
    """Card label → value shown in one operation's box."""
    box = at.main.get_by_key(f"op-{operation}")
    return {m.label: m.value for m in box.metric}


def captions(at: AppTest, operation: str) -> str:
    return " | ".join(c.value for c in at.main.get_by_key(f"op-{operation}").caption)


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The one table on the page that has ``column`` (dataframes carry no key in AppTest)."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, f"{len(found)} tables have a {column!r} column"
    return found[0]


def weeks_table(at: AppTest) -> pd.DataFrame:
    return table_with(at, "Measure").set_index("Measure")


def test_first_results_show_154_arrests(demo_db: Path) -> None:
    """As at 29 October 2025 the 2025 week shows the first published results: 154 arrests."""
    at = home(as_at=FIRST_RESULTS.isoformat())
    assert not at.exception
    shown = cards(at, "OA2025")
    assert shown["Arrests"] == "154"
    assert shown["Value of vehicles recovered"] == "£2,046,250"
    assert shown["Stolen vehicles recovered"] == "95"


def test_later_date_shows_at_least_369_arrests(demo_db: Path) -> None:
    """As at 2 March 2026 later versions count: 'at least 369' arrests (one force said 'more
    than' its figure), £3,342,750 recovered."""
    at = home(as_at=LATER.isoformat())
    shown = cards(at, "OA2025")
    assert shown["Arrests"] == "at least 369"
    assert shown["Value of vehicles recovered"] == "£3,342,750"


def test_cards_share_one_number_style(demo_db: Path) -> None:
    """Every card gives its figure in full with the qualifier in words: no 'over', 'more than'
    or 'million' beside an exact '£3,342,750' (issue 9)."""
    at = home(as_at=LATER.isoformat())
    shown = {**cards(at, "OA2024"), **cards(at, "OA2025")}
    assert cards(at, "OA2024")["Value of vehicles recovered"].startswith("at least £")
    for label, value in shown.items():
        assert not any(word in value for word in ("over", "more than", "million")), (label, value)


def test_changing_the_date_widget_changes_the_figures(demo_db: Path) -> None:
    """Moving the as-at date in the sidebar moves the arrests card from 'at least 369' to 154."""
    at = home(as_at=LATER.isoformat())
    assert cards(at, "OA2025")["Arrests"] == "at least 369"
    at.date_input("as_at").set_value(FIRST_RESULTS).run()
    assert not at.exception
    assert cards(at, "OA2025")["Arrests"] == "154"


def test_every_operation_has_a_box_with_coverage_and_status(demo_db: Path) -> None:
    """Each operation shows its as-at date, coverage and provisional or final status."""
    at = home(as_at=LATER.isoformat())
    assert "figures as at 2 March 2026" in captions(at, "OA2025")
    assert "37 of 37 forces reported" in captions(at, "OA2025")
    assert "41 of 43 forces reported" in captions(at, "OA2024")
    assert "8 of 24 forces reported" in captions(at, "LOC2025")
    assert "Ports return received" in captions(at, "NPO2025")
    assert "Final from 8 May 2026" in captions(at, "NPO2025")
    assert cards(at, "NPO2025")["Containers examined"] != "not recorded"


def test_operations_are_in_home_page_order(demo_db: Path) -> None:
    """National weeks newest first, then the ports operation, then funded local operations."""
    at = home(as_at=LATER.isoformat())
    names = [h.value for h in at.subheader]
    assert names[:4] == ["Operation Alliances 2025", "Operation Alliances 2024",
                         "NaVCIS ports operation 2025-26", "Funded local operations 2025-26"]


def test_weeks_side_by_side_at_first_results(demo_db: Path) -> None:
    """As at 29 October 2025 the comparison shows 180 arrests in 2024 against 154 in 2025."""
    table = weeks_table(home(as_at=FIRST_RESULTS.isoformat()))
    assert table.loc["Arrests", "Operation Alliances 2024"] == "180"
    assert table.loc["Arrests", "Operation Alliances 2025"] == "154"
    assert table.loc["Arrests", "Change"] == "down 26 (14%)"


def test_weeks_side_by_side_later(demo_db: Path) -> None:
    """As at 2 March 2026: 180 against 'at least 369', a rise of at least 189."""
    table = weeks_table(home(as_at=LATER.isoformat()))
    assert table.loc["Arrests", "Operation Alliances 2024"] == "180"
    assert table.loc["Arrests", "Operation Alliances 2025"] == "at least 369"
    assert table.loc["Arrests", "Change"] == "up at least 189"


def test_weeks_comparison_states_the_overall_picture(demo_db: Path) -> None:
    """Above the two weeks' table, one line says what rose and what fell: mixed, with vehicles
    recovered and their value down and arrests up — not just 'more arrests' (issue 9)."""
    at = home(as_at=LATER.isoformat())
    said = [m.value for m in at.markdown if "against Operation Alliances 2024" in m.value]
    assert said == ["**Mixed results in Operation Alliances 2025 against Operation Alliances "
                    "2024 as at 2 March 2026: stolen vehicles recovered and value of stolen "
                    "vehicles recovered down; arrests up; illegal dismantling sites found cannot "
                    "be compared yet.**"]


def test_latest_uploads_table(demo_db: Path) -> None:
    """The latest uploads name file, force, outcome, when and by whom, newest first."""
    at = home()
    uploads = table_with(at, "uploaded_by")
    assert list(uploads.columns) == ["file", "force", "operation", "outcome", "uploaded_at",
                                     "uploaded_by", "message"]
    assert len(uploads) == 10
    assert uploads.iloc[0]["file"] == "2026-02-27_OA2025_thames-valley_force-return.xlsx"
    assert uploads.iloc[0]["force"] == "Thames Valley"
    assert set(uploads["outcome"]) == {"accepted"}
    assert uploads["uploaded_at"].is_monotonic_decreasing


def test_url_parameters_choose_like_the_widgets(demo_db: Path) -> None:
    """?as_at=2025-10-29&op=OA2025 gives the same choices and figures as setting the widgets."""
    by_url = home(as_at=FIRST_RESULTS.isoformat(), op="OA2025")
    by_widget = home()
    by_widget.selectbox("op").set_value("OA2025")
    by_widget.date_input("as_at").set_value(FIRST_RESULTS).run()
    assert by_url.selectbox("op").value == by_widget.selectbox("op").value == "OA2025"
    assert by_url.date_input("as_at").value == by_widget.date_input("as_at").value == FIRST_RESULTS
    for code in ("OA2025", "OA2024", "NPO2025", "LOC2025"):
        assert cards(by_url, code) == cards(by_widget, code)
    assert weeks_table(by_url).equals(weeks_table(by_widget))


def test_url_operation_code_selects_the_operation(demo_db: Path) -> None:
    """?op=OA2024 (a code, as links and the README give it) chooses that operation."""
    at = home(op="OA2024")
    assert at.selectbox("op").value == "OA2024"


def test_url_force_filter_narrows_the_figures(demo_db: Path) -> None:
    """?force=south-yorkshire narrows the cards to that force's return."""
    at = home(as_at=LATER.isoformat(), force="south-yorkshire")
    assert not at.exception
    assert at.multiselect("force").value == ["south-yorkshire"]
    assert "1 of 1 force reported" in captions(at, "OA2025")
    assert cards(at, "OA2025")["Arrests"] != cards(home(as_at=LATER.isoformat()),
                                                   "OA2025")["Arrests"]


def test_empty_database_says_so(empty_db: Path) -> None:
    """With no returns the home page says so and every card reads 'not recorded'."""
    at = home()
    assert not at.exception
    assert any("No returns have been loaded yet" in i.value for i in at.info)
    assert set(cards(at, "OA2025").values()) == {"not recorded"}
    assert any("No files have been uploaded yet" in i.value for i in at.info)
