"""A lead follows the menu from Home to Operation to Forces with a date they chose, in a real
browser; then a copied link opened in a fresh browser shows the same figures (issue 9).

The date is chosen the ways a person does: typed then Tab, typed then Enter, typed then a
link clicked straight away, and the picker. After each, the URL, the date box and the figures
must agree.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import screenshot, sign_in, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIRST = "154"        # Operation Alliances 2025 arrests as at 29 October 2025
# As at 2 March 2026: 368 stated as 'at least' or 'more than'. The wording is metrics/' part
# of issue 9 (point 6); here it only has to be that figure, never the first one.
LATER = re.compile(r"^(at least|more than) 36[89]$")


def home_arrests(page: Page) -> Locator:
    """The Arrests card in Operation Alliances 2025's box on the home page."""
    return page.locator(".st-key-op-OA2025 [data-testid='stMetric']").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text("Arrests", exact=True)
    ).get_by_test_id("stMetricValue")


def card(page: Page, label: str) -> Locator:
    """The first headline card with this label in the page's main area."""
    return page.get_by_test_id("stMain").get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    ).first.get_by_test_id("stMetricValue")


def date_box(page: Page) -> list[str]:
    """Day, month and year as the sidebar's 'Figures as at' box shows them."""
    box = page.get_by_test_id("stSidebar")
    return [box.get_by_role("spinbutton", name=f"{part}, Figures as at").inner_text()
            for part in ("day", "month", "year")]


def type_date(page: Page, digits: str) -> None:
    """Click into the sidebar's date box and type a date as DDMMYYYY (the box moves on)."""
    page.get_by_test_id("stSidebar").get_by_role("spinbutton",
                                                 name="day, Figures as at").click()
    page.keyboard.type(digits, delay=40)


def menu_link(page: Page, label: str) -> Locator:
    return page.get_by_test_id("stSidebar").get_by_role("link", name=label, exact=True)


def settle(page: Page) -> None:
    """Let a rerun start, then wait until the script has finished drawing."""
    page.wait_for_timeout(300)
    wait_for_app(page)


def test_lead_carries_a_chosen_date_from_home_to_operation_to_forces(
        page: Page, server: str, browser: Browser) -> None:
    """Typed dates (Tab, Enter) reach the URL, the menu carries them, a copied link shows the same."""
    page.goto(f"{server}/?as_at=2025-10-29")
    wait_for_app(page)
    expect(home_arrests(page)).to_have_text(FIRST)

    # Home: type 02/03/2026 and leave the box with Tab.
    type_date(page, "02032026")
    page.keyboard.press("Tab")
    expect(page).to_have_url(re.compile(r"[?&]as_at=2026-03-02(&|$)"))
    expect(home_arrests(page)).to_have_text(LATER)
    later = home_arrests(page).inner_text()
    detail = page.get_by_role("link", name="Operation Alliances 2025 in detail")
    expect(detail).to_have_attribute("href", re.compile(r"as_at=2026-03-02"))
    assert detail.get_attribute("href").count("as_at=") == 1
    expect(menu_link(page, "Operation")).to_have_attribute(
        "href", re.compile(r"^Operation\?op=OA2025&as_at=2026-03-02$"))
    screenshot(page, "view-in-url-home-typed-date")

    # Operation, by the menu: the same date, the same figure.
    menu_link(page, "Operation").click()
    wait_for_app(page)
    expect(page).to_have_url(re.compile(r"/Operation\?op=OA2025&as_at=2026-03-02"))
    expect(page.locator("h1").first).to_have_text("Operation Alliances 2025")
    expect(card(page, "Arrests")).to_have_text(later)
    assert date_box(page) == ["02", "03", "2026"]

    # Operation: type 29/10/2025 and press Enter.
    type_date(page, "29102025")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/Operation\?.*as_at=2025-10-29"))
    expect(card(page, "Arrests")).to_have_text(FIRST)
    screenshot(page, "view-in-url-operation-enter")

    # Forces, by the menu: the date goes along; choose Kent and a measure.
    menu_link(page, "Forces").click()
    wait_for_app(page)
    expect(page).to_have_url(re.compile(r"/Forces\?op=OA2025&as_at=2025-10-29"))
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text(re.compile(r"^Figures as at 29 October 2025\."))).to_be_visible()
    main.get_by_role("combobox", name="Force").click()
    page.keyboard.type("Kent")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"focus_force=kent"))
    expect(main.get_by_role("heading", name="Kent in each operation")).to_be_visible()
    settle(page)
    # Kent's three headline cards in Operation Alliances 2025: arrests, vehicles, value.
    expect(main.get_by_test_id("stMetric")).to_have_count(3)
    sender = {"url": page.url, "cards": main.get_by_test_id("stMetric").all_inner_texts()}
    screenshot(page, "view-in-url-forces-kent")

    # The copied link, in a browser that has never seen this session.
    fresh = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        other = fresh.new_page()
        other.set_default_timeout(30_000)
        other.goto(sender["url"])
        sign_in(other)
        wait_for_app(other)
        expect(other).to_have_url(sender["url"])
        expect(other.get_by_test_id("stMain").get_by_role(
            "heading", name="Kent in each operation")).to_be_visible()
        assert date_box(other) == ["29", "10", "2025"]
        expect(other.get_by_test_id("stMain").get_by_test_id("stMetric")).to_have_text(
            sender["cards"], use_inner_text=True)
        screenshot(other, "view-in-url-forces-copied-link")
    finally:
        fresh.close()


