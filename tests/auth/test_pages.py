"""Sign-in, the role gate, timeouts and the admin and audit pages, driven through AppTest.

A signed-in person is seeded the way the shell will find them:
``at.session_state[auth.SESSION_KEY] = auth.session_for(name)`` (the account must exist).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import duckdb
import pytest
from auth_kit import PASSWORD
from streamlit.testing.v1 import AppTest

from store import accounts
from store.connection import open_db
from store.reference import load_reference
from ui import auth
from ui.connection import shared_connection

ROOT = Path(__file__).resolve().parents[2]
ADMIN_PAGE = "pages/9_Admin.py"
AUDIT_PAGE = "pages/8_Audit.py"
pytestmark = pytest.mark.slow


@pytest.fixture
def app_db(empty_db: Path) -> Path:
    """A fresh database with reference data, an administrator 'boss' and a viewer 'vic'."""
    con = open_db(empty_db)
    load_reference(con)
    accounts.create_user(con, "boss", role="admin", by="test", password=PASSWORD,
                         must_change=False)
    accounts.create_user(con, "vic", role="viewer", by="test", auth="oidc", email="vic@x.uk")
    con.close()
    return empty_db


def _store(db: Path) -> duckdb.DuckDBPyConnection:
    """A cursor on the app's own connection (the app holds the database open)."""
    return shared_connection(str(db)).cursor()


def _audit(db: Path, action: str) -> list[dict]:
    rows = _store(db).execute("SELECT detail FROM audit WHERE action = ? ORDER BY id",
                              [action]).fetchall()
    return [json.loads(r[0]) for r in rows]


