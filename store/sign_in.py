"""Checking a name and password: wrong passwords slow down the client that sends them.

Five wrong passwords used to lock an account name for everyone for 15 minutes, so anyone could
keep the administrators out (issue 8). Now a *client* — the browser session (a random id the
server gives each browser tab) and, where Streamlit reports one, the network address — pays for
its own mistakes. Each throttle in ``THROTTLES`` counts the failed attempts within ``WINDOW``
that share its key, since the last success for that key or an administrator's
``python -m store users unlock NAME``:

- *refusing* throttles are keyed on the browser session: that session's attempts are refused,
  without the password being checked, until its wait is over. Nobody else shares a session,
  so the owner signing in from another browser is never refused;
- *holding* throttles are keyed on the name from one address, and on the name alone: an
  attempt waits a growing delay before its password is checked, but is never refused, so no
  one can keep the owner out for longer than the cap (a few seconds; half a minute from an
  address shared with the person guessing, e.g. behind one proxy).

Every throttle that acts writes an audit row ('sign_in_throttled' or 'sign_in_delayed').
Messages never say whether a name exists or is disabled; the audit rows do.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import duckdb

from store.accounts import (
    AccountError,
    SignInResult,
    get_user,
    normalise_name,
    password_matches,
    stored_hash,
)
from store.audit import audit
from store.writes import transaction

WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class Throttle:
    """One rule: after ``after`` failures sharing a key, wait ``first``, doubling up to ``cap``."""

    label: str                        # for the audit log
    columns: tuple[str, ...]          # the sign_in_attempt columns that make the key
    after: int
    first: timedelta
    cap: timedelta
    refuse: bool                      # refuse attempts while waiting; else hold them, then check

    def until(self, failures: list[datetime]) -> datetime | None:
        """When the wait after these failures (newest first) ends; None if there is none.

        Counted are the failures within ``WINDOW`` of the newest one, whose wait then runs
        from the newest: five in fifteen minutes, and that browser waits fifteen after the last.
        """
        if not failures:
            return None
        count = sum(1 for at in failures if at > failures[0] - WINDOW)
        if count < self.after:
            return None
        doubled = self.first * 2 ** min(count - self.after, 16)
        return failures[0] + min(doubled, self.cap)


THROTTLES = (
    Throttle("name from this browser session", ("name", "session_id"), after=5,
             first=timedelta(minutes=15), cap=timedelta(minutes=15), refuse=True),
    Throttle("any name from this browser session", ("session_id",), after=10,
             first=timedelta(minutes=15), cap=timedelta(minutes=15), refuse=True),
    Throttle("name from this address", ("name", "address"), after=5,
             first=timedelta(seconds=2), cap=timedelta(seconds=30), refuse=False),
    Throttle("name from anywhere", ("name",), after=3,
             first=timedelta(seconds=1), cap=timedelta(seconds=5), refuse=False),
)

WRONG = ("The name or password is not right. Check them and try again (capital letters "
         "matter in a password). If you have forgotten your password, ask an administrator "
         "to set a new one.")


@dataclass(frozen=True)
class Client:
    """Who is trying: the browser session's random id and, where known, its network address."""

    session_id: str
    address: str | None = None

    def key(self, name: str) -> dict[str, str | None]:
        return {"name": name, "session_id": self.session_id, "address": self.address}


def _failures(con: duckdb.DuckDBPyConnection, throttle: Throttle, key: dict[str, str | None],
              now: datetime) -> list[datetime]:
    """Failures sharing the throttle's key recent enough to matter, since its last reset;
    newest first."""
    match = " AND ".join(f"{column} = ?" for column in throttle.columns)
    values = [key[column] for column in throttle.columns]
    # An administrator's unlock clears every throttle keyed on the name.
    cleared = " OR (name = ? AND outcome = 'cleared')" if "name" in throttle.columns else ""
    sql = (f"SELECT at_time FROM sign_in_attempt WHERE {match} AND outcome = 'failure' "  # noqa: S608 - columns come from THROTTLES only
           "AND at_time > ? AND at_time > (SELECT coalesce(max(at_time), "
           f"TIMESTAMP '1900-01-01') FROM sign_in_attempt WHERE ({match} AND outcome = "
           f"'success'){cleared}) ORDER BY at_time DESC LIMIT ?")
    params = [*values, now - WINDOW - throttle.cap, *values,
              *([key["name"]] if cleared else []), throttle.after + 16]
    return [row[0] for row in con.execute(sql, params).fetchall()]


def waits(con: duckdb.DuckDBPyConnection, name: str, client: Client,
          now: datetime | None = None) -> list[tuple[Throttle, datetime]]:
    """The throttles acting on this name from this client now, with when each wait ends."""
    now = now or datetime.now()
    key = client.key(name)
    found = []
    for throttle in THROTTLES:
        if any(key[column] is None for column in throttle.columns):
            continue                  # no address reported (this machine, tests): no such key
        until = throttle.until(_failures(con, throttle, key, now))
        if until is not None and until > now:
            found.append((throttle, until))
    return found


