"""A figure queried as implausible in a real browser (issue 11, part 1): an analyst uploads
Kent's latest 2025 return with its arrests typed ten times too large, sees the query naming the
cell and what it was compared with, cannot save without a tick and a reason, then confirms
with a reason and saves."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import copy_db, signed_in_session
from tests.e2e.conftest import E2E_USER, page_url, running_server, screenshot, wait_for_app
from tests.ingest.ingest_kit import kent_typo

ROOT = Path(__file__).resolve().parents[2]
UPLOAD_PAGE = "pages/5_Upload_returns.py"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """As the shared server fixture, but the account signed in is an analyst's."""
    workdir = tmp_path_factory.mktemp("server-queries")
    db = copy_db(demo_db_template, workdir)
    signed_in_session(db, E2E_USER, role="analyst")
    with running_server(db, workdir) as url:
        yield url


def test_typo_is_queried_and_saved_only_with_a_reason(page: Page, server: str,
                                                      tmp_path: Path) -> None:
    """The query is shown; Save stays disabled with the box ticked and no reason, and is
    enabled once a reason is typed; version 4 is then saved with the query confirmed."""
    page.goto(page_url(server, UPLOAD_PAGE))
    wait_for_app(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        str(kent_typo(tmp_path / "kent-oa2025.xlsx")))
    panel = page.locator(".st-key-upload-1")
    expect(panel.get_by_text("Check the changes, then confirm")).to_be_visible(timeout=60_000)
    expect(panel.get_by_test_id("stAlertContentWarning").last).to_contain_text(
        "1 figure is far from what is usual")
    queries = panel.locator("[class*='st-key-queries-']")
    expect(queries).to_contain_text("cell M18")
    expect(queries).to_contain_text("260 arrests is more than 5 times Kent's largest earlier "
                                    "figure at the same stage (6 in Operation Alliances 2024, "
                                    "137 days in)")
    save = panel.get_by_role("button", name="Save as version 4")
    expect(save).to_be_disabled()

    panel.get_by_text(re.compile(r"^I have checked this figure: it is right")).click()
    expect(save).to_be_disabled()    # ticked, but no reason yet
    screenshot(page, "upload-query-to-confirm")
    reason = panel.get_by_role("textbox", name="Reason (recorded with the upload)")
    reason.fill("Kent confirmed: large planned operation")
    reason.press("Enter")
    expect(save).to_be_enabled()
    save.click()
    expect(panel.get_by_text("Accepted", exact=False).first).to_be_visible(timeout=60_000)
    success = panel.get_by_test_id("stAlertContentSuccess")
    expect(success).to_contain_text("Kent's force return for Operation Alliances 2025, version 4")
    expect(success).to_contain_text("1 figure queried and confirmed")
    expect(success).to_contain_text("Kent confirmed: large planned operation")
    screenshot(page, "upload-query-saved")
