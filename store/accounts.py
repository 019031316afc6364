"""Local accounts: argon2id password hashes, the rules a password must meet, the first admin.

Every change to an account writes an audit row. Signing in, and the throttles on wrong
passwords, are in ``store.sign_in``. Password rules follow NIST SP 800-63B (issue 8): at least
12 characters (``store.password_rules``), checked against a list of common passwords shipped in
``data/reference/common_passwords.txt``, the account's name and repetition; no rules about
mixing character kinds.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from store.audit import audit
from store.password_rules import password_problem
from store.writes import transaction

ROLES = ("viewer", "analyst", "briefing", "admin")
AUTH_KINDS = ("local", "oidc")
BOOTSTRAP_NAME = "admin"
_NAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
_COLUMNS = ("name, display_name, role, forces, navcis, auth, email, must_change_password, "
            "disabled, created_at, created_by, last_sign_in")
# argon2id with the RFC 9106 low-memory profile (argon2-cffi's default): salted and slow.
_HASHER = PasswordHasher()


class AccountError(ValueError):
    """A request about an account that cannot be met; the message says why and what to do."""


@dataclass(frozen=True)
class Account:
    name: str
    display_name: str
    role: str
    forces: tuple[str, ...]           # analyst: the only forces they may submit for; () = any
    navcis: bool                      # analyst: may submit NaVCIS ports returns
    auth: str                         # local | oidc
    email: str | None
    must_change_password: bool
    disabled: bool
    created_at: datetime
    created_by: str
    last_sign_in: datetime | None


@dataclass(frozen=True)
class SignInResult:
    outcome: str                      # success | failure | throttled
    message: str                      # for the person signing in; never says whether a name exists
    account: Account | None = None
    retry_at: datetime | None = None  # throttled: when this client may try again

    @property
    def ok(self) -> bool:
        return self.outcome == "success"


def normalise_name(name: str) -> str:
    """'  J.Smith ' → 'j.smith'; raise AccountError for anything but letters, digits and . _ @ -."""
    cleaned = name.strip().lower()
    if not _NAME.match(cleaned):
        raise AccountError(f"'{name.strip()[:64]}' cannot be an account name: use 2 to 64 "
                           "letters, digits, dots, hyphens, underscores or @, starting with a "
                           "letter or digit.")
    return cleaned


def check_password_rules(name: str, password: str) -> None:
    """Raise AccountError, saying what to do, unless ``password`` may be used by ``name``."""
    problem = password_problem(name, password)
    if problem:
        raise AccountError(problem)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def password_matches(stored: str | None, password: str) -> bool:
    """True when ``password`` matches the stored argon2 hash; a missing hash still costs a check."""
    try:
        return _HASHER.verify(stored or _dummy_hash(), password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Checking unknown names against a real hash takes as long as a real check, so timing
    # does not tell anyone which names exist.
    return _HASHER.hash(secrets.token_urlsafe(16))


def _account(row: tuple[Any, ...]) -> Account:
    values = list(row)
    values[3] = tuple(values[3] or ())
    return Account(*values)


def get_user(con: duckdb.DuckDBPyConnection, name: str) -> Account | None:
    rows = con.execute(f"SELECT {_COLUMNS} FROM user_account WHERE name = ?",  # noqa: S608
                       [name.strip().lower()]).fetchall()
    return _account(rows[0]) if rows else None


def user_by_email(con: duckdb.DuckDBPyConnection, email: str) -> Account | None:
    """The single sign-on account allowed for ``email`` (case-insensitive), if any."""
    rows = con.execute(f"SELECT {_COLUMNS} FROM user_account "  # noqa: S608
                       "WHERE auth = 'oidc' AND lower(email) = lower(?) ORDER BY name",
                       [email.strip()]).fetchall()
    return _account(rows[0]) if rows else None


def list_users(con: duckdb.DuckDBPyConnection) -> list[Account]:
    rows = con.execute(f"SELECT {_COLUMNS} FROM user_account ORDER BY name").fetchall()  # noqa: S608
    return [_account(r) for r in rows]


def _check_scope(con: duckdb.DuckDBPyConnection, role: str, forces: tuple[str, ...]) -> None:
    if role not in ROLES:
        raise AccountError(f"'{role}' is not a role: use one of {', '.join(ROLES)}.")
    known = {r[0] for r in con.execute("SELECT code FROM force").fetchall()}
    unknown = [f for f in forces if f not in known]
    if unknown and known:
        raise AccountError(f"Unknown force code(s): {', '.join(unknown)}. Use the codes in "
                           "data/reference/forces.csv, e.g. 'south-yorkshire'.")


def create_user(con: duckdb.DuckDBPyConnection, name: str, *, role: str, by: str,
                display_name: str | None = None, forces: tuple[str, ...] = (),
                navcis: bool = False, password: str | None = None, auth: str = "local",
                email: str | None = None, must_change: bool = True,
                now: datetime | None = None) -> Account:
    """Add an account (audited). Local accounts need a password; oidc accounts an email."""
    name = normalise_name(name)
    forces = tuple(sorted({f.strip().lower() for f in forces if f.strip()}))
    _check_scope(con, role, forces)
    if auth not in AUTH_KINDS:
        raise AccountError(f"'{auth}' is not a sign-in method: use 'local' or 'oidc'.")
    if get_user(con, name):
        raise AccountError(f"An account named '{name}' already exists: choose another name.")
    if auth == "oidc" and not (email and "@" in email):
        raise AccountError("A single sign-on account needs the email address its identity "
                           "provider reports, e.g. j.smith@example.police.uk.")
    if auth == "local":
        if password is None:
            raise AccountError("A local account needs a first password.")
        check_password_rules(name, password)
    hashed = hash_password(password) if auth == "local" and password else None
    with transaction(con) as w:
        w.execute(
            "INSERT INTO user_account (name, display_name, role, forces, navcis, password_hash, "
            "auth, email, must_change_password, disabled, created_at, created_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE, ?, ?)",
            [name, (display_name or name).strip(), role, list(forces), navcis, hashed, auth,
             email.strip() if email else None, must_change and auth == "local",
             now or datetime.now(), by])
        audit(w, by, "account_add", {"name": name, "role": role, "forces": list(forces),
                                     "navcis": navcis, "auth": auth})
    return get_user(con, name)  # type: ignore[return-value]


def _update(con: duckdb.DuckDBPyConnection, name: str, sql: str, params: list[Any], by: str,
            action: str, detail: dict[str, Any]) -> Account:
    """One audited UPDATE of one account, in one transaction."""
    if get_user(con, name) is None:
        raise AccountError(f"There is no account named '{name}'. List them with "
                           "'python -m store users list'.")
    with transaction(con) as w:
        w.execute(sql, [*params, name.strip().lower()])
        audit(w, by, action, {"name": name.strip().lower(), **detail})
    return get_user(con, name)  # type: ignore[return-value]


def set_disabled(con: duckdb.DuckDBPyConnection, name: str, disabled: bool, *, by: str) -> Account:
    """Disable (or enable again) an account; a disabled account cannot sign in."""
    return _update(con, name, "UPDATE user_account SET disabled = ? WHERE name = ?", [disabled],
                   by, "account_disable" if disabled else "account_enable", {})


def set_password(con: duckdb.DuckDBPyConnection, name: str, password: str, *, by: str,
                 must_change: bool) -> Account:
    """Set a local account's password; ``must_change`` makes them choose a new one at sign-in."""
    account = get_user(con, name)
    if account is not None and account.auth != "local":
        raise AccountError(f"'{account.name}' signs in through single sign-on and has no "
                           "password here.")
    check_password_rules(name.strip().lower(), password)
    return _update(con, name, "UPDATE user_account SET password_hash = ?, "
                   "must_change_password = ? WHERE name = ?",
                   [hash_password(password), must_change], by, "password_set",
                   {"must_change": must_change})


