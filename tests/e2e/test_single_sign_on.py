"""Single sign-on proven end to end (issue 10, point 2): a real OpenID Connect provider
(``oidc-provider-mock``) started by the test, a real ``streamlit run`` of the dashboard whose
``[auth]`` section points at it, and Debian's Chromium clicking through both.

The provider's pages ask for a stylesheet from a public CDN; the browser is kept to this
machine (anything else is aborted), so nothing is fetched from outside while the tests run.
Each test has its own server, stopped before the audit log is read: while the dashboard holds
the database no other process may open it.
"""

from __future__ import annotations

import json
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from store.connection import open_db
from tests.conftest import copy_db
from tests.e2e.conftest import _free_port, page_url, running_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# People the provider knows. Kim's account here is written in lower case by an administrator;
# the provider sends the address with capitals, as Entra ID often does.
KIM = {"sub": "kim", "email": "Kim.Lead@kent.police.uk", "name": "Kim Lead"}
KIM_ACCOUNT = ("kim.lead", "analyst", "kim.lead@kent.police.uk")
STRANGER = {"sub": "stranger", "email": "stranger@elsewhere.example", "name": "A Stranger"}
SSO_BUTTON = "Sign in with your organisation's account"
USER_COOKIE = "_streamlit_user"


def _wait_for(url: str, log: Path, what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{what} did not start: {log.read_text()}")


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of an OpenID Connect provider on a free local port; stopped by its PID."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("provider") / "provider.log"
    log = open(log_path, "wb")  # noqa: SIM115 — closed below, after the provider
    proc = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port),
         # Replayed sign-ins are refused, as a real provider does.
         "--require-nonce", "true",
         "--user-claims", json.dumps(KIM), "--user-claims", json.dumps(STRANGER)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{url}/.well-known/openid-configuration", log_path, "The identity provider")
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def write_auth_secrets(path: Path, provider: str) -> Path:
    """A secrets.toml whose [auth] section is the one the README shows, aimed at ``provider``."""
    path.write_text(
        "[auth]\n"
        # Streamlit puts the port it serves on in place of {port}.
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        'client_id = "nvcrp-dashboard"\n'
        f'client_secret = "{secrets.token_urlsafe(24)}"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8")
    return path


@pytest.fixture
def dashboard(provider: str, demo_db_template: Path,
              tmp_path: Path) -> Iterator[tuple[Any, Path]]:
    """start() → the URL of a dashboard using ``provider`` for single sign-on; the database.

    Kim's account is made as an administrator makes it, with the command line, before the
    server starts. ``start`` is a context manager so a test can stop the server and then read
    the audit log.
    """
    db = copy_db(demo_db_template, tmp_path)
    name, role, email = KIM_ACCOUNT
    subprocess.run([sys.executable, "-m", "store", "--db", str(db), "users", "add", name,
                    "--role", role, "--force", "kent", "--oidc", email],
                   check=True, capture_output=True, text=True)
    secrets_file = write_auth_secrets(tmp_path / "secrets.toml", provider)
    yield (lambda: running_server(db, tmp_path, secrets=secrets_file)), db


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context kept to this machine: requests elsewhere are aborted."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})

    def local_only(route: Any) -> None:
        if route.request.url.startswith(("http://127.0.0.1:", "ws://127.0.0.1:")):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", local_only)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    try:
        yield pg
    finally:
        context.close()


def at(provider: str, path: str) -> re.Pattern[str]:
    """The provider's page at ``path``, whatever its query string."""
    return re.compile(re.escape(provider + path) + r"(\?|$)")


def through_provider(page: Page, provider: str, who: str) -> None:
    """From the dashboard's sign-in page: to the provider, choose ``who``, back again."""
    page.get_by_role("button", name=SSO_BUTTON).click()
    page.wait_for_url(at(provider, "/oauth2/authorize"))
    page.get_by_role("button", name=who, exact=True).click()
    page.wait_for_url(lambda url: not url.startswith(provider))


def has_cookie(page: Page, name: str) -> bool:
    return any(cookie["name"] == name for cookie in page.context.cookies())


def audit_rows(db: Path, who: str) -> list[tuple[str, dict[str, Any]]]:
    """(action, detail) of every audit row by ``who``, oldest first; the server must be stopped."""
    con = open_db(db)
    try:
        rows = con.execute("SELECT action, detail FROM audit WHERE who = ? ORDER BY id",
                           [who]).fetchall()
    finally:
        con.close()
    return [(action, json.loads(detail)) for action, detail in rows]


def test_an_allowed_email_signs_in_as_its_account_with_its_role(
        dashboard, page: Page, provider: str) -> None:  # type: ignore[no-untyped-def]
    """Kim, on the allow-list as an analyst, is signed in as kim.lead: an analyst's menu, no
    administration, and a sign-in audited with the provider's email."""
    start, db = dashboard
    with start() as server:
        page.goto(server)
        through_provider(page, provider, "kim")
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar.get_by_text("Signed in as kim.lead (analyst)")).to_be_visible()
        expect(sidebar.get_by_role("link", name="Upload returns")).to_be_visible()
        expect(sidebar.get_by_role("link", name="Administration")).to_have_count(0)
        # Another page, loaded afresh: Kim is still signed in, and the role decides what opens.
        page.goto(page_url(server, "pages/9_Admin.py"))
        expect(page.get_by_text("Your account cannot open this page")).to_be_visible()
    sign_ins = [d for action, d in audit_rows(db, "kim.lead") if action == "sign_in"]
    assert sign_ins and all(d["method"] == "oidc" for d in sign_ins)
    assert sign_ins[0]["email"] == KIM["email"]
    assert ("denied", "open page") in [(a, d.get("what")) for a, d in audit_rows(db, "kim.lead")]


