"""The charts a briefing pack carries, built by the same builders the pages use, and fitted to
a slide: a long list of forces becomes the leaders plus "the other forces together", and every
label is drawn large enough to read once the chart is placed on the page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go

from exports.pack_layout import PX_PER_INCH, Box
from metrics import funding, results, stages
from metrics.charts import funding as funding_charts
from metrics.charts import map as map_charts
from metrics.charts import operation as op_charts
from metrics.charts.style import CONTEXT, ChartSpec, Words
from metrics.format import fmt_value
from metrics.query import by_force
from metrics.registry import METRICS
from metrics.scope import Filters, combine_qualifiers

LEAD_MEASURE = "arrests"
# At slide size about 16 bars can carry readable labels: the 15 forces with the most, and one
# bar for all the others (issue 9: the 37-force chart could not be read on a slide).
TOP_FORCES = 15
MIN_FONT_PX = 14                    # pack_layout.PT_PER_PX makes this 12.6 pt on the page
# Charts a slide cannot show legibly, given as a table of the same figures instead: seven
# pairs of bars, each with its own scale and label, need twice a slide's height.
AS_TABLE = frozenset({"compare"})
Builder = Callable[[duckdb.DuckDBPyConnection, Filters, Words], ChartSpec | None]


def _by_force(con: duckdb.DuckDBPyConnection, filters: Filters, words: Words) -> ChartSpec:
    label = METRICS[LEAD_MEASURE].label
    rows = by_force(con, filters, LEAD_MEASURE)
    known = rows[rows["value"].notna()].sort_values(["value", "force_name"],
                                                   ascending=[False, True])
    if len(known) <= TOP_FORCES + 1:
        return op_charts.by_force_chart(rows, words, label)
    top, rest = known.head(TOP_FORCES), known.iloc[TOP_FORCES:]
    spec = op_charts.by_force_chart(top, words, label)
    return with_the_rest(spec, rest, words, label)


def with_the_rest(spec: ChartSpec, rest: pd.DataFrame, words: Words, label: str) -> ChartSpec:
    """The leaders' chart with one grey bar at the foot for the other forces added together."""
    bars = [t for t in spec.figure.data if isinstance(t, go.Bar) and t.orientation == "h"]
    if len(bars) != 1:
        return spec
    unit = METRICS[LEAD_MEASURE].unit
    total = float(rest["value"].sum())
    qualifier = combine_qualifiers(rest["qualifier"])
    name = f"The other {len(rest)} forces together"
    text = fmt_value(total, unit, qualifier)
    figure = go.Figure(spec.figure)
    bar = figure.data[0]
    colours = bar.marker.color
    colours = list(colours) if isinstance(colours, (list, tuple)) else [colours] * len(bar.x)
    bar.update(x=[total, *bar.x], y=[name, *bar.y], text=[text, *bar.text],
               marker_color=[CONTEXT, *colours])
    figure.update_xaxes(range=[0, max([total, *bar.x]) * 1.45])
    leaders = len(bar.x) - 1
    subtitle = words.subtitle(f"{label}: the {leaders} forces with the most and the other "
                              f"{len(rest)} together")
    data = pd.concat([spec.data, pd.DataFrame({"force": [name], label: [total],
                                               "qualifier": [qualifier]})], ignore_index=True)
    alt = f"{spec.alt} The other {len(rest)} forces together: {text}."
    return replace(spec, figure=figure, subtitle=subtitle, data=data, alt=alt)


def _by_day(con: duckdb.DuckDBPyConnection, filters: Filters, words: Words) -> ChartSpec:
    return op_charts.by_day_chart(stages.daily(con, filters), words)


def _by_pillar(con: duckdb.DuckDBPyConnection, filters: Filters, words: Words) -> ChartSpec:
    return op_charts.by_pillar_chart(stages.pillar_activity(con, filters), words)


def _map(con: duckdb.DuckDBPyConnection, filters: Filters, words: Words) -> ChartSpec:
    rows = results.forces_for_map(con, filters, LEAD_MEASURE)
    return map_charts.force_map(rows, words, METRICS[LEAD_MEASURE].label)


def _spend(con: duckdb.DuckDBPyConnection, filters: Filters, words: Words) -> ChartSpec | None:
    rows = funding.spend_against_allocation(con, filters.as_at, by="pillar")
    if rows.empty:
        return None
    return funding_charts.spend_against_allocation(rows, words, by="pillar")


def _compare(con: duckdb.DuckDBPyConnection, filters: Filters, words: Words) -> ChartSpec | None:
    other = stages.previous_operation(con, filters.operation)
    if other is None:
        return None
    return op_charts.compare_chart(stages.same_stage(con, filters, other), words)


# In pack order: by force, by day, by pillar, map, spend per pillar, previous week compared.
BUILDERS: tuple[Builder, ...] = (_by_force, _by_day, _by_pillar, _map, _spend, _compare)


def briefing_charts(con: duckdb.DuckDBPyConnection,
                    filters: Filters) -> tuple[list[ChartSpec], list[str]]:
    """Every chart that has something to show for the selection, in pack order, and a note for
    each chart that could not be drawn (the pack still goes out, and says what is missing)."""
    words = results.words(con, filters)
    found, problems = [], []
    for build in BUILDERS:
        try:
            spec = build(con, filters, words)
        except Exception as exc:  # one faulty chart must not stop the whole briefing
            problems.append(f"The {build.__name__.strip('_').replace('_', ' ')} chart could not "
                            f"be drawn ({type(exc).__name__}: {exc}).")
            continue
        if spec is not None:
            found.append(spec)
    return found, problems


def _font_parts(fig: go.Figure) -> Iterator[Any]:
    """Every font object in the figure that sets the size of some visible text."""
    layout = fig.layout
    yield layout.legend.font
    yield layout.legend.title.font
    for name in dir(layout):
        if name.startswith(("xaxis", "yaxis")) and layout[name] is not None:
            yield layout[name].tickfont
            yield layout[name].title.font
    for annotation in layout.annotations:
        yield annotation.font
    for trace in fig.data:
        for part in ("textfont", "insidetextfont", "outsidetextfont"):
            if part in trace:
                yield trace[part]


def font_sizes(fig: go.Figure) -> list[float]:
    """The size in pixels of each kind of text the figure draws (its base size where unset)."""
    base = float(fig.layout.font.size or 12)
    return [base, *[float(font.size or base) for font in _font_parts(fig)]]


def slide_figure(spec: ChartSpec, box: Box) -> go.Figure:
    """The chart alone (its words go on the page) sized to ``box``, with every label at least
    ``MIN_FONT_PX`` so that it reads at the size it is printed."""
    figure = go.Figure(spec.figure)
    figure.update_layout(width=round(box.width * PX_PER_INCH),
                         height=round(box.height * PX_PER_INCH),
                         font={"size": max(MIN_FONT_PX + 2, figure.layout.font.size or 0)},
                         title=None)
    for font in _font_parts(figure):
        if font.size is not None and font.size < MIN_FONT_PX:
            font.size = MIN_FONT_PX
    for trace in figure.data:
        if "text" in trace and trace.text is not None and "textfont" in trace:
            trace.textfont.size = max(MIN_FONT_PX, trace.textfont.size or 0)
    return figure
