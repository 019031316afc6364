"""Sign-in for every page: local accounts (and optional single sign-on), timeouts, roles.

Interface for the shell (``ui/shell.py``) — switching sign-in on is these calls:

    user = auth.gate(auth.current_page_file())   # in page_setup, after set_page_config and
                                                 # the marking banner; draws the sign-in form
                                                 # or a refusal and stops the script until the
                                                 # person is signed in and the role allows the page
    auth.sign_out_button(user)                   # in the sidebar: who is signed in, 'Sign out',
                                                 # and the watch that turns an open page to the
                                                 # form once its session has ended elsewhere
    roles.pages_for(user.role, [p for p, _, _ in PAGES])   # a role-aware menu
    cache.cached(fn, con, version, *args, scope=user.scope())   # in PageContext.q
    user.may_see(code) / user.operations         # drop restricted operations from the filters
    user.can("export")                           # before any download button
    loaders.ingest.access.check_submission(con, parsed, user, file_name)   # in ingest, after the
                                                 # store checks: row 8 refusal, audited 'denied'

At start-up, once per process (``ui.connection.shared_connection``, before ``lock_down``):

    auth.announce_bootstrap(con)   # first start: prints the one-time admin password to the terminal
    auth.enforce_startup(con)      # NVCRP_MODE=production: raises SignInNotConfigured if nobody
                                   # could sign in; in development it prints the problems instead

Sessions (issue 10): a signed-in person has a session in the store (``store.web_sessions``)
named by an HttpOnly cookie (``ui.sessions``), so a reload or a new tab keeps it; signing out, a
disabled account, a new password, 30 minutes idle or 8 hours end it in every tab at once. Each
run looks it up and keeps it in ``st.session_state[SESSION_KEY]`` (``"nvcrp_session"``) as a
plain dict ``{"name", "method", "started_at", "last_seen", "id", "credential"}`` (epoch
seconds; ``id`` is the store's key). A record without ``id`` lives in this tab only: it is what
a sign-in writes before the browser has collected its cookie, and what tests seed. The account
is re-read from the store on every run, so a disabled account or a changed role takes effect at
once (SECURITY.md trap 11). Tests sign someone in with
``at.session_state[SESSION_KEY] = session_for("admin")`` (the account must exist in the store).
"""

from __future__ import annotations

import secrets
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb
import streamlit as st

from store import accounts, web_sessions
from store.accounts import Account
from store.audit import audit
from store.operation_access import visible_operations
from store.settings import clock_shift, settings
from ui import roles, sessions

SESSION_KEY = "nvcrp_session"
SESSION_ID_KEY = "nvcrp_session_id"       # random, per browser session: rate limits and audit
NOTICE_KEY = "nvcrp_sign_in_notice"       # why the last session ended, shown on the form
CHANGING_KEY = "nvcrp_changing_password"  # the session whose own password form is showing
SERVICE = "NVCRP operation results"


def real_clock() -> float:
    """Seconds since 1970; a test server's clock is moved on by NVCRP_TEST_CLOCK (never in
    production: ``Settings.test_clock``)."""
    return time.time() + clock_shift(settings())


# The clock, replaceable in tests of timeouts.
clock: Callable[[], float] = real_clock


