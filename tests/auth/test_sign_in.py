"""Signing in: right and wrong passwords, disabled accounts, and the throttles on wrong passwords.

Wrong passwords slow down the client that sends them, never the owner elsewhere (issue 8).
Each attempt's hold is recorded instead of slept (``wait=``); the clock is the ``now`` passed.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import duckdb
import pytest
from auth_kit import PASSWORD, actions

from store import accounts
from store.sign_in import Client, sign_in, unlock, waits

pytestmark = pytest.mark.slow   # each password check takes about half a second (argon2id)

T0 = datetime(2026, 3, 2, 9, 0)
WRONG = "wrong password!"


@pytest.fixture
def user(con: duckdb.DuckDBPyConnection) -> str:
    accounts.create_user(con, "a.one", role="viewer", by="test", password=PASSWORD,
                         must_change=False)
    return "a.one"


class Holds(list[float]):
    """The holds asked for, in seconds, instead of sleeping them."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _fail(con: duckdb.DuckDBPyConnection, name: str, times: int, *, session: str = "s1",
          start: datetime = T0, address: str | None = None) -> None:
    """``times`` wrong passwords ten seconds apart: slower than any hold, so none is asked."""
    for i in range(times):
        held = Holds()
        assert sign_in(con, name, WRONG, session_id=session, address=address,
                       now=start + timedelta(seconds=10 * i), wait=held).outcome == "failure"
        assert held == []


def _audit(con: duckdb.DuckDBPyConnection, action: str) -> list[dict]:
    rows = con.execute("SELECT detail FROM audit WHERE action = ? ORDER BY id",
                       [action]).fetchall()
    return [json.loads(r[0]) for r in rows]


def test_right_password_signs_in_and_is_audited(con: duckdb.DuckDBPyConnection, user: str) -> None:
    """The right password (name in any case) succeeds, records the time and writes 'sign_in'."""
    result = sign_in(con, " A.One ", PASSWORD, session_id="s1", now=T0)
    assert result.ok and result.account.name == user
    assert accounts.get_user(con, user).last_sign_in == T0
    assert actions(con)[-1] == "sign_in"


def test_wrong_password_fails_with_a_message_that_reveals_nothing(
        con: duckdb.DuckDBPyConnection, user: str) -> None:
    """A wrong password and an unknown name get the same message; both are audited."""
    wrong = sign_in(con, user, WRONG, session_id="s1", now=T0)
    unknown = sign_in(con, "nobody", WRONG, session_id="s2", now=T0)
    assert not wrong.ok and wrong.message == unknown.message
    assert "ask an administrator" in wrong.message
    assert actions(con)[-2:] == ["sign_in_failed", "sign_in_failed"]


def test_disabled_account_cannot_sign_in(con: duckdb.DuckDBPyConnection, user: str) -> None:
    """A disabled account's right password fails; the audit row says why."""
    accounts.set_disabled(con, user, True, by="test")
    assert not sign_in(con, user, PASSWORD, session_id="s1", now=T0).ok
    assert _audit(con, "sign_in_failed")[-1]["reason"] == "account disabled"


def test_five_failures_refuse_that_browser_even_the_right_password(
        con: duckdb.DuckDBPyConnection, user: str) -> None:
    """After five failures the same browser session is refused, unchecked, for 15 minutes."""
    _fail(con, user, 5, session="attacker")
    result = sign_in(con, user, PASSWORD, session_id="attacker", now=T0 + timedelta(minutes=1))
    assert result.outcome == "throttled"
    assert result.retry_at == T0 + timedelta(minutes=15, seconds=40)
    assert "wait until 09:15" in result.message and "ask an administrator" in result.message


def test_attacker_failures_do_not_keep_the_admin_out_of_another_browser(
        con: duckdb.DuckDBPyConnection) -> None:
    """Five wrong passwords for 'admin' from one browser; the admin, from another a second
    later, signs in after a hold of a few seconds at most, and a minute later at once."""
    accounts.create_user(con, "admin", role="admin", by="test", password=PASSWORD,
                         must_change=False)
    _fail(con, "admin", 5, session="attacker")
    soon, later = Holds(), Holds()
    assert sign_in(con, "admin", PASSWORD, session_id="owner", now=T0 + timedelta(seconds=41),
                   wait=soon).ok
    assert soon == [3.0]   # 4 s after the fifth failure, at T0 + 40 s
    _fail(con, "admin", 5, session="attacker2", start=T0 + timedelta(minutes=2))
    assert sign_in(con, "admin", PASSWORD, session_id="owner2",
                   now=T0 + timedelta(minutes=3), wait=later).ok
    assert later == []


