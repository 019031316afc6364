"""The web server: the dashboard (``dashboard.py`` and ``pages/``) behind the app's HTTP guards.

``streamlit run serve.py`` finds ``app`` below and serves it under uvicorn; the home page is
still ``dashboard.py`` and every page, link and query parameter works as before. ``make run``,
the browser tests and the README's deployment command all start the server this way, so the
security headers and the download guard (``ui.http_guards``) are always in front.
"""

import streamlit as st
from starlette.middleware import Middleware

from ui.http_guards import BrowserCookie, MediaGuard, SecurityHeaders

# The first middleware listed sees each request first: headers go on every answer, the
# 404s of the media guard included.
app = st.App("dashboard.py", middleware=[Middleware(SecurityHeaders), Middleware(BrowserCookie),
                                         Middleware(MediaGuard)])
