"""A real ``streamlit run`` on a free local port, driven by Debian's headless Chromium.

The server is started once per test module against its own copy of the demo database and
stopped by its PID at the end; screenshots go to tests/artefacts/ (git-ignored).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import copy_db, signed_in_session

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "tests" / "artefacts"
CHROMIUM = "/usr/bin/chromium"
E2E_USER = "tester"
E2E_PASSWORD = "correct horse battery"   # as tests/conftest.signed_in_session sets it
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running_server(db: Path, workdir: Path, secrets: Path | None = None,
                   env: dict[str, str] | None = None) -> Iterator[str]:
    """A ``streamlit run`` of the dashboard on ``db`` at a free local port; stopped by its PID.

    It runs ``serve.py``, as ``make run`` and a deployment do, so the app's own HTTP guards
    (security headers, the download guard) are in front of every page the tests open.
    ``secrets`` names a secrets.toml to use instead of the repository's .streamlit one (single
    sign-on tests put their ``[auth]`` section there). ``env`` adds environment variables, e.g.
    ``NVCRP_TEST_CLOCK`` for the session timeout tests.
    """
    port = _free_port()
    env = {**os.environ, "NVCRP_DB": str(db), **(env or {})}
    log = open(workdir / "server.log", "wb")  # noqa: SIM115 — closed below, after the server
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "serve.py"),
         "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none",
         *(["--secrets.files", str(secrets)] if secrets else [])],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError(f"streamlit did not start: {(workdir / 'server.log').read_text()}")
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def server(demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a streamlit server on a private copy of the demo database."""
    workdir = tmp_path_factory.mktemp("server")
    db = copy_db(demo_db_template, workdir)
    # Everyone signs in: an administrator's account, made before the server holds the database
    # (the command line makes accounts that must change their password first; tests/auth
    # covers that path).
    signed_in_session(db, E2E_USER)
    with running_server(db, workdir) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    real_goto = pg.goto

    def goto(url: str, **kwargs):  # type: ignore[no-untyped-def]
        # The first load in this fresh browser shows the sign-in form; after that the session
        # cookie keeps every load signed in, and sign_in returns at once.
        response = real_goto(url, **kwargs)
        sign_in(pg)
        return response

    pg.goto = goto
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture
def new_browser(browser):  # type: ignore[no-untyped-def]
    """new_browser() → a fresh browser context (its own cookies), closed after the test."""
    contexts = []

    def make():  # type: ignore[no-untyped-def]
        context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                      accept_downloads=True)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        # Routes first: a context closed with a route still set can wait for ever.
        context.unroute_all(behavior="ignoreErrors")
        context.close()


def sign_in(page, user: str = E2E_USER, password: str = E2E_PASSWORD) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the form when it is shown; return once the page proper is drawn."""
    form = page.get_by_role("button", name="Sign in", exact=True)
    signed_in = page.get_by_role("button", name="Sign out")
    form.or_(signed_in).first.wait_for()
    if signed_in.count():
        return
    page.get_by_role("textbox", name="Name").fill(user)
    page.get_by_role("textbox", name="Password").fill(password)
    form.click()
    # Signed in: the sidebar's 'Sign out', or (a page the role may not open) the refusal.
    signed_in.or_(page.get_by_text("Your account cannot open this page")).first.wait_for()


SCROLL_HEIGHT = """() => Math.max(...[...document.querySelectorAll(
    "[data-testid='stMain'], [data-testid='stAppViewContainer'], [data-testid='stSidebarContent']"
)].map(e => e.scrollHeight), document.body.scrollHeight)"""


def screenshot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    """A full-page picture in tests/artefacts/<name>.png.

    Streamlit scrolls inside its own container, so the browser's full-page mode sees only one
    screen: the window is stretched to the content's height for the picture, then put back.
    """
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    size = page.viewport_size
    height = min(int(page.evaluate(SCROLL_HEIGHT)) + 40, 16_000)
    page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
    page.wait_for_timeout(500)     # let charts re-lay themselves out at the new size
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


def page_url(server: str, path: str) -> str:
    """The URL streamlit serves a page file at: 'pages/3_Pillars_and_funding.py' → '/Pillars_and_funding'."""
    if path == "dashboard.py":
        return f"{server}/"
    stem = Path(path).stem
    return f"{server}/{stem.split('_', 1)[1] if stem.split('_', 1)[0].isdigit() else stem}"


def wait_for_app(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until the page has drawn its title and the script has finished running."""
    page.locator("h1").first.wait_for(state="visible", timeout=60_000)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        timeout=60_000)