def test_name_wide_holds_grow_and_stop_at_five_seconds(
        con: duckdb.DuckDBPyConnection, user: str) -> None:
    """Retrying at once from new browsers: no hold for three failures, then 1, 2, 4, 5, 5 s."""
    holds, now = [], T0
    for attempt in range(8):
        held = Holds()
        sign_in(con, user, WRONG, session_id=f"tab{attempt}", now=now, wait=held)
        holds.append(sum(held))
        now += timedelta(seconds=sum(held))
    assert holds == [0, 0, 0, 1.0, 2.0, 4.0, 5.0, 5.0]


def test_no_number_of_failures_refuses_a_fresh_browser(
        con: duckdb.DuckDBPyConnection, user: str) -> None:
    """Fifteen failures from three browsers: a fourth browser is held at most five seconds,
    never refused."""
    for tab in range(3):
        _fail(con, user, 5, session=f"attacker{tab}", start=T0 + timedelta(minutes=tab))
    held = Holds()
    result = sign_in(con, user, PASSWORD, session_id="owner", now=T0 + timedelta(seconds=161),
                     wait=held)
    assert result.ok and 0 < sum(held) <= 5


def test_an_address_that_keeps_failing_waits_longer_than_others(
        con: duckdb.DuckDBPyConnection, user: str) -> None:
    """Nine failures from one address through new browsers: that address is held 30 s, the
    most it ever is, while another address waits only the name's 5 s."""
    now = T0
    for tab in range(9):
        held = Holds()
        sign_in(con, user, WRONG, session_id=f"tab{tab}", address="203.0.113.7", now=now,
                wait=held)
        now += timedelta(seconds=sum(held))
    same, other = Holds(), Holds()
    assert sign_in(con, user, PASSWORD, session_id="tab-b", address="198.51.100.2",
                   now=now, wait=other).ok
    sign_in(con, user, WRONG, session_id="tab-a", address="203.0.113.7", now=now, wait=same)
    assert other == [5.0] and same == [30.0]


def test_one_browser_trying_many_names_is_refused(con: duckdb.DuckDBPyConnection,
                                                  user: str) -> None:
    """Ten failures from one browser across ten names refuse that browser for any name, and
    no other browser."""
    for i in range(10):
        sign_in(con, f"guess{i}", WRONG, session_id="sprayer", now=T0 + timedelta(seconds=i),
                wait=Holds())
    assert sign_in(con, user, PASSWORD, session_id="sprayer",
                   now=T0 + timedelta(minutes=1)).outcome == "throttled"
    assert sign_in(con, user, PASSWORD, session_id="other", now=T0 + timedelta(minutes=1)).ok


def test_four_failures_do_not_refuse(con: duckdb.DuckDBPyConnection, user: str) -> None:
    """Four failures from one browser leave it able to sign in."""
    _fail(con, user, 4)
    assert sign_in(con, user, PASSWORD, session_id="s1", now=T0 + timedelta(minutes=1),
                   wait=Holds()).ok


def test_refusal_ends_fifteen_minutes_after_the_last_failure(
        con: duckdb.DuckDBPyConnection, user: str) -> None:
    """The refused browser may sign in again fifteen minutes after its last failure."""
    _fail(con, user, 5)
    assert sign_in(con, user, PASSWORD, session_id="s1",
                   now=T0 + timedelta(minutes=15, seconds=39)).outcome == "throttled"
    assert sign_in(con, user, PASSWORD, session_id="s1",
                   now=T0 + timedelta(minutes=15, seconds=41)).ok


def test_failures_spread_over_more_than_the_window_do_not_count(
        con: duckdb.DuckDBPyConnection, user: str) -> None:
    """Five failures an hour apart never refuse or hold anyone."""
    for hour in range(5):
        _fail(con, user, 1, start=T0 + timedelta(hours=hour))
    assert waits(con, user, Client("s1"), T0 + timedelta(hours=4, seconds=1)) == []


