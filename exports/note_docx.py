"""The ministerial note as an A4 Word document in the shape of a briefing note.

The protective marking heads and foots every page of every section. The first page is what a
minister reads: the summary gives the lines to take, a table the headline figures in full with
their qualifiers in words, then the background (the operation and its funding as published).
Two charts follow, each picture with alt text, then the method and sources and the data version.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from docx import Document
from docx.document import Document as Doc
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Inches, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from exports.note import FUNDING_SOURCE, Note
from exports.pack import ILLUSTRATIVE, Briefing, title_lines
from metrics.funding import OTHER_FUNDING

FONT = "Arial"
BLACK, GREY, BLUE = RGBColor(0x0B, 0x0C, 0x0C), RGBColor(0x50, 0x5A, 0x5F), RGBColor(0x12, 0x43, 0x6D)
PAGE_W, PAGE_H, MARGIN = Mm(210), Mm(297), Mm(25)
# How each qualifier reads in the table's third column.
HELD_AS = {
    "exact": "as stated in the returns",
    "at_least": "at least: a return stated a minimum",
    "approximately": "about: a return gave an estimate",
    "estimate": "about: a return gave an estimate",
    "not_recorded": "no figure given",
}


def _styles(doc: Doc) -> None:
    """Arial throughout, British English for spelling and screen readers, GOV.UK blue headings."""
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size, normal.font.color.rgb = FONT, Pt(11), BLACK
    rpr = normal.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-GB")
    for name, size in (("Title", 22), ("Heading 1", 15), ("Heading 2", 12)):
        style = doc.styles[name]
        style.font.name, style.font.size, style.font.color.rgb = FONT, Pt(size), BLUE
        style.paragraph_format.keep_with_next = True
        # The template's theme fonts would win over the name set here: drop them.
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            fonts.attrib.pop(qn(f"w:{theme}"), None)


def _run(paragraph: Paragraph, text: str, *, bold: bool = False, size: float | None = None,
         colour: RGBColor | None = None) -> None:
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if colour is not None:
        run.font.color.rgb = colour


def _small(doc: Doc, text: str) -> Paragraph:
    paragraph = doc.add_paragraph()
    _run(paragraph, text, size=9, colour=GREY)
    return paragraph


def _field(paragraph: Paragraph, code: str, size: float) -> None:
    """A Word field (PAGE, NUMPAGES) that the reader's software fills in, in small grey type:
    each part in a run of its own, as Word writes them, so every reader keeps the size."""
    for kind, text in (("begin", ""), ("", f" {code} "), ("separate", ""), ("", "1"),
                       ("end", "")):
        run = paragraph.add_run()
        run.font.size, run.font.color.rgb = Pt(size), GREY
        if kind:
            part = OxmlElement("w:fldChar")
            part.set(qn("w:fldCharType"), kind)
        else:
            part = OxmlElement("w:t" if text == "1" else "w:instrText")
            part.set(qn("xml:space"), "preserve")
            part.text = text
        run._r.append(part)


def _mark(section: Section, b: Briefing) -> None:
    """Marking at the top and bottom of every page; the footer line and page number above the
    bottom marking; the demo label under the top one."""
    section.different_first_page_header_footer = False
    header = section.header
    header.is_linked_to_previous = False
    top = header.paragraphs[0]
    top.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(top, b.ctx.marking, bold=True, size=12)
    if b.ctx.illustrative:
        demo = header.add_paragraph()
        demo.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(demo, ILLUSTRATIVE, size=9, colour=GREY)
    footer = section.footer
    footer.is_linked_to_previous = False
    line = footer.paragraphs[0]
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(line, f"{b.footer} · page ", size=8, colour=GREY)
    _field(line, "PAGE", 8)
    _run(line, " of ", size=8, colour=GREY)
    _field(line, "NUMPAGES", 8)
    bottom = footer.add_paragraph()
    bottom.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(bottom, b.ctx.marking, bold=True, size=12)


def _page(doc: Doc, b: Briefing) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_W, PAGE_H
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    section.header_distance = section.footer_distance = Mm(10)
    doc.settings.odd_and_even_pages_header_footer = False
    for each in doc.sections:
        _mark(each, b)


def _properties(doc: Doc, b: Briefing) -> None:
    props = doc.core_properties
    props.title = f"{b.operation_name}: ministerial note as at {b.as_at_text}"
    props.subject = props.keywords = props.category = b.ctx.marking
    props.author = props.last_modified_by = "NVCRP"
    props.comments = f"{b.footer}. Marked {b.ctx.marking}."
    props.language = "en-GB"
    # The library's blank template says it was made in 2013: say when this note was.
    props.created = props.modified = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    props.revision = 1
    # ... and carries a picture of a blank page as the file's thumbnail: drop it.
    package = doc.part.package.rels
    for key in [k for k, rel in package.items() if rel.reltype.endswith("/thumbnail")]:
        del package[key]


def _opening(doc: Doc, b: Briefing) -> None:
    kicker = doc.add_paragraph()
    _run(kicker, "Ministerial note", bold=True, colour=GREY)
    doc.add_heading(f"{b.operation_name}: results as at {b.as_at_text}", level=0)
    doc.add_paragraph(" · ".join(title_lines(b)))
    if b.ctx.illustrative:
        what = dict(b.method).get("Illustrative", "")
        _run(doc.add_paragraph(), f"{ILLUSTRATIVE}. {what}", bold=True)


def _summary(doc: Doc, b: Briefing) -> None:
    doc.add_heading("Summary: lines to take", level=1)
    for line in b.lines:
        doc.add_paragraph(f"{line.text}.", style="List Bullet")
    _small(doc, "No line claims more than the returns hold: see Rounding under Method and "
           "sources. The table gives every figure in full.")


def _repeat_header(row: Any) -> None:
    """Mark a table's first row as its header: repeated on each page, read as such aloud."""
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _figures(doc: Doc, b: Briefing) -> None:
    doc.add_heading(f"Headline figures as at {b.as_at_text}", level=1)
    table = doc.add_table(rows=1, cols=3, style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for cell, heading in zip(table.rows[0].cells, ("Figure", "Value", "Held as"), strict=True):
        _run(cell.paragraphs[0], heading, bold=True)
    _repeat_header(table.rows[0])
    for label, value, metric in b.table:
        qualifier = b.headline.get(f"{metric}_qualifier", "exact")
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
        cells[2].text = HELD_AS.get(qualifier, qualifier.replace("_", " "))
    # Word reads the cells' widths, LibreOffice the column grid: set both.
    table.autofit = False
    for column, width in zip(table.columns, (Mm(62), Mm(40), Mm(58)), strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _charts(doc: Doc, note: Note) -> None:
    if not note.charts:
        return
    doc.add_heading("Charts", level=1)
    as_at = note.briefing.as_at_text
    for number, chart in enumerate(note.charts, start=1):
        spec = chart.spec
        doc.add_heading(f"Figure {number}: {spec.title}", level=2)
        _small(doc, spec.subtitle).paragraph_format.keep_with_next = True
        shape = doc.add_picture(io.BytesIO(chart.png), width=Inches(chart.box.width),
                                height=Inches(chart.box.height))
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
        shape._inline.docPr.set("name", f"Figure {number}")
        shape._inline.docPr.set("title", spec.title)
        shape._inline.docPr.set("descr", f"{spec.title}. {spec.alt}")
        _small(doc, f"{spec.source}; figures as at {as_at}.")


def _background(doc: Doc, note: Note) -> None:
    doc.add_heading("Background", level=1)
    doc.add_paragraph(note.operation)
    doc.add_heading("Funding as published", level=2)
    doc.add_paragraph(note.funding.total).paragraph_format.keep_with_next = True
    for text in note.funding.grants:
        doc.add_paragraph(text, style="List Bullet").paragraph_format.keep_with_next = True
    if note.funding.apart:
        doc.add_paragraph(f"Shown apart: {OTHER_FUNDING[:1].lower()}{OTHER_FUNDING[1:]}")
        for text in note.funding.apart:
            doc.add_paragraph(text, style="List Bullet")


def _method(doc: Doc, note: Note) -> None:
    b = note.briefing
    doc.add_heading("Method and sources", level=1)
    for heading, text in [*b.method, ("Funding", FUNDING_SOURCE)]:
        paragraph = doc.add_paragraph()
        _run(paragraph, f"{heading}: ", bold=True)
        _run(paragraph, text)
    closing = doc.add_paragraph()
    _run(closing, f"Figures as at {b.as_at_text}; data version {b.ctx.version}.", bold=True)


def docx_bytes(note: Note) -> bytes:
    """The note: marking, title, lines to take, figures, background, charts, method, version."""
    b = note.briefing
    doc = Document()
    _styles(doc)
    _page(doc, b)
    _properties(doc, b)
    _opening(doc, b)
    _summary(doc, b)
    _figures(doc, b)
    _background(doc, note)
    _charts(doc, note)
    _method(doc, note)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
