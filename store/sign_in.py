"""Checking a name and password, with failed attempts limited and every attempt audited.

After ``MAX_FAILURES`` failures within ``WINDOW`` — for one account name, or from one browser
session whatever names it tried — further attempts are refused without checking the password
until ``LOCK`` has passed since the oldest of those failures. A success clears the count.
Messages never say whether a name exists or is disabled; the audit row does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb

from store.accounts import (
    LOCK,
    MAX_FAILURES,
    WINDOW,
    AccountError,
    SignInResult,
    get_user,
    normalise_name,
    password_matches,
    stored_hash,
)
from store.audit import audit

WRONG = ("The name or password is not right. Check them and try again; after "
         f"{MAX_FAILURES} wrong attempts signing in is paused for {LOCK.seconds // 60} minutes.")
# Failures since the last success for the same key, newest first: one query per key column.
_RECENT = {
    "name": "SELECT at_time FROM sign_in_attempt WHERE name = ? AND outcome = 'failure' "
            "AND at_time > ? AND at_time > coalesce((SELECT max(at_time) FROM sign_in_attempt "
            "WHERE name = ? AND outcome = 'success'), TIMESTAMP '1900-01-01') "
            "ORDER BY at_time DESC LIMIT ?",
    "session": "SELECT at_time FROM sign_in_attempt WHERE session_id = ? AND outcome = 'failure' "
               "AND at_time > ? AND at_time > coalesce((SELECT max(at_time) FROM sign_in_attempt "
               "WHERE session_id = ? AND outcome = 'success'), TIMESTAMP '1900-01-01') "
               "ORDER BY at_time DESC LIMIT ?",
}


def locked_until(con: duckdb.DuckDBPyConnection, name: str, session_id: str,
                 now: datetime | None = None) -> datetime | None:
    """When signing in may be tried again for this name or session; None if it may be now."""
    now = now or datetime.now()
    until = None
    for key, value in (("name", name), ("session", session_id)):
        rows = con.execute(_RECENT[key], [value, now - WINDOW, value, MAX_FAILURES]).fetchall()
        if len(rows) == MAX_FAILURES:
            candidate = rows[-1][0] + LOCK
            if candidate > now and (until is None or candidate > until):
                until = candidate
    return until


def _record(con: duckdb.DuckDBPyConnection, name: str, session_id: str, outcome: str,
            now: datetime, action: str, detail: dict[str, Any]) -> None:
    """The attempt row and its audit row, together or not at all."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("INSERT INTO sign_in_attempt VALUES (nextval('sign_in_attempt_id_seq'), "
                    "?, ?, ?, ?)", [now, name, session_id, outcome])
        if outcome == "success":
            con.execute("UPDATE user_account SET last_sign_in = ? WHERE name = ?", [now, name])
        audit(con, name, action, {"session": session_id[:12], **detail})
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def sign_in(con: duckdb.DuckDBPyConnection, name: str, password: str, *, session_id: str,
            now: datetime | None = None) -> SignInResult:
    """Check a local account's password, subject to the limit on failed attempts."""
    now = now or datetime.now()
    try:
        name = normalise_name(name)
    except AccountError:
        name = name.strip().lower()[:64] or "(blank)"
    until = locked_until(con, name, session_id, now)
    if until is not None:
        _record(con, name, session_id, "locked", now, "sign_in_locked",
                {"until": until.isoformat(timespec="minutes")})
        return SignInResult("locked", f"Too many wrong attempts: signing in is paused until "
                            f"{until:%H:%M}. Ask an administrator if you have forgotten your "
                            "password.", locked_until=until)
    account = get_user(con, name)
    matches = password_matches(stored_hash(con, name), password)
    reason = _refusal(account, matches)
    if reason:
        _record(con, name, session_id, "failure", now, "sign_in_failed", {"reason": reason})
        return SignInResult("failure", WRONG)
    _record(con, name, session_id, "success", now, "sign_in", {"method": "local"})
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


def record_sso_sign_in(con: duckdb.DuckDBPyConnection, name: str, session_id: str,
                       email: str, now: datetime | None = None) -> None:
    """Audit a single sign-on session matched to an allowed account."""
    _record(con, name, session_id, "success", now or datetime.now(), "sign_in",
            {"method": "oidc", "email": email})
