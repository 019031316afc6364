"""Where things go on a briefing pack page, shared by the PowerPoint deck and the PDF.

Both formats are 16:9 (13.333 by 7.5 inches). Every page has the protective marking once,
centred at the top, and a footer line with the page number; a chart page has its title, subtitle
and source as text and the chart as a picture sized to the space left, so the chart's own text
comes out at a readable size on the page (``PT_PER_PX``). Text is measured with the Helvetica
metrics reportlab ships (Arial and Liberation Sans have the same widths), so a box is made big
enough for its wrapped lines before anything is drawn: text is never cut or left to overflow.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth

WIDTH, HEIGHT = 13.333, 7.5                   # inches
MARGIN = 0.5
BAND = WIDTH - 2 * MARGIN
LEADING = 1.2                                 # line height as a multiple of the font size
MARK_TOP, MARK_SIZE = 0.12, 12
TOP = 0.55                                    # where a page's title starts
FOOTER_TOP, FOOTER_SIZE = HEIGHT - 0.42, 9
BOTTOM = FOOTER_TOP - 0.1                     # nothing but the footer below this
HEADING_SIZE, TITLE_SIZE, SUBTITLE_SIZE, SOURCE_SIZE = 26, 22, 14, 10
GAP = 0.12
# A chart is drawn so that one of its pixels is 0.9 pt on the page: a 14 px label prints at
# 12.6 pt, the smallest size a slide's reader should be asked to read (pack_charts.MIN_FONT_PX).
PT_PER_PX = 0.9
PX_PER_INCH = 72 / PT_PER_PX
PNG_SCALE = 2.5                               # 200 pixels per inch: sharp when projected or printed
# Arial and Liberation Sans round widths slightly differently from the Helvetica table: a
# line is only allowed to fill this share of its box.
FILL = 0.97


@dataclass(frozen=True)
class Box:
    """A rectangle on the page in inches, measured from the top left corner."""

    left: float
    top: float
    width: float
    height: float

    @property
    def bottom(self) -> float:
        return self.top + self.height


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in inches of one line of text in Arial (Helvetica metrics)."""
    return stringWidth(text, "Helvetica-Bold" if bold else "Helvetica", size) / 72


def wrap(text: str, size: float, width: float, bold: bool = False) -> list[str]:
    """The lines ``text`` takes in a box ``width`` inches wide, broken at spaces."""
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(trial, size, bold) <= width * FILL:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines or [""]


def line_height(size: float) -> float:
    """Inches from one baseline to the next."""
    return size * LEADING / 72


def text_height(paragraphs: list[str], size: float, width: float, bold: bool = False,
                space_after: float = 0) -> float:
    """Inches the paragraphs take, wrapped to ``width``, with ``space_after`` points between."""
    lines = sum(len(wrap(p, size, width, bold)) for p in paragraphs)
    return lines * line_height(size) + space_after / 72 * max(0, len(paragraphs) - 1)


@dataclass(frozen=True)
class ChartPage:
    """The boxes of a chart page: title, subtitle, the chart picture and the source line."""

    title: Box
    subtitle: Box
    chart: Box
    source: Box


def chart_page(title: str, subtitle: str, source: str) -> ChartPage:
    """Title and subtitle at the top, source above the footer, the chart in between."""
    title_h = text_height([title], TITLE_SIZE, BAND, bold=True)
    sub_h = text_height([subtitle], SUBTITLE_SIZE, BAND)
    source_h = text_height([source], SOURCE_SIZE, BAND)
    title_box = Box(MARGIN, TOP, BAND, title_h)
    sub_box = Box(MARGIN, title_box.bottom + 0.04, BAND, sub_h)
    source_box = Box(MARGIN, BOTTOM - source_h, BAND, source_h)
    chart_top = sub_box.bottom + GAP
    chart = Box(MARGIN, chart_top, BAND, source_box.top - GAP - chart_top)
    return ChartPage(title_box, sub_box, chart, source_box)


def heading_box(text: str) -> Box:
    """The box of a text page's heading."""
    return Box(MARGIN, TOP, BAND, text_height([text], HEADING_SIZE, BAND, bold=True))


def mark_box() -> Box:
    return Box(MARGIN, MARK_TOP, BAND, line_height(MARK_SIZE))


def footer_box() -> Box:
    return Box(MARGIN, FOOTER_TOP, BAND, line_height(FOOTER_SIZE))
