"""Signing in: right and wrong passwords, disabled accounts, and the limit on failed attempts."""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import pytest
from auth_kit import PASSWORD, actions

from store import accounts
from store.sign_in import locked_until, sign_in

pytestmark = pytest.mark.slow   # each password check takes about half a second (argon2id)

T0 = datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def user(con: duckdb.DuckDBPyConnection) -> str:
    accounts.create_user(con, "a.one", role="viewer", by="test", password=PASSWORD,
                         must_change=False)
    return "a.one"


def _fail(con: duckdb.DuckDBPyConnection, name: str, times: int, *, session: str = "s1",
          start: datetime = T0) -> None:
    for i in range(times):
        assert sign_in(con, name, "wrong password!", session_id=session,
                       now=start + timedelta(seconds=i)).outcome == "failure"


def test_right_password_signs_in_and_is_audited(con: duckdb.DuckDBPyConnection, user: str) -> None:
    """The right password (name in any case) succeeds, records the time and writes 'sign_in'."""
    result = sign_in(con, " A.One ", PASSWORD, session_id="s1", now=T0)
    assert result.ok and result.account.name == user
    assert accounts.get_user(con, user).last_sign_in == T0
    assert actions(con)[-1] == "sign_in"


def test_wrong_password_fails_with_a_message_that_reveals_nothing(
        con: duckdb.DuckDBPyConnection, user: str) -> None:
    """A wrong password and an unknown name get the same message; both are audited."""
    wrong = sign_in(con, user, "wrong password!", session_id="s1", now=T0)
    unknown = sign_in(con, "nobody", "wrong password!", session_id="s2", now=T0)
    assert not wrong.ok and wrong.message == unknown.message
    assert actions(con)[-2:] == ["sign_in_failed", "sign_in_failed"]


def test_disabled_account_cannot_sign_in(con: duckdb.DuckDBPyConnection, user: str) -> None:
    """A disabled account's right password fails; the audit row says why."""
    accounts.set_disabled(con, user, True, by="test")
    assert not sign_in(con, user, PASSWORD, session_id="s1", now=T0).ok
    detail = con.execute("SELECT detail FROM audit ORDER BY id DESC LIMIT 1").fetchall()[0][0]
    assert "account disabled" in detail


def test_five_failures_lock_the_account_even_with_the_right_password(
        con: duckdb.DuckDBPyConnection, user: str) -> None:
    """After five failures within 15 minutes the right password is refused as 'locked'."""
    _fail(con, user, 5)
    result = sign_in(con, user, PASSWORD, session_id="s9", now=T0 + timedelta(minutes=1))
    assert result.outcome == "locked" and result.locked_until == T0 + timedelta(minutes=15)
    assert actions(con)[-1] == "sign_in_locked"


def test_four_failures_do_not_lock(con: duckdb.DuckDBPyConnection, user: str) -> None:
    """Four failures leave the account open."""
    _fail(con, user, 4)
    assert sign_in(con, user, PASSWORD, session_id="s1", now=T0 + timedelta(minutes=1)).ok


def test_lock_ends_after_fifteen_minutes(con: duckdb.DuckDBPyConnection, user: str) -> None:
    """Fifteen minutes after the failures the right password works again."""
    _fail(con, user, 5)
    assert sign_in(con, user, PASSWORD, session_id="s1", now=T0 + timedelta(minutes=16)).ok


def test_failures_spread_over_more_than_the_window_do_not_lock(
        con: duckdb.DuckDBPyConnection, user: str) -> None:
    """Five failures an hour apart never lock the account."""
    for hour in range(5):
        _fail(con, user, 1, start=T0 + timedelta(hours=hour))
    assert locked_until(con, user, "s1", T0 + timedelta(hours=4, minutes=1)) is None


def test_success_clears_the_count(con: duckdb.DuckDBPyConnection, user: str) -> None:
    """Failures before a successful sign-in do not count towards the next lock."""
    _fail(con, user, 4)
    assert sign_in(con, user, PASSWORD, session_id="s1", now=T0 + timedelta(minutes=1)).ok
    _fail(con, user, 1, start=T0 + timedelta(minutes=2))
    assert locked_until(con, user, "s1", T0 + timedelta(minutes=3)) is None


def test_one_session_trying_many_names_is_locked(con: duckdb.DuckDBPyConnection,
                                                 user: str) -> None:
    """Five failures from one session across different names lock that session, not others."""
    for i in range(5):
        sign_in(con, f"guess{i}", "wrong password!", session_id="attacker",
                now=T0 + timedelta(seconds=i))
    assert sign_in(con, user, PASSWORD, session_id="attacker",
                   now=T0 + timedelta(minutes=1)).outcome == "locked"
    assert sign_in(con, user, PASSWORD, session_id="other", now=T0 + timedelta(minutes=1)).ok


def test_locked_attempts_do_not_extend_the_lock(con: duckdb.DuckDBPyConnection, user: str) -> None:
    """Attempts refused while locked are recorded but do not push the end of the lock back."""
    _fail(con, user, 5)
    for minute in (2, 5, 10, 14):
        sign_in(con, user, "wrong password!", session_id="s1",
                now=T0 + timedelta(minutes=minute))
    assert locked_until(con, user, "s1", T0 + timedelta(minutes=14)) == T0 + timedelta(minutes=15)
    assert sign_in(con, user, PASSWORD, session_id="s1", now=T0 + timedelta(minutes=16)).ok
