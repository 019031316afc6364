"""Sessions that last (issue 10, point 1) on a real server (serve.py) with real Chromium: a
reload and a new tab keep the session; signing out, a timeout and an administrator disabling
the account end it in every tab at once, and the sign-in page says why. Timeouts use the
server's test clock (NVCRP_TEST_CLOCK), which each test moves on by writing a number of
seconds to a file."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from store import accounts
from store.connection import open_db
from tests.conftest import copy_db
from tests.e2e.conftest import page_url, running_server, sign_in, wait_for_app
from tests.e2e.test_http_guards import download_pack

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "a long test passphrase"
PEOPLE = (("lead", "viewer"), ("boss", "admin"), ("pat", "viewer"), ("brief", "briefing"))
SIGNED_OUT = "You have signed out."
IDLE = "You were signed out after 30 minutes without activity."
MAX_AGE = "You were signed out because your session reached its time limit of 8 hours."
DISABLED = "Your account can no longer sign in."
WATCH_S = 40   # an open page checks its session every 15 s; allow for a slow machine


class Server:
    """The running dashboard and the file its clock reads (seconds added to the real time)."""

    def __init__(self, url: str, clock: Path) -> None:
        self.url, self.clock = url, clock

    def move_clock(self, seconds: float) -> None:
        self.clock.write_text(str(seconds), encoding="utf-8")


@pytest.fixture(scope="module")
def session_server(demo_db_template: Path,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The demo data with a viewer, an administrator, a second viewer and a briefing user,
    served with a test clock that starts at the real time."""
    workdir = tmp_path_factory.mktemp("sessions")
    db = copy_db(demo_db_template, workdir)
    con = open_db(db)
    try:
        for name, role in PEOPLE:
            accounts.create_user(con, name, role=role, by="test", password=PASSWORD,
                                 must_change=False)
    finally:
        con.close()
    clock = workdir / "clock"
    clock.write_text("0", encoding="utf-8")
    with running_server(db, workdir, env={"NVCRP_TEST_CLOCK": str(clock)}) as url:
        yield Server(url, clock)


@pytest.fixture
def server(session_server: Server) -> Iterator[Server]:
    """The shared server, its clock put back to the real time after each test."""
    yield session_server
    session_server.move_clock(0)


def open_page(context: BrowserContext, url: str) -> Page:
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    return page


def signed_in(context: BrowserContext, url: str, person: str) -> Page:
    page = open_page(context, url)
    sign_in(page, person, PASSWORD)
    wait_for_app(page)
    return page


def expect_signed_in(page: Page, person: str) -> None:
    expect(page.get_by_text(f"Signed in as {person}")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_have_count(0)


def expect_signed_out(page: Page, why: str, timeout: float = 30_000) -> None:
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible(
        timeout=timeout)
    expect(page.get_by_text(why)).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_have_count(0)


def sign_out(page: Page) -> None:
    page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    expect_signed_out(page, SIGNED_OUT)


def test_a_reload_keeps_the_session_and_the_address(server: Server, new_browser) -> None:  # type: ignore[no-untyped-def]
    """Signed in on a link with a query string: after signing in the address still has it,
    and a reload is still signed in, with no form."""
    page = signed_in(new_browser(), page_url(server.url, "pages/2_Forces.py") + "?shared=1",
                     "lead")
    assert re.search(r"/Forces\?(.*&)?shared=1(&|$)", page.url), page.url
    page.reload()
    wait_for_app(page)
    expect_signed_in(page, "lead")


def test_a_new_tab_keeps_the_session(server: Server, new_browser) -> None:  # type: ignore[no-untyped-def]
    """A second tab of the same browser opens another page already signed in."""
    context = new_browser()
    signed_in(context, f"{server.url}/", "lead")
    other = open_page(context, page_url(server.url, "pages/1_Operation.py"))
    wait_for_app(other)
    expect_signed_in(other, "lead")


def test_the_cookie_is_http_only_strict_and_ends_with_the_browser(server: Server,
                                                                   new_browser) -> None:  # type: ignore[no-untyped-def]
    """The session cookie cannot be read by the page's scripts, is not sent from other sites,
    and has no expiry date (the server ends the session sooner)."""
    context = new_browser()
    page = signed_in(context, f"{server.url}/", "lead")
    cookie = next(c for c in context.cookies() if c["name"] == "nvcrp_session")
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["expires"]) == (True, "Strict", -1)
    assert "nvcrp_session" not in page.evaluate("document.cookie")


def test_behind_tls_the_cookie_is_secure(server: Server, new_browser) -> None:  # type: ignore[no-untyped-def]
    """When the proxy says the browser came over HTTPS (X-Forwarded-Proto), the cookie set by
    /session/start is marked Secure, as well as HttpOnly and SameSite=Strict."""
    context = new_browser()
    context.route("**/session/start*", lambda route: route.continue_(
        headers={**route.request.headers, "x-forwarded-proto": "https"}))
    page = open_page(context, f"{server.url}/")
    page.get_by_role("textbox", name="Name").fill("lead")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    with page.expect_response(re.compile(r"/session/start\?")) as answer:
        page.get_by_role("button", name="Sign in", exact=True).click()
    set_cookies = answer.value.header_values("set-cookie")
    session = [c for c in set_cookies if c.startswith("nvcrp_session=")]
    assert session, set_cookies
    assert {"HttpOnly", "Secure", "SameSite=strict"} <= {p.strip() for p in session[0].split(";")}


