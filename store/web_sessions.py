"""Signed-in sessions kept in the store, so a reload or a new tab keeps them (issue 10).

A browser holds a random id (``new_secret``) in an HttpOnly cookie; the store keeps only its
SHA-256 (``key``), so a copy of the database signs nobody in. A session ends, for every tab at
once, when any of these holds (``reason_to_end``):

- the person signs out (``end``), or it has been idle ``idle_s`` or open ``max_age_s``;
- the account is disabled or removed;
- the password has changed since sign-in: each session keeps a fingerprint of the password hash
  (``credential``), and any new password — set by an administrator, on the command line or by
  the person — gives a new hash (argon2 salts each one).

A sign-in made on a page reaches the cookie through a one-time token (``offer``, ``take``):
usable once, within ``HANDOVER_S``, and only by the browser that signed in. All times are
seconds since 1970 by the caller's clock.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import duckdb

from store.accounts import get_user, stored_hash
from store.writes import is_conflict, transaction, writing

HANDOVER_S = 60.0           # a token left unused longer than this is refused
TOUCH_EVERY_S = 15.0        # activity is written at most this often per session
FORGET_AFTER_S = 12 * 3600  # ended or abandoned sessions are deleted after this long
REASONS = ("signed-out", "idle", "max-age", "disabled", "password-changed")
_COLUMNS = "id_hash, name, method, started_at, last_seen, credential, ended_reason"

T = TypeVar("T")


@dataclass(frozen=True)
class WebSession:
    key: str
    name: str
    method: str                  # local | oidc
    started_at: float
    last_seen: float
    credential: str
    ended_reason: str | None     # None while the session is live


def new_secret() -> str:
    """A random id for a cookie or a token: 32 bytes, URL-safe, 43 characters."""
    return secrets.token_urlsafe(32)


def key(secret: str) -> str:
    """What the store keeps of a secret: its SHA-256 in hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def credential(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """A fingerprint of the account's password hash ('' hashed for single sign-on accounts)."""
    return key(stored_hash(con, name) or "")[:32]


def time_limit_reached(started_at: float, last_seen: float, now: float, max_age_s: float,
                       idle_s: float) -> str | None:
    """'max-age' or 'idle' once a limit is passed, else None (the older limit wins)."""
    if now - started_at > max_age_s:
        return "max-age"
    if now - last_seen > idle_s:
        return "idle"
    return None


def reason_to_end(con: duckdb.DuckDBPyConnection, name: str, started_at: float,
                  last_seen: float, fingerprint: str | None, now: float, max_age_s: float,
                  idle_s: float) -> str | None:
    """Why a session must end now (a key of ``REASONS``), or None while it may go on.

    ``fingerprint`` is the credential noted at sign-in; None skips that check.
    """
    limit = time_limit_reached(started_at, last_seen, now, max_age_s, idle_s)
    if limit:
        return limit
    account = get_user(con, name)
    if account is None or account.disabled:
        return "disabled"
    if fingerprint is not None and not hmac.compare_digest(fingerprint, credential(con, name)):
        return "password-changed"
    return None


def live(con: duckdb.DuckDBPyConnection, session_key: str, now: float, max_age_s: float,
         idle_s: float) -> bool:
    """Whether the session is in the store, not ended and nothing ends it now."""
    found = get(con, session_key)
    return found is not None and found.ended_reason is None and reason_to_end(
        con, found.name, found.started_at, found.last_seen, found.credential, now, max_age_s,
        idle_s) is None


def get(con: duckdb.DuckDBPyConnection, session_key: str) -> WebSession | None:
    rows = con.execute(f"SELECT {_COLUMNS} FROM web_session WHERE id_hash = ?",  # noqa: S608
                       [session_key]).fetchall()
    return WebSession(*rows[0]) if rows else None


def start(con: duckdb.DuckDBPyConnection, *, name: str, method: str, started_at: float,
          fingerprint: str, now: float) -> str:
    """Record a new live session; returns the secret for the browser's cookie."""
    secret = new_secret()
    _retrying(lambda: _insert(con, key(secret), name, method, started_at, fingerprint, now))
    return secret


def _insert(con: duckdb.DuckDBPyConnection, session_key: str, name: str, method: str,
            started_at: float, fingerprint: str, now: float) -> None:
    with transaction(con) as w:
        w.execute("DELETE FROM web_session WHERE coalesce(ended_at, last_seen) < ?",
                  [now - FORGET_AFTER_S])
        w.execute("INSERT INTO web_session (id_hash, name, method, started_at, last_seen, "
                  "credential) VALUES (?, ?, ?, ?, ?, ?)",
                  [session_key, name, method, started_at, now, fingerprint])


def touch(con: duckdb.DuckDBPyConnection, session_key: str, now: float) -> None:
    """Note activity; written at most every ``TOUCH_EVERY_S``. A clash with another tab's
    write at the same moment is ignored: that tab has just noted activity too."""
    due = con.execute("SELECT count(*) FROM web_session WHERE id_hash = ? AND ended_at IS NULL "
                      "AND last_seen < ?", [session_key, now - TOUCH_EVERY_S]).fetchall()
    if not due or not due[0][0]:
        return      # written less than TOUCH_EVERY_S ago: no write (nor, when shared, a round trip)
    try:
        with writing(con) as w:
            w.execute("UPDATE web_session SET last_seen = ? WHERE id_hash = ? AND ended_at IS "
                      "NULL AND last_seen < ?", [now, session_key, now - TOUCH_EVERY_S])
    except Exception as exc:
        if not is_conflict(exc):
            raise


def end(con: duckdb.DuckDBPyConnection, session_key: str, reason: str, now: float) -> None:
    """End a live session for every tab; an ended session keeps its first reason."""
    if reason not in REASONS:
        raise ValueError(f"'{reason}' is not a reason to end a session: use one of {REASONS}.")
    _retrying(lambda: _write(
        con, "UPDATE web_session SET ended_at = ?, ended_reason = ? WHERE id_hash = ? AND "
        "ended_at IS NULL", [now, reason, session_key]))


def restamp(con: duckdb.DuckDBPyConnection, session_key: str) -> str:
    """After the person changes their own password in this session: this session goes on
    (every other one has the old fingerprint and ends). Returns the new fingerprint."""
    row = get(con, session_key)
    fingerprint = credential(con, row.name) if row else ""
    _retrying(lambda: _write(con, "UPDATE web_session SET credential = ? WHERE id_hash = ?",
                             [fingerprint, session_key]))
    return fingerprint


def offer(con: duckdb.DuckDBPyConnection, *, name: str, method: str, started_at: float,
          browser: str, now: float) -> str:
    """A one-time token that ``take`` turns into a session for ``browser`` (its cookie)."""
    token = new_secret()
    fingerprint = credential(con, name)
    with transaction(con) as w:
        w.execute("DELETE FROM session_handover WHERE created_at < ?", [now - HANDOVER_S])
        w.execute("INSERT INTO session_handover (token_hash, name, method, started_at, "
                  "credential, browser_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                  [key(token), name, method, started_at, fingerprint, key(browser), now])
    return token


def take(con: duckdb.DuckDBPyConnection, token: str, browser: str, now: float) -> str | None:
    """The session secret for a token offered to this browser less than ``HANDOVER_S`` ago;
    None otherwise. The token is used up either way."""
    rows = _retrying(lambda: _write(
        con, "DELETE FROM session_handover WHERE token_hash = ? RETURNING name, method, "
        "started_at, credential, browser_hash, created_at", [key(token)]))
    if not rows:
        return None
    name, method, started_at, fingerprint, browser_hash, created_at = rows[0]
    if not hmac.compare_digest(browser_hash, key(browser)) or not (
            created_at <= now <= created_at + HANDOVER_S):
        return None
    return start(con, name=name, method=method, started_at=started_at,
                 fingerprint=fingerprint, now=now)


def _write(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> list[tuple]:
    """One write statement on its own; the rows it returns (RETURNING), if any."""
    with writing(con) as w:
        cur = w.execute(sql, params)
        return cur.fetchall() if cur.description else []


def _retrying(action: Callable[[], T], attempts: int = 5) -> T:
    """Run a write again when another thread's write to the same row won the race."""
    for attempt in range(attempts):
        try:
            return action()
        except Exception as exc:
            if not is_conflict(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")