def test_success_clears_the_count(con: duckdb.DuckDBPyConnection, user: str) -> None:
    """Failures before a successful sign-in do not count towards the next refusal."""
    _fail(con, user, 4)
    assert sign_in(con, user, PASSWORD, session_id="s1", now=T0 + timedelta(minutes=1),
                   wait=Holds()).ok
    _fail(con, user, 1, start=T0 + timedelta(minutes=2))
    assert waits(con, user, Client("s1"), T0 + timedelta(minutes=2, seconds=1)) == []


def test_refused_attempts_do_not_extend_the_wait(con: duckdb.DuckDBPyConnection,
                                                 user: str) -> None:
    """Attempts refused while waiting are recorded but do not push the end of the wait back."""
    _fail(con, user, 5)
    for minute in (2, 5, 10, 14):
        assert sign_in(con, user, WRONG, session_id="s1",
                       now=T0 + timedelta(minutes=minute)).outcome == "throttled"
    refusing = [until for t, until in waits(con, user, Client("s1"), T0 + timedelta(minutes=14))
                if t.refuse]
    assert refusing == [T0 + timedelta(minutes=15, seconds=40)]
    outcomes = con.execute("SELECT outcome, count(*) FROM sign_in_attempt GROUP BY ALL "
                           "ORDER BY 1").fetchall()
    assert outcomes == [("failure", 5), ("throttled", 4)]


def test_every_throttle_is_audited(con: duckdb.DuckDBPyConnection, user: str) -> None:
    """A refusal writes 'sign_in_throttled' (which throttle, until when, the browser and
    address); a hold writes 'sign_in_delayed' with its seconds."""
    _fail(con, user, 5, session="attacker-tab", address="203.0.113.7")
    sign_in(con, user, WRONG, session_id="attacker-tab", address="203.0.113.7",
            now=T0 + timedelta(seconds=41))
    sign_in(con, user, PASSWORD, session_id="owner-tab", now=T0 + timedelta(seconds=41),
            wait=Holds())
    refused = _audit(con, "sign_in_throttled")
    assert refused == [{"session": "attacker-tab", "address": "203.0.113.7",
                        "throttles": ["name from this browser session"],
                        "until": "2026-03-02T09:15:40"}]
    delayed = _audit(con, "sign_in_delayed")
    assert delayed == [{"session": "owner-tab", "address": None,
                        "throttles": ["name from anywhere"], "seconds": 3.0}]
    assert con.execute("SELECT DISTINCT address FROM sign_in_attempt WHERE session_id = "
                       "'attacker-tab'").fetchall() == [("203.0.113.7",)]


def test_refusal_says_the_same_for_names_that_do_not_exist(
        con: duckdb.DuckDBPyConnection, user: str) -> None:
    """A refused browser reads the same message for a real name as for an unknown one."""
    _fail(con, user, 5, session="x")
    _fail(con, "nobody.here", 5, session="y")
    later = T0 + timedelta(minutes=1)
    real = sign_in(con, user, PASSWORD, session_id="x", now=later)
    unknown = sign_in(con, "nobody.here", PASSWORD, session_id="y", now=later)
    assert real.outcome == unknown.outcome == "throttled" and real.message == unknown.message


def test_unlock_clears_every_wait_for_the_name(con: duckdb.DuckDBPyConnection, user: str) -> None:
    """After an administrator's unlock the refused browser signs in at once, with no hold;
    the unlock is audited under the administrator's name."""
    _fail(con, user, 5, session="s1")
    assert unlock(con, "A.One", by="command line", now=T0 + timedelta(minutes=1)) == 1
    held = Holds()
    assert sign_in(con, user, PASSWORD, session_id="s1", now=T0 + timedelta(minutes=1, seconds=1),
                   wait=held).ok
    assert held == []
    row = con.execute("SELECT who, detail FROM audit WHERE action = 'sign_in_unlock'").fetchall()
    assert row[0][0] == "command line" and json.loads(row[0][1]) == {"name": user,
                                                                      "clients_waiting": 1}
