"""A map of the 43 police force areas of England and Wales, coloured by one measure.

Drawn as filled polygons on ordinary x/y axes rather than a Plotly geo map: plotly.js fetches
its world map from the internet, which a police network may block and kaleido cannot reach, so
this renders offline in the browser and in exported images alike.
"""

from __future__ import annotations

import csv
import json
import math
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from metrics.charts.style import SOURCE_ONS, ChartSpec, Words, base_layout
from metrics.format import fmt_number, fmt_value
from store.settings import REFERENCE_DIR

ATTRIBUTION = ("Contains OS data © Crown copyright and database right 2020; Office for "
               "National Statistics, Open Government Licence v3.0")
NO_RETURN, NO_RETURN_COLOUR = "No return", "#BFBFBF"
OUTSIDE, OUTSIDE_COLOUR = "Not taking part or filtered out", "#FFFFFF"
# Darker than the shared sequential scale at the light end, so the lowest band stays distinct
# from the white of areas outside the selection.
BAND_COLOURS = ("#C9D7E6", "#8DAACB", "#4E7CA8", "#12436D")
BANDS = 4
# Longitude squeezed by the cosine of a mid-England latitude so areas keep their shape.
X_SCALE = math.cos(math.radians(54))


@cache
def _areas() -> tuple[tuple[str, str, tuple[tuple[float, ...], ...], tuple[tuple[float, ...], ...]], ...]:
    """(force code, area name, xs per ring, ys per ring) for each of the 43 areas."""
    with (REFERENCE_DIR / "forces.csv").open(encoding="utf-8", newline="") as handle:
        by_ons = {r["ons_code"]: (r["code"], r["short_name"]) for r in csv.DictReader(handle)
                  if r["ons_code"]}
    shapes = json.loads((REFERENCE_DIR / "police_force_areas.geojson").read_text("utf-8"))
    areas = []
    for feature in shapes["features"]:
        geometry = feature["geometry"]
        polygons = (geometry["coordinates"] if geometry["type"] == "MultiPolygon"
                    else [geometry["coordinates"]])
        rings = [polygon[0] for polygon in polygons]    # outer rings: holes are too small to see
        code, name = by_ons[feature["properties"]["PFA20CD"]]
        areas.append((code, name, tuple(tuple(p[0] * X_SCALE for p in r) for r in rings),
                      tuple(tuple(p[1] for p in r) for r in rings)))
    return tuple(areas)


@cache
def _outlines() -> tuple[tuple[str, str, np.ndarray, np.ndarray], ...]:
    """(force code, area name, xs, ys) for each area, its rings end to end with a gap (NaN)
    between, so one trace fills each ring on its own.

    Made once, as read-only arrays of floats: Plotly takes them without checking each of the
    8,000 points again for every map it draws, and sends them to the browser as packed binary
    arrays, which it reads faster than numbers written out. The picture is the same to the
    pixel (PNG at scale 1 and 2 compared).
    """
    return tuple((code, name, _joined(xs), _joined(ys)) for code, name, xs, ys in _areas())


def _joined(rings: tuple[tuple[float, ...], ...]) -> np.ndarray:
    """Rings end to end with a gap (NaN, drawn as a break like None) between them."""
    out: list[float] = []
    for ring in rings:
        out.extend(ring)
        out.append(math.nan)
    joined = np.array(out, dtype=float)
    joined.flags.writeable = False
    return joined


def _bands(values: pd.Series) -> tuple[pd.Series, list[tuple[float, float]], int]:
    """Up to four bands of roughly equal numbers of areas; labels give each band's range."""
    count = min(BANDS, values.nunique())
    ranks = values.rank(method="dense")
    band = pd.qcut(ranks, count, labels=False, duplicates="drop") if count > 1 else ranks * 0
    band = band.astype(int)
    labels = []
    for b in sorted(band.unique()):
        low, high = values[band == b].min(), values[band == b].max()
        labels.append((float(low), float(high)))
    return band, labels, count


def _range_text(low: float, high: float, fmt: Any) -> str:
    return fmt(low) if low == high else f"{fmt(low)} to {fmt(high)}"


