"""Sessions kept in the store (store.web_sessions): what is kept, the one-time hand-over, and
every reason a session ends. Times are plain numbers (seconds), as the app's clock gives them."""

from __future__ import annotations

import duckdb
import pytest
from auth_kit import PASSWORD

from store import accounts, web_sessions

T0 = 1_800_000_000.0
HOUR, MINUTE = 3600.0, 60.0
LIMITS = (8 * HOUR, 30 * MINUTE)   # maximum age, idle
BROWSER = web_sessions.new_secret()


@pytest.fixture
def ann(con: duckdb.DuckDBPyConnection) -> str:
    accounts.create_user(con, "ann", role="viewer", by="test", password=PASSWORD,
                         must_change=False)
    return "ann"


def _start(con: duckdb.DuckDBPyConnection, name: str, now: float = T0) -> str:
    """A live session for ``name`` through the hand-over, as a browser gets one."""
    token = web_sessions.offer(con, name=name, method="local", started_at=now, browser=BROWSER,
                               now=now)
    secret = web_sessions.take(con, token, BROWSER, now)
    assert secret is not None
    return web_sessions.key(secret)


def _reason(con: duckdb.DuckDBPyConnection, key: str, now: float) -> str | None:
    found = web_sessions.get(con, key)
    assert found is not None
    return web_sessions.reason_to_end(con, found.name, found.started_at, found.last_seen,
                                      found.credential, now, *LIMITS)


def test_the_store_keeps_only_a_hash_of_the_cookie(con: duckdb.DuckDBPyConnection,
                                                   ann: str) -> None:
    """Neither the cookie's secret nor the token appears anywhere in the store."""
    token = web_sessions.offer(con, name=ann, method="local", started_at=T0, browser=BROWSER,
                               now=T0)
    secret = web_sessions.take(con, token, BROWSER, T0)
    dump = str(con.execute("SELECT * FROM web_session").fetchall()) + str(
        con.execute("SELECT * FROM session_handover").fetchall())
    assert secret and secret not in dump and token not in dump
    assert web_sessions.key(secret) in dump and len(secret) == 43


def test_a_token_works_once(con: duckdb.DuckDBPyConnection, ann: str) -> None:
    """The second use of a hand-over token gets nothing."""
    token = web_sessions.offer(con, name=ann, method="local", started_at=T0, browser=BROWSER,
                               now=T0)
    assert web_sessions.take(con, token, BROWSER, T0 + 1)
    assert web_sessions.take(con, token, BROWSER, T0 + 2) is None


def test_a_token_works_only_in_the_browser_that_signed_in(con: duckdb.DuckDBPyConnection,
                                                          ann: str) -> None:
    """A token taken with another browser's cookie signs nobody in, and is used up."""
    token = web_sessions.offer(con, name=ann, method="local", started_at=T0, browser=BROWSER,
                               now=T0)
    assert web_sessions.take(con, token, web_sessions.new_secret(), T0 + 1) is None
    assert web_sessions.take(con, token, BROWSER, T0 + 2) is None
    assert con.execute("SELECT count(*) FROM web_session").fetchall() == [(0,)]


def test_a_token_lasts_a_minute(con: duckdb.DuckDBPyConnection, ann: str) -> None:
    """A token is good for HANDOVER_S seconds and not a second more."""
    early = web_sessions.offer(con, name=ann, method="local", started_at=T0, browser=BROWSER,
                               now=T0)
    late = web_sessions.offer(con, name=ann, method="local", started_at=T0, browser=BROWSER,
                              now=T0)
    assert web_sessions.take(con, early, BROWSER, T0 + web_sessions.HANDOVER_S)
    assert web_sessions.take(con, late, BROWSER, T0 + web_sessions.HANDOVER_S + 1) is None


def test_a_live_session_has_no_reason_to_end(con: duckdb.DuckDBPyConnection, ann: str) -> None:
    """Just started, enabled, same password: it goes on."""
    key = _start(con, ann)
    assert _reason(con, key, T0 + MINUTE) is None
    assert web_sessions.live(con, key, T0 + MINUTE, *LIMITS)


@pytest.mark.parametrize(("later", "expected"), [
    (30 * MINUTE, None), (30 * MINUTE + 1, "idle"), (8 * HOUR + 1, "max-age")])
