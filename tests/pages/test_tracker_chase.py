"""The tracker's chase list, driven with AppTest on a copy of the demo database: the list, the
buttons by role, and "chased on" beside a force once its message has been downloaded."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import signed_in_session
from ui import auth
from ui.auth import User
from ui.chase import may_chase

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/4_Returns_tracker.py"
OWING = ["Dorset", "Gloucestershire", "Humberside", "North Yorkshire", "South Yorkshire",
         "Suffolk"]


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    """Cached queries are keyed on the data version, which two test databases can share; and
    AppTest leaves the last page installed as __main__, which the loaders' parsing children
    would re-run."""
    main = sys.modules["__main__"]
    st.cache_data.clear()
    yield
    st.cache_data.clear()
    sys.modules["__main__"] = main


def open_tracker(db: Path, role: str = "admin") -> AppTest:
    """The tracker for OA2025 as at 28 October 2025, signed in with ``role``."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.session_state[auth.SESSION_KEY] = signed_in_session(db, f"chase-{role}", role=role)
    at.run()
    at.switch_page(PAGE)
    at.run()
    at.selectbox(key="op").set_value("OA2025").run()
    at.date_input(key="as_at").set_value(date(2025, 10, 28)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def chase_table(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "chased" in d.value.columns)


def chase_buttons(at: AppTest) -> list[str]:
    return [b.label for b in at.download_button if b.key and b.key.startswith("chase-")]


@pytest.mark.slow
def test_downloading_a_message_shows_chased_on(demo_db: Path) -> None:
    """Clicking Dorset's message writes a 'chase' audit row and the list then says 'chased on
    <today>' beside Dorset, and beside no other force."""
    at = open_tracker(demo_db)
    assert list(chase_table(at)["force_name"]) == OWING
    assert set(chase_table(at)["chased"]) == {""}
    at.download_button(key="chase-dorset").click().run()
    assert not at.exception, [e.value for e in at.exception]
    table = chase_table(at).set_index("force_name")
    today = f"chased on {date.today().day} {date.today():%B %Y}"
    assert table.loc["Dorset", "chased"] == today
    assert table.loc["Dorset", "chased_by"] == "chase-admin"
    assert set(table.drop(index="Dorset")["chased"]) == {""}
    assert any(e.label.startswith("Dorset") and e.label.endswith(today) for e in at.expander)
    from ui.connection import shared_connection
    rows = shared_connection(str(demo_db)).cursor().execute(
        "SELECT who, json_extract_string(detail, '$.what'), marking FROM audit "
        "WHERE action = 'chase'").fetchall()
    assert rows == [("chase-admin", "message", "OFFICIAL-SENSITIVE")]


@pytest.mark.slow
def test_downloading_the_list_marks_every_force_chased(demo_db: Path) -> None:
    """The list's CSV button, clicked by an analyst, audits one row naming all six forces."""
    at = open_tracker(demo_db, role="analyst")
    at.download_button(key="chase-list").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert chase_table(at)["chased"].str.startswith("chased on ").all()


@pytest.mark.slow
def test_viewer_sees_the_list_without_chase_buttons(demo_db: Path) -> None:
    """A viewer sees the six forces owing OA2025, but no message and no chase button."""
    at = open_tracker(demo_db, role="viewer")
    assert list(chase_table(at)["force_name"]) == OWING
    assert chase_buttons(at) == []
    assert not [c for c in at.code if c.value.startswith("To: ")]
    assert any("needs the analyst, briefing or administrator role" in c.value for c in at.caption)


@pytest.mark.slow
def test_briefing_user_gets_a_message_per_force_and_the_list(demo_db: Path) -> None:
    """A briefing user is offered the list and one message per owing force, each showing its
    text with the marking."""
    at = open_tracker(demo_db, role="briefing")
    assert chase_buttons(at) == ["Chase list (CSV)", *[f"Message to {f} (.eml)" for f in OWING]]
    texts = [c.value for c in at.code if c.value.startswith("To: ")]
    assert len(texts) == len(OWING)
    assert all("Subject: OFFICIAL-SENSITIVE: " in t for t in texts)


@pytest.mark.slow
def test_nothing_to_chase_once_every_return_is_held(demo_db: Path) -> None:
    """As at 2 March 2026 every OA2025 return is held: the section says so, with no buttons."""
    at = open_tracker(demo_db)
    at.date_input(key="as_at").set_value(date(2026, 3, 2)).run()
    assert any(s.value.startswith("Nothing to chase") for s in at.success)
    assert chase_buttons(at) == []


@pytest.mark.parametrize(("role", "allowed"), [("viewer", False), ("analyst", True),
                                               ("briefing", True), ("admin", True)])
def test_only_roles_that_load_or_export_may_chase(role: str, allowed: bool) -> None:
    """Analysts (upload), briefing (export) and administrators may chase; viewers may not."""
    person = User(name="p", role=role, operations=frozenset({"OA2025"}))
    assert may_chase(person, "OA2025") is allowed
    assert may_chase(person, "OA2024") is False   # an operation they may not see
