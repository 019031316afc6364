"""Debian's headless Chromium driven by Playwright, and when a page counts as done.

A page is **done** when, all at once and for ``HOLD_MS`` without a break:

- Streamlit's script has finished (``stApp`` has ``data-test-script-state="notRunning"``),
- the status widget shows no running icon, and
- the page's main area has its ``h1`` title, and
- the page's own marker holds: the new page's address (a page switch), ``as_at=`` the new date
  in the address (a date change; the script writes it as it runs, so it cannot be there before
  the rerun has started), or a named text in a named part of the page (an upload's outcome).

The time is measured inside the page with ``performance.now()``: from the person's action (the
``pointerdown`` of a click, or the ``change`` of a file input) to the moment the done
condition became true and then held, checked every 5 ms. So Playwright's own round trips are
not counted, and a script that reruns itself straight after finishing is waited for.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking"]
HOLD_MS = 300
TIMEOUT_MS = 60_000
VIEWPORT = {"width": 1400, "height": 1000}

# Installed before an action: notes the action's time and, from then on, when the done
# condition became true (reset whenever it stops holding).
WATCH = """
({path, asAt, text, within, events}) => {
  const w = {action: null, since: null, path, asAt, text, within};
  window.__benchWatch = w;
  const mark = () => { if (w.action === null) w.action = performance.now(); };
  for (const name of events) document.addEventListener(name, mark, {capture: true, once: true});
  const done = () => {
    const app = document.querySelector("[data-testid='stApp']");
    if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
    if (document.querySelector("[data-testid='stStatusWidgetRunningIcon'], "
        + "[data-testid='stStatusWidgetRunningManIcon']")) return false;
    if (!document.querySelector("[data-testid='stMain'] h1")) return false;
    if (w.path !== null && decodeURIComponent(location.pathname) !== w.path) return false;
    if (w.asAt !== null && new URLSearchParams(location.search).get("as_at") !== w.asAt)
      return false;
    if (w.text !== null) {
      const area = document.querySelector(w.within);
      if (!area || !area.innerText.includes(w.text)) return false;
    }
    return true;
  };
  w.timer = setInterval(() => {
    if (w.action === null) return;
    if (done()) { if (w.since === null) w.since = performance.now(); }
    else w.since = null;
  }, 5);
}
"""

# Resolves once the done condition has held for ``hold`` ms; returns milliseconds from the action.
SETTLED = """
({hold, timeout}) => new Promise((resolve, reject) => {
  const w = window.__benchWatch;
  const started = performance.now();
  const check = setInterval(() => {
    const now = performance.now();
    if (w.action !== null && w.since !== null && now - w.since >= hold) {
      clearInterval(check); clearInterval(w.timer);
      resolve(w.since - w.action);
    } else if (now - started > timeout) {
      clearInterval(check); clearInterval(w.timer);
      reject(new Error("not done within " + timeout + " ms (action seen: "
                       + (w.action !== null) + ")"));
    }
  }, 5);
})
"""


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """One headless Chromium for the whole benchmark; closed at the end."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Any) -> Any:
    """A page in a fresh context: its own cookies, so its own signed-in session."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def wait_done(page: Any) -> None:
    """Wait (from Python, for set-up steps) until the script has finished and a title shows."""
    page.locator("[data-testid='stMain'] h1").first.wait_for(state="visible", timeout=TIMEOUT_MS)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        timeout=TIMEOUT_MS)


def sign_in(page: Any, user: str, password: str) -> None:
    """Sign in through the form when it is shown (as tests/e2e/conftest.py's ``sign_in``)."""
    form = page.get_by_role("button", name="Sign in", exact=True)
    signed_in = page.get_by_role("button", name="Sign out")
    form.or_(signed_in).first.wait_for()
    if signed_in.count():
        return
    page.get_by_role("textbox", name="Name").fill(user)
    page.get_by_role("textbox", name="Password").fill(password)
    form.click()
    signed_in.wait_for()
    wait_done(page)


def timed(page: Any, act: Any, *, path: str | None = None, as_at: str | None = None,
          text: str | None = None, within: str = "[data-testid='stMain']",
          events: tuple[str, ...] = ("pointerdown",)) -> float:
    """Seconds from the action ``act()`` starts in the page until the page is done: at
    ``path``, with ``as_at`` in the address, or with ``text`` inside the element ``within``."""
    page.evaluate(WATCH, {"path": path, "asAt": as_at, "text": text, "within": within,
                          "events": list(events)})
    act()
    ms = page.evaluate(SETTLED, {"hold": HOLD_MS, "timeout": TIMEOUT_MS})
    return float(ms) / 1000


def menu_link(page: Any, label: str) -> Any:
    """A page's link in the sidebar menu."""
    return page.get_by_test_id("stSidebar").get_by_role("link", name=label, exact=True)


def type_date(page: Any, day: str) -> None:
    """Type an ISO date into the sidebar's 'Figures as at' box (day, month, year parts)."""
    year, month, date_of_month = day.split("-")
    page.get_by_test_id("stSidebar").get_by_role("spinbutton",
                                                 name="day, Figures as at").click()
    page.keyboard.type(date_of_month + month + year, delay=20)
