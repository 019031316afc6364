"""On a 390 px phone (and a small laptop), no chart label or headline figure is cut short
(issue 9: pillar labels read "engthening…" and a card "more tha").

Measured in a real browser: every piece of chart text must lie inside its chart and inside
any clipping region Plotly draws it in, and be at least 10 px high as drawn (Plotly shrinks
bar labels that do not fit); every headline card's label and figure must fit in its card.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import page_url, screenshot, wait_for_app
from ui.shell import PAGES

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
MIN_TEXT_PX = 10

CUT_CHART_TEXT = """minSize => {
    const problems = [];
    const corners = (box, m) => [[box.x, box.y], [box.x + box.width, box.y + box.height]]
        .map(([x, y]) => new DOMPoint(x, y).matrixTransform(m));
    document.querySelectorAll("[data-testid='stPlotlyChart']").forEach((chart, n) => {
        const outer = chart.getBoundingClientRect();
        for (const text of chart.querySelectorAll('svg text')) {
            const words = text.textContent.trim();
            const style = getComputedStyle(text);
            const drawn = text.getBoundingClientRect();
            if (!words || style.display === 'none' || style.visibility === 'hidden'
                || Number(style.opacity) === 0 || drawn.width === 0) continue;
            const svg = text.ownerSVGElement.getBoundingClientRect();
            let [left, top, right, bottom] = [Math.max(outer.left, svg.left),
                Math.max(outer.top, svg.top), Math.min(outer.right, svg.right),
                Math.min(outer.bottom, svg.bottom)];
            for (let el = text; el && el !== chart; el = el.parentElement) {
                const clip = el.getAttribute('clip-path') || '';
                const id = (clip.match(/#([^)"']+)/) || [])[1];
                const shape = id && document.getElementById(id)?.firstElementChild;
                if (!shape) continue;
                const [a, b] = corners(shape.getBBox(), el.getScreenCTM());
                left = Math.max(left, Math.min(a.x, b.x)); right = Math.min(right, Math.max(a.x, b.x));
                top = Math.max(top, Math.min(a.y, b.y)); bottom = Math.min(bottom, Math.max(a.y, b.y));
            }
            const where = `chart ${n + 1}: '${words}'`;
            if (drawn.left < left - 1 || drawn.right > right + 1 || drawn.top < top - 1
                || drawn.bottom > bottom + 1) problems.push(`${where} is cut`);
            const m = text.getScreenCTM();
            const size = parseFloat(style.fontSize) * Math.hypot(m.a, m.b);
            if (size < minSize) problems.push(`${where} is drawn ${size.toFixed(1)} px high`);
        }
    });
    return problems;
}"""

CUT_CARD_TEXT = """() => {
    const problems = [];
    for (const card of document.querySelectorAll("[data-testid='stMetric']")) {
        const box = card.getBoundingClientRect();
        for (const part of card.querySelectorAll(
                "[data-testid='stMetricLabel'], [data-testid='stMetricValue'], "
                + "[data-testid='stMetricLabel'] *, [data-testid='stMetricValue'] *")) {
            const r = part.getBoundingClientRect();
            const words = part.textContent.trim();
            if (!words || r.width === 0) continue;
            if (part.scrollWidth > part.clientWidth + 1 || r.left < box.left - 1
                || r.right > box.right + 1) problems.push(`card '${words}' is cut`);
        }
    }
    return problems;
}"""


# Every page as it opens, and the views that draw other charts or longer axis titles.
VIEWS = [(path, "") for path, _, _ in PAGES] + [
    ("pages/1_Operation.py", "&op_per_1000=true"),
    ("pages/2_Forces.py", "&force_view=per-1000&force_measure=value_recovered_gbp"),
    ("pages/3_Pillars_and_funding.py", "&funding_by=recipient"),
]
VIEW_IDS = [label for _, label, _ in PAGES] + [
    "Operation per 1,000", "Forces value per 1,000", "Pillars and funding per recipient"]


def open_at(page: Page, server: str, path: str, query: str, width: int) -> None:
    page.set_viewport_size({**PHONE, "width": width})
    page.goto(page_url(server, path) + "?as_at=2026-03-02" + query)
    wait_for_app(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    charts = page.get_by_test_id("stPlotlyChart")
    for i in range(charts.count()):
        charts.nth(i).scroll_into_view_if_needed()
        charts.nth(i).locator(".main-svg").first.wait_for()
    page.wait_for_timeout(500)      # Plotly lays out again once it knows its width


# A phone, and a small laptop where the sidebar leaves four cards in a row about 120 px each.
@pytest.mark.parametrize("width", [390, 1024], ids=["phone", "small-laptop"])
@pytest.mark.parametrize(("path", "query"), VIEWS, ids=VIEW_IDS)
def test_no_chart_or_card_text_is_cut(page: Page, server: str, path: str, query: str,
                                      width: int) -> None:
    """Every chart label, value and legend entry is whole and at least 10 px high, and every
    headline card shows its whole label and figure."""
    open_at(page, server, path, query, width)
    problems = page.evaluate(CUT_CHART_TEXT, MIN_TEXT_PX) + page.evaluate(CUT_CARD_TEXT)
    if problems:
        screenshot(page, f"cut-{Path(path).stem}-{width}")
    assert problems == []
