"""``/session/start``: the real HTTP answer that gives a browser its session cookie (issue 10).

A page that has just signed someone in sends the browser here with a one-time token
(``ui.sessions.hand_over``). The token is taken (once, within a minute, and only with the
``nvcrp_browser`` cookie of the page that signed in, so a token sent to someone else signs
nobody in); the answer sets the session cookie and sends the browser back to ``next``, a path
on this site. A token that cannot be taken sets nothing: the page then shows the sign-in form.
"""

from __future__ import annotations

import anyio
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from store import web_sessions
from ui.downloads import BROWSER_COOKIE
from ui.http_guards import TOKEN, is_https, request_cookie
from ui.sessions import SESSION_COOKIE, START_PATH


def local_path(value: str | None) -> str:
    """``value`` when it is a path on this site ('/Operation?op=OA2025'), else '/'.

    Anything that could lead off the site ('//host', '/\\\\host', 'https://…') or back here is
    refused, as are control characters and very long values.
    """
    if (not value or not value.startswith("/") or value.startswith(("//", "/\\"))
            or "\\" in value or len(value) > 2000 or any(ord(c) < 32 for c in value)
            or value.startswith(START_PATH)):
        return "/"
    return value


def _take(token: str, browser: str) -> str | None:
    from ui import auth
    from ui.connection import cursor

    return web_sessions.take(cursor(), token, browser, auth.clock())


async def start(request: Request) -> Response:
    token = request.query_params.get("token", "")
    browser = request_cookie(request.scope, BROWSER_COOKIE)
    secret = None
    if TOKEN.fullmatch(token) and browser:
        secret = await anyio.to_thread.run_sync(_take, token, browser)
    response = RedirectResponse(local_path(request.query_params.get("next")), status_code=303)
    response.headers["Cache-Control"] = "no-store"
    if secret:
        # No Max-Age: the cookie goes when the browser closes; the store ends the session
        # sooner (idle, maximum age, signing out).
        response.set_cookie(SESSION_COOKIE, secret, path="/", httponly=True,
                            samesite="strict", secure=is_https(request.scope))
    return response


ROUTES = [Route(START_PATH, start, methods=["GET"])]
