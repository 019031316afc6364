"""Sessions kept in the store, driven through AppTest: every tab of a session ends together,
a new password ends it, choosing your own keeps this one, and the sign-in page names the service
and says why a session ended.

AppTest has no cookies, so each test seeds the record a cookie would bring
(``ui.sessions.record_of``): the app looks it up in the store on every run, as it does for a
browser. tests/e2e/test_sessions.py does the same with real cookies in Chromium.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import duckdb
import pytest
from auth_kit import PASSWORD
from streamlit.testing.v1 import AppTest

from store import accounts, web_sessions
from store.connection import open_db
from store.reference import load_reference
from ui import auth, sessions
from ui.connection import shared_connection

ROOT = Path(__file__).resolve().parents[2]
ADMIN_PAGE = "pages/9_Admin.py"
pytestmark = pytest.mark.slow


@pytest.fixture
def app_db(empty_db: Path) -> Path:
    """A fresh database with reference data and an administrator 'boss'."""
    con = open_db(empty_db)
    load_reference(con)
    accounts.create_user(con, "boss", role="admin", by="test", password=PASSWORD,
                         must_change=False)
    con.close()
    return empty_db


def _store(db: Path) -> duckdb.DuckDBPyConnection:
    return shared_connection(str(db)).cursor()


def _stored_session(db: Path, name: str, started: float | None = None) -> dict[str, Any]:
    """A session in the store, as /session/start makes one; the record a cookie would bring."""
    con = _store(db)
    now = time.time()
    secret = web_sessions.start(con, name=name, method="local", started_at=started or now,
                                fingerprint=web_sessions.credential(con, name), now=now)
    return sessions.record_of(web_sessions.get(con, web_sessions.key(secret)))


def _open(record: dict[str, Any] | None, page: str = ADMIN_PAGE) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    if record is not None:
        at.session_state[auth.SESSION_KEY] = dict(record)
    at.run()
    at.switch_page(page)
    return at.run()


def _titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def _ended(db: Path, record: dict[str, Any]) -> str | None:
    return web_sessions.get(_store(db), record["id"]).ended_reason


def test_signing_out_in_one_tab_ends_the_other(app_db: Path) -> None:
    """Two tabs of one session: 'Sign out' in the first shows the second the sign-in form on
    its next run, saying so; the store records why."""
    record = _stored_session(app_db, "boss")
    first, second = _open(record), _open(record)
    assert _titles(second) == ["Administration"]
    first.sidebar.button("sign_out").click().run()
    second.run()
    assert _titles(second) == ["Sign in"]
    assert "You have signed out." in second.info[0].value
    assert _ended(app_db, record) == "signed-out"


def test_a_session_ended_elsewhere_is_not_brought_back(app_db: Path) -> None:
    """A tab opened on an ended session (a reload after signing out) gets the form and why."""
    record = _stored_session(app_db, "boss")
    web_sessions.end(_store(app_db), record["id"], "idle", time.time())
    at = _open(record)
    assert _titles(at) == ["Sign in"]
    assert "30 minutes without activity" in at.info[0].value


def test_idle_in_the_store_ends_the_session_for_every_tab(app_db: Path) -> None:
    """A session last seen (in any tab) over 30 minutes ago ends on the next run, for good."""
    record = _stored_session(app_db, "boss")
    _store(app_db).execute("UPDATE web_session SET last_seen = last_seen - 31 * 60")
    at = _open(record)
    assert _titles(at) == ["Sign in"]
    assert _ended(app_db, record) == "idle"


def test_a_password_reset_by_an_administrator_ends_the_session(app_db: Path) -> None:
    """A new password set for someone signs them out everywhere, saying why."""
    accounts.create_user(_store(app_db), "pat", role="admin", by="boss", password=PASSWORD,
                         must_change=False)
    record = _stored_session(app_db, "pat")
    at = _open(record)
    assert _titles(at) == ["Administration"]
    accounts.set_password(_store(app_db), "pat", "a temporary passphrase", by="boss",
                          must_change=True)
    at.run()
    assert _titles(at) == ["Sign in"]
    assert "your password was changed" in at.info[0].value
    assert _ended(app_db, record) == "password-changed"


def test_choosing_your_own_password_keeps_this_session_only(app_db: Path) -> None:
    """After a one-time password, the session whose form chose the new one goes on; another
    session of the same person (another browser) ends."""
    accounts.create_user(_store(app_db), "newbie", role="admin", by="boss",
                         password="temporary pass 1")
    here, elsewhere = _stored_session(app_db, "newbie"), _stored_session(app_db, "newbie")
    at = _open(here)
    assert _titles(at) == ["Choose a new password"]
    at.text_input("pw_old").input("temporary pass 1")
    at.text_input("pw_new").input("my own good password")
    at.text_input("pw_again").input("my own good password")
    at.button("FormSubmitter:change_password-Save the new password").click().run()
    assert _titles(at) == ["Administration"]
    assert _ended(app_db, here) is None
    other = _open(elsewhere)
    assert _titles(other) == ["Sign in"] and _ended(app_db, elsewhere) == "password-changed"


def test_each_run_is_activity_in_the_store(app_db: Path) -> None:
    """A run of a page moves the stored last_seen on, so another tab is not idle."""
    record = _stored_session(app_db, "boss")
    _store(app_db).execute("UPDATE web_session SET last_seen = last_seen - 20 * 60")
    _open(record)
    seen = web_sessions.get(_store(app_db), record["id"]).last_seen
    assert time.time() - seen < 60


def test_the_sign_in_page_names_the_service(app_db: Path) -> None:
    """Someone not signed in reads what they are signing in to."""
    at = _open(None)
    assert _titles(at) == ["Sign in"]
    assert any("NVCRP operation results" in m.value for m in at.markdown)


def test_a_tab_only_sign_in_is_not_handed_over_without_a_browser_cookie(app_db: Path) -> None:
    """Without serve.py's browser cookie (here, AppTest) a sign-in stays in the tab and the
    page opens; nothing is offered for a cookie."""
    at = _open(None)
    at.text_input("sign_in_name").input("boss")
    at.text_input("sign_in_password").input(PASSWORD)
    at.button("FormSubmitter:sign_in-Sign in").click().run()
    assert _titles(at) == ["Administration"]
    assert "id" not in at.session_state[auth.SESSION_KEY]
    assert _store(app_db).execute("SELECT count(*) FROM session_handover").fetchall() == [(0,)]


def test_readme_states_the_session_rules_the_code_applies() -> None:
    """README's sign-in section gives the same idle limit, maximum age, watch interval,
    hand-over limit and cookie attributes as the code."""
    from store.settings import settings
    from store.web_sessions import HANDOVER_S

    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    limits = settings()
    assert f"after {limits.idle_timeout_s // 60} minutes without activity in any tab" in readme
    assert f"and {limits.session_max_age_s // 3600} hours after signing in" in readme
    assert f"within {sessions.WATCH_EVERY_S} seconds, without a click" in readme
    assert HANDOVER_S == 60 and "within a minute" in readme
    assert "`HttpOnly`, `SameSite=Strict`, `Secure` behind TLS" in readme
    assert "Sessions live in the browser tab" not in readme