def test_link_clicked_straight_after_typing_carries_the_new_date(page: Page, server: str) -> None:
    """Typing a date and clicking 'in detail' at once opens Operation at the typed date."""
    page.goto(f"{server}/?as_at=2025-10-29")
    wait_for_app(page)
    expect(home_arrests(page)).to_have_text(FIRST)
    type_date(page, "02032026")
    page.get_by_role("link", name="Operation Alliances 2024 in detail").click()
    expect(page).to_have_url(re.compile(r"/Operation\?op=OA2024&as_at=2026-03-02"))
    wait_for_app(page)
    expect(page.locator("h1").first).to_have_text("Operation Alliances 2024")
    assert date_box(page) == ["02", "03", "2026"]


def test_date_picked_from_the_calendar_reaches_the_url(page: Page, server: str) -> None:
    """Choosing 31 October 2025 in the calendar writes it to the URL and the menu's links."""
    page.goto(f"{server}/?as_at=2025-10-29")
    wait_for_app(page)
    page.get_by_test_id("stSidebar").get_by_role("button", name="Choose date").click()
    page.get_by_test_id("stDateInputCalendar").get_by_role(
        "button", name=re.compile(r"October 31, 2025")).click()
    expect(page).to_have_url(re.compile(r"[?&]as_at=2025-10-31(&|$)"))
    expect(menu_link(page, "Forces")).to_have_attribute("href", re.compile(r"as_at=2025-10-31"))
    assert date_box(page) == ["31", "10", "2025"]


def test_tab_between_day_month_and_year_does_not_send_half_a_date(page: Page,
                                                                  server: str) -> None:
    """Tab from the day moves to the month as before; only leaving the year sends the date."""
    page.goto(f"{server}/?as_at=2025-10-29")
    wait_for_app(page)
    type_date(page, "2")           # one digit: the box stays on the day
    page.keyboard.press("Tab")     # to the month
    page.keyboard.type("03", delay=40)
    expect(page).to_have_url(re.compile(r"[?&]as_at=2025-10-29(&|$)"))
    page.keyboard.type("2026", delay=40)
    page.keyboard.press("Tab")
    expect(page).to_have_url(re.compile(r"[?&]as_at=2026-03-02(&|$)"))
    expect(home_arrests(page)).to_have_text(LATER)
