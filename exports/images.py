"""Marked chart images (SVG, PNG, PDF) drawn on the server by one long-lived kaleido renderer.

A fresh browser per image costs seconds; one renderer started once per process draws a chart in
a fraction of a second and is thread-safe (STACK.md). The title, subtitle, source line, as-at
date and protective marking are drawn inside every image (``with_words``), so a picture pasted
into a slide or an email keeps them.
"""

from __future__ import annotations

import atexit
import threading

import kaleido
import plotly.graph_objects as go

from exports.context import ExportContext
from metrics.charts.style import ChartSpec, with_words

IMAGE_FORMATS = ("svg", "png", "pdf")
PNG_SCALE = 2                       # 1200 px wide at scale 2: sharp on slides and when printed
WIDTH = 1200

_LOCK = threading.Lock()
_STARTED = False


class RendererUnavailable(RuntimeError):
    """The chart renderer (kaleido with Chromium) could not be started."""


def start_renderer(n: int = 1) -> None:
    """Start the process-wide renderer once; later calls do nothing."""
    global _STARTED
    with _LOCK:
        if _STARTED:
            return
        try:
            kaleido.start_sync_server(n=n, mathjax=False, silence_warnings=True)
        except Exception as exc:  # any failure here means no browser to draw with
            raise RendererUnavailable(
                "Chart images cannot be drawn: the Chromium browser that kaleido uses was not "
                "found or would not start. Install it (apt-get install chromium) or set "
                f"BROWSER_PATH, then try again. ({exc})") from exc
        _STARTED = True
        atexit.register(stop_renderer)


def stop_renderer() -> None:
    global _STARTED
    with _LOCK:
        if _STARTED:
            kaleido.stop_sync_server(silence_warnings=True)
            _STARTED = False


def render(fig: go.Figure, fmt: str, *, scale: float = 1) -> bytes:
    """Draw a figure (already sized) as svg, png or pdf bytes."""
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"Unknown image format {fmt!r}: use one of {', '.join(IMAGE_FORMATS)}.")
    start_renderer()
    opts = {"format": fmt, "width": fig.layout.width, "height": fig.layout.height, "scale": scale}
    return bytes(kaleido.calc_fig_sync(fig, opts=opts))


def marked_figure(spec: ChartSpec, ctx: ExportContext, *, width: int = WIDTH) -> go.Figure:
    """The figure with title, subtitle, source, as-at date and marking drawn inside it."""
    return with_words(spec, marking=ctx.marking, as_at=ctx.as_at_text, width=width)


def chart_image(spec: ChartSpec, ctx: ExportContext, fmt: str, *, width: int = WIDTH) -> bytes:
    """One marked image; PNG at high resolution."""
    return render(marked_figure(spec, ctx, width=width), fmt,
                  scale=PNG_SCALE if fmt == "png" else 1)


def alt_text(spec: ChartSpec, ctx: ExportContext) -> str:
    """The chart's words as plain text, marked, for screen readers and document authors."""
    return "\r\n".join([ctx.marking, spec.title, spec.subtitle, "", spec.alt, "",
                        spec.source, f"Figures as at {ctx.as_at_text}; data version {ctx.version}",
                        ctx.marking, ""])
