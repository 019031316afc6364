"""The upload page's force return template picker offers what the person may submit."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from store import accounts
from store.connection import open_db
from store.reference import load_reference
from tests.pages.page_kit import ROOT
from ui import auth

PAGE = "pages/5_Upload_returns.py"
pytestmark = pytest.mark.slow


def open_as(name: str | None) -> AppTest:
    """The upload page opened from Home, signed in as ``name`` (None: the test administrator)."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    if name is not None:
        at.session_state[auth.SESSION_KEY] = auth.session_for(name)
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def analyst(db: Path, name: str, forces: tuple[str, ...]) -> None:
    con = open_db(db)
    try:
        load_reference(con)
        accounts.create_user(con, name, role="analyst", by="test", forces=forces,
                             password="violet harbour lantern seven", must_change=False)
    finally:
        con.close()


def test_a_kent_analyst_is_offered_kent_only(empty_db: Path) -> None:
    """A Kent-only analyst's force picker holds Kent alone and starts on it, not 'Any force'."""
    analyst(empty_db, "kent-desk", ("kent",))
    picker = open_as("kent-desk").selectbox(key="tpl_force")
    assert picker.options == ["Kent"]
    assert picker.value == "kent"


def test_an_analyst_for_two_forces_starts_on_the_first(empty_db: Path) -> None:
    """An analyst for two forces is offered those two, the first of them chosen."""
    analyst(empty_db, "south-east-desk", ("surrey", "sussex"))
    picker = open_as("south-east-desk").selectbox(key="tpl_force")
    assert picker.options == ["Surrey", "Sussex"]
    assert picker.value == "surrey"


def test_an_administrator_may_choose_any_force(empty_db: Path) -> None:
    """Someone who may submit for every force starts on 'Any force' with every force offered."""
    picker = open_as(None).selectbox(key="tpl_force")
    assert picker.value is None
    assert "Kent" in picker.options and len(picker.options) > 40