def _open(page: str, session: dict | None = None) -> AppTest:
    """Start at the home page as the real app does, then switch to ``page``."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    if session is not None:
        at.session_state[auth.SESSION_KEY] = session
    at.run()
    at.switch_page(page)
    return at.run()


def _titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def test_visitor_gets_the_sign_in_form_not_the_page(app_db: Path) -> None:
    """Someone not signed in sees only the sign-in form on the admin page."""
    at = _open(ADMIN_PAGE)
    assert not at.exception
    assert _titles(at) == ["Sign in"]
    assert len(at.dataframe) == 0


def test_signing_in_with_the_form_opens_the_page(app_db: Path) -> None:
    """The right name and password open the admin page; the sign-in is audited."""
    at = _open(ADMIN_PAGE)
    at.text_input("sign_in_name").input("Boss")
    at.text_input("sign_in_password").input(PASSWORD)
    at.button("FormSubmitter:sign_in-Sign in").click().run()
    assert not at.exception
    assert _titles(at) == ["Administration"]
    assert at.session_state[auth.SESSION_KEY]["name"] == "boss"
    assert _audit(app_db, "sign_in")[-1]["method"] == "local"


def test_wrong_password_shows_an_error_and_stays_out(app_db: Path) -> None:
    """A wrong password shows the plain refusal and the page stays closed."""
    at = _open(ADMIN_PAGE)
    at.text_input("sign_in_name").input("boss")
    at.text_input("sign_in_password").input("not the password")
    at.button("FormSubmitter:sign_in-Sign in").click().run()
    assert _titles(at) == ["Sign in"]
    assert "not right" in at.error[0].value
    assert _audit(app_db, "sign_in_failed")[-1]["reason"] == "wrong password"


def _sign_in(at: AppTest, name: str, password: str) -> None:
    at.text_input("sign_in_name").input(name)
    at.text_input("sign_in_password").input(password)
    at.button("FormSubmitter:sign_in-Sign in").click().run()


def test_wrong_passwords_in_one_browser_do_not_keep_the_owner_out(app_db: Path) -> None:
    """Five wrong passwords for 'boss' in one browser refuse that browser (audited), while
    boss signs in from another browser, held a few seconds at most."""
    attacker = _open(ADMIN_PAGE)
    for _ in range(5):
        _sign_in(attacker, "boss", "not the password")
    _sign_in(attacker, "boss", PASSWORD)
    assert _titles(attacker) == ["Sign in"]
    assert "Too many wrong attempts from this browser" in attacker.error[0].value
    assert _audit(app_db, "sign_in_throttled")[-1]["throttles"] == [
        "name from this browser session"]
    owner = _open(ADMIN_PAGE)
    _sign_in(owner, "boss", PASSWORD)
    assert not owner.exception
    assert _titles(owner) == ["Administration"]
    delayed = _audit(app_db, "sign_in_delayed")[-1]
    assert delayed["session"] != _audit(app_db, "sign_in_throttled")[-1]["session"]
    assert 0 < delayed["seconds"] <= 5


def test_one_time_password_must_be_changed_first(app_db: Path) -> None:
    """After signing in with a one-time password only the change form shows, until changed."""
    con = _store(app_db)
    accounts.create_user(con, "newbie", role="admin", by="boss", password="temporary pass 1")
    at = _open(ADMIN_PAGE, auth.session_for("newbie"))
    assert _titles(at) == ["Choose a new password"]
    at.text_input("pw_old").input("temporary pass 1")
    at.text_input("pw_new").input("my own good password")
    at.text_input("pw_again").input("my own good password")
    at.button("FormSubmitter:change_password-Save the new password").click().run()
    assert not at.exception
    assert _titles(at) == ["Administration"]
    assert not accounts.get_user(con, "newbie").must_change_password


def test_viewer_is_refused_the_admin_page_and_it_is_audited(app_db: Path) -> None:
    """A viewer opening the admin page gets a refusal, no admin content, and a 'denied' row."""
    at = _open(ADMIN_PAGE, auth.session_for("vic", "oidc"))
    assert not at.exception
    assert "cannot open this page" in at.error[0].value
    assert "Administration" not in _titles(at)
    assert _audit(app_db, "denied")[-1] == {"what": "open page", "page": ADMIN_PAGE,
                                            "role": "viewer"}


@pytest.mark.parametrize(("started", "seen", "reason"), [
    (9 * 3600, 60, "max-age"), (3600, 31 * 60, "idle")])
def test_old_or_idle_session_is_ended(app_db: Path, started: int, seen: int,
                                      reason: str) -> None:
    """A session over 8 hours old, or idle over 30 minutes, is ended and the form shown."""
    now = time.time()
    session = {"name": "boss", "method": "local", "started_at": now - started,
               "last_seen": now - seen}
    at = _open(ADMIN_PAGE, session)
    assert _titles(at) == ["Sign in"]
    assert "signed out" in at.info[0].value
    assert _audit(app_db, "session_ended")[-1]["reason"] == reason


def test_disabling_an_account_ends_its_session(app_db: Path) -> None:
    """An account disabled while signed in is signed out on its next run."""
    at = _open(ADMIN_PAGE, auth.session_for("boss"))
    assert _titles(at) == ["Administration"]
    accounts.set_disabled(_store(app_db), "boss", True, by="other")
    at.run()
    assert _titles(at) == ["Sign in"]
    assert auth.SESSION_KEY not in at.session_state


def test_admin_adds_an_account_on_the_page(app_db: Path) -> None:
    """Filling in 'Add an account' creates it (audited) and it appears in the table."""
    at = _open(ADMIN_PAGE, auth.session_for("boss"))
    at.text_input("new_name").input("an.alyst")
    at.selectbox("new_role").select("analyst")
    at.multiselect("new_forces").select("kent")
    at.text_input("new_password").input("first password 1")
    at.button("FormSubmitter:add_account-Add the account").click().run()
    assert not at.exception
    assert "Added an.alyst as analyst." in at.success[0].value.replace("\\", "")
    made = accounts.get_user(_store(app_db), "an.alyst")
    assert made.forces == ("kent",) and made.must_change_password
    assert _audit(app_db, "account_add")[-1]["name"] == "an.alyst"


def test_admin_cannot_disable_themselves(app_db: Path) -> None:
    """'Disable' on your own account is refused with a reason."""
    at = _open(ADMIN_PAGE, auth.session_for("boss"))
    at.selectbox("target").select("boss")
    at.button("FormSubmitter:change_account-Disable").click().run()
    assert "cannot disable your own account" in at.error[0].value
    assert not accounts.get_user(_store(app_db), "boss").disabled


def test_audit_page_filters_by_action(app_db: Path) -> None:
    """The audit page lists every row; choosing an action narrows the table to it."""
    at = _open(AUDIT_PAGE, auth.session_for("boss"))
    assert not at.exception and _titles(at) == ["Audit log"]
    everything = at.dataframe[0].value
    assert {"account_add"} <= set(everything["action"])
    at.multiselect("audit_action").select("account_add").run()
    narrowed = at.dataframe[0].value
    assert set(narrowed["action"]) == {"account_add"} and len(narrowed) == 2


def test_audit_page_is_refused_to_a_viewer(app_db: Path) -> None:
    """A viewer cannot open the audit log."""
    at = _open(AUDIT_PAGE, auth.session_for("vic", "oidc"))
    assert "Audit log" not in _titles(at) and len(at.dataframe) == 0


SSO = {"redirect_uri": "http://localhost:8502/oauth2callback", "cookie_secret": "x" * 32,
       "client_id": "abc", "client_secret": "def",
       "server_metadata_url": "https://id.example/.well-known/openid-configuration"}


def _sso(page: str, email: str, issued: float | None = None) -> AppTest:
    """Open ``page`` as someone the identity provider has signed in with ``email``."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.secrets["auth"] = SSO
    at.user = {"is_logged_in": True, "email": email, "iat": issued or time.time()}
    at.run()
    at.switch_page(page)
    return at.run()