def test_signing_out_ends_the_session_in_every_tab(server: Server, new_browser) -> None:  # type: ignore[no-untyped-def]
    """'Sign out' in one tab: the other tab, left alone, turns to the sign-in form saying so,
    and reloading it, or opening a new tab, does not sign in again."""
    context = new_browser()
    first = signed_in(context, f"{server.url}/", "lead")
    second = open_page(context, page_url(server.url, "pages/2_Forces.py"))
    expect_signed_in(second, "lead")
    sign_out(first)
    expect_signed_out(second, SIGNED_OUT, timeout=WATCH_S * 1000)
    second.reload()
    expect_signed_out(second, SIGNED_OUT)
    expect_signed_out(open_page(context, f"{server.url}/"), SIGNED_OUT)


def test_thirty_minutes_idle_signs_out_and_says_why(server: Server, new_browser) -> None:  # type: ignore[no-untyped-def]
    """With the clock moved 31 minutes on, the open page turns to the sign-in form with the
    reason; a reload says the same."""
    page = signed_in(new_browser(), f"{server.url}/", "lead")
    server.move_clock(31 * 60)
    expect_signed_out(page, IDLE, timeout=WATCH_S * 1000)
    page.reload()
    expect_signed_out(page, IDLE)


def test_activity_keeps_the_session_past_thirty_minutes(server: Server, new_browser) -> None:  # type: ignore[no-untyped-def]
    """Using the dashboard every 20 minutes (here: a reload, and a new tab) keeps it going
    40 minutes after signing in."""
    context = new_browser()
    page = signed_in(context, f"{server.url}/", "lead")
    server.move_clock(20 * 60)
    page.reload()
    wait_for_app(page)
    expect_signed_in(page, "lead")
    server.move_clock(40 * 60)
    later = open_page(context, page_url(server.url, "pages/2_Forces.py"))
    wait_for_app(later)
    expect_signed_in(later, "lead")


def test_eight_hours_signs_out_and_says_so(server: Server, new_browser) -> None:  # type: ignore[no-untyped-def]
    """Eight hours after signing in the open page turns to the sign-in form, giving the time
    limit as the reason. (That activity does not stretch it is shown in
    tests/auth/test_web_sessions.py, which walks eight hours in twenty-minute steps.)"""
    page = signed_in(new_browser(), f"{server.url}/", "lead")
    server.move_clock(8 * 3600 + 60)
    expect_signed_out(page, MAX_AGE, timeout=WATCH_S * 1000)


def choose_account(page: Page, name: str) -> None:
    """Pick ``name`` in the Admin page's 'Account' box."""
    box = page.get_by_role("combobox", name=re.compile("^Account"))
    box.click()
    box.fill(name)
    page.get_by_role("option", name=name, exact=True).click()


def test_disabling_an_account_signs_it_out_everywhere(server: Server, new_browser) -> None:  # type: ignore[no-untyped-def]
    """Pat is signed in in two browsers; an administrator disables the account on the Admin
    page; both of Pat's pages, left alone, turn to the sign-in form saying why."""
    pats = [signed_in(new_browser(), f"{server.url}/", "pat"),
            signed_in(new_browser(), page_url(server.url, "pages/2_Forces.py"), "pat")]
    admin = signed_in(new_browser(), page_url(server.url, "pages/9_Admin.py"), "boss")
    choose_account(admin, "pat")
    admin.get_by_role("button", name="Disable", exact=True).click()
    expect(admin.get_by_text("pat is now disabled")).to_be_visible()
    for page in pats:
        expect_signed_out(page, DISABLED, timeout=WATCH_S * 1000)


def test_a_download_needs_the_session_cookie(server: Server, new_browser) -> None:  # type: ignore[no-untyped-def]
    """A pack built in a signed-in page is served with the browser's cookies, but not with the
    browser cookie alone, and not once the session is signed out in another tab."""
    context = new_browser()
    page = signed_in(context, f"{server.url}/", "brief")
    url, saved = download_pack(page)
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    both = f"nvcrp_browser={cookies['nvcrp_browser']}; nvcrp_session={cookies['nvcrp_session']}"
    assert fetch(url, both) == (200, saved)
    assert fetch(url, f"nvcrp_browser={cookies['nvcrp_browser']}") == (404, b"")
    sign_out(open_page(context, f"{server.url}/"))
    assert fetch(url, both) == (404, b"")


def fetch(url: str, cookie: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def test_a_made_up_token_sets_no_cookie_and_stays_on_the_site(server: Server) -> None:
    """/session/start with a token nobody was given, and a way back to another site, answers
    303 to '/' with no cookie."""
    opener = urllib.request.build_opener(NoRedirect)
    token = "A" * 43
    try:
        opener.open(f"{server.url}/session/start?token={token}&next=//evil.example/x",
                    timeout=30)
        raise AssertionError("expected a redirect")
    except urllib.error.HTTPError as answer:
        assert answer.code == 303
        assert answer.headers["Location"] == "/"
        assert answer.headers.get_all("Set-Cookie") is None


def test_a_token_taken_to_another_browser_signs_nobody_in(server: Server, new_browser) -> None:  # type: ignore[no-untyped-def]
    """The link that would set Lead's cookie, stopped in Lead's browser and opened in another
    browser, signs that browser in as nobody: it gets the sign-in form."""
    lead = new_browser()
    links: list[str] = []

    def keep_link(route) -> None:  # type: ignore[no-untyped-def]
        links.append(route.request.url)
        route.abort()

    lead.route("**/session/start*", keep_link)
    page = open_page(lead, f"{server.url}/")
    page.get_by_role("textbox", name="Name").fill("lead")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    with page.expect_event("requestfailed", timeout=30_000) as failed:
        page.get_by_role("button", name="Sign in", exact=True).click()
    assert "/session/start" in failed.value.url and links
    other = new_browser()
    elsewhere = open_page(other, f"{server.url}/")   # a real browser: it has its own cookie
    elsewhere.goto(links[0])
    expect(elsewhere.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    assert "nvcrp_session" not in {c["name"] for c in other.cookies()}
