"""The export menu under a chart or table, and the briefing pack button.

Files are built only when a button is clicked (Streamlit runs the builder on its own thread),
so a page pays nothing for exports it does not use. Each builder takes its own cursor, writes
the audit row, and names the file with operation, as-at date and data version so a browser
never gets stale bytes (SECURITY.md trap 2).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from exports.context import ExportContext
from exports.downloads import MIME, chart_name
from exports.downloads import export_chart as chart_download
from exports.downloads import export_table as table_download
from exports.note import DOCX_MIME, NOTE_FORMAT, NOTE_NAME, build_note
from exports.pack import build_briefing
from metrics.charts.style import ChartSpec
from store.settings import settings
from ui import downloads
from ui.connection import person_cursor

CHART_BUTTONS = (("svg", "Image (SVG)"), ("png", "Image (PNG)"), ("pdf", "Image (PDF)"),
                 ("csv", "Chart data (CSV)"), ("txt", "Description (text)"))


def _who(ctx: Any) -> str:
    """The signed-in person's account name, for the audit row."""
    return str(ctx.user.name)


def export_context(ctx: Any) -> ExportContext:
    """The export view of a page's context (ui.shell.PageContext)."""
    return ExportContext(filters=ctx.filters, version=ctx.version, who=_who(ctx),
                         marking=settings().marking, illustrative=ctx.illustrative,
                         operation_name=ctx.operation_name)


def _cursor_maker(ctx: Any) -> Callable[[], Any]:
    """Each build runs on another thread and needs its own cursor: one that reads only what
    the person who clicked may see, so a pack's charts, alt text and notes cannot reach a
    restricted operation they have not been granted."""
    role, operations, name = ctx.user.role, ctx.user.operations, ctx.user.name
    return lambda: person_cursor(role, operations, name)


def _allowed(ctx: Any, what: str, *, explain: bool = False) -> bool:
    """Only people whose role may export (ui.roles) get buttons, and only for operations they
    may see: others cannot ask, so there is nothing to refuse later. ``explain`` says why
    instead (once per page, not under every chart)."""
    allowed = ctx.user.can("export") and ctx.user.may_see(ctx.filters.operation)
    if not allowed and explain:
        st.caption(f"Downloading this {what} needs the briefing (export) role: ask an "
                   "administrator.")
    return bool(allowed)


def export_chart(spec: ChartSpec, ctx: Any, key: str) -> None:
    """Download buttons for a chart: marked SVG, PNG and PDF, its data and its description."""
    if not _allowed(ctx, "chart"):
        return
    ectx, cursor = export_context(ctx), _cursor_maker(ctx)
    with st.popover("Download this chart", icon=":material/download:"):
        csv_marked = st.checkbox("Put the marking and title in the first line of the CSV",
                                 key=f"{key}-csv-marking")
        for fmt, label in CHART_BUTTONS:
            def build(fmt: str = fmt) -> bytes:
                return chart_download(cursor(), spec, ectx, fmt, marking_line=csv_marked).data
            downloads.button(label, build, file_name=_chart_file(spec, ectx, fmt),
                             mime=MIME[fmt], key=f"{key}-{fmt}", on_click="ignore")


def _chart_file(spec: ChartSpec, ectx: ExportContext, fmt: str) -> str:
    return ectx.file_name(chart_name(spec, fmt), fmt)


def export_table(df: pd.DataFrame, ctx: Any, name: str, key: str,
                 screen: dict[str, Any] | None = None) -> None:
    """Download buttons for a table: CSV and XLSX, text cells made safe for spreadsheets.
    ``screen`` is the table's column settings, so the files use the headings shown on screen."""
    if not _allowed(ctx, "table"):
        return
    ectx, cursor = export_context(ctx), _cursor_maker(ctx)
    with st.popover("Download this table", icon=":material/download:"):
        marked = st.checkbox("Put the marking and title in the first line of the CSV",
                             key=f"{key}-marking")
        for fmt, label in (("csv", "Table (CSV)"), ("xlsx", "Table (Excel)")):
            def build(fmt: str = fmt) -> bytes:
                return table_download(cursor(), df, ectx, name, fmt, marking_line=marked,
                                      screen=screen).data
            downloads.button(label, build, file_name=ectx.file_name(name, fmt),
                             mime=MIME[fmt], key=f"{key}-{fmt}", on_click="ignore")


def briefing_pack(ctx: Any, key: str = "briefing") -> None:
    """'Briefing pack' buttons (PowerPoint and PDF) and the ministerial note (Word) for the
    page's operation and as-at date."""
    if ctx.filters.operation is None:
        st.info("Choose an operation to make a briefing pack.")
        return
    if not _allowed(ctx, "pack", explain=True):
        return
    ectx, cursor = export_context(ctx), _cursor_maker(ctx)
    operation, as_at, who = ctx.filters.operation, ctx.filters.as_at, ectx.who
    with st.popover("Briefing pack", icon=":material/slideshow:"):
        st.caption(f"Marked {ectx.marking}; figures as at {ectx.as_at_text}, data version "
                   f"{ectx.version}. Takes a few seconds.")
        for fmt, label in (("pptx", "Briefing pack (PowerPoint)"), ("pdf", "Briefing pack (PDF)")):
            def build(fmt: str = fmt) -> bytes:
                return build_briefing(cursor(), operation, as_at, fmt, who)[1]
            downloads.button(label, build, file_name=ectx.file_name("briefing-pack", fmt),
                             mime=MIME[fmt], key=f"{key}-{fmt}", on_click="ignore")

        def note() -> bytes:
            return build_note(cursor(), operation, as_at, who)[1]
        downloads.button("Ministerial note (Word)", note,
                         file_name=ectx.file_name(NOTE_NAME, NOTE_FORMAT), mime=DOCX_MIME,
                         key=f"{key}-{NOTE_FORMAT}", on_click="ignore")

