"""Chart images drawn by kaleido carry their words and the marking inside them."""

from __future__ import annotations

import io
import json
import re

import duckdb
import pandas as pd
import plotly.graph_objects as go
import pytest
from conftest import export_rows
from PIL import Image

from exports.context import ExportContext
from exports.downloads import export_chart
from exports.images import PNG_SCALE, WIDTH, chart_image
from metrics.charts.style import ChartSpec, base_layout

pytestmark = pytest.mark.slow


def small_spec(title: str = "South Yorkshire made the most arrests") -> ChartSpec:
    data = pd.DataFrame({"force": ["South Yorkshire", "Kent"], "arrests": [32, -1]})
    fig = base_layout(go.Figure(go.Bar(x=data["force"], y=data["arrests"])), legend=False)
    return ChartSpec(fig, title, "Arrests, England and Wales, Operation Alliances 2025 (13 to 19 "
                     "October 2025), as at 2 March 2026", "Source: force and NaVCIS returns to "
                     "the NVCRP", "Bar chart: South Yorkshire 32, Kent -1.", data,
                     name="arrests-by-force")


def test_png_is_high_resolution(demo_ctx: ExportContext) -> None:
    """PNG is drawn at scale 2: 2,400 pixels wide for a 1,200-pixel chart."""
    image = Image.open(io.BytesIO(chart_image(small_spec(), demo_ctx, "png")))
    assert image.size[0] == WIDTH * PNG_SCALE and image.size[1] > 900


def test_svg_holds_title_marking_source_and_as_at(demo_ctx: ExportContext) -> None:
    """The SVG text includes the title, the marking twice, the source and the as-at date."""
    svg = chart_image(small_spec(), demo_ctx, "svg").decode("utf-8")
    assert "South Yorkshire made the most arrests" in svg
    assert svg.count("OFFICIAL-SENSITIVE") == 2
    assert "Source: force and NaVCIS returns to the NVCRP" in svg
    assert "figures as at 2 March 2026" in svg


def test_title_markup_is_shown_as_text(demo_ctx: ExportContext) -> None:
    """A name holding '<b>' is printed literally, not read as markup."""
    svg = chart_image(small_spec("Force <b>X</b> & Y"), demo_ctx, "svg").decode("utf-8")
    assert "Force &#60;b&#62;X&#60;/b&#62; &amp; Y" in svg
    assert "<tspan style=\"font-weight:bold\">X" not in svg


def test_pdf_image_is_a_pdf(demo_ctx: ExportContext) -> None:
    """The PDF export is a real PDF document."""
    assert chart_image(small_spec(), demo_ctx, "pdf").startswith(b"%PDF")


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf", "csv", "txt"])
def test_chart_export_named_and_audited(demo_con: duckdb.DuckDBPyConnection,
                                        demo_ctx: ExportContext, fmt: str) -> None:
    """Each chart download carries the version in its name and writes one audit row."""
    before = len(export_rows(demo_con))
    out = export_chart(demo_con, small_spec(), demo_ctx, fmt)
    assert f"_as-at-2026-03-02_v{demo_ctx.version}.{fmt}" in out.file_name
    rows = export_rows(demo_con)
    assert len(rows) == before + 1
    detail = json.loads(rows[-1][1])
    assert detail["what"] == "chart" and detail["format"] == fmt and rows[-1][2] == "OFFICIAL-SENSITIVE"


def test_alt_text_and_data_files(demo_ctx: ExportContext, demo_con: duckdb.DuckDBPyConnection) -> None:
    """The text file carries marking and alt text; the CSV holds the plotted numbers."""
    text = export_chart(demo_con, small_spec(), demo_ctx, "txt").data.decode("utf-8")
    assert text.startswith("OFFICIAL-SENSITIVE") and "South Yorkshire 32" in text
    data = export_chart(demo_con, small_spec(), demo_ctx, "csv").data.decode("utf-8-sig")
    assert data.splitlines()[1:] == ['"South Yorkshire",32', '"Kent",-1']


def test_marking_sits_above_title_and_below_source(demo_ctx: ExportContext) -> None:
    """The top marking is above the title and the bottom one below the source line, so the
    words never overlap (with a horizontal legend too)."""
    spec = small_spec()
    spec.figure.update_layout(showlegend=True, legend={"orientation": "h"})
    svg = chart_image(spec, demo_ctx, "svg").decode("utf-8")
    marks = [float(y) for y in re.findall(
        r'translate\([\d.]+,([\d.]+)\)"><rect class="bg"[^>]*/><text[^>]*><tspan '
        r'style="font-weight:bold">OFFICIAL-SENSITIVE', svg)]
    title_y = float(re.search(r'class="gtitle"[^>]* y="([\d.]+)"', svg).group(1))
    source_y = float(re.search(r'translate\([\d.]+,([\d.]+)\)"><rect class="bg"[^>]*/><text'
                               r'[^>]*>Source: force', svg).group(1))
    height = float(re.search(r'<svg[^>]* height="([\d.]+)"', svg).group(1))
    assert len(marks) == 2
    assert marks[0] < title_y - 10 and marks[0] <= 15
    assert marks[1] > source_y + 10 and marks[1] >= height - 40
