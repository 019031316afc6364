"""Download buttons whose files are served only to the browser that asked, for a short time.

Streamlit serves a download from ``/media/<id>`` to anyone holding the URL, with no session
and for as long as the file is kept (issue 8: a whole briefing pack fetched with no session,
after the browser had closed). So every download in the app goes through ``button`` here:

- the file is built only when the button is clicked (Streamlit runs the builder on its own
  thread), never on a page load;
- when it is built, it is recorded against the browser that clicked (the random, HttpOnly
  ``nvcrp_browser`` cookie that ``ui.http_guards`` gives every page load, read here from the
  WebSocket's cookies) and the Streamlit session that drew the button;
- ``ui.http_guards.MediaGuard`` serves ``/media/`` only when ``may_fetch`` agrees: same cookie,
  the session still connected, and built less than ``LIFETIME`` ago. Anything else is a 404;
- a file built in a signed-in session kept in the store (issue 10) also needs that session's
  cookie on the request and the session still live: signing out in another tab, a timeout or a
  disabled account stops its download links at once.

Files are matched by a SHA-256 of their bytes rather than by Streamlit's file id, so the rule
does not depend on how Streamlit names its files.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

BROWSER_COOKIE = "nvcrp_browser"
LIFETIME_S = 5 * 60   # long enough to save the file, short enough that a leaked URL is dead

Data = bytes | str


@dataclass(frozen=True)
class Made:
    """One file built for one browser and session."""

    browser: str
    session_id: str
    at: float   # time.monotonic() when it was built
    signed_in: str | None = None   # the store's key of the signed-in session, if it has one


_lock = threading.Lock()
_made: dict[str, list[Made]] = {}   # SHA-256 of the bytes → who had it built, and when


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record(data: bytes, browser: str, session_id: str, now: float | None = None,
           signed_in: str | None = None) -> None:
    """Note that ``browser`` (in ``session_id``, signed in as ``signed_in``) has just had
    ``data`` built."""
    at = time.monotonic() if now is None else now
    with _lock:
        _forget_old(at)
        _made.setdefault(digest(data), []).append(Made(browser, session_id, at, signed_in))


def may_fetch(data: bytes, browser: str | None, active: Callable[[str], bool],
              now: float | None = None, *, session: str | None = None,
              live: Callable[[str], bool] = lambda _key: True) -> bool:
    """Whether a request with cookie ``browser`` may have these bytes: it had them built, in a
    page that is still connected, less than ``LIFETIME_S`` ago; and, for a file built in a
    signed-in session kept in the store, the request carries that session (``session``, its
    key) and it is still ``live``."""
    if not browser:
        return False
    at = time.monotonic() if now is None else now
    with _lock:
        made = list(_made.get(digest(data), ()))
    return any(hmac.compare_digest(m.browser, browser) and at - m.at <= LIFETIME_S
               and active(m.session_id) and _same_session(m.signed_in, session, live)
               for m in made)


def _same_session(built_in: str | None, session: str | None,
                  live: Callable[[str], bool]) -> bool:
    if built_in is None:
        return True   # built where sign-in lasts only as long as the tab (no cookie to match)
    return session is not None and hmac.compare_digest(built_in, session) and live(built_in)


def _forget_old(now: float) -> None:
    for key in [k for k, made in _made.items() if all(now - m.at > LIFETIME_S for m in made)]:
        del _made[key]


def button(label: str, data: Data | Callable[[], Data], *, file_name: str, mime: str,
           key: str, **kwargs: Any) -> None:
    """``st.download_button`` whose file is built on click and served only to this browser.

    ``data`` may be the bytes (or text) themselves or a function that builds them. Other
    keyword arguments (``icon``, ``on_click``, ``args``, …) pass through; ``on_click``
    defaults to ``"ignore"`` so a download does not rerun the page.
    """
    from ui.auth import SESSION_KEY  # late: ui.auth reaches this module through ui.sessions

    browser = st.context.cookies.get(BROWSER_COOKIE)
    run = get_script_run_ctx()
    session_id = run.session_id if run is not None else None
    signed_in = (st.session_state.get(SESSION_KEY) or {}).get("id")

    def build() -> bytes:
        made = data() if callable(data) else data
        as_bytes = made.encode() if isinstance(made, str) else made
        if browser and session_id:
            record(as_bytes, browser, session_id, signed_in=signed_in)
        return as_bytes

    kwargs.setdefault("on_click", "ignore")
    st.download_button(label, data=build, file_name=file_name, mime=mime, key=key, **kwargs)