class SignInNotConfigured(RuntimeError):
    """Production mode and nobody could sign in: the app must not start."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    display_name: str = ""
    forces: tuple[str, ...] = ()
    navcis: bool = False
    operations: frozenset[str] = field(default_factory=frozenset)   # operations they may see

    def can(self, action: str) -> bool:
        """'view', 'upload', 'export' or 'admin' (see ui.roles.ROLE_ACTIONS)."""
        return roles.role_can(self.role, action)

    def may_see(self, operation: str | None) -> bool:
        return operation is None or operation in self.operations

    def scope(self) -> str:
        """What this user may see, as a cache key part: same scope, same cached results."""
        return f"{self.role}|ops={','.join(sorted(self.operations))}"


def user_for(con: duckdb.DuckDBPyConnection, account: Account) -> User:
    return User(name=account.name, role=account.role, display_name=account.display_name,
                forces=account.forces, navcis=account.navcis,
                operations=visible_operations(con, account.role, account.name))


def session_for(name: str, method: str = "local", now: float | None = None) -> dict[str, Any]:
    """A fresh signed-in session record for ``SESSION_KEY``."""
    now = clock() if now is None else now
    return {"name": name, "method": method, "started_at": now, "last_seen": now}


def session_problem(session: Mapping[str, Any], now: float, max_age_s: int,
                    idle_timeout_s: int) -> str | None:
    """Why a session has ended ('max-age' or 'idle'), or None while it is still good."""
    return web_sessions.time_limit_reached(float(session["started_at"]),
                                           float(session["last_seen"]), now, max_age_s,
                                           idle_timeout_s)


ENDED = {
    "max-age": "You were signed out because your session reached its time limit of {hours} "
               "hours. Sign in again to carry on.",
    "idle": "You were signed out after {minutes} minutes without activity. Sign in again to "
            "carry on.",
    "disabled": "Your account can no longer sign in. Ask an administrator if you think this "
                "is wrong.",
    "password-changed": "You were signed out because your password was changed. Sign in with "
                        "the new password; if you did not change it, tell an administrator.",
    "signed-out": "You have signed out.",
}


def _connection() -> duckdb.DuckDBPyConnection:
    from ui.connection import cursor  # late: tests of the pure parts need no database
    return cursor()


def session_id() -> str:
    if SESSION_ID_KEY not in st.session_state:
        st.session_state[SESSION_ID_KEY] = secrets.token_urlsafe(16)
    return str(st.session_state[SESSION_ID_KEY])


def client_address() -> str | None:
    """The browser's network address, for the sign-in throttles; None when Streamlit has none.

    ``st.context.ip_address`` is the connection's peer, or the address a proxy on this machine
    forwards; it is None for connections from this machine and in tests. Request headers such
    as X-Forwarded-For are not read here: anyone could write them.
    """
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - outside a browser session there is no context
        return None
    return str(address) if address else None


def _notice(reason: str) -> str:
    limits = settings()
    return ENDED[reason].format(hours=limits.session_max_age_s // 3600,
                                minutes=limits.idle_timeout_s // 60)


def end_session(con: duckdb.DuckDBPyConnection, reason: str) -> None:
    """End the signed-in person's session in every tab (audited); single sign-on is signed out
    at the provider too."""
    session = st.session_state.pop(SESSION_KEY, None)
    if session is None:
        return
    if session.get("id"):
        web_sessions.end(con, str(session["id"]), reason, clock())
    action = "sign_out" if reason == "signed-out" else "session_ended"
    audit(con, str(session["name"]), action, {"reason": reason, "session": session_id()[:12]})
    st.session_state[NOTICE_KEY] = _notice(reason)
    if session.get("method") == "oidc" and oidc_configured():
        st.logout()


def _session_record(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """This run's session record: this tab's own, or the one the browser's cookie names in the
    store (kept in session state for the run). A cookie naming an ended session leaves the
    reason on the sign-in form, so a reload after a timeout still says why."""
    cached = st.session_state.get(SESSION_KEY)
    if cached and not cached.get("id"):
        return cached  # type: ignore[no-any-return]
    key = sessions.cookie_key() or (cached or {}).get("id")
    stored = web_sessions.get(con, key) if key else None
    if stored is None or stored.ended_reason:
        st.session_state.pop(SESSION_KEY, None)
        if stored is not None and stored.ended_reason in ENDED:
            st.session_state[NOTICE_KEY] = _notice(stored.ended_reason)
            if (stored.method == "oidc" and oidc_configured() and st.user.get("is_logged_in")
                    and not _provider_sign_in_since(stored)):
                st.logout()    # the provider's 30-day cookie must not start a new session
        return None
    record = sessions.record_of(stored)
    st.session_state[SESSION_KEY] = record
    return record


def _provider_sign_in_since(stored: web_sessions.WebSession) -> bool:
    """The identity provider signed this browser in after the ended session's last activity:
    a fresh sign-in, not the provider's cookie left from before the session ended."""
    issued = st.user.get("iat")
    return isinstance(issued, (int, float)) and float(issued) > stored.last_seen


