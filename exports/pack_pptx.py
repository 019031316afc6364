"""The briefing pack as a 16:9 PowerPoint deck, drawn from the page plan (``pack_pages``): the
marking once at the top of every slide, every picture with alt text, and the figure behind each
line to take in the speaker notes, in words."""

from __future__ import annotations

import io
from typing import Any

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from exports.pack import Briefing
from exports.pack_layout import HEIGHT, LEADING, WIDTH, Box
from exports.pack_pages import BLACK, BLUE, CELL_PAD_X, CELL_PAD_Y, Grid, Page, Picture, Text, pages

BLANK = 6                              # the default template's blank layout
FONT = "Arial"
ALIGN = {"left": PP_ALIGN.LEFT, "centre": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}


def _emu(inches: float) -> Emu:
    return Emu(int(round(inches * 914400)))


def _colour(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#"))


def _paragraphs(frame: Any, paragraphs: tuple[str, ...], size: float, *, bold: bool = False,
                colour: str = BLACK, align: str = "left", space_after: float = 0) -> None:
    """Fill a text frame; exact line spacing so every renderer wraps and stacks the lines as
    ``pack_layout`` measured them."""
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    for i, text in enumerate(paragraphs):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.alignment = ALIGN[align]
        para.line_spacing = Pt(size * LEADING)
        para.space_before = Pt(0)
        para.space_after = Pt(space_after if i < len(paragraphs) - 1 else 0)
        run = para.add_run()
        run.text = text
        run.font.size, run.font.bold, run.font.name = Pt(size), bold, FONT
        run.font.color.rgb = _colour(colour)


def _box(slide: Slide, box: Box) -> Any:
    shape = slide.shapes.add_textbox(_emu(box.left), _emu(box.top), _emu(box.width),
                                     _emu(box.height))
    frame = shape.text_frame
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
    frame.vertical_anchor = MSO_ANCHOR.TOP
    return shape


def _text(slide: Slide, item: Text) -> None:
    shape = _box(slide, item.box)
    _paragraphs(shape.text_frame, item.paragraphs, item.size, bold=item.bold,
                colour=item.colour, align=item.align, space_after=item.space_after)


def _grid(slide: Slide, item: Grid) -> None:
    box = item.box
    shape = slide.shapes.add_table(len(item.rows), len(item.widths), _emu(box.left),
                                   _emu(box.top), _emu(box.width), _emu(box.height))
    table = shape.table
    table.first_row, table.horz_banding = True, False
    for c, width in enumerate(item.widths):
        table.columns[c].width = _emu(width)
    for r, (row, height) in enumerate(zip(item.rows, item.heights, strict=True)):
        table.rows[r].height = _emu(height)
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.margin_left = cell.margin_right = _emu(CELL_PAD_X)
            cell.margin_top = cell.margin_bottom = _emu(CELL_PAD_Y)
            cell.vertical_anchor = MSO_ANCHOR.TOP
            header = r == 0
            cell.fill.solid()
            cell.fill.fore_color.rgb = _colour(BLUE if header else "#FFFFFF")
            _paragraphs(cell.text_frame, (text,), item.size, bold=header,
                        colour="#FFFFFF" if header else BLACK)


def _picture(slide: Slide, item: Picture) -> None:
    box = item.box
    picture = slide.shapes.add_picture(io.BytesIO(item.png), _emu(box.left), _emu(box.top),
                                       _emu(box.width), _emu(box.height))
    picture.name = item.name
    element: Any = picture._element
    element.nvPicPr.cNvPr.set("descr", item.alt)


def _notes(slide: Slide, lines: list[str]) -> None:
    frame = slide.notes_slide.notes_text_frame
    if frame is not None:               # the default template always has a notes body
        frame.text = "\n".join(lines)


def _slide(deck: Deck, page: Page) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[BLANK])
    for item in page.elements:
        if isinstance(item, Text):
            _text(slide, item)
        elif isinstance(item, Grid):
            _grid(slide, item)
        else:
            _picture(slide, item)
    if page.notes:
        _notes(slide, page.notes)


def pptx_bytes(b: Briefing) -> bytes:
    """The deck: title, lines to take, headline figures, one slide per chart, method and
    sources, and where the lines to take come from."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(WIDTH), Inches(HEIGHT)
    deck.core_properties.title = f"{b.operation_name}: briefing as at {b.as_at_text}"
    deck.core_properties.subject = b.ctx.marking
    deck.core_properties.keywords = b.ctx.marking
    for page in pages(b):
        _slide(deck, page)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