def set_role(con: duckdb.DuckDBPyConnection, name: str, *, role: str, forces: tuple[str, ...],
             navcis: bool, by: str) -> Account:
    """Change what an account may do: its role and, for analysts, the forces and NaVCIS."""
    forces = tuple(sorted({f.strip().lower() for f in forces if f.strip()}))
    _check_scope(con, role, forces)
    return _update(con, name, "UPDATE user_account SET role = ?, forces = ?, navcis = ? "
                   "WHERE name = ?", [role, list(forces), navcis], by, "account_role",
                   {"role": role, "forces": list(forces), "navcis": navcis})


def change_own_password(con: duckdb.DuckDBPyConnection, name: str, old: str,
                        new: str) -> Account:
    """A signed-in person replaces their password (required after a one-time password)."""
    account = get_user(con, name)
    stored = stored_hash(con, name)
    if account is None or not password_matches(stored, old):
        raise AccountError("The current password is not right.")
    if old == new:
        raise AccountError("The new password must differ from the current one.")
    return set_password(con, name, new, by=account.name, must_change=False)


def stored_hash(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    rows = con.execute("SELECT password_hash FROM user_account WHERE name = ?",
                       [name.strip().lower()]).fetchall()
    return rows[0][0] if rows else None


def bootstrap_message(password: str) -> str:
    """What the terminal shows once: the first administrator's name and one-time password."""
    return ("\n" + "=" * 72 + "\nNo one has signed in yet, so an administrator account is ready.\n"
            f"  Name: {BOOTSTRAP_NAME}\n  One-time password: {password}\n"
            "Sign in with it and choose a new password. It is shown only here; if it is lost\n"
            "before it is used, run 'make run' (or 'python -m store users bootstrap') again.\n"
            + "=" * 72)


def bootstrap_admin(con: duckdb.DuckDBPyConnection, now: datetime | None = None, *,
                    renew_unused: bool = True) -> str | None:
    """With no accounts at all, create 'admin' and return its one-time password (else None).

    If the only account is that admin and nobody has signed in with it yet, the printed
    password may have been lost before use: with ``renew_unused`` a new one replaces it (what
    ``make run`` does each time, in the terminal of the person starting it).
    """
    password = secrets.token_urlsafe(15)
    while password_problem(BOOTSTRAP_NAME, password):   # e.g. 'admin' inside, once in millions
        password = secrets.token_urlsafe(15)
    accounts = list_users(con)
    if not accounts:
        create_user(con, BOOTSTRAP_NAME, role="admin", by="bootstrap", display_name="Administrator",
                    password=password, must_change=True, now=now)
        return password
    only = accounts[0]
    if (renew_unused and len(accounts) == 1 and only.created_by == "bootstrap" and only.last_sign_in is None
            and only.must_change_password and not only.disabled):
        set_password(con, only.name, password, by="bootstrap", must_change=True)
        return password
    return None
