"""The Government Analysis Function look shared by every chart, on screen and in exports.

Every chart carries a title that states the message, a subtitle naming measure, place and
period, a source line and alt text. ``ChartSpec`` holds those words beside the figure so pages
can show them, exports can burn them (and the protective marking) into images, and a "show as
table" view can use the same data.
"""

from __future__ import annotations

from collections.abc import Iterable
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


# Labels that stay whole on a 390 px phone (issue 9: "engthening…", "more tha"). Plotly's
# automargin gives up once margins would leave no plot, and shrinks bar labels to the bar's
# thickness; so long category labels wrap, and value labels get a right margin of their own.
LABEL_PX = 13                 # category labels and bar value labels, in pixels
LABEL_CHARS = 16              # characters a line for wrapped category labels


def label_lines(text: str, width: int = LABEL_CHARS) -> str:
    """A category label broken at spaces onto lines of about ``width`` characters."""
    return "<br>".join(_escape(line) for line in _wrap(text, width))


def text_px(texts: Iterable[str], size: int = LABEL_PX) -> int:
    """A generous width in pixels for the longest of ``texts`` (about 0.6 em a character)."""
    return int(max((len(t) for t in texts), default=0) * 0.6 * size) + 8


def wrap_categories(fig: go.Figure, labels: Iterable[str], *, width: int = LABEL_CHARS,
                    size: int = LABEL_PX) -> None:
    """Show each category of the y axes on wrapped lines; the data keep the label as it is."""
    names = list(dict.fromkeys(str(x) for x in labels))
    fig.update_yaxes(tickmode="array", tickvals=names,
                     ticktext=[label_lines(n, width) for n in names],
                     tickfont={"size": size}, automargin=True)


def values_beside_bars(fig: go.Figure, texts: Iterable[str], longest: float | None) -> None:
    """Horizontal bars: value labels at full size in a right margin wide enough for them.

    The value axis ends at the longest bar (``longest``; None: the caller sets each axis), so a
    label never needs more room than the margin gives it, however narrow the plot.
    """
    fig.update_traces(textfont={"size": LABEL_PX}, constraintext="none", cliponaxis=False,
                      selector={"type": "bar"})
    fig.update_layout(margin={"r": max(20, text_px(texts))})
    if longest is not None:
        fig.update_xaxes(range=[0, (longest or 1) * 1.02])


# Export layout in pixels (with_words). Vertical automargin is switched off so the plot area
# is exactly what is budgeted here and the marking, title and source lines can never collide.
_EDGE, _MARK_H, _TITLE_H, _SUB_H, _LEGEND_H, _AXIS_H, _SOURCE_H = 10, 20, 34, 21, 46, 64, 17


def _wrap(text: str, width: int) -> list[str]:
    """Split ``text`` into lines of at most about ``width`` characters, at spaces."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _escape(text: str) -> str:
    # Plotly treats '<' as markup: titles may hold force or operation names from the store.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _horizontal_legend(fig: go.Figure) -> bool:
    return bool(fig.layout.showlegend is not False and fig.layout.legend.orientation == "h")


def _labels_above(fig: go.Figure) -> int:
    """Pixels to keep free above the plot for labels drawn over it (e.g. subplot titles)."""
    above = any(a.yref == "paper" and (a.y or 0) >= 0.999 and a.yanchor == "bottom"
                for a in fig.layout.annotations)
    return 24 if above else 0


def with_words(spec: ChartSpec, *, marking: str | None = None, as_at: str | None = None,
               width: int = 1200) -> go.Figure:
    """A copy of the figure with title, subtitle, source and marking drawn inside it (exports).

    The marking is printed centred at the very top and the very bottom; the title and subtitle
    sit under the top marking, the source line above the bottom one. The height grows with
    the figure's own plot height and the number of wrapped lines.
    """
    fig = go.Figure(spec.figure)
    chars = max(40, width // 9)
    subtitle = _wrap(spec.subtitle, chars)
    source_text = spec.source + (f"; figures as at {as_at}" if as_at else "")
    # The source starts where the plot starts, after any long axis labels: keep it narrow.
    source = _wrap(source_text, min(95, int(chars * 1.15)))
    mark_h = _MARK_H + _EDGE if marking else 0
    legend_h = _LEGEND_H if _horizontal_legend(fig) else 0
    words_h = _EDGE + mark_h + _TITLE_H + _SUB_H * len(subtitle)
    top = words_h + legend_h + _labels_above(fig) + 12
    bottom = _AXIS_H + _SOURCE_H * len(source) + mark_h + _EDGE
    plot_h = max(360, int(fig.layout.height or 420) - 20)
    height = top + plot_h + bottom
    sub_html = "<br>".join(_escape(line) for line in subtitle)
    fig.update_layout(
        title={"text": f"<b>{_escape(spec.title)}</b>", "font": {"size": 24, "color": "#0b0c0c"},
               "subtitle": {"text": sub_html, "font": {"size": 15, "color": "#3D3D3D"}},
               "xref": "container", "x": 0.015, "xanchor": "left",
               "yref": "container", "y": 1 - (_EDGE + mark_h) / height, "yanchor": "top",
               "pad": {"t": 0, "b": 0, "l": 0, "r": 0}},
        margin={"l": max(20, fig.layout.margin.l or 0), "r": max(20, fig.layout.margin.r or 0),
                "t": top, "b": bottom, "autoexpand": True},
        width=width, height=height,
    )
    fig.update_xaxes(automargin="left+right")
    fig.update_yaxes(automargin="left+right")
    if legend_h:
        fig.update_layout(legend={"yref": "container", "y": 1 - (words_h + 4) / height,
                                  "yanchor": "top", "xref": "container", "x": 0.015})
    fig.add_annotation(text="<br>".join(_escape(line) for line in source), xref="paper",
                       yref="paper", x=0, y=0, xanchor="left", yanchor="top", align="left",
                       showarrow=False, yshift=-_AXIS_H,
                       font={"size": 12, "color": "#3D3D3D"})
    if marking:
        for y, anchor, shift in ((1, "top", top - _EDGE), (0, "bottom", -(bottom - _EDGE))):
            fig.add_annotation(text=f"<b>{_escape(marking)}</b>", xref="paper", yref="paper",
                               x=0.5, y=y, xanchor="center", yanchor=anchor, showarrow=False,
                               yshift=shift, font={"size": 14, "color": "#0b0c0c"})
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
