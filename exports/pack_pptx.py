"""The briefing pack as a 16:9 PowerPoint deck: every slide marked at top and bottom, every
picture with alt text, every line to take traced to its metric in the speaker notes."""

from __future__ import annotations

import io
from typing import Any

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from exports.pack import Briefing, title_lines

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
BLACK, GREY, BLUE = RGBColor(0x0B, 0x0C, 0x0C), RGBColor(0x50, 0x5A, 0x5F), RGBColor(0x12, 0x43, 0x6D)
BLANK = 6                              # the default template's blank layout


def _text(slide: Slide, left: int, top: int, width: int, height: int, lines: list[str], *,
          size: int = 18, bold: bool = False, colour: RGBColor = BLACK,
          align: PP_ALIGN = PP_ALIGN.LEFT) -> None:
    box = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.alignment = align
        run = para.add_run()
        run.text = line
        run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, colour
        run.font.name = "Arial"


def _slide(deck: Deck, b: Briefing, number: int, title: str | None = None) -> Slide:
    """A blank slide with the marking in its header and footer, and the pack's footer line."""
    slide = deck.slides.add_slide(deck.slide_layouts[BLANK])
    band = WIDTH - 2 * MARGIN
    _text(slide, MARGIN, Inches(0.1), band, Inches(0.35), [b.ctx.marking], size=12, bold=True,
          align=PP_ALIGN.CENTER)
    _text(slide, MARGIN, HEIGHT - Inches(0.45), band, Inches(0.35), [b.ctx.marking], size=12,
          bold=True, align=PP_ALIGN.CENTER)
    _text(slide, MARGIN, HEIGHT - Inches(0.75), Inches(9), Inches(0.3), [b.footer], size=9,
          colour=GREY)
    _text(slide, WIDTH - MARGIN - Inches(1), HEIGHT - Inches(0.75), Inches(1), Inches(0.3),
          [str(number)], size=9, colour=GREY, align=PP_ALIGN.RIGHT)
    if title:
        _text(slide, MARGIN, Inches(0.45), band, Inches(0.8), [title], size=26, bold=True,
              colour=BLUE)
    return slide


def _notes(slide: Slide, lines: list[str]) -> None:
    frame = slide.notes_slide.notes_text_frame
    if frame is not None:               # the default template always has a notes body
        frame.text = "\n".join(lines)


def _title_slide(deck: Deck, b: Briefing) -> None:
    slide = _slide(deck, b, 1)
    _text(slide, MARGIN, Inches(2.0), WIDTH - 2 * MARGIN, Inches(1.2), [b.operation_name],
          size=40, bold=True, colour=BLUE)
    _text(slide, MARGIN, Inches(3.3), WIDTH - 2 * MARGIN, Inches(2.5),
          ["Briefing pack", *title_lines(b)], size=22)


def _lines_slide(deck: Deck, b: Briefing, number: int) -> None:
    slide = _slide(deck, b, number, "Lines to take")
    texts = [f"{line.text}." for line in b.lines]
    _text(slide, MARGIN, Inches(1.4), WIDTH - 2 * MARGIN, Inches(4.4), texts, size=20)
    _text(slide, MARGIN, Inches(5.9), WIDTH - 2 * MARGIN, Inches(0.7),
          ["Rounded down, never up: see the method slide. Each line's metric and exact figure "
           "are in the speaker notes."], size=10, colour=GREY)
    _notes(slide, [f"{line.text}: {line.note(b.as_at_text, b.ctx.version)}" for line in b.lines])


def _table_slide(deck: Deck, b: Briefing, number: int) -> None:
    slide = _slide(deck, b, number, f"Headline figures as at {b.as_at_text}")
    rows, cols = len(b.table) + 1, 2
    shape = slide.shapes.add_table(rows, cols, MARGIN, Inches(1.4), Inches(9),
                                   Emu(Inches(0.4) * rows))
    table = shape.table
    table.columns[0].width, table.columns[1].width = Inches(5.5), Inches(3.5)
    for c, heading in enumerate(("Figure", "Value")):
        table.cell(0, c).text = heading
    for r, (label, value, _) in enumerate(b.table, start=1):
        table.cell(r, 0).text, table.cell(r, 1).text = label, value
    for cell in (table.cell(r, c) for r in range(rows) for c in range(cols)):
        for para in cell.text_frame.paragraphs:
            for run in para.runs:
                run.font.size = Pt(16)
    _notes(slide, [f"{label}: {value} (metric {metric})" for label, value, metric in b.table])


def _chart_slide(deck: Deck, b: Briefing, number: int, chart) -> None:  # type: ignore[no-untyped-def]
    slide = _slide(deck, b, number)
    top, bottom = Inches(0.5), HEIGHT - Inches(0.8)
    picture = slide.shapes.add_picture(io.BytesIO(chart.png), MARGIN, top)
    # Fit inside the band between header and footer, keeping the image's shape.
    scale = min((WIDTH - 2 * MARGIN) / picture.width, (bottom - top) / picture.height)
    picture.width = Emu(int(picture.width * scale))
    picture.height = Emu(int(picture.height * scale))
    picture.left = Emu(int((WIDTH - picture.width) / 2))
    picture.name = chart.spec.title[:60]
    element: Any = picture._element
    element.nvPicPr.cNvPr.set("descr", f"{chart.spec.title}. {chart.spec.alt}")
    _notes(slide, [chart.spec.title, chart.spec.subtitle, chart.spec.alt, chart.spec.source])


def _method_slide(deck: Deck, b: Briefing, number: int) -> None:
    slide = _slide(deck, b, number, "Method and sources")
    texts = [f"{heading}: {text}" for heading, text in b.method]
    _text(slide, MARGIN, Inches(1.3), WIDTH - 2 * MARGIN, Inches(5.2), texts, size=12)


def pptx_bytes(b: Briefing) -> bytes:
    """The deck: title, lines to take, headline table, one slide per chart, method."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    deck.core_properties.title = f"{b.operation_name}: briefing as at {b.as_at_text}"
    deck.core_properties.subject = b.ctx.marking
    deck.core_properties.keywords = b.ctx.marking
    _title_slide(deck, b)
    _lines_slide(deck, b, 2)
    _table_slide(deck, b, 3)
    for i, chart in enumerate(b.charts, start=4):
        _chart_slide(deck, b, i, chart)
    _method_slide(deck, b, 4 + len(b.charts))
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
