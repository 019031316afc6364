"""Briefing packs: one call gathers an operation's figures, lines, charts and method as at a date,
then writes them as a PPTX deck or a PDF, marked on every slide and page, and audited.

Every figure comes from ``metrics.headline`` for the same operation and date, so the pack says
exactly what the dashboard says; the data version is printed so the pack can be made again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import duckdb
import plotly.graph_objects as go

from exports.audit import record_export
from exports.context import ExportContext, context_for
from exports.images import PNG_SCALE, marked_figure, render
from exports.lines import ROUNDING_RULE, Line, as_at_sentence, lines_to_take
from exports.pack_charts import briefing_charts
from metrics.charts.map import ATTRIBUTION
from metrics.charts.style import SOURCE_ONS, SOURCE_RETURNS, ChartSpec
from metrics.coverage import coverage
from metrics.format import fmt_date, fmt_date_range, fmt_value
from metrics.headline import HEADLINE_NOUNS, headline
from metrics.registry import METRICS
from metrics.results import operation_info, status, status_help
from metrics.scope import Filters
from metrics.spend import spend_total

PACK_FORMATS = ("pptx", "pdf")
# A slide is 16:9: tall charts (every force, small multiples) are squeezed to this plot height
# and drawn wider, so their text stays readable when fitted to the slide.
PACK_PLOT_HEIGHT, PACK_IMAGE_WIDTH = 640, 1400
ILLUSTRATIVE = "Illustrative demo data"
AS_AT_RULE = ("As at a date, each return counts through its latest version whose figures are "
              "stated as at that date or earlier; later corrections are not included.")


@dataclass(frozen=True)
class Chart:
    spec: ChartSpec
    png: bytes                       # marked image: title, source, as-at and marking inside


@dataclass
class Briefing:
    """Everything a pack prints, gathered once so the PPTX and PDF say the same."""

    ctx: ExportContext
    operation_name: str
    period: str                      # '13 to 19 October 2025'
    headline: dict[str, Any]
    lines: list[Line]
    table: list[tuple[str, str, str]]            # (figure, value as printed, metric name)
    method: list[tuple[str, str]]                # (heading, paragraph)
    charts: list[Chart] = field(default_factory=list)

    @property
    def as_at_text(self) -> str:
        return self.ctx.as_at_text

    @property
    def footer(self) -> str:
        return (f"{self.operation_name} · figures as at {self.as_at_text} · data version "
                f"{self.ctx.version}")


def headline_table(h: dict[str, Any], spend_gbp: float) -> list[tuple[str, str, str]]:
    """Each headline figure exactly as held (with its qualifier), GOV.UK style."""
    rows = []
    for metric in HEADLINE_NOUNS:
        unit = METRICS[metric].unit
        rows.append((METRICS[metric].label, fmt_value(h.get(metric), unit,
                                                      h.get(f"{metric}_qualifier", "exact")), metric))
    rows.append(("Forces reporting", f"{h['forces_reporting']} of {h['forces_expected']}",
                 "forces_reporting"))
    rows.append(("Spend reported", fmt_value(spend_gbp, "gbp"), "spend_gbp"))
    return rows


def method_notes(con: duckdb.DuckDBPyConnection, filters: Filters, version: int,
                 illustrative: bool) -> list[tuple[str, str]]:
    """Coverage, the as-at rule, provisional status, rounding, and sources with licences."""
    held = coverage(con, filters)
    missing = ", ".join(held.missing_names) if held.missing_names else "none"
    state = status(con, filters)
    notes = [
        ("Coverage", f"{held.reporting} of {held.expected} forces taking part have sent a "
                     f"return. Missing: {missing}."),
        ("As at", f"{AS_AT_RULE} {as_at_sentence(filters.as_at)}"),
        ("Status", ("Final. " if state.final else "Provisional. ") + status_help(state)),
        ("Rounding", ROUNDING_RULE),
        ("Sources", f"{SOURCE_RETURNS.removeprefix('Source: ')} (data version {version}: the latest upload included). "
                    f"Rates per 1,000 offences: {SOURCE_ONS}. Force area boundaries: "
                    f"{ATTRIBUTION}."),
    ]
    if illustrative:
        notes.append(("Illustrative", "These figures come from demonstration returns: they "
                                      "are invented and are not real operational results."))
    return notes


def _pack_png(spec: ChartSpec, ctx: ExportContext) -> bytes:
    """The marked chart image for a slide or page."""
    figure = go.Figure(spec.figure)
    if (figure.layout.height or 0) > PACK_PLOT_HEIGHT:
        figure.update_layout(height=PACK_PLOT_HEIGHT)
        figure.update_yaxes(tickfont={"size": 11})
    fitted = replace(spec, figure=figure)
    return render(marked_figure(fitted, ctx, width=PACK_IMAGE_WIDTH), "png", scale=PNG_SCALE)


def gather(con: duckdb.DuckDBPyConnection, operation: str, as_at: date, who: str, *,
           images: bool = True) -> Briefing:
    """Read every figure, line and chart of the pack (raises UnknownOperation for a bad code)."""
    h = headline(con, operation, as_at)
    filters = Filters(operation=operation, as_at=as_at)
    ctx = context_for(con, filters, who)
    info = operation_info(con, operation) or {}
    start, end = info.get("start_date"), info.get("end_date")
    period = fmt_date_range(start, end) if isinstance(start, date) and isinstance(end, date) else ""
    spend = spend_total(con, filters)
    specs, problems = briefing_charts(con, filters)
    charts = [Chart(spec, _pack_png(spec, ctx) if images else b"") for spec in specs]
    method = method_notes(con, filters, ctx.version, ctx.illustrative)
    if problems:
        method.append(("Charts left out", " ".join(problems)))
    return Briefing(ctx=ctx, operation_name=str(h["operation_name"]), period=period, headline=h,
                    lines=lines_to_take(h, start=start, end=end, spend_gbp=spend),
                    table=headline_table(h, spend),
                    method=method,
                    charts=charts)


def pack_bytes(briefing: Briefing, fmt: str) -> bytes:
    if fmt == "pptx":
        from exports.pack_pptx import pptx_bytes
        return pptx_bytes(briefing)
    if fmt == "pdf":
        from exports.pack_pdf import pdf_bytes
        return pdf_bytes(briefing)
    raise ValueError(f"Unknown briefing pack format {fmt!r}: use pptx or pdf.")


def build_briefing(con: duckdb.DuckDBPyConnection, operation: str, as_at: date, fmt: str,
                   who: str) -> tuple[str, bytes]:
    """(file name, bytes) of a marked briefing pack; writes the audit row."""
    if fmt not in PACK_FORMATS:
        raise ValueError(f"Unknown briefing pack format {fmt!r}: use pptx or pdf.")
    briefing = gather(con, operation, as_at, who)
    data = pack_bytes(briefing, fmt)
    name = briefing.ctx.file_name("briefing-pack", fmt)
    record_export(con, briefing.ctx, kind="pack", name="briefing-pack", fmt=fmt, file_name=name,
                  extra={"charts": [c.spec.name for c in briefing.charts]})
    return name, data


def title_lines(b: Briefing) -> list[str]:
    """The title slide's lines under the operation name."""
    found = [b.period, f"Figures as at {fmt_date(b.ctx.as_at)}", b.ctx.marking]
    if b.ctx.illustrative:
        found.append(ILLUSTRATIVE)
    return [line for line in found if line]