def _problem(con: duckdb.DuckDBPyConnection, record: Mapping[str, Any], now: float) -> str | None:
    """Why this session must end now (a key of ``ENDED``), or None."""
    limits = settings()
    return web_sessions.reason_to_end(
        con, str(record["name"]), float(record["started_at"]), float(record["last_seen"]),
        record.get("credential"), now, limits.session_max_age_s, limits.idle_timeout_s)


def current_user(con: duckdb.DuckDBPyConnection | None = None) -> User | None:
    """The signed-in person, checked against the timeouts and the store on this run; else None.

    Ends the session (audited, in every tab) when it has timed out, the account is gone or
    disabled, or the password has changed. Touches ``last_seen``, so calling it is activity.
    """
    con = con or _connection()
    session = _session_record(con)
    if not session:
        return None
    now = clock()
    problem = _problem(con, session, now)
    if problem == "password-changed" and _changed_here(con, session):
        session["credential"] = web_sessions.restamp(con, str(session["id"]))
        problem = _problem(con, session, now)
    if problem:
        end_session(con, problem)
        return None
    if session.get("id") and now - float(session["last_seen"]) >= web_sessions.TOUCH_EVERY_S:
        web_sessions.touch(con, str(session["id"]), now)
    session["last_seen"] = now
    return user_for(con, accounts.get_user(con, str(session["name"])))  # type: ignore[arg-type]


def _changed_here(con: duckdb.DuckDBPyConnection, session: Mapping[str, Any]) -> bool:
    """The new password was chosen on this session's own 'Choose a new password' form: that
    session goes on, every other one ends. Nothing else clears 'must change password'."""
    if not session.get("id") or st.session_state.pop(CHANGING_KEY, None) != session["id"]:
        return False
    account = accounts.get_user(con, str(session["name"]))
    return account is not None and not account.must_change_password


def still_signed_in(con: duckdb.DuckDBPyConnection | None = None) -> bool:
    """Whether this tab's session is still good, without counting as activity (``watch``)."""
    cached = st.session_state.get(SESSION_KEY)
    if not cached:
        return False
    con = con or _connection()
    record: Mapping[str, Any] | None = cached
    if cached.get("id"):
        stored = web_sessions.get(con, str(cached["id"]))
        record = sessions.record_of(stored) if stored and not stored.ended_reason else None
    return record is not None and _problem(con, record, clock()) is None


def require_sign_in(con: duckdb.DuckDBPyConnection | None = None) -> User:
    """The signed-in person; otherwise draw the sign-in form and stop the script.

    A sign-in made in this tab is handed to the browser's cookie first (``ui.sessions``).
    """
    from ui import auth_forms

    con = con or _connection()
    if _session_record(con) is None and oidc_configured():
        auth_forms.adopt_single_sign_on(con)
    user = current_user(con)
    if user is None:
        # The form's title is 'Sign in': first say to what.
        st.markdown(f"**{SERVICE}** · National Vehicle Crime Reduction Partnership")
        auth_forms.sign_in_form(con)
        st.stop()
    session = st.session_state[SESSION_KEY]
    if not session.get("id"):
        sessions.hand_over(con, session, clock())
    account = accounts.get_user(con, user.name)
    if account is not None and account.must_change_password:
        st.session_state[CHANGING_KEY] = session.get("id")
        auth_forms.change_password_form(con, user, first=True)
        st.stop()
    return user  # type: ignore[return-value]


def gate(page_file: str, con: duckdb.DuckDBPyConnection | None = None) -> User:
    """Sign in (or stop), then check the role may open ``page_file`` (else refuse, audited)."""
    con = con or _connection()
    user = require_sign_in(con)
    if not roles.can_open(user.role, page_file):
        audit(con, user.name, "denied", {"what": "open page", "page": roles.page_key(page_file),
                                         "role": user.role})
        st.error("Your account cannot open this page: it needs a different role. Ask an "
                 "administrator if you need it.", icon=":material/block:")
        st.page_link("dashboard.py", label="Go to the home page", icon=":material/home:")
        st.stop()
    return user


