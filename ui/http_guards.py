"""The app's own HTTP guards, put in front of Streamlit's server by ``serve.py`` (issue 8).

- ``SecurityHeaders``: anti-framing and basic security headers on every response, and
  ``Cache-Control: no-store`` on downloads so no browser or proxy keeps a copy.
- ``BrowserCookie``: gives every browser that loads a page a random ``nvcrp_browser`` cookie
  (HttpOnly, SameSite=Strict, gone when the browser closes). The page's WebSocket carries it,
  so the script knows which browser it is drawing for (``ui.downloads``).
- ``MediaGuard``: serves a file under ``/media/`` only to the browser that had it built, while
  its page is connected and its signed-in session (the ``nvcrp_session`` cookie, issue 10) is
  live, for a few minutes (``ui.downloads.may_fetch``); otherwise 404 with no body, the same
  answer as for a file that never existed.

They are plain ASGI middleware, so they also see Streamlit's static files, health check and
media, which Starlette's ``BaseHTTPMiddleware`` would handle the same way but more slowly.
"""

from __future__ import annotations

import re
import secrets
from http.cookies import SimpleCookie

import anyio
from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from streamlit import config

from store import web_sessions
from store.settings import settings
from ui import downloads
from ui.sessions import SESSION_COOKIE

HEADERS = (
    ("Content-Security-Policy", "frame-ancestors 'none'; base-uri 'self'; object-src 'none'"),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
)
# Streamlit's own routes; any other GET is a page load (Streamlit answers it with index.html).
NOT_PAGES = re.compile(r"/(_stcore|static|media|component|bidi-components|auth|session)(/|$)")
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")   # secrets.token_urlsafe(32)


def media_file(path: str) -> str | None:
    """What follows ``/media/`` (under ``server.baseUrlPath``) in a path, else None.

    Only Streamlit's media route: the fonts under ``/static/media/`` are not downloads.
    """
    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    prefix = f"/{base}/media/" if base else "/media/"
    return path[len(prefix):] if path.startswith(prefix) else None


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        media = media_file(scope["path"]) is not None

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS:
                    headers[name] = value
                if media:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def request_cookie(scope: Scope, name: str) -> str | None:
    """The value of cookie ``name`` in an ASGI request, or None."""
    raw = "; ".join(value.decode("latin-1") for key, value in scope.get("headers", ())
                    if key == b"cookie")
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:   # a malformed Cookie header is treated as no cookie
        return None
    morsel = jar.get(name)
    return morsel.value if morsel is not None and TOKEN.fullmatch(morsel.value) else None


def is_https(scope: Scope) -> bool:
    forwarded = dict(scope.get("headers", ())).get(b"x-forwarded-proto", b"")
    return scope.get("scheme") == "https" or forwarded == b"https"


class BrowserCookie:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] != "GET"
                or NOT_PAGES.search(scope["path"])
                or request_cookie(scope, downloads.BROWSER_COOKIE)):
            await self.app(scope, receive, send)
            return
        # No Max-Age: the cookie ends with the browser, and with it every download link.
        cookie = (f"{downloads.BROWSER_COOKIE}={secrets.token_urlsafe(32)}; Path=/; HttpOnly; "
                  f"SameSite=Strict{'; Secure' if is_https(scope) else ''}")

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("Set-Cookie", cookie)
            await send(message)

        await self.app(scope, receive, send_with_cookie)


class MediaGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        name = media_file(scope["path"]) if scope["type"] == "http" else None
        if name is not None and not await anyio.to_thread.run_sync(_may_fetch, scope, name):
            await Response(status_code=404)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _may_fetch(scope: Scope, name: str) -> bool:
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return False
    runtime = Runtime.instance()
    stored = runtime.media_file_mgr.read_file(name)
    if stored is None:
        return False
    signed_in = request_cookie(scope, SESSION_COOKIE)
    return downloads.may_fetch(stored.content, request_cookie(scope, downloads.BROWSER_COOKIE),
                               runtime.is_active_session,
                               session=web_sessions.key(signed_in) if signed_in else None,
                               live=_session_live)


def _session_live(session_key: str) -> bool:
    from ui import auth
    from ui.connection import cursor

    limits = settings()
    return web_sessions.live(cursor(), session_key, auth.clock(), limits.session_max_age_s,
                             limits.idle_timeout_s)
