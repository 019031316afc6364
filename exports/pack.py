"""Briefing packs: one call gathers an operation's figures, lines, charts and method as at a date,
then writes them as a PPTX deck or a PDF, marked on every slide and page, and audited.

Every figure comes from ``metrics.headline`` for the same operation and date, so the pack says
exactly what the dashboard says; the data version is printed so the pack can be made again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go

from exports.audit import record_export
from exports.context import ExportContext, context_for
from exports.headings import QUALIFIER_WORDS
from exports.images import render
from exports.lines import ROUNDING_RULE, Line, as_at_sentence, lines_to_take
from exports.pack_charts import AS_TABLE, briefing_charts, slide_figure
from exports.pack_layout import PNG_SCALE, ChartPage, chart_page
from exports.readable import readable
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
ILLUSTRATIVE = "Illustrative demo data"
AS_AT_RULE = ("Each return counts through its latest version whose figures are stated as at "
              "the chosen date or earlier; later corrections are not included.")


@dataclass(frozen=True)
class Chart:
    """One chart page: the words go on the page as text, the picture is the chart alone (the
    page carries the marking), drawn at the size of its box."""

    spec: ChartSpec
    page: ChartPage                  # where title, subtitle, picture and source go
    figure: go.Figure                # the chart as drawn, sized to page.chart
    png: bytes
    table: pd.DataFrame | None = None   # the figures as a table, for charts in AS_TABLE


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
    def provenance(self) -> list[tuple[str, str, str]]:
        """(line to take, measure, figure held in the returns) for the notes page."""
        return [(f"{line.text}.", measure_name(line.metric), held_text(line))
                for line in self.lines]

    @property
    def provenance_note(self) -> str:
        return (f"Each line to take is worked out from the figure held in the returns as at "
                f"{self.as_at_text} (data version {self.ctx.version}: the latest upload "
                "included). The rounding rule is on the method page.")

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


def measure_name(metric: str) -> str:
    """The registry's label for a metric code, or the code in words."""
    return METRICS[metric].label if metric in METRICS else metric.replace("_", " ").capitalize()


def held_text(line: Line) -> str:
    """The figure behind a line as the returns hold it: 'at least 368', '£3,342,750'."""
    if line.value is None:
        return "not recorded"
    if line.unit == "gbp":
        amount = f"£{line.value:,.2f}".removesuffix(".00")
    else:
        amount = f"{line.value:,.2f}".removesuffix(".00")
    word = QUALIFIER_WORDS.get(line.qualifier, line.qualifier.replace("_", " "))
    return amount if word == "exact" else f"{word} {amount}"


def pack_chart(spec: ChartSpec, ctx: ExportContext, *, image: bool = True) -> Chart:
    """Lay out one chart page and draw its picture to fit (or give its figures as a table)."""
    page = chart_page(spec.title, spec.subtitle, spec.source)
    figure = slide_figure(spec, page.chart)
    if spec.name in AS_TABLE and len(spec.data) and len(spec.data.columns) > 1:
        table = readable(spec.data, ctx, what=spec.subtitle).frame.astype(str)
        return Chart(spec, page, figure, b"", table.replace({"<NA>": "", "nan": ""}))
    return Chart(spec, page, figure, render(figure, "png", scale=PNG_SCALE) if image else b"")


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
    charts = [pack_chart(spec, ctx, image=images) for spec in specs]
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
    # The marking is in every page's header: once per page is enough.
    found = [b.period, f"Figures as at {fmt_date(b.ctx.as_at)}"]
    if b.ctx.illustrative:
        found.append(ILLUSTRATIVE)
    return [line for line in found if line]
