"""Charts of one force: its figure against its region's average and the national average."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from metrics.charts.style import (
    CONTEXT,
    FOCUS,
    LABEL_PX,
    SOURCE_ONS,
    ChartSpec,
    Words,
    base_layout,
    label_lines,
    values_beside_bars,
    wrap_categories,
)
from metrics.format import APPROXIMATE, fmt_count, fmt_money, fmt_number

RATE = "per 1,000 recorded vehicle offences"


def _text(value: float | None, unit: str, qualifier: str, rate: bool) -> str:
    """Bar labels: averages and rates carry decimals, so one or two places; money as money."""
    if value is None or pd.isna(value):
        return "not recorded"
    if rate:
        return fmt_money(round(value, 2)) if unit == "gbp" else fmt_number(value, 2)
    if unit == "gbp":
        return fmt_money(round(value), qualifier)
    if float(value).is_integer():
        return fmt_count(value, qualifier)
    if qualifier == "at_least":  # never overstate: 'at least' rounds down (issue 9)
        return "at least " + fmt_number(math.floor(value * 10) / 10, 1)
    return ("about " if qualifier in APPROXIMATE else "") + fmt_number(value, 1)


def _message(rows: pd.DataFrame, column: str, label: str) -> str:
    force, region, national = (rows.iloc[i] for i in range(3))
    mine = force[column]
    if mine is None or pd.isna(mine):
        return f"{force['label']} has no {label} figure held for this operation"
    region_name = str(region["label"]).removesuffix(" average")

    def side(other: float | None) -> str | None:
        if other is None or pd.isna(other):
            return None
        return "above" if mine > other else "below" if mine < other else "level with"

    r, n = side(region[column]), side(national[column])
    if r == n and r is not None:
        return f"{force['label']} is {r} the {region_name} and national averages for {label}"
    if r and n:
        return (f"{force['label']} is {r} the {region_name} average and {n} the national "
                f"average for {label}")
    if n:
        return f"{force['label']} is {n} the national average for {label}"
    return f"{force['label']}: {label}"


def force_against_averages(rows: pd.DataFrame, words: Words, label: str, unit: str = "count",
                           *, rate: bool = False) -> ChartSpec:
    """Bars for the force, its region's average and the national average per reporting force.

    ``rows`` is ``metrics.force_profile.force_comparison``; with ``rate`` the bars are figures
    per 1,000 recorded vehicle offences (ONS).
    """
    column = "per_1000" if rate else "value"
    measure = f"{label} {RATE}" if rate else label
    data = rows[["label", column, "qualifier", "forces"]].rename(
        columns={"label": "Compared with", column: measure, "forces": "Forces reporting"})
    values = [None if pd.isna(v) else float(v) for v in rows[column]]
    texts = [_text(v, unit, q, rate) for v, q in zip(values, rows["qualifier"], strict=True)]
    colours = [FOCUS] + [CONTEXT] * (len(rows) - 1)
    fig = go.Figure(go.Bar(
        x=[v or 0 for v in values], y=list(rows["label"]), orientation="h", text=texts,
        textposition="outside", marker_color=colours, cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>"))
    base_layout(fig, height=260, legend=False)
    fig.update_layout(margin={"l": 10, "r": 90, "t": 10, "b": 10})
    fig.update_yaxes(autorange="reversed", title=None)
    # 'Value of stolen vehicles recovered per 1,000 …' on two lines, so a phone shows it whole.
    fig.update_xaxes(title={"text": label_lines(measure, 44), "font": {"size": LABEL_PX}},
                     tickprefix="£" if unit == "gbp" else "", tickformat=",")
    wrap_categories(fig, rows["label"], width=20)
    values_beside_bars(fig, texts, max((v or 0 for v in values), default=0))
    title = _message(rows, column, measure[0].lower() + measure[1:])
    alt = (f"Bar chart of {measure.lower()}: " + "; ".join(
        f"{name} {text}" for name, text in zip(rows["label"], texts, strict=True)) + ". "
        f"Averages are per reporting force ({int(rows.iloc[-1]['forces'])} forces nationally).")
    source = words.source(SOURCE_ONS if rate else None)
    return ChartSpec(figure=fig, title=title, subtitle=words.subtitle(measure), source=source,
                     alt=alt, data=data, name="force-against-averages")