def test_single_sign_on_admin_on_the_allow_list_gets_in(app_db: Path) -> None:
    """An SSO user whose email (any case) is on the allow-list as admin opens the admin page."""
    accounts.create_user(_store(app_db), "sso.boss", role="admin", by="boss", auth="oidc",
                         email="Boss@Force.police.uk")
    at = _sso(ADMIN_PAGE, "boss@force.POLICE.uk")
    assert not at.exception
    assert _titles(at) == ["Administration"]
    assert _audit(app_db, "sign_in")[-1]["method"] == "oidc"


def test_single_sign_on_user_not_on_the_list_is_refused(app_db: Path) -> None:
    """An SSO user whose email is not allowed is refused and the refusal is audited."""
    at = _sso(ADMIN_PAGE, "stranger@elsewhere.uk")
    assert "not allowed" in at.error[0].value
    assert auth.SESSION_KEY not in at.session_state
    assert _audit(app_db, "denied")[-1]["reason"] == "not on the allow-list"


def test_single_sign_on_session_age_counts_from_the_provider(app_db: Path) -> None:
    """A provider sign-in 9 hours ago (st.login's cookie lasts 30 days) is over the limit."""
    accounts.create_user(_store(app_db), "sso.boss", role="admin", by="boss", auth="oidc",
                         email="boss@force.police.uk")
    at = _sso(ADMIN_PAGE, "boss@force.police.uk", issued=time.time() - 9 * 3600)
    assert "Administration" not in _titles(at)
    assert _audit(app_db, "session_ended")[-1]["reason"] == "max-age"


def test_current_page_file_names_the_running_page(tmp_path: Path) -> None:
    """current_page_file() gives the entry file on the home page and the page file after a
    switch, so page_setup can pass it to gate() without each page naming itself."""
    script = "import streamlit as st\nfrom ui import auth\nst.text(auth.current_page_file())\n"
    (tmp_path / "pages").mkdir()
    (tmp_path / "home.py").write_text(script)
    (tmp_path / "pages" / "3_Other.py").write_text(script)
    at = AppTest.from_file(str(tmp_path / "home.py"), default_timeout=60).run()
    assert at.text[0].value.endswith("home.py")
    at.switch_page("pages/3_Other.py")
    at.run()
    assert at.text[0].value.endswith("pages/3_Other.py")


def _signed_in_script() -> None:
    import streamlit as st

    from ui import auth

    user = auth.require_sign_in()
    auth.sign_out_button(user)
    st.text(f"inside as {user.name}")


def test_sign_out_ends_the_session(app_db: Path) -> None:
    """'Sign out' forgets the person (audited) and shows the sign-in form again."""
    at = AppTest.from_function(_signed_in_script, default_timeout=60)
    at.session_state[auth.SESSION_KEY] = auth.session_for("boss")
    at.run()
    assert "inside as boss" in [t.value for t in at.text]
    at.sidebar.button("sign_out").click().run()
    assert _titles(at) == ["Sign in"]
    assert "You have signed out." in at.info[0].value
    assert _audit(app_db, "sign_out")[-1]["reason"] == "signed-out"
