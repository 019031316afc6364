"""The briefing pack as a 16:9 PDF, drawn with reportlab from the same page plan as the deck
(``pack_pages``): the same lines at the same places, the marking once at the top of each page."""

from __future__ import annotations

import io

from reportlab.lib.colors import HexColor
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from exports.pack import Briefing
from exports.pack_layout import HEIGHT, WIDTH, Box, line_height, wrap
from exports.pack_pages import BLUE, CELL_PAD_X, CELL_PAD_Y, GREY, Grid, Picture, Text, pages

ASCENT = 0.905                          # Arial's ascent: the first baseline below a box's top


def _y(top: float) -> float:
    """Inches from the top of the page to reportlab's points from the bottom."""
    return (HEIGHT - top) * inch


def _lines(canvas: Canvas, box: Box, paragraphs: tuple[str, ...], size: float, *,
           bold: bool = False, colour: str = "#0B0C0C", align: str = "left",
           space_after: float = 0) -> None:
    font = "Helvetica-Bold" if bold else "Helvetica"
    canvas.setFont(font, size)
    canvas.setFillColor(HexColor(colour))
    top = box.top
    for text in paragraphs:
        for line in wrap(text, size, box.width, bold):
            baseline = _y(top) - ASCENT * size
            if align == "centre":
                canvas.drawCentredString((box.left + box.width / 2) * inch, baseline, line)
            elif align == "right":
                canvas.drawRightString((box.left + box.width) * inch, baseline, line)
            else:
                canvas.drawString(box.left * inch, baseline, line)
            top += line_height(size)
        top += space_after / 72


def _text(canvas: Canvas, item: Text) -> None:
    _lines(canvas, item.box, item.paragraphs, item.size, bold=item.bold, colour=item.colour,
           align=item.align, space_after=item.space_after)


def _grid(canvas: Canvas, item: Grid) -> None:
    top = item.box.top
    canvas.setStrokeColor(HexColor(GREY))
    canvas.setLineWidth(0.5)
    for r, (row, height) in enumerate(zip(item.rows, item.heights, strict=True)):
        if r == 0:
            canvas.setFillColor(HexColor(BLUE))
            canvas.rect(item.box.left * inch, _y(top + height), item.box.width * inch,
                        height * inch, stroke=0, fill=1)
        left = item.box.left
        for text, width in zip(row, item.widths, strict=True):
            cell = Box(left + CELL_PAD_X, top + CELL_PAD_Y, width - 2 * CELL_PAD_X,
                       height - 2 * CELL_PAD_Y)
            _lines(canvas, cell, (text,), item.size, bold=r == 0,
                   colour="#FFFFFF" if r == 0 else "#0B0C0C")
            left += width
        top += height
        canvas.line(item.box.left * inch, _y(top), (item.box.left + item.box.width) * inch,
                    _y(top))


def _picture(canvas: Canvas, item: Picture) -> None:
    box = item.box
    canvas.drawImage(ImageReader(io.BytesIO(item.png)), box.left * inch, _y(box.bottom),
                     box.width * inch, box.height * inch)


def pdf_bytes(b: Briefing) -> bytes:
    """Title, lines to take, headline figures, one page per chart, method and sources, and
    where the lines to take come from."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(WIDTH * inch, HEIGHT * inch), pageCompression=1)
    canvas.setTitle(f"{b.operation_name}: briefing as at {b.as_at_text}")
    canvas.setSubject(b.ctx.marking)
    canvas.setKeywords(b.ctx.marking)
    canvas.setAuthor("NVCRP")
    for page in pages(b):
        for item in page.elements:
            if isinstance(item, Text):
                _text(canvas, item)
            elif isinstance(item, Grid):
                _grid(canvas, item)
            else:
                _picture(canvas, item)
        canvas.showPage()
    canvas.save()
    return out.getvalue()
