"""Resubmitting a return with blanks in a real browser (issue 9, point 2): the page lists the
figures the new file would remove, with their earlier values, and saves the new version only
after the person confirms the removals."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from loaders.reference.snapshot import Reference
from loaders.templates.build import Fill, MeasureFill, write_template
from tests.e2e.conftest import page_url, screenshot, wait_for_app

UPLOAD_PAGE = "pages/5_Upload_returns.py"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def north_wales(folder: Path, name: str, **figures: int) -> Path:
    """North Wales' 2024 return (none is in the demo), each figure given as its total."""
    fill = Fill(data_as_of=date(2024, 9, 30), operation="OA2024", force="north-wales",
                contact="Browser test",
                values={code: MeasureFill(total=value) for code, value in figures.items()})
    return write_template(folder / name, "force-return", Reference.from_files(), fill=fill)


def upload(page: Page, server: str, path: Path) -> None:
    page.goto(page_url(server, UPLOAD_PAGE))
    wait_for_app(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))


def test_resubmission_with_blanks_lists_removals_and_waits_for_confirmation(
        page: Page, server: str, tmp_path: Path) -> None:
    """Version 2 leaves warrants and charged blank: both are listed with their old values, Save
    is disabled until the removals are confirmed, and then version 2 is saved."""
    required = {"vehicles_recovered": 4, "value_recovered_gbp": 61000}
    upload(page, server, north_wales(tmp_path, "v1.xlsx", arrests=6, warrants=2, charged=3,
                                     **required))
    panel = page.locator(".st-key-upload-1")
    expect(panel.get_by_text("Accepted", exact=False).first).to_be_visible(timeout=60_000)

    upload(page, server, north_wales(tmp_path, "v2.xlsx", arrests=7, **required))
    panel = page.locator(".st-key-upload-1")
    expect(panel.get_by_text("Check the changes, then confirm")).to_be_visible(timeout=60_000)
    expect(panel.get_by_test_id("stAlertContentError")).to_contain_text(
        "2 figures stated in version 1 are blank or missing in this file")
    removed = panel.get_by_test_id("stDataFrame").first
    for text in ("Warrants executed", "People charged", "Total"):
        expect(removed).to_contain_text(text)
    expect(removed).not_to_contain_text("None")
    save = panel.get_by_role("button", name="Save as version 2")
    expect(save).to_be_disabled()
    screenshot(page, "upload-removals-to-confirm")

    panel.get_by_text(re.compile(r"^Remove these 2: I have checked")).click()
    expect(save).to_be_enabled()
    save.click()
    expect(panel.get_by_text("Accepted", exact=False).first).to_be_visible(timeout=60_000)
    success = panel.get_by_test_id("stAlertContentSuccess")
    expect(success).to_contain_text("North Wales' force return for Operation Alliances 2024, "
                                    "version 2")
    expect(success).to_contain_text("2 removed")
    screenshot(page, "upload-removals-saved")
