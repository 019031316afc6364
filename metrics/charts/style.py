"""The Government Analysis Function look shared by every chart, on screen and in exports.

Every chart carries a title that states the message, a subtitle naming measure, place and
period, a source line and alt text. ``ChartSpec`` holds those words beside the figure so pages
can show them, exports can burn them (and the protective marking) into images, and a "show as
table" view can use the same data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import afcharts.pio_template  # noqa: F401 — registers the 'afcharts' Plotly template
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

# Analysis Function categorical palette (DOMAIN.md), in the order the guidance gives.
PALETTE = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
SEQUENTIAL = ("#E8EEF4", "#9BB5CF", "#4E7CA8", "#12436D")
FOCUS, CONTEXT = "#12436D", "#BFBFBF"
TEMPLATE = "afcharts"
SOURCE_RETURNS = "Source: force and NaVCIS returns to the NVCRP"
SOURCE_ONS = ("Office for National Statistics, police recorded crime, licensed under the "
              "Open Government Licence v3.0")


@dataclass
class ChartSpec:
    """A figure plus the words that must travel with it."""

    figure: go.Figure
    title: str                        # the message, e.g. "South Yorkshire made the most arrests"
    subtitle: str                     # measure, geography, period, as at
    source: str                       # e.g. SOURCE_RETURNS + "; as at 2 March 2026"
    alt: str                          # one or two sentences for screen readers
    data: pd.DataFrame = field(default_factory=pd.DataFrame)   # what is plotted, for tables/CSV
    name: str = "chart"               # short slug for file names, e.g. "arrests-by-force"


def base_layout(fig: go.Figure, *, height: int = 420, legend: bool = True) -> go.Figure:
    """Apply the shared template; titles stay outside the plot on screen (pages show them)."""
    fig.update_layout(
        template=pio.templates[TEMPLATE],
        height=height,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        showlegend=legend,
        font={"family": "Arial, Helvetica, sans-serif", "size": 15},
        hovermode="closest",
        colorway=list(PALETTE),
    )
    return fig


def with_words(spec: ChartSpec, *, marking: str | None = None, as_at: str | None = None,
               width: int = 1200) -> go.Figure:
    """A copy of the figure with title, subtitle, source and marking drawn inside it (exports)."""
    fig = go.Figure(spec.figure)
    top = 110 if marking else 90
    fig.update_layout(
        title={"text": f"<b>{spec.title}</b><br><span style='font-size:15px'>{spec.subtitle}"
                       "</span>", "x": 0.01, "xanchor": "left", "y": 0.97, "yanchor": "top"},
        margin={"l": 20, "r": 20, "t": top + 20, "b": 90},
        width=width,
    )
    source = spec.source + (f"; figures as at {as_at}" if as_at else "")
    fig.add_annotation(text=source, xref="paper", yref="paper", x=0, y=-0.02, yanchor="top",
                       xanchor="left", showarrow=False, font={"size": 12, "color": "#3D3D3D"},
                       yshift=-40)
    if marking:
        for y, anchor in ((1, "bottom"), (0, "top")):
            fig.add_annotation(text=f"<b>{marking}</b>", xref="paper", yref="paper", x=0.5,
                               y=y, xanchor="center", yanchor=anchor, showarrow=False,
                               font={"size": 13, "color": "#0b0c0c"},
                               yshift=top - 10 if y == 1 else -65)
    return fig


@dataclass(frozen=True)
class Words:
    """What every chart's subtitle and source line say about the selection."""

    operation: str                    # 'Operation Alliances 2025'
    period: str                       # '13 to 19 October 2025'
    as_at: str                        # '2 March 2026'
    geography: str = "England and Wales"
    illustrative: bool = False

    def subtitle(self, measure: str) -> str:
        return f"{measure}, {self.geography}, {self.operation} ({self.period}), as at {self.as_at}"

    def source(self, extra: str | None = None) -> str:
        text = SOURCE_RETURNS + (f"; {extra}" if extra else "")
        return text + ("; illustrative demo data" if self.illustrative else "")
