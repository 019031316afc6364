"""The browser's side of a signed-in session: its cookie, the hand-over after signing in, and a
watch that signs an open page out when its session ends elsewhere (issue 10).

A sign-in happens inside a Streamlit script, which cannot set a cookie: it talks to the browser
over a WebSocket. So the page, once signed in, sends the browser to ``/session/start`` with a
one-time token (``hand_over``); that real HTTP answer (``ui.session_routes``) sets the session
cookie — random, HttpOnly, SameSite=Strict, Secure behind TLS — and sends the browser back to
the page it was on, query string and all. From then on every page load, reload and new tab
carries the cookie; the script reads it with ``st.context.cookies`` (``cookie_key``) and
``ui.auth.current_user`` looks the session up in the store (``store.web_sessions``).

The hand-over needs ``serve.py`` in front: its guards give every browser an ``nvcrp_browser``
cookie, which the token is bound to. Without one (``AppTest``, or ``streamlit run
dashboard.py`` on its own) a sign-in lasts as long as the tab, as before.
"""

from __future__ import annotations

import html
import re
from typing import Any

import duckdb
import streamlit as st

from store import web_sessions
from ui.downloads import BROWSER_COOKIE

SESSION_COOKIE = "nvcrp_session"
START_PATH = "/session/start"
WATCH_EVERY_S = 15          # how soon an open page notices that its session has ended
_SECRET = re.compile(r"[A-Za-z0-9_-]{43}")   # web_sessions.new_secret()


def _cookie(name: str) -> str | None:
    try:
        value = st.context.cookies.get(name)
    except Exception:  # noqa: BLE001 - outside a browser session there are no cookies
        return None
    return value if isinstance(value, str) and _SECRET.fullmatch(value) else None


def cookie_key() -> str | None:
    """The store's key for this browser's session cookie, or None when there is none."""
    secret = _cookie(SESSION_COOKIE)
    return web_sessions.key(secret) if secret else None


def browser() -> str | None:
    """The browser's own random cookie (set by ``serve.py``'s guards), or None."""
    return _cookie(BROWSER_COOKIE)


def record_of(stored: web_sessions.WebSession) -> dict[str, Any]:
    """A stored session as the record ``ui.auth`` keeps in ``st.session_state`` for the run."""
    return {"name": stored.name, "method": stored.method, "started_at": stored.started_at,
            "last_seen": stored.last_seen, "id": stored.key, "credential": stored.credential}


def hand_over(con: duckdb.DuckDBPyConnection, record: dict[str, Any], now: float) -> bool:
    """Send the browser to ``/session/start`` to collect its cookie, then back here; stops the
    script. Returns False, doing nothing, when the browser cannot take a cookie this way."""
    this_browser = browser()
    if this_browser is None:
        return False
    token = web_sessions.offer(con, name=str(record["name"]), method=str(record["method"]),
                               started_at=float(record["started_at"]), browser=this_browser,
                               now=now)
    target = html.escape(f"{START_PATH}?token={token}")
    # The script builds the way back from the address bar, so links keep their filters.
    st.html(f'<p>Signing you in… If nothing happens, <a href="{target}">continue</a>.</p>'
            f'<script>window.location.replace("{START_PATH}?token={token}&next=" + '
            "encodeURIComponent(window.location.pathname + window.location.search));</script>",
            unsafe_allow_javascript=True)
    st.stop()
    return True   # not reached: st.stop() ends the run


@st.fragment(run_every=WATCH_EVERY_S)
def watch() -> None:
    """Every few seconds, without counting as activity: if this page's session has ended
    (signed out in another tab, disabled, timed out), run the whole page again, which shows
    the sign-in form and why."""
    from ui import auth  # late: auth imports this module

    if not auth.still_signed_in():
        st.rerun(scope="app")