def test_idle_and_maximum_age(con: duckdb.DuckDBPyConnection, ann: str, later: float,
                              expected: str | None) -> None:
    """Without activity a session ends after 30 minutes; after 8 hours 'max-age' is the
    reason given, whichever came first."""
    key = _start(con, ann)
    assert _reason(con, key, T0 + later) == expected


def test_activity_keeps_a_session_alive_until_eight_hours(con: duckdb.DuckDBPyConnection,
                                                          ann: str) -> None:
    """Activity every 20 minutes keeps it going, up to exactly the maximum age."""
    key = _start(con, ann)
    now = T0
    while now + 20 * MINUTE <= T0 + 8 * HOUR:
        now += 20 * MINUTE
        assert _reason(con, key, now) is None
        web_sessions.touch(con, key, now)
    assert _reason(con, key, T0 + 8 * HOUR + 1) == "max-age"


def test_activity_is_written_at_most_every_quarter_minute(con: duckdb.DuckDBPyConnection,
                                                          ann: str) -> None:
    """Runs a few seconds apart do not each write; one after TOUCH_EVERY_S does."""
    key = _start(con, ann)
    web_sessions.touch(con, key, T0 + 5)
    assert web_sessions.get(con, key).last_seen == T0
    web_sessions.touch(con, key, T0 + web_sessions.TOUCH_EVERY_S + 1)
    assert web_sessions.get(con, key).last_seen == T0 + web_sessions.TOUCH_EVERY_S + 1


def test_disabling_the_account_ends_it(con: duckdb.DuckDBPyConnection, ann: str) -> None:
    """A disabled (or removed) account's sessions all have a reason to end."""
    key = _start(con, ann)
    accounts.set_disabled(con, ann, True, by="boss")
    assert _reason(con, key, T0 + 1) == "disabled"
    assert not web_sessions.live(con, key, T0 + 1, *LIMITS)


def test_any_new_password_ends_it(con: duckdb.DuckDBPyConnection, ann: str) -> None:
    """A password set by an administrator, even the same words again, ends the session."""
    key = _start(con, ann)
    accounts.set_password(con, ann, PASSWORD, by="boss", must_change=True)
    assert _reason(con, key, T0 + 1) == "password-changed"


def test_restamp_keeps_only_this_session(con: duckdb.DuckDBPyConnection, ann: str) -> None:
    """After choosing a new password in one session, that session goes on and the other ends."""
    here, elsewhere = _start(con, ann), _start(con, ann)
    accounts.change_own_password(con, ann, PASSWORD, "a different long passphrase")
    web_sessions.restamp(con, here)
    assert _reason(con, here, T0 + 1) is None
    assert _reason(con, elsewhere, T0 + 1) == "password-changed"


def test_an_ended_session_keeps_its_first_reason(con: duckdb.DuckDBPyConnection,
                                                 ann: str) -> None:
    """Ended by signing out, a later 'idle' does not rewrite why; it is no longer live."""
    key = _start(con, ann)
    web_sessions.end(con, key, "signed-out", T0 + 10)
    web_sessions.end(con, key, "idle", T0 + 20)
    assert web_sessions.get(con, key).ended_reason == "signed-out"
    assert not web_sessions.live(con, key, T0 + 30, *LIMITS)


def test_sessions_long_gone_are_forgotten(con: duckdb.DuckDBPyConnection, ann: str) -> None:
    """A session ended (or last seen) more than FORGET_AFTER_S ago is deleted when another
    starts; a recent one is kept."""
    old, recent = _start(con, ann, T0), _start(con, ann, T0 + 11 * HOUR)
    web_sessions.end(con, old, "signed-out", T0 + 1)
    _start(con, ann, T0 + 1 + web_sessions.FORGET_AFTER_S + 1)
    assert web_sessions.get(con, old) is None and web_sessions.get(con, recent) is not None


def test_an_unknown_reason_is_refused(con: duckdb.DuckDBPyConnection, ann: str) -> None:
    """end() takes only the reasons the sign-in form can explain."""
    with pytest.raises(ValueError, match="not a reason"):
        web_sessions.end(con, _start(con, ann), "bored", T0)
