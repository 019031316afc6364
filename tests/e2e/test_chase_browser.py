"""An analyst's chase in a real browser: the tracker's message for one force, downloaded through
the app's download guard, is a marked .eml with the force's blank return attached, and the list
then says "chased on" beside that force."""

from __future__ import annotations

import email
import io
from datetime import date
from email import policy
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.e2e.conftest import page_url, screenshot, wait_for_app
from tests.e2e.test_accessibility import HEADING_LEVELS, axe_violations, skipped_levels

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_message_downloaded_from_the_tracker_is_a_marked_eml(page: Page, server: str) -> None:
    """Dorset's OA2025 message as at 28 October 2025 saves as .eml; then 'chased on' shows."""
    page.goto(page_url(server, "pages/4_Returns_tracker.py") + "?op=OA2025&as_at=2025-10-28")
    wait_for_app(page)
    page.get_by_text("Dorset · 1 day overdue").click()
    with page.expect_download(timeout=90_000) as info:
        page.get_by_role("button", name="Message to Dorset (.eml)").click()
    download = info.value
    assert download.suggested_filename.startswith("OA2025_chase-dorset_as-at-2025-10-28_v")
    mail = email.message_from_bytes(Path(download.path()).read_bytes(), policy=policy.default)
    assert mail["Subject"].startswith("OFFICIAL-SENSITIVE: Operation Alliances 2025 force return")
    [attachment] = list(mail.iter_attachments())
    book = load_workbook(io.BytesIO(attachment.get_content()))
    assert book["Return"]["B5"].value == "Dorset Police"
    today = f"chased on {date.today().day} {date.today():%B %Y}"
    expect(page.get_by_text(f"Dorset · 1 day overdue · {today}")).to_be_visible(timeout=60_000)
    screenshot(page, "tracker-chase")


def test_chase_list_passes_the_accessibility_checks(page: Page, server: str) -> None:
    """With the chase list and one force's message open, axe-core's WCAG 2.2 A and AA rules
    find nothing and headings still go down one level at a time."""
    page.goto(page_url(server, "pages/4_Returns_tracker.py") + "?op=OA2025&as_at=2025-10-24")
    wait_for_app(page)
    page.get_by_text("Cleveland · not yet overdue").click()
    expect(page.get_by_role("button", name="Message to Cleveland (.eml)")).to_be_visible()
    assert axe_violations(page) == []
    assert skipped_levels(page.evaluate(HEADING_LEVELS)) == []