def sign_out_button(user: User, con: duckdb.DuckDBPyConnection | None = None) -> None:
    """In the sidebar: who is signed in, with what role, and a 'Sign out' button (its callback
    takes its own cursor: ``con`` is not kept from one run to the next)."""
    with st.sidebar:
        st.text(f"Signed in as {user.display_name or user.name} ({user.role})")
        st.button("Sign out", key="sign_out", icon=":material/logout:", on_click=_sign_out)
        sessions.watch()


def _sign_out() -> None:
    """'Sign out', run as the button's callback. Not as code after the click followed by
    ``st.rerun()``: a rerun that starts clears the messages not yet sent to the browser, and with
    them, now and then, ``st.logout``'s redirect to the provider (2 sign-outs in 6, measured)."""
    end_session(_connection(), "signed-out")


def current_page_file() -> str:
    """The running page's script path (for ``gate``), or '' outside a Streamlit run."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None:
        return ""
    page = ctx.pages_manager.get_pages().get(ctx.pages_manager.current_page_script_hash)
    return str(page["script_path"]) if page else str(ctx.pages_manager.main_script_path)


def auth_secrets() -> Mapping[str, Any] | None:
    """The [auth] section of .streamlit/secrets.toml, or None when there is none."""
    try:
        section = st.secrets.get("auth")
    except Exception:  # noqa: BLE001 - no secrets file at all is the usual, local case
        return None
    return section if isinstance(section, Mapping) else None


def oidc_configured(section: Mapping[str, Any] | None = None) -> bool:
    """Single sign-on is usable: [auth] has redirect_uri and cookie_secret and a provider."""
    section = auth_secrets() if section is None else section
    if not section or not section.get("redirect_uri") or not section.get("cookie_secret"):
        return False
    providers = [v for v in section.values() if isinstance(v, Mapping)]
    return bool(section.get("client_id") or any(p.get("client_id") for p in providers))


def startup_problems(con: duckdb.DuckDBPyConnection,
                     section: Mapping[str, Any] | None = None) -> list[str]:
    """Reasons nobody could sign in (or single sign-on would fail); [] when sign-in works."""
    sso = oidc_configured(section)
    found = []
    users = [u for u in accounts.list_users(con) if not u.disabled]
    admins = [u for u in users if u.role == "admin" and (u.auth == "local" or sso)]
    if not admins:
        found.append("No administrator can sign in: add one with 'python -m store users add "
                     "NAME --role admin --password-stdin'.")
    if any(u.auth == "oidc" for u in users) and not sso:
        found.append("Some accounts use single sign-on but .streamlit/secrets.toml has no "
                     "complete [auth] section (redirect_uri, cookie_secret, client_id, "
                     "client_secret, server_metadata_url).")
    if sso and not _authlib_installed():
        found.append("Single sign-on is configured but Authlib is not installed: install "
                     "streamlit[auth].")
    return found


def _authlib_installed() -> bool:
    try:
        import authlib  # noqa: F401
    except ImportError:
        return False
    return True


def enforce_startup(con: duckdb.DuckDBPyConnection,
                    section: Mapping[str, Any] | None = None) -> None:
    """Production refuses to start without a working sign-in; development only warns."""
    problems = startup_problems(con, section)
    if not problems:
        return
    if settings().mode == "production":
        raise SignInNotConfigured("Sign-in is not configured, so the dashboard will not start "
                                  "in production mode: " + " ".join(problems))
    print("Warning (sign-in): " + " ".join(problems), file=sys.stderr, flush=True)


def announce_bootstrap(con: duckdb.DuckDBPyConnection) -> bool:
    """First start with no accounts: create the admin and print its one-time password to the
    terminal (never the browser, never a file); it must be changed at first sign-in.

    The server does not renew an unused password (``make run`` does, before the server starts,
    so the person starting it always sees one that works).
    """
    password = accounts.bootstrap_admin(con, renew_unused=False)
    if password is None:
        return False
    print(accounts.bootstrap_message(password), file=sys.stderr, flush=True)
    return True

