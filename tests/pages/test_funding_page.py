"""The Pillars and funding page on an empty and on the demo database."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/3_Pillars_and_funding.py"



@pytest.fixture(autouse=True, scope="module")
def _demo_built_first(demo_db_template: Path) -> Path:
    """Build the demo before any page runs: the loaders' worker processes re-import the
    running main script, which inside AppTest is the page, not pytest."""
    return demo_db_template

def _open(**query: str) -> AppTest:
    """The page opened from the home page, as the menu does (its links resolve from there)."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(PAGE)
    return at.run()


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.slow
def test_runs_on_an_empty_database(empty_db: Path) -> None:
    """With grants but no spend returns, the page shows the grants and no ratios."""
    at = _open()
    assert not at.exception, [e.value for e in at.exception]
    assert _metrics(at)["Grant 1"] == "£485,000"
    assert _metrics(at)["Spend per arrest (indicative)"] == "not recorded"


@pytest.mark.slow
def test_demo_grants_and_value_for_money(demo_db: Path) -> None:
    """Grant 1 is £485,000, all of it spent on OA2025, and the ratios say 'indicative'."""
    at = _open()
    assert not at.exception, [e.value for e in at.exception]
    found = _metrics(at)
    assert found["Grant 1"] == "£485,000"
    assert found["Spend reported"] == "£485,000"
    assert "Value recovered per £1 spent (indicative)" in found
    assert any("core policing" in w.value for w in at.warning)


@pytest.mark.slow
def test_local_operations_table_has_every_bid_and_a_total(demo_db: Path) -> None:
    """34 bidding forces plus a Total row, marked illustrative, with a caption saying so."""
    at = _open()
    table = next(d.value for d in at.dataframe if "Awarded" in d.value.columns)
    assert len(table) == 35
    assert table.iloc[-1]["Force"] == "Total"
    assert table.iloc[-1]["Awarded"] == "£113,000"
    assert set(table["Illustrative"]) == {"yes"}
    assert any("illustrative" in c.value for c in at.caption)


@pytest.mark.slow
def test_choosing_another_operation_changes_value_for_money(demo_db: Path) -> None:
    """Switching the sidebar operation to LOC2025 changes the spend and ratio cards."""
    at = _open()
    before = _metrics(at)
    at.sidebar.selectbox(key="op").set_value("LOC2025").run()
    assert not at.exception, [e.value for e in at.exception]
    after = _metrics(at)
    assert after["Spend reported"] == "£106,500" != before["Spend reported"]
    assert after["Spend per arrest (indicative)"] != before["Spend per arrest (indicative)"]


@pytest.mark.slow
def test_spend_view_per_recipient(demo_db: Path) -> None:
    """Choosing 'per recipient' keeps the page working and its sources table lists spend lines."""
    at = _open()
    at.radio(key="funding_by").set_value("recipient").run()
    assert not at.exception, [e.value for e in at.exception]
    sources = next(d.value for d in at.dataframe if "Category" in d.value.columns)
    assert {"Opal", "NaVCIS"} <= set(sources["Recipient"])