def _record(con: duckdb.DuckDBPyConnection, name: str, client: Client, outcome: str,
            now: datetime, action: str, detail: dict[str, Any]) -> None:
    """The attempt row and its audit row, together or not at all."""
    with transaction(con) as w:
        w.execute("INSERT INTO sign_in_attempt (id, at_time, name, session_id, outcome, "
                  "address) VALUES (nextval('sign_in_attempt_id_seq'), ?, ?, ?, ?, ?)",
                  [now, name, client.session_id, outcome, client.address])
        if outcome == "success":
            w.execute("UPDATE user_account SET last_sign_in = ? WHERE name = ?", [now, name])
        audit(w, name, action, {"session": client.session_id[:12], "address": client.address,
                                **detail})


def _refused_message(until: datetime) -> str:
    return (f"Too many wrong attempts from this browser: wait until {until:%H:%M} and try "
            "again. If you have forgotten your password, ask an administrator to set a new one.")


def sign_in(con: duckdb.DuckDBPyConnection, name: str, password: str, *, session_id: str,
            address: str | None = None, now: datetime | None = None,
            wait: Callable[[float], None] = time.sleep) -> SignInResult:
    """Check a local account's password, refusing or holding the attempt as ``THROTTLES`` say.

    ``wait`` is how a hold is spent (tests pass a recorder); ``now`` is the attempt's time.
    """
    now = now or datetime.now()
    client = Client(session_id, address or None)
    try:
        name = normalise_name(name)
    except AccountError:
        name = name.strip().lower()[:64] or "(blank)"
    acting = waits(con, name, client, now)
    refusing = [(t, until) for t, until in acting if t.refuse]
    if refusing:
        until = max(u for _, u in refusing)
        _record(con, name, client, "throttled", now, "sign_in_throttled",
                {"throttles": [t.label for t, _ in refusing],
                 "until": until.isoformat(timespec="seconds")})
        return SignInResult("throttled", _refused_message(until), retry_at=until)
    if acting:
        # Never more than a cap, even if the clock has been put back.
        seconds = max(min(until - now, t.cap).total_seconds() for t, until in acting)
        audit(con, name, "sign_in_delayed",
              {"session": session_id[:12], "address": client.address,
               "throttles": [t.label for t, _ in acting], "seconds": round(seconds, 1)})
        wait(seconds)
        now += timedelta(seconds=seconds)
    return _check(con, name, password, client, now)


def _check(con: duckdb.DuckDBPyConnection, name: str, password: str, client: Client,
           now: datetime) -> SignInResult:
    """The password check itself, recorded and audited."""
    account = get_user(con, name)
    matches = password_matches(stored_hash(con, name), password)
    reason = _refusal(account, matches)
    if reason:
        _record(con, name, client, "failure", now, "sign_in_failed", {"reason": reason})
        return SignInResult("failure", WRONG)
    _record(con, name, client, "success", now, "sign_in", {"method": "local"})
    return SignInResult("success", "Signed in.", account=get_user(con, name))


def _refusal(account: Any, matches: bool) -> str | None:
    """Why a sign-in fails, for the audit log only; None when it succeeds."""
    if account is None:
        return "no such account"
    if account.auth != "local":
        return "single sign-on account"
    if not matches:
        return "wrong password"
    if account.disabled:
        return "account disabled"
    return None


def unlock(con: duckdb.DuckDBPyConnection, name: str, *, by: str,
           now: datetime | None = None) -> int:
    """Clear every throttle on ``name`` (audited); returns how many clients were waiting."""
    now = now or datetime.now()
    name = name.strip().lower()
    clients = con.execute(
        "SELECT DISTINCT session_id, address FROM sign_in_attempt WHERE name = ? AND "
        "outcome = 'failure' AND at_time > ?", [name, now - 2 * WINDOW]).fetchall()
    waiting = sum(1 for session, address in clients
                  if waits(con, name, Client(session, address), now))
    with transaction(con) as w:
        w.execute("INSERT INTO sign_in_attempt (id, at_time, name, session_id, outcome) "
                  "VALUES (nextval('sign_in_attempt_id_seq'), ?, ?, ?, 'cleared')",
                  [now, name, by])
        audit(w, by, "sign_in_unlock", {"name": name, "clients_waiting": waiting})
    return waiting


def record_sso_sign_in(con: duckdb.DuckDBPyConnection, name: str, session_id: str,
                       email: str, now: datetime | None = None) -> None:
    """Audit a single sign-on session matched to an allowed account."""
    _record(con, name, Client(session_id), "success", now or datetime.now(), "sign_in",
            {"method": "oidc", "email": email})
