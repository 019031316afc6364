"""The web server: the dashboard (``dashboard.py`` and ``pages/``) behind the app's HTTP guards.

``streamlit run serve.py`` finds ``app`` below and serves it under uvicorn; the home page is
still ``dashboard.py`` and every page, link and query parameter works as before. ``make run``,
the browser tests and the README's deployment command all start the server this way, so the
security headers, the download guard (``ui.http_guards``) and the address that gives a browser
its session cookie (``ui.session_routes``) are always there.
"""

import streamlit as st
from starlette.middleware import Middleware

from store.settings import StoreLocationError, settings
from ui.http_guards import BrowserCookie, MediaGuard, SecurityHeaders
from ui.session_routes import ROUTES

try:
    settings()   # a database location that is not a DuckDB file stops the server here
except StoreLocationError as exc:
    raise SystemExit(f"Error: {exc}") from None

# The first middleware listed sees each request first: headers go on every answer, the
# 404s of the media guard included.
app = st.App("dashboard.py", routes=ROUTES,
             middleware=[Middleware(SecurityHeaders), Middleware(BrowserCookie),
                         Middleware(MediaGuard)])
