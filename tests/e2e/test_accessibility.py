"""Accessibility measured in a real browser (issue 9): axe-core's WCAG 2.2 A and AA rules find
nothing on any page, and headings go down one level at a time.

axe-core is the version pinned in package.json, installed by ``make test`` (``npm ci``) before
the tests run; it is injected into each page from node_modules, so nothing is downloaded here.
Every page is opened signed in as an administrator, who may open them all.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from metrics import tracker
from tests.e2e.conftest import page_url, wait_for_app
from ui.shell import PAGES

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 success criteria at levels A and AA, as axe-core tags its rules.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGE_FILES = [path for path, _, _ in PAGES]
PAGE_IDS = [label for _, label, _ in PAGES]

HEADING_LEVELS = """() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role=heading]')]
    .map(h => ({level: Number(h.getAttribute('aria-level') || h.tagName.slice(1)),
                text: h.textContent.trim().slice(0, 60)}))"""


# The tracker's status tags are drawn on a canvas, where axe cannot read them. This finds the
# first tag filled with a colour and returns the colour of its most contrasting pixel: the
# label's text, as drawn.
TAG_TEXT = """colour => {
    const canvas = document.querySelector("[data-testid='stDataFrame'] canvas");
    const {width, height} = canvas;
    const px = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    const [r, g, b] = [1, 3, 5].map(i => parseInt(colour.slice(i, i + 2), 16));
    const same = i => px[i] === r && px[i + 1] === g && px[i + 2] === b;
    let first = -1;
    for (let i = 0; i < px.length && first < 0; i += 4) if (same(i)) first = i / 4;
    if (first < 0) return null;
    const y0 = Math.floor(first / width);
    let y1 = y0;
    while (y1 + 1 < height && same(4 * ((y1 + 1) * width + first % width))) y1++;
    // Every column of a tag has its colour above and below the label: the tag ends at the
    // first column without it.
    const filled = x => { for (let y = y0; y <= y1; y++) if (same(4 * (y * width + x)))
        return true; return false; };
    let x0 = first % width, x1 = x0;
    while (x0 > 0 && filled(x0 - 1)) x0--;
    while (x1 + 1 < width && filled(x1 + 1)) x1++;
    const lum = c => { const v = c / 255;
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    const L = (a, b2, c) => 0.2126 * lum(a) + 0.7152 * lum(b2) + 0.0722 * lum(c);
    const bg = L(r, g, b);
    let best = null, most = 0;
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) {
        const i = 4 * (y * width + x);
        const ratio = (Math.max(bg, L(px[i], px[i+1], px[i+2])) + 0.05) /
                      (Math.min(bg, L(px[i], px[i+1], px[i+2])) + 0.05);
        if (ratio > most) { most = ratio; best = [px[i], px[i+1], px[i+2]]; }
    }
    return {text: best, contrast: most};
}"""


def open_page(page: Page, server: str, path: str) -> None:
    """The page as at a date with every section filled (the demo's latest returns)."""
    page.goto(page_url(server, path) + "?as_at=2026-03-02")
    wait_for_app(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    # Charts draw after the script ends: wait for each one's SVG before measuring.
    charts = page.get_by_test_id("stPlotlyChart")
    for i in range(charts.count()):
        charts.nth(i).locator(".main-svg").first.wait_for()


def axe_violations(page: Page) -> list[str]:
    """One line per failing element: rule, impact, element and what axe says to fix."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: "
        "['violations']})", WCAG_TAGS)
    return [f"{v['id']} ({v['impact']}) {node['target']}: {node['failureSummary']}"
            for v in result["violations"] for node in v["nodes"]]


def skipped_levels(levels: list[dict[str, object]]) -> list[str]:
    """Headings that go down more than one level from the one before (or a first that is not h1)."""
    problems, previous = [], 0
    for heading in levels:
        level = int(str(heading["level"]))
        if level > previous + 1:
            problems.append(f"h{level} '{heading['text']}' follows h{previous}")
        previous = level
    return problems


def test_axe_core_is_installed_at_the_pinned_version() -> None:
    """node_modules holds the axe-core that package.json pins (make test runs npm ci first)."""
    import json

    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]["axe-core"]
    installed = json.loads((AXE.parent / "package.json").read_text())["version"]
    assert installed == pinned


@pytest.mark.parametrize("path", PAGE_FILES, ids=PAGE_IDS)
def test_axe_finds_no_wcag_violation(page: Page, server: str, path: str) -> None:
    """axe-core's WCAG 2.2 A and AA rules report no violation on the page, sidebar included."""
    open_page(page, server, path)
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", PAGE_FILES, ids=PAGE_IDS)
def test_headings_never_skip_a_level(page: Page, server: str, path: str) -> None:
    """The page starts with one h1 and each heading is at most one level below the one before."""
    open_page(page, server, path)
    levels = page.evaluate(HEADING_LEVELS)
    assert [h["level"] for h in levels].count(1) == 1, levels
    assert skipped_levels(levels) == []


def test_tracker_status_tags_meet_contrast(page: Page, server: str) -> None:
    """'Late' and 'Received on time' tags, as drawn in the tracker, meet 4.5:1 (WCAG AA)."""
    open_page(page, server, "pages/4_Returns_tracker.py")
    page.get_by_test_id("stDataFrame").first.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    measured = {status: page.evaluate(TAG_TEXT, tracker.STATUS_COLOURS[status])
                for status in ("received", "late")}     # the demo's statuses as at the date
    assert all(m is not None for m in measured.values()), measured
    assert {s: m["contrast"] >= 4.5 for s, m in measured.items()} == {
        "received": True, "late": True}, measured


def test_the_heading_check_catches_a_skip() -> None:
    """h1 then h3 is reported; h1, h2, h3, h2 is not."""
    assert skipped_levels([{"level": 1, "text": "a"}, {"level": 3, "text": "b"}]) == [
        "h3 'b' follows h1"]
    assert skipped_levels([{"level": n, "text": "x"} for n in (1, 2, 3, 2)]) == []
