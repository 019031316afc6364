"""The Returns tracker shows a version's queried figures beside it, with the reason given when
they were confirmed (issue 11), and only for returns the viewer may see."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from metrics import tracker
from store.operation_access import scoped, visible_operations

ROOT = Path(__file__).resolve().parents[2]
SY = "OA2025:south-yorkshire:force-return"
SAID = ("1 figure queried and confirmed: people given prevention advice at least 901 — "
        "‘South Yorkshire confirmed over 900: prevention advice at events and on patrol, as the "
        "force published (illustrative)’ (demo)")


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    """As the other tracker tests: cached queries cleared, __main__ put back after a page run."""
    main = sys.modules["__main__"]
    st.cache_data.clear()
    yield
    st.cache_data.clear()
    sys.modules["__main__"] = main


def test_versions_say_which_figure_was_queried_and_why(demo_template: duckdb.DuckDBPyConnection
                                                        ) -> None:
    """South Yorkshire's first 2025 version holds the demo's one queried figure; later
    versions restate it unchanged and are not queried again."""
    found = tracker.versions(demo_template, SY, date(2026, 3, 2))
    assert list(found["queries"]) == [SAID, "", "", ""]


def test_a_restricted_return_shows_no_query(demo_db: Path) -> None:
    """With Operation Alliances 2025 restricted, a viewer not granted it reads no version and
    no query of South Yorkshire's return, though the audit holds the reason."""
    con = duckdb.connect(str(demo_db))
    try:
        con.execute("UPDATE operation SET restricted = TRUE WHERE code = 'OA2025'")
        cursor = scoped(con, visible_operations(con, "viewer", "vera"), "vera")
        assert tracker.queried(cursor, SY) == {}
        assert tracker.versions(cursor, SY, date(2026, 3, 2)).empty
        assert tracker.queried(con.cursor(), SY) == {1: SAID}
    finally:
        con.close()


@pytest.mark.slow
def test_tracker_page_shows_the_query_beside_the_version(demo_db: Path) -> None:
    """Choosing South Yorkshire's 2025 return shows the queried figure in the versions table
    and in a line under it."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/4_Returns_tracker.py")
    at.run()
    at.selectbox(key="op").set_value("OA2025").run()
    at.selectbox(key="return_key").set_value(SY).run()
    assert not at.exception, [e.value for e in at.exception]
    versions = next(d.value for d in at.dataframe if "stated_by_as_at" in d.value.columns)
    assert list(versions["queries"])[:2] == [SAID, ""]
    shown = [c.value.replace("\\", "") for c in at.caption]
    assert f"Version 1: {SAID}" in shown


@pytest.fixture(scope="module")
def demo_template(demo_db_template: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(demo_db_template), read_only=True)
    yield con
    con.close()
