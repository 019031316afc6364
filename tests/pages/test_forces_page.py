"""The Forces page on an empty and on the demo database: figures follow the chosen force."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.page_kit import metric_values, open_page

PAGE = "pages/2_Forces.py"




def _open(**query: str) -> AppTest:
    return open_page(PAGE, **query)


@pytest.mark.slow
def test_runs_on_an_empty_database(empty_db: Path) -> None:
    """With no returns the page explains what is missing instead of raising."""
    at = _open()
    assert not at.exception, [e.value for e in at.exception]
    assert any("No accepted return" in i.value for i in at.info)


@pytest.mark.slow
def test_default_force_has_most_arrests(demo_db: Path) -> None:
    """Without a choice, the force with most OA2025 arrests (Metropolitan) is shown."""
    at = _open()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="focus_force").value == "metropolitan"
    assert "Arrests" in metric_values(at)


@pytest.mark.slow
def test_choosing_another_force_changes_the_figures(demo_db: Path) -> None:
    """Switching from the default force to Kent changes the headline cards and tables."""
    at = _open()
    before = metric_values(at)
    operations_before = at.dataframe[0].value
    at.selectbox(key="focus_force").set_value("kent").run()
    assert not at.exception, [e.value for e in at.exception]
    assert metric_values(at) != before
    assert metric_values(at)["Arrests"] == "26", (metric_values(at), [h.value for h in at.subheader])
    assert not at.dataframe[0].value.equals(operations_before)


@pytest.mark.slow
def test_force_is_read_from_the_link(demo_db: Path) -> None:
    """A shared link naming Kent opens the page on Kent."""
    at = _open(focus_force="Kent")
    assert at.selectbox(key="focus_force").value == "kent"
    assert any(h.value == "Kent in each operation" for h in at.header)


@pytest.mark.slow
def test_rates_and_returns_tables(demo_db: Path) -> None:
    """Kent's rates per 1,000 offences and its returns (with versions) are listed."""
    at = _open(focus_force="Kent")
    tables = {tuple(d.value.columns)[0]: d.value for d in at.dataframe}
    assert "Per 1,000 offences" in tables["Measure"].columns
    returns = tables["Return"]
    assert "Force return, OA2025" in set(returns["Return"])
    assert set(returns["Counts now"]) >= {"yes"}


@pytest.mark.slow
def test_earlier_date_shows_fewer_versions(demo_db: Path) -> None:
    """Moving the as-at date back to the first week lowers the versions received."""
    at = _open(focus_force="Kent")
    later = _versions(at)
    at.date_input(key="as_at").set_value(date(2025, 10, 31)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert 0 < _versions(at) < later


def _versions(at: AppTest) -> int:
    line = next(c.value for c in at.caption if c.value.startswith("Versions received"))
    return int(line.split(":")[1].split(";")[0])
