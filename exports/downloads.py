"""Each download a user can ask for, built and audited in one call (pages and the CLI use these)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from exports.audit import record_export
from exports.context import ExportContext
from exports.images import IMAGE_FORMATS, alt_text, chart_image
from exports.readable import DataFile, readable
from exports.tables import SOURCE_DEFAULT, csv_bytes, xlsx_bytes
from metrics.charts.style import ChartSpec

MIME = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf",
        "csv": "text/csv", "txt": "text/plain",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}
CHART_FORMATS = (*IMAGE_FORMATS, "csv", "txt")
TABLE_FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class ExportFile:
    file_name: str
    data: bytes
    mime: str


def chart_bytes(spec: ChartSpec, ctx: ExportContext, fmt: str, *, marking_line: bool = False) -> bytes:
    """A chart as an image, its plotted data (csv) or its alt text (txt)."""
    if fmt in IMAGE_FORMATS:
        return chart_image(spec, ctx, fmt)
    if fmt == "csv":
        data = readable(spec.data, ctx, what=spec.subtitle)
        return csv_bytes(data.frame, ctx, marking_line=marking_line, title=data.title)
    if fmt == "txt":
        return alt_text(spec, ctx).encode("utf-8")
    raise ValueError(f"Unknown chart export format {fmt!r}: use one of {', '.join(CHART_FORMATS)}.")


def chart_name(spec: ChartSpec, fmt: str) -> str:
    return f"{spec.name}-alt-text" if fmt == "txt" else (f"{spec.name}-data" if fmt == "csv"
                                                         else spec.name)


def export_chart(con: duckdb.DuckDBPyConnection, spec: ChartSpec, ctx: ExportContext, fmt: str,
                 *, marking_line: bool = False) -> ExportFile:
    """Build one chart download and write its audit row."""
    data = chart_bytes(spec, ctx, fmt, marking_line=marking_line)
    name = ctx.file_name(chart_name(spec, fmt), fmt)
    record_export(con, ctx, kind="chart", name=spec.name, fmt=fmt, file_name=name,
                  extra={"title": spec.title, "marking_line": marking_line})
    return ExportFile(name, data, MIME[fmt])


def table_bytes(data: DataFile, ctx: ExportContext, fmt: str, *, source: str = SOURCE_DEFAULT,
                marking_line: bool = False) -> bytes:
    """A readable table as CSV or XLSX."""
    if fmt == "csv":
        return csv_bytes(data.frame, ctx, marking_line=marking_line, title=data.title)
    if fmt == "xlsx":
        return xlsx_bytes(data.frame, ctx, title=data.title, source=source, notes=data.notes,
                          number_formats=[c.excel_format for c in data.columns])
    raise ValueError(f"Unknown table export format {fmt!r}: use csv or xlsx.")


def export_table(con: duckdb.DuckDBPyConnection, df: pd.DataFrame, ctx: ExportContext, name: str,
                 fmt: str, *, title: str | None = None, source: str = SOURCE_DEFAULT,
                 marking_line: bool = False, screen: Mapping[str, Any] | None = None
                 ) -> ExportFile:
    """Build one table download (csv or xlsx) and write its audit row.

    Headings, units, rounding and qualifiers are put into words (``exports.readable``):
    ``screen`` is the page's column settings, so the file uses the labels shown on screen;
    ``title`` the table's words (otherwise from ``name``, the page's name for the table).
    """
    data = readable(df, ctx, what=title or name, screen=screen)
    payload = table_bytes(data, ctx, fmt, source=source, marking_line=marking_line)
    file_name = ctx.file_name(name, fmt)
    record_export(con, ctx, kind="table", name=name, fmt=fmt, file_name=file_name,
                  extra={"rows": len(df), "marking_line": marking_line, "title": data.title})
    return ExportFile(file_name, payload, MIME[fmt])
