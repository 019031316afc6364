"""The operation page, run with AppTest on the empty and demo databases.

The page runs as a page of the app (entry file dashboard.py, then switch_page) so the menu's
page links resolve as they do in a real session.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/1_Operation.py"


def _page(as_at: date | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    if as_at is not None:
        at.query_params["as_at"] = as_at.isoformat()
    at.switch_page(PAGE)
    at.run()
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.slow
def test_empty_database_says_so(empty_db: Path) -> None:
    """With no returns loaded the page says so in an info message, without an exception."""
    at = _page()
    assert not at.exception, [e.value for e in at.exception]
    assert any("No returns for Operation Alliances 2025" in i.value for i in at.info)
    assert not at.metric


@pytest.mark.slow
def test_arrests_at_first_results(demo_db: Path) -> None:
    """As at 29 October 2025 the OA2025 arrests card shows the first published 154."""
    at = _page()
    at.date_input("as_at").set_value(date(2025, 10, 29)).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = _metrics(at)
    assert shown["Arrests"] == "154"
    assert shown["Status"] == "Provisional"


@pytest.mark.slow
def test_arrests_in_march_from_the_url(demo_db: Path) -> None:
    """A shared link with ?as_at=2026-03-02 shows 'at least 369' arrests."""
    at = _page(date(2026, 3, 2))
    assert not at.exception, [e.value for e in at.exception]
    assert _metrics(at)["Arrests"] == "at least 369"
    assert _metrics(at)["Coverage"] == "37 of 37 forces reported"


@pytest.mark.slow
def test_force_filter_changes_the_figures(demo_db: Path) -> None:
    """Choosing South Yorkshire narrows every card to its return."""
    at = _page(date(2026, 3, 2))
    national = _metrics(at)
    at.multiselect("force").set_value(["south-yorkshire"]).run()
    assert not at.exception, [e.value for e in at.exception]
    local = _metrics(at)
    assert local["Arrests"] != national["Arrests"]
    assert local["Coverage"] == "1 of 1 force reported"
    assert any("South Yorkshire ·" in c.value for c in at.caption)


@pytest.mark.slow
def test_measure_choice_changes_the_force_table(demo_db: Path) -> None:
    """Picking another measure changes the by-force table's figures."""
    at = _page(date(2026, 3, 2))
    table = next(d for d in at.dataframe if "force_name" in d.value.columns)
    before = list(table.value["value"])
    at.selectbox("op_measure").set_value("vehicles_recovered").run()
    table = next(d for d in at.dataframe if "force_name" in d.value.columns)
    assert list(table.value["value"]) != before


@pytest.mark.slow
def test_sources_list_file_sheet_and_cell(demo_db: Path) -> None:
    """Each card's sources table names file, version, sheet and cell for every return."""
    at = _page(date(2026, 3, 2))
    tables = [d.value for d in at.dataframe if "Cell" in d.value.columns]
    assert len(tables) == 8
    arrests = next(t for t in tables if set(t["Measure"]) == {"Arrests"})
    assert len(arrests) == 37
    assert {"File", "Version", "Sheet", "Cell", "Value"} <= set(arrests.columns)


@pytest.mark.slow
def test_filter_with_no_returns_says_so(demo_db: Path) -> None:
    """A date before any return was stated gives an info message instead of empty cards."""
    at = _page(date(2025, 10, 1))
    assert not at.exception, [e.value for e in at.exception]
    assert any("No returns for Operation Alliances 2025" in i.value for i in at.info)


@pytest.mark.slow
def test_ports_operation_shows_the_ports_panel(demo_db: Path) -> None:
    """The NaVCIS ports operation shows port cards and the ports table."""
    at = _page(date(2026, 3, 2))
    at.selectbox("op").set_value("NPO2025").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Containers examined" in _metrics(at)
    assert any(h.value == "Ports" for h in at.header)
