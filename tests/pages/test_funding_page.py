"""The Pillars and funding page on an empty and on the demo database."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.page_kit import metric_values, open_page

PAGE = "pages/3_Pillars_and_funding.py"




def _open(**query: str) -> AppTest:
    return open_page(PAGE, **query)


@pytest.mark.slow
def test_runs_on_an_empty_database(empty_db: Path) -> None:
    """With grants but no spend returns, the page shows the grants and no ratios."""
    at = _open()
    assert not at.exception, [e.value for e in at.exception]
    assert metric_values(at)["Grant 1"] == "£485,000"
    assert metric_values(at)["Spend per arrest (indicative)"] == "not recorded"


@pytest.mark.slow
def test_demo_grants_and_value_for_money(demo_db: Path) -> None:
    """Grant 1 is £485,000, all of it spent on OA2025, and the ratios say 'indicative'."""
    at = _open()
    assert not at.exception, [e.value for e in at.exception]
    found = metric_values(at)
    assert found["Grant 1"] == "£485,000"
    assert found["Spend reported"] == "£485,000"
    assert "Value recovered per £1 spent (indicative)" in found
    assert any("core policing" in w.value for w in at.warning)


@pytest.mark.slow
def test_grants_headline_is_the_two_nvcrp_grants(demo_db: Path) -> None:
    """The first row of tiles is the NVCRP grants (£695,000), Grant 1 and Grant 2 only; the
    £250,000 port money stands under 'Other funding', labelled as not an NVCRP grant."""
    at = _open()
    assert not at.exception, [e.value for e in at.exception]
    found = metric_values(at)
    assert (found["NVCRP grants"], found["Grant 1"], found["Grant 2"]) == (
        "£695,000", "£485,000", "£210,000")
    headers = [h.value for h in at.header]
    assert headers.index("NVCRP grants") < headers.index("Other funding")
    assert found["Port enforcement staff and equipment"] == "£250,000"
    captions = [c.value for c in at.caption]
    assert "Home Office, 2024-25. Not an NVCRP grant." in captions
    assert any(c.startswith("Funding for related work that the NVCRP does not allocate")
               for c in captions)


@pytest.mark.slow
def test_no_caption_contradicts_a_grant_figure(demo_db: Path) -> None:
    """No 'total not public' beside Grant 2's £210,000; the page says once why it is known."""
    at = _open()
    captions = [c.value for c in at.caption]
    assert not any("total not public" in c for c in captions)
    assert any(c.startswith("Grant 2's amount is not published on its own") for c in captions)


@pytest.mark.slow
def test_funding_diagram_holds_only_the_grants(demo_db: Path) -> None:
    """The Sankey's subtitle speaks of the grants; its description has no port money link."""
    at = _open()
    assert "NVCRP grants, allocations and spend" in " ".join(c.value for c in at.caption)
    described = [t.value for t in at.text if t.value.startswith("Flow diagram")]
    assert len(described) == 1 and "Grant 1 to" in described[0]
    assert "Port enforcement" not in described[0]


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
    before = metric_values(at)
    at.sidebar.selectbox(key="op").set_value("LOC2025").run()
    assert not at.exception, [e.value for e in at.exception]
    after = metric_values(at)
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
