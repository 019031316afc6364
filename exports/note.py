"""The ministerial note: what it says, gathered from the briefing pack, and its audit row.

A minister's office asks for a short Word note rather than a deck (issue 11). The note says only
what the pack says: the same figures (``metrics.headline``), lines to take (``exports.lines``),
headline table, method and chart specifications, all from ``exports.pack.gather``. It adds what a note needs and a
deck does not: a background on the operation and its funding as published, and a choice of two
charts that fit a portrait page. ``exports.note_docx`` lays it out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from exports.audit import record_export
from exports.images import render
from exports.pack import Briefing, gather
from exports.pack_charts import slide_figure
from exports.pack_layout import PNG_SCALE, PX_PER_INCH, Box
from metrics import funding
from metrics.charts.style import ChartSpec
from metrics.format import fmt_money, fmt_money_short
from metrics.results import operation_info

NOTE_NAME = "ministerial-note"
NOTE_FORMAT = "docx"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# A portrait page takes two charts: where the arrests were made, and how the week compares with
# the last one at the same stage. The pack's other charts stand in, in pack order, for either
# that has nothing to show.
NOTE_CHARTS = ("by-force", "compare")
MOST_CHARTS = 2
# The grants' own source notes are free text that may name an operation the reader may not see
# (need to know): the note says where the amounts come from in words of its own.
FUNDING_SOURCE = ("Grant amounts as recorded in the NVCRP's grants reference data, taken from "
                  "public statements by the NPCC and the Home Office. A grant whose own amount "
                  "is not public is described, not stated; the grants' total is said as "
                  "\"nearly\" the round sum just above it.")
# A chart fills the 160 mm text column of an A4 page; its height follows the chart's own, within
# limits that leave room on the page for its title above and its source below.
CHART_WIDTH = 160 / 25.4             # inches
CHART_HEIGHTS = (3.0, 6.0)           # inches
# Drawn this many times larger than printed: the pack's smallest label (MIN_FONT_PX, 12.6 pt on
# a slide) prints at 9 pt, the size of a note's small print, and long labels keep their room.
SHRINK = 1.4


@dataclass(frozen=True)
class Funding:
    """The funding as published, in sentences."""

    total: str                       # 'The NVCRP holds 2 grants for 2025-26, together nearly …'
    grants: list[str]                # one sentence per NVCRP grant
    apart: list[str]                 # money that is not an NVCRP grant, shown apart


@dataclass(frozen=True)
class Picture:
    """A chart for the note: the chart alone, drawn to fit the page; its title, subtitle and
    source go on the page as text (as in the pack), so none of them can be cut off."""

    spec: ChartSpec
    png: bytes
    box: Box                         # its size on the page, in inches


@dataclass(frozen=True)
class Note:
    briefing: Briefing               # figures, lines, table and method, as in the pack
    charts: list[Picture]            # the note's one or two charts
    operation: str                   # the operation, in one or two sentences
    funding: Funding


def nearly(amount: float) -> str:
    """'nearly £700,000' for £695,000: rounded UP to two significant figures and said
    "nearly", so the words name a sum just above what is held and never claim it was reached
    (the published wording for the two grants). A sum already that round is given as it is."""
    if amount <= 0:
        return fmt_money(amount)
    step = 10 ** max(0, math.floor(math.log10(amount)) - 1)
    up = math.ceil(amount / step) * step
    if up == amount:
        return fmt_money(amount)
    return "nearly " + (fmt_money_short(up) if up >= 1_000_000 else fmt_money(up))


def _grant(row: Any) -> str:
    held = (fmt_money(row.amount) if row.public_total
            else "not published on its own (it is the balance of the published total)")
    return f"{row.name} ({row.funder}, {row.financial_year}): {held}."


def funding_words(grants: pd.DataFrame) -> Funding:
    """The NVCRP's grants and their published total, with other money shown apart.

    Which grants are the NVCRP's is ``metrics.funding``'s rule (the funding page's too): money
    the partnership neither allocates nor tracks, such as the 2024-25 port enforcement funding,
    is not part of the grants' total."""
    ours = funding.nvcrp_grants(grants)
    apart = grants.drop(index=ours.index)
    if ours.empty:
        total = "No NVCRP grants are recorded."
    else:
        years = " and ".join(sorted(set(ours["financial_year"])))
        count = "1 grant" if len(ours) == 1 else f"{len(ours)} grants"
        total = (f"The NVCRP holds {count} for {years}, together "
                 f"{nearly(float(ours['amount'].sum()))}.")
    return Funding(total=total, grants=[_grant(r) for r in ours.itertuples()],
                   apart=[_grant(r) for r in apart.itertuples()])


def operation_words(info: dict[str, Any], b: Briefing) -> str:
    """'Operation Alliances 2025 (OA2025) ran from 13 to 19 October 2025, led by Opal. …'"""
    code, lead = info.get("code"), info.get("lead")
    ran = f" ran from {b.period}" if b.period else ""
    led = f", led by {lead}" if lead else ""
    described = str(info.get("description") or "").strip()
    named = f"{b.operation_name} ({code})" if code else b.operation_name
    return f"{named}{ran}{led}. {described}".strip()


def chosen_charts(specs: list[ChartSpec], wanted: tuple[str, ...] = NOTE_CHARTS,
                  most: int = MOST_CHARTS) -> list[ChartSpec]:
    """The charts the note carries: those ``wanted`` first, then the pack's others in order."""
    named = [s for name in wanted for s in specs if s.name == name]
    return (named + [s for s in specs if s not in named])[:most]


def picture(spec: ChartSpec) -> Picture:
    """Draw one chart at the size it is printed, every label large enough to read."""
    low, high = CHART_HEIGHTS
    height = min(high, max(low, (spec.figure.layout.height or 420) / PX_PER_INCH))
    drawn = slide_figure(spec, Box(0, 0, CHART_WIDTH * SHRINK, height * SHRINK))
    return Picture(spec, render(drawn, "png", scale=PNG_SCALE), Box(0, 0, CHART_WIDTH, height))


def gather_note(con: duckdb.DuckDBPyConnection, operation: str, as_at: date, who: str) -> Note:
    """Read everything the note says (raises UnknownOperation for a bad code)."""
    b = gather(con, operation, as_at, who, images=False)
    charts = [picture(spec) for spec in chosen_charts([c.spec for c in b.charts])]
    return Note(briefing=b, charts=charts, operation=operation_words(operation_info(con, operation) or {}, b),
                funding=funding_words(funding.grants(con, as_at)))


def build_note(con: duckdb.DuckDBPyConnection, operation: str, as_at: date,
               who: str) -> tuple[str, bytes]:
    """(file name, bytes) of the marked Word note; writes the export audit row."""
    from exports.note_docx import docx_bytes

    note = gather_note(con, operation, as_at, who)
    data = docx_bytes(note)
    ctx = note.briefing.ctx
    name = ctx.file_name(NOTE_NAME, NOTE_FORMAT)
    record_export(con, ctx, kind="pack", name=NOTE_NAME, fmt=NOTE_FORMAT, file_name=name,
                  extra={"charts": [c.spec.name for c in note.charts]})
    return name, data
