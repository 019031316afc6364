"""The briefing pack as a 16:9 PDF: the same pages as the deck, marked in the header and footer
of every page, drawn with reportlab from the marked PNG charts."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    Image,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from exports.pack import Briefing, title_lines

PAGE = (13.333 * inch, 7.5 * inch)
MARGIN = 0.5 * inch
BLUE, GREY = colors.HexColor("#12436D"), colors.HexColor("#505A5F")
BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=16, leading=22, spaceAfter=8)
SMALL = ParagraphStyle("small", fontName="Helvetica", fontSize=9, leading=11, textColor=GREY)
METHOD = ParagraphStyle("method", fontName="Helvetica", fontSize=11, leading=14, spaceAfter=6)
HEADING = ParagraphStyle("heading", fontName="Helvetica-Bold", fontSize=24, leading=30,
                         textColor=BLUE, spaceAfter=14)
COVER = ParagraphStyle("cover", fontName="Helvetica-Bold", fontSize=36, leading=44,
                       textColor=BLUE, spaceBefore=1.2 * inch, spaceAfter=18)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    # Paragraph reads a small markup language: names from the store are escaped first.
    return Paragraph(escape(text), style)


def _decorate(b: Briefing) -> Any:
    def draw(canvas: Any, doc: Any) -> None:
        width, height = PAGE
        canvas.saveState()
        canvas.setFont("Helvetica-Bold", 12)
        canvas.drawCentredString(width / 2, height - 0.32 * inch, b.ctx.marking)
        canvas.drawCentredString(width / 2, 0.22 * inch, b.ctx.marking)
        canvas.setFont("Helvetica", 9)
        canvas.setFillColor(GREY)
        canvas.drawString(MARGIN, 0.5 * inch, b.footer)
        canvas.drawRightString(width - MARGIN, 0.5 * inch, str(doc.page))
        canvas.restoreState()
    return draw


def _image(png: bytes, width: float, height: float) -> Image:
    picture = Image(io.BytesIO(png))
    scale = min(width / picture.imageWidth, height / picture.imageHeight)
    picture.drawWidth, picture.drawHeight = picture.imageWidth * scale, picture.imageHeight * scale
    return picture


def _table(b: Briefing) -> Table:
    rows = [["Figure", "Value"], *[[label, value] for label, value, _ in b.table]]
    table = Table(rows, colWidths=[5.5 * inch, 3.5 * inch], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 14),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 14),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, GREY),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    return table


def _story(b: Briefing, frame_w: float, frame_h: float) -> list[Any]:
    story: list[Any] = [_p(b.operation_name, COVER), _p("Briefing pack", BODY),
                        *[_p(line, BODY) for line in title_lines(b)], PageBreak(),
                        _p("Lines to take", HEADING)]
    for line in b.lines:
        story += [_p(f"{line.text}.", BODY), _p(line.note(b.as_at_text, b.ctx.version), SMALL),
                  Spacer(1, 4)]
    story += [PageBreak(), _p(f"Headline figures as at {b.as_at_text}", HEADING), _table(b)]
    for chart in b.charts:
        story += [PageBreak(), _image(chart.png, frame_w, frame_h - 6)]
    story += [PageBreak(), _p("Method and sources", HEADING)]
    story += [_p(f"{heading}: {text}", METHOD) for heading, text in b.method]
    return story


def pdf_bytes(b: Briefing) -> bytes:
    """Title, lines to take (each with its metric), headline table, one page per chart, method."""
    out = io.BytesIO()
    frame_w, frame_h = PAGE[0] - 2 * MARGIN, PAGE[1] - 0.55 * inch - 0.75 * inch
    doc = BaseDocTemplate(out, pagesize=PAGE, title=f"{b.operation_name}: briefing as at "
                          f"{b.as_at_text}", subject=b.ctx.marking, author="NVCRP",
                          leftMargin=MARGIN, rightMargin=MARGIN)
    frame = Frame(MARGIN, 0.75 * inch, frame_w, frame_h, id="body", leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=_decorate(b))])
    doc.build(_story(b, frame_w, frame_h))
    return out.getvalue()
