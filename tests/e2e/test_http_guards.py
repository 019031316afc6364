"""The app's own HTTP guards on a real server (serve.py) with real Chromium (issues 8 and 9):
security headers on every kind of response, downloads only for the browser and page that asked,
no table toolbar download for anyone, and nothing fetched from another host."""

from __future__ import annotations

import contextlib
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from store import accounts
from store.connection import open_db
from tests.conftest import copy_db
from tests.e2e.conftest import page_url, running_server, sign_in, wait_for_app
from ui.shell import PAGES

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "a long test passphrase"
PEOPLE = (("brief", "briefing"), ("lead", "viewer"), ("boss", "admin"))
GUARD_HEADERS = {
    "content-security-policy": "frame-ancestors 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


@pytest.fixture(scope="module")
def guarded_server(demo_db_template: Path,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo data with a briefing user, a viewer and an administrator."""
    workdir = tmp_path_factory.mktemp("guards")
    db = copy_db(demo_db_template, workdir)
    con = open_db(db)
    try:
        for name, role in PEOPLE:
            accounts.create_user(con, name, role=role, by="test", password=PASSWORD,
                                 must_change=False)
    finally:
        con.close()
    with running_server(db, workdir) as url:
        yield url


def open_signed_in(context: BrowserContext, url: str, person: str) -> Page:
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    sign_in(page, person, PASSWORD)
    wait_for_app(page)
    return page


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    """GET with no cookies at all, as anyone who has been given the URL would."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def missing_guards(headers: dict[str, str]) -> dict[str, str | None]:
    return {name: headers.get(name) for name, value in GUARD_HEADERS.items()
            if value not in (headers.get(name) or "")}


def download_pack(page: Page) -> tuple[str, bytes]:
    """Click 'Briefing pack (PDF)' on Home; the URL the browser fetched and the bytes it saved."""
    page.get_by_role("button", name="Briefing pack", exact=True).click()
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name="Briefing pack (PDF)").click()
    download = info.value
    return download.url, Path(download.path()).read_bytes()


def test_security_headers_on_pages_assets_health_and_media(guarded_server: str,
                                                          new_browser) -> None:  # type: ignore[no-untyped-def]
    """Home, a static asset, the health check, a download and a refused download all carry the
    anti-framing and security headers; downloads are never cached."""
    status, home_headers, html = fetch(f"{guarded_server}/")
    assert status == 200
    asset = re.search(r'(?:src|href)="\.?/?(static/[^"]+\.js)"', html.decode()).group(1)
    page = open_signed_in(new_browser(), f"{guarded_server}/", "brief")
    media_url, _ = download_pack(page)
    served = page.context.request.get(media_url)
    checked = {
        "/": home_headers,
        asset: fetch(f"{guarded_server}/{asset}")[1],
        "/_stcore/health": fetch(f"{guarded_server}/_stcore/health")[1],
        "media, served": {k.lower(): v for k, v in served.headers.items()},
        "media, refused": fetch(media_url)[1],
    }
    assert served.status == 200
    assert {where: missing_guards(h) for where, h in checked.items() if missing_guards(h)} == {}
    assert checked["media, served"]["cache-control"] == "no-store"


def test_a_download_url_gives_nothing_to_anyone_else(guarded_server: str,
                                                     new_browser) -> None:  # type: ignore[no-untyped-def]
    """The briefing user's pack downloads in their browser; the same URL fetched with no cookie,
    or from another signed-in browser, is a 404 with no body — while the file is still there
    for the browser that asked.

    Streamlit drops a built file after later script runs, so the other browser is open before
    the click and nothing reruns between the click and the last fetch.
    """
    other = open_signed_in(new_browser(), f"{guarded_server}/", "boss")
    mine = open_signed_in(new_browser(), f"{guarded_server}/", "brief")
    url, saved = download_pack(mine)
    assert urlsplit(url).path.startswith("/media/")
    assert saved[:5] == b"%PDF-" and len(saved) > 10_000
    status, _headers, body = fetch(url)
    assert (status, body) == (404, b"")
    refused = other.context.request.get(url)
    assert (refused.status, refused.body()) == (404, b"")
    again = mine.context.request.get(url)
    assert (again.status, again.body()) == (200, saved)


def test_a_download_url_dies_with_the_page_that_asked(guarded_server: str,
                                                      new_browser) -> None:  # type: ignore[no-untyped-def]
    """Once the tab that built the pack is closed, even the same browser gets a 404.

    The click does not rerun the page, so closing the tab is Streamlit's first clean-up pass
    since the file was built: that pass only marks it, and the 404 is the guard's refusal.
    """
    context = new_browser()
    page = open_signed_in(context, f"{guarded_server}/", "brief")
    url, _ = download_pack(page)
    assert context.request.get(url).status == 200
    page.close()
    deadline = time.monotonic() + 15
    while context.request.get(url).status != 404 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert context.request.get(url).status == 404


def toolbar_buttons(page: Page) -> list[str]:
    """The names of the buttons in the toolbar of every table shown (not folded away)."""
    tables = page.get_by_test_id("stDataFrame")
    tables.first.wait_for(state="attached")
    toolbar = page.get_by_test_id("stElementToolbar").get_by_role("button")
    names: list[str] = []
    for i in range(tables.count()):
        if tables.nth(i).is_visible():
            tables.nth(i).scroll_into_view_if_needed()
            tables.nth(i).hover()
            # The toolbar is drawn on hover, a moment later on a busy machine, and goes when
            # the pointer moves on: read each table's while it is shown. Some tables (folded
            # in expanders) show none at all.
            with contextlib.suppress(PlaywrightTimeout):
                toolbar.first.wait_for(state="visible", timeout=5_000)
            names += toolbar.evaluate_all(
                "buttons => buttons.map(b => b.getAttribute('aria-label') || b.innerText)")
    return names


@pytest.mark.parametrize("path", ["dashboard.py", "pages/1_Operation.py", "pages/2_Forces.py"])
def test_viewer_has_no_download_button_or_table_download(guarded_server: str, new_browser,  # type: ignore[no-untyped-def]
                                                         path: str) -> None:
    """A viewer sees no download button and no export menu, and no table toolbar offers
    'Download as CSV'."""
    page = open_signed_in(new_browser(), page_url(guarded_server, path), "lead")
    expect(page.get_by_test_id("stDownloadButton")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^(Download this|Briefing pack)"))
           ).to_have_count(0)
    buttons = toolbar_buttons(page)
    if path == "pages/2_Forces.py":
        assert "Search" in buttons, "the Forces page's tables should show their toolbar"
    assert [b for b in buttons if re.search("download|copy", b, re.I)] == []


def test_table_toolbar_download_is_off_for_an_administrator(guarded_server: str,
                                                            new_browser) -> None:  # type: ignore[no-untyped-def]
    """Streamlit's own CSV download is off for everyone: files leave only through the app's
    marked exports, which the administrator does have."""
    page = open_signed_in(new_browser(), page_url(guarded_server, "pages/2_Forces.py"), "boss")
    expect(page.get_by_role("button", name="Download this table").first).to_be_visible()
    buttons = toolbar_buttons(page)
    assert "Search" in buttons
    assert [b for b in buttons if re.search("download|copy", b, re.I)] == []


def test_nothing_is_fetched_from_another_host(guarded_server: str, new_browser) -> None:  # type: ignore[no-untyped-def]
    """An administrator opening every page in the menu, then reloading, makes no request to
    any other host: the favicon, fonts and icons all come from the server."""
    context = new_browser()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = open_signed_in(context, f"{guarded_server}/", "boss")
    opened = []
    for _path, label, _icon in PAGES:
        page.get_by_test_id("stSidebar").get_by_role("link", name=label, exact=True).click()
        page.wait_for_timeout(500)
        wait_for_app(page)
        opened.append(urlsplit(page.url).path)
    page.reload()
    sign_in(page, "boss", PASSWORD)
    wait_for_app(page)
    page.wait_for_timeout(1000)   # late requests: favicon, fonts
    assert len(set(opened)) == len(PAGES)
    own = urlsplit(guarded_server).netloc
    outside = sorted({u for u in requests
                      if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).netloc != own})
    assert len(requests) > 20 and outside == []
    icon = page.locator("link[rel~='icon']").first.get_attribute("href") or ""
    assert icon.startswith("data:image/svg+xml")
