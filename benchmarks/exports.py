"""Export benchmark: one marked chart to SVG and PNG (after warm-up, median of 5) and a full
briefing pack (median of 3) on the demo database, against the targets of 1 s and 20 s.

The renderer is started once before timing, as the app does: the seconds a fresh browser costs
are paid once per process, not per image.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from exports.context import context_for
from exports.images import chart_image, start_renderer, stop_renderer
from exports.pack import build_briefing
from exports.pack_charts import briefing_charts
from metrics.scope import Filters
from store.connection import open_db

OPERATION, AS_AT = "OA2025", date(2026, 3, 2)
CHART_TARGET_S, PACK_TARGET_S = 1.0, 20.0


def _median(fn: Any, n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _demo_db(folder: Path) -> Path:
    from loaders.demo.build import build_demo
    path = folder / "bench.duckdb"
    build_demo(path)
    return path


def run(repetitions: int = 3, db: Path | None = None) -> dict[str, float]:
    """Seconds for one chart as SVG and as PNG, one PPTX pack and one PDF pack."""
    with tempfile.TemporaryDirectory() as tmp:
        con = open_db(db or _demo_db(Path(tmp)))
        try:
            filters = Filters(operation=OPERATION, as_at=AS_AT)
            ctx = context_for(con, filters, "benchmark")
            spec = briefing_charts(con, filters)[0][0]
            start = time.perf_counter()
            start_renderer()
            chart_image(spec, ctx, "png")          # warm-up: browser start and first page
            warm_up = time.perf_counter() - start
            result = {
                "renderer_start_s": warm_up,
                "chart_svg_s": _median(lambda: chart_image(spec, ctx, "svg"), 5),
                "chart_png_s": _median(lambda: chart_image(spec, ctx, "png"), 5),
                "pack_pptx_s": _median(lambda: build_briefing(con, OPERATION, AS_AT, "pptx",
                                                              "benchmark"), repetitions),
                "pack_pdf_s": _median(lambda: build_briefing(con, OPERATION, AS_AT, "pdf",
                                                             "benchmark"), repetitions),
            }
        finally:
            con.close()
            stop_renderer()
    return result


def report(result: dict[str, float]) -> list[str]:
    """The printed lines: each figure and whether it meets its target."""
    chart = max(result["chart_svg_s"], result["chart_png_s"])
    pack = max(result["pack_pptx_s"], result["pack_pdf_s"])
    return [
        f"export_renderer_start_s={result['renderer_start_s']:.2f}",
        f"export_chart_svg_s={result['chart_svg_s']:.2f}",
        f"export_chart_png_s={result['chart_png_s']:.2f}",
        f"export_chart_within_target={chart < CHART_TARGET_S} (target {CHART_TARGET_S:.0f} s)",
        f"export_pack_pptx_s={result['pack_pptx_s']:.2f}",
        f"export_pack_pdf_s={result['pack_pdf_s']:.2f}",
        f"export_pack_within_target={pack < PACK_TARGET_S} (target {PACK_TARGET_S:.0f} s)",
    ]


if __name__ == "__main__":
    for line in report(run(db=None)):
        print(line)
