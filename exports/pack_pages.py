"""The pages of a briefing pack, laid out once: every block of text, table and picture with its
box. ``pack_pptx`` and ``pack_pdf`` draw the same plan, so the deck and the PDF match page for
page, and tests check the plan (nothing off the page, nothing overlapping, text fits its box).

Order: title; lines to take; headline figures; one page per chart; method and sources; where
the lines to take come from (the provenance that used to sit as code lines under each line).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from exports.pack import Briefing, Chart, title_lines
from exports.pack_layout import (
    BAND,
    BOTTOM,
    FOOTER_SIZE,
    GAP,
    HEADING_SIZE,
    MARGIN,
    MARK_SIZE,
    SOURCE_SIZE,
    SUBTITLE_SIZE,
    TITLE_SIZE,
    WIDTH,
    Box,
    footer_box,
    heading_box,
    line_height,
    mark_box,
    text_height,
    wrap,
)

BLACK, GREY, BLUE = "#0B0C0C", "#505A5F", "#12436D"
CELL_PAD_X, CELL_PAD_Y = 0.08, 0.05            # inches inside each table cell
LINE_SIZES = (20, 18, 16, 14)                  # lines to take: the largest size that fits
BODY_SPACE = 8                                 # points between paragraphs


@dataclass(frozen=True)
class Text:
    """Paragraphs drawn in a box, wrapped at its width (``pack_layout.wrap``)."""

    box: Box
    paragraphs: tuple[str, ...]
    size: float
    bold: bool = False
    colour: str = BLACK
    align: str = "left"                        # left | centre | right
    space_after: float = 0                     # points between paragraphs


@dataclass(frozen=True)
class Grid:
    """A table: the first row is the header; each row is as tall as its tallest cell."""

    box: Box
    widths: tuple[float, ...]
    rows: tuple[tuple[str, ...], ...]
    heights: tuple[float, ...]
    size: float


@dataclass(frozen=True)
class Picture:
    box: Box
    png: bytes
    name: str
    alt: str


Element = Text | Grid | Picture


@dataclass
class Page:
    elements: list[Element] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _furniture(b: Briefing, number: int) -> list[Element]:
    """The marking once at the top, and the footer line with the page number."""
    foot = footer_box()
    return [Text(mark_box(), (b.ctx.marking,), MARK_SIZE, bold=True, align="centre"),
            Text(Box(foot.left, foot.top, foot.width - 1.2, foot.height), (b.footer,),
                 FOOTER_SIZE, colour=GREY),
            Text(Box(WIDTH - MARGIN - 1.0, foot.top, 1.0, foot.height), (str(number),),
                 FOOTER_SIZE, colour=GREY, align="right")]


def _heading(text: str) -> Text:
    return Text(heading_box(text), (text,), HEADING_SIZE, bold=True, colour=BLUE)


def _block(top: float, paragraphs: Sequence[str], size: float, *, colour: str = BLACK,
           space: float = 0, bold: bool = False) -> Text:
    """Paragraphs across the page from ``top``, in a box exactly as tall as they need."""
    height = text_height(list(paragraphs), size, BAND, bold, space_after=space)
    return Text(Box(MARGIN, top, BAND, height), tuple(paragraphs), size, bold=bold,
                colour=colour, space_after=space)


def _title_page(b: Briefing) -> Page:
    name = _block(2.0, [b.operation_name], 40, bold=True, colour=BLUE)
    return Page([name, _block(name.box.bottom + 0.2, ["Briefing pack", *title_lines(b)], 22,
                              space=6)])


def _lines_pages(b: Briefing) -> list[Page]:
    note = ("No line claims more than the returns hold. The figure behind each line, and the "
            "rounding rule, are on the notes pages at the end.")
    texts = [line.text + "." for line in b.lines]
    note_block = _block(0, [note], 11, colour=GREY)
    bottom = BOTTOM - note_block.box.height - GAP
    top = heading_box("Lines to take").bottom + GAP
    for size in LINE_SIZES:
        if top + text_height(texts, size, BAND, space_after=BODY_SPACE + 2) <= bottom:
            break
    pages = _flow("Lines to take", texts, size, BODY_SPACE + 2, bottom=bottom)
    for page in pages:
        page.elements.append(_block(BOTTOM - note_block.box.height, [note], 11, colour=GREY))
        page.notes = [f"{text} {measure}: {held} in the returns as at {b.as_at_text} (data "
                      f"version {b.ctx.version})." for text, measure, held in b.provenance]
    return pages


def _flow(heading: str, paragraphs: Sequence[str], size: float, space: float,
          bottom: float = BOTTOM) -> list[Page]:
    """Paragraphs over as many pages as they need, the heading repeated '(continued)'."""
    pages: list[Page] = []
    queue = list(paragraphs)
    while queue or not pages:
        title = heading if not pages else f"{heading} (continued)"
        top = heading_box(title).bottom + GAP
        taken: list[str] = []
        while queue and (not taken or top + text_height(taken + queue[:1], size, BAND,
                                                        space_after=space) <= bottom):
            taken.append(queue.pop(0))
        pages.append(Page([_heading(title), _block(top, taken, size, space=space)]))
    return pages


def _row_height(row: Sequence[str], widths: Sequence[float], size: float, bold: bool) -> float:
    lines = max(len(wrap(cell, size, w - 2 * CELL_PAD_X, bold)) for cell, w in
                zip(row, widths, strict=True))
    return lines * line_height(size) + 2 * CELL_PAD_Y


def _grid_pages(heading: str, header: tuple[str, ...], rows: Sequence[tuple[str, ...]],
                widths: tuple[float, ...], size: float, after: Sequence[str] = ()) -> list[Page]:
    """A table over as many pages as it needs, its header row repeated; ``after`` is a note
    under the table on the last page."""
    pages: list[Page] = []
    queue = list(rows)
    note_h = text_height(list(after), 12, BAND) + GAP if after else 0
    while queue or not pages:
        title = heading if not pages else f"{heading} (continued)"
        top = heading_box(title).bottom + GAP
        taken = [header]
        heights = [_row_height(header, widths, size, True)]
        while queue:
            h = _row_height(queue[0], widths, size, False)
            room = BOTTOM - (note_h if len(queue) == 1 else 0)
            if top + sum(heights) + h > room and len(taken) > 1:
                break
            taken.append(queue.pop(0))
            heights.append(h)
        box = Box(MARGIN, top, sum(widths), sum(heights))
        pages.append(Page([_heading(title), Grid(box, widths, tuple(taken), tuple(heights),
                                                 size)]))
    if after:
        pages[-1].elements.append(_block(pages[-1].elements[1].box.bottom + GAP, after, 12,
                                         colour=GREY))
    return pages


def _chart_page(chart: Chart) -> Page:
    spec, page = chart.spec, chart.page
    body: Element = (_chart_table(chart) if chart.table is not None else
                     Picture(page.chart, chart.png, spec.title[:60], f"{spec.title}. {spec.alt}"))
    return Page([
        Text(page.title, (spec.title,), TITLE_SIZE, bold=True, colour=BLUE),
        Text(page.subtitle, (spec.subtitle,), SUBTITLE_SIZE, colour=GREY),
        body,
        Text(page.source, (spec.source,), SOURCE_SIZE, colour=GREY),
    ], notes=[spec.title, spec.subtitle, spec.alt, spec.source])


def _chart_table(chart: Chart) -> Grid:
    """A chart's figures as a table in the chart's place, at the largest size that fits."""
    assert chart.table is not None
    header = tuple(str(c) for c in chart.table.columns)
    rows = [tuple(str(v) for v in r) for r in chart.table.itertuples(index=False, name=None)]
    rest = len(header) - 1
    widths = (5.0, *[min(3.5, (BAND - 5.0) / rest)] * rest) if rest else (BAND,)
    box = chart.page.chart
    for size in (16, 14, 12, 10):
        heights = tuple(_row_height(r, widths, size, i == 0)
                        for i, r in enumerate([header, *rows]))
        if sum(heights) <= box.height:
            break
    return Grid(Box(box.left, box.top, sum(widths), sum(heights)), widths,
                (header, *rows), heights, size)


def pages(b: Briefing) -> list[Page]:
    """Every page of the pack, numbered, each with the marking once and the footer."""
    found = [_title_page(b), *_lines_pages(b)]
    table = [(label, value) for label, value, _ in b.table]
    found += _grid_pages(f"Headline figures as at {b.as_at_text}", ("Figure", "Value"), table,
                         (6.5, 4.0), 16)
    found[-1].notes = [f"{label}: {value}." for label, value in table]
    found += [_chart_page(chart) for chart in b.charts]
    found += _flow("Method and sources", [f"{h}: {t}" for h, t in b.method], 13, BODY_SPACE)
    found += _grid_pages("Where the lines to take come from",
                         ("Line to take", "Measure", "Figure in the returns"),
                         b.provenance, (6.2, 3.4, BAND - 9.6), 13, after=[b.provenance_note])
    for number, page in enumerate(found, start=1):
        page.elements[:0] = _furniture(b, number)
    return found