def test_an_unknown_email_is_refused_with_a_clear_message_and_audited(
        dashboard, page: Page, provider: str) -> None:  # type: ignore[no-untyped-def]
    """Someone the provider signs in but nobody added is told why and what to do, sees no
    figures, is audited as refused, and can sign out back to the sign-in page."""
    start, db = dashboard
    with start() as server:
        page.goto(server)
        through_provider(page, provider, "stranger")
        expect(page.get_by_text("Your organisation account is not allowed to use this "
                                "dashboard. Ask an administrator to add your email address."
                                )).to_be_visible()
        expect(page.get_by_text(f"Organisation account used: {STRANGER['email']}")).to_be_visible()
        expect(page.get_by_text("Signed in as")).to_have_count(0)
        expect(page.get_by_role("link", name="Operation")).to_have_count(0)
        # A reload is refused the same way: the provider's cookie is no way in.
        page.reload()
        expect(page.get_by_text("Your organisation account is not allowed")).to_be_visible()
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(at(provider, "/oauth2/end_session"))
        page.get_by_role("button", name="End session").click()
        expect(page.get_by_role("button", name=SSO_BUTTON)).to_be_visible()
        assert not has_cookie(page, USER_COOKIE)
    refusals = audit_rows(db, STRANGER["email"])
    assert refusals, "the refusal was not audited"
    assert {action for action, _ in refusals} == {"denied"}
    assert all(d["what"] == "single sign-on" and d["reason"] == "not on the allow-list"
               and d["email"] == STRANGER["email"] for _, d in refusals)
    # Once for the first visit and once for the reload: a new session is a new attempt.
    assert len(refusals) == 2


def test_sign_out_ends_the_session_and_signing_in_again_goes_through_the_provider(
        dashboard, page: Page, provider: str) -> None:  # type: ignore[no-untyped-def]
    """'Sign out' ends the session here and at the provider: the identity cookie is gone, a
    reload shows the sign-in page, and signing in again passes through the provider."""
    start, db = dashboard
    with start() as server:
        page.goto(server)
        through_provider(page, provider, "kim")
        expect(page.get_by_text("Signed in as kim.lead (analyst)")).to_be_visible()
        assert has_cookie(page, USER_COOKIE)
        page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
        # Signed out at the provider too (OpenID Connect RP-initiated logout).
        page.wait_for_url(at(provider, "/oauth2/end_session"))
        page.get_by_role("button", name="End session").click()
        expect(page.get_by_role("button", name=SSO_BUTTON)).to_be_visible()
        assert not has_cookie(page, USER_COOKIE)
        page.reload()
        expect(page.get_by_role("button", name=SSO_BUTTON)).to_be_visible()
        expect(page.get_by_text("Signed in as")).to_have_count(0)
        through_provider(page, provider, "kim")
        expect(page.get_by_text("Signed in as kim.lead (analyst)")).to_be_visible()
    actions = [action for action, _ in audit_rows(db, "kim.lead")
               if action in ("sign_in", "sign_out")]
    assert actions == ["sign_in", "sign_out", "sign_in"]
