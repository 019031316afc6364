"""A briefing team's download in a real browser: a chart from the Operation page, as SVG.

The file the browser saves must be the marked image built on the server (kaleido), carrying the
protective marking and the chart's title inside it, with the operation, as-at date and data
version in its name.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import page_url, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_chart_downloaded_from_the_operation_page_is_marked(page: Page, server: str) -> None:
    """'Download this chart' → 'Image (SVG)' saves a marked SVG named for its data."""
    page.goto(page_url(server, "pages/1_Operation.py") + "?op=OA2025&as_at=2026-03-02")
    wait_for_app(page)
    page.get_by_role("button", name="Download this chart").first.click()
    with page.expect_download(timeout=90_000) as info:
        page.get_by_role("button", name="Image (SVG)").first.click()
    download = info.value
    assert re.fullmatch(r"OA2025_.+_as-at-2026-03-02_v\d+\.svg", download.suggested_filename)
    svg = Path(download.path()).read_text(encoding="utf-8")
    assert svg.lstrip().startswith(("<svg", "<?xml"))
    assert svg.count("OFFICIAL-SENSITIVE") >= 2      # top and bottom of the image
    assert "Arrests" in svg and "2 March 2026" in svg