def force_map(df: pd.DataFrame, words: Words, value_label: str, *,
              column: str = "value") -> ChartSpec:
    """Areas coloured by ``df[column]`` (rows: force_code, force_name, column). A row with no
    value is grey, 'No return' in the legend; an area with no row at all (not taking part, or
    outside the region and force filters) is paler still."""
    rate = column == "per_1000_offences"
    fmt = (lambda v: fmt_number(v, 2)) if rate else (lambda v: fmt_value(v, "count"))
    known = df[df[column].notna()].set_index("force_code")[column].astype(float)
    listed = set(df["force_code"])
    band, ranges, _ = _bands(known) if len(known) else (pd.Series(dtype=int), [], 0)
    colours = BAND_COLOURS[-len(ranges):] if ranges else ()
    fig = go.Figure()
    shown_legend: set[str] = set()
    missing = []
    for code, name, xs, ys in _outlines():
        if code in known.index:
            b = int(band[code])
            group, colour = _range_text(*ranges[b], fmt), colours[b]
            hover = f"{name}: {fmt(known[code])}"
        elif code in listed:
            group, colour, hover = NO_RETURN, NO_RETURN_COLOUR, f"{name}: no return"
            missing.append(name)
        else:
            group, colour, hover = OUTSIDE, OUTSIDE_COLOUR, f"{name}: not in this selection"
        edge = "#BFBFBF" if group == OUTSIDE else "#FFFFFF"
        fig.add_scatter(x=xs, y=ys, fill="toself", mode="lines",
                        line={"color": edge, "width": 0.6}, fillcolor=colour,
                        name=group, legendgroup=group, showlegend=group not in shown_legend,
                        hoveron="fills", text=hover, hoverinfo="text")
        shown_legend.add(group)
    _order_legend(fig, [_range_text(*r, fmt) for r in ranges][::-1] + [NO_RETURN, OUTSIDE])
    base_layout(fig, height=640)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    fig.update_layout(legend={"title": {"text": value_label}, "x": 0, "y": 1,
                              "bgcolor": "rgba(255,255,255,0.8)"})
    return ChartSpec(figure=fig, title=_title(known, df, value_label),
                     subtitle=words.subtitle(value_label),
                     source=words.source((SOURCE_ONS + "; " if rate else "") + ATTRIBUTION),
                     alt=_alt(known, df, value_label, missing, fmt),
                     data=_data(df, column, value_label), name="force-map")


def _order_legend(fig: go.Figure, order: list[str]) -> None:
    rank = {name: i for i, name in enumerate(order)}
    for trace in fig.data:
        trace.legendrank = 1000 + rank.get(trace.name, len(order))


def _names(df: pd.DataFrame) -> dict[str, str]:
    areas = {code: name for code, name, _, _ in _areas()}
    given = dict(zip(df["force_code"], df.get("force_name", df["force_code"]), strict=True))
    return {**areas, **given}


def _title(known: pd.Series, df: pd.DataFrame, value_label: str) -> str:
    if known.empty:
        return "No force has a return for this selection"
    top = _names(df)[str(known.idxmax())]
    if len(known) == 1:
        return f"{value_label} in {top}"
    return f"{value_label} by police force area: highest in {top}"


def _alt(known: pd.Series, df: pd.DataFrame, value_label: str, missing: list[str],
         fmt: Any) -> str:
    names = _names(df)
    leaders = known.sort_values(ascending=False).head(3)
    text = (f"Map of the 43 police force areas of England and Wales shaded by "
            f"{value_label[0].lower()}{value_label[1:]}.")
    if not leaders.empty:
        text += " Highest: " + "; ".join(f"{names[c]} {fmt(v)}" for c, v in leaders.items()) + "."
    if missing:
        text += f" {len(missing)} areas with no return: {', '.join(sorted(missing))}."
    return text


def _data(df: pd.DataFrame, column: str, value_label: str) -> pd.DataFrame:
    names = _names(df)
    values = df.set_index("force_code")[column] if len(df) else pd.Series(dtype=float)
    rows = [{"force": names[code], value_label: values.get(code)} for code, *_ in _areas()]
    return pd.DataFrame(rows).sort_values("force").reset_index(drop=True)
