"""Briefing packs checked as drawn: the PDF and the deck (through LibreOffice) rendered with
poppler, and the page plan measured, so no text overflows, is cut or sits on another."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import AS_AT, OPERATION
from pdf_geometry import (
    PdfPage,
    Rect,
    has_ink,
    ink_at_edges,
    overlapping_words,
    read_pdf,
    render_pngs,
)
from PIL import Image
from pptx import Presentation
from pptx.util import Emu

from exports.pack import Briefing, gather, pack_bytes
from exports.pack_charts import MIN_FONT_PX, TOP_FORCES, font_sizes
from exports.pack_layout import HEIGHT, WIDTH, text_height, wrap
from exports.pack_pages import Grid, Picture, Text, pages
from metrics.headline import headline

pytestmark = pytest.mark.slow
MARKING = "OFFICIAL-SENSITIVE"
POINTS = 72
MIN_PRINTED_PT = 12          # the smallest chart label, in points, once placed on the page
IMPRESS = Path("/usr/lib/libreoffice/program/libsdlo.so")   # Debian's Impress (reads .pptx)


@pytest.fixture(scope="module")
def briefing(demo_con: duckdb.DuckDBPyConnection) -> Briefing:
    return gather(demo_con, OPERATION, AS_AT, "tester")


@pytest.fixture(scope="module")
def pdf_path(briefing: Briefing, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "pack.pdf"
    path.write_bytes(pack_bytes(briefing, "pdf"))
    return path


@pytest.fixture(scope="module")
def pptx_path(briefing: Briefing, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pptx") / "pack.pptx"
    path.write_bytes(pack_bytes(briefing, "pptx"))
    return path


@pytest.fixture(scope="module")
def deck_as_pdf(pptx_path: Path) -> Path:
    """The deck drawn by LibreOffice Impress, as PowerPoint would show it, saved as PDF."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or not IMPRESS.exists():
        pytest.skip("LibreOffice Impress is not installed: apt-get install -y "
                    "libreoffice-impress-nogui")
    out = pptx_path.parent / "rendered"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{out}/profile",
                    "--convert-to", "pdf", "--outdir", str(out), str(pptx_path)],
                   check=True, capture_output=True, timeout=180)
    return out / "pack.pdf"


def _check_page(page: PdfPage, number: int) -> None:
    """Marking once and at the top; every word on the page, clear of the edge, of other words
    and of every picture."""
    marks = [w for w in page.words if w.text == MARKING]
    assert len(marks) == 1, f"page {number}: marking {len(marks)} times"
    assert marks[0].top < 0.5 * POINTS, f"page {number}: marking not at the top"
    inner = Rect(0.25 * POINTS, 0.05 * POINTS, page.width - 0.25 * POINTS,
                 page.height - 0.05 * POINTS)
    outside = [w.text for w in page.words if not w.inside(inner)]
    assert not outside, f"page {number}: words off the page or at its edge: {outside}"
    assert not overlapping_words(page), f"page {number}: words drawn on top of each other"
    on_pictures = [w.text for w in page.words for image in page.images if w.overlap(image) > 0]
    assert not on_pictures, f"page {number}: words drawn over a picture: {on_pictures}"


def _shape_text(shape) -> str:  # type: ignore[no-untyped-def]
    if shape.has_table:
        return " ".join(c.text for row in shape.table.rows for c in row.cells)
    return str(shape.text_frame.text)


def _core(word: Rect) -> Rect:
    """A word's middle line: poppler's word box is the font's whole height (1.3 times its
    size), taller than the 1.2 line pitch, so a last line pokes out a little by design."""
    middle = (word.top + word.bottom) / 2
    return Rect(word.left, middle - 1, word.right, middle + 1, word.text)


def test_pdf_pages_render_cleanly(pdf_path: Path, tmp_path: Path) -> None:
    """Every PDF page: marking once at the top, no word off the page, on another word or on
    a chart picture."""
    found = read_pdf(pdf_path, tmp_path / "xml")
    assert len(found) >= 10
    for number, page in enumerate(found, start=1):
        assert (round(page.width), round(page.height)) == (960, 540)
        _check_page(page, number)


def test_pdf_pngs_have_nothing_cut_at_the_edges(pdf_path: Path, tmp_path: Path) -> None:
    """pdftoppm draws every page; none has ink within 0.08 inch of its edge."""
    pngs = render_pngs(pdf_path, tmp_path / "png")
    assert len(pngs) >= 10
    for png in pngs:
        assert has_ink(png) and not ink_at_edges(png), png.name


def test_deck_renders_cleanly_in_libreoffice(deck_as_pdf: Path, pptx_path: Path,
                                             tmp_path: Path) -> None:
    """The deck drawn by LibreOffice: one page per slide, each passing the same checks as
    the PDF, and every word inside the text box or table it belongs to (none overflowed)."""
    found = read_pdf(deck_as_pdf, tmp_path / "xml")
    deck = Presentation(str(pptx_path))
    assert len(found) == len(deck.slides)
    for number, (page, slide) in enumerate(zip(found, deck.slides, strict=True), start=1):
        _check_page(page, number)
        boxes = [(Rect(Emu(s.left).pt, Emu(s.top).pt, Emu(s.left + s.width).pt,
                       Emu(s.top + s.height).pt), _shape_text(s)) for s in slide.shapes
                 if s.has_text_frame or s.has_table]
        spilled = [w.text for w in page.words if not any(
            w.text in text and _core(w).inside(box, slack=2) for box, text in boxes)]
        assert not spilled, f"slide {number}: text outside its own box: {spilled}"


def test_deck_pngs_have_nothing_cut_at_the_edges(deck_as_pdf: Path, tmp_path: Path) -> None:
    """Each slide as LibreOffice draws it, as PNG: ink on it, none at the edges."""
    pngs = render_pngs(deck_as_pdf, tmp_path / "png")
    assert len(pngs) >= 10
    for png in pngs:
        assert has_ink(png) and not ink_at_edges(png), png.name


def test_pptx_shapes_and_text_fit(pptx_path: Path) -> None:
    """Without a renderer: every shape lies on its slide, and each text box and table row is
    at least as tall as its text measured with Arial's widths at its font size."""
    deck = Presentation(str(pptx_path))
    width, height = deck.slide_width, deck.slide_height
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, number
            assert shape.left + shape.width <= width and shape.top + shape.height <= height, number
            if shape.has_text_frame:
                frame = shape.text_frame
                runs = [r for p in frame.paragraphs for r in p.runs]
                size = runs[0].font.size.pt
                bold = bool(runs[0].font.bold)
                space = max((p.space_after.pt if p.space_after else 0) for p in frame.paragraphs)
                needed = text_height([p.text for p in frame.paragraphs], size,
                                     Emu(shape.width).inches, bold, space_after=space)
                assert needed <= Emu(shape.height).inches + 0.01, (number, frame.text[:40])
            if shape.has_table:
                _check_table(shape.table, number)


def _check_table(table, number: int) -> None:  # type: ignore[no-untyped-def]
    """Each row is as tall as its tallest cell's wrapped text and margins."""
    widths = [Emu(c.width).inches for c in table.columns]
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            run = cell.text_frame.paragraphs[0].runs[0]
            inner = width - Emu(cell.margin_left + cell.margin_right).inches
            lines = len(wrap(cell.text, run.font.size.pt, inner, bool(run.font.bold)))
            needed = (lines * run.font.size.pt * 1.2 / POINTS
                      + Emu(cell.margin_top + cell.margin_bottom).inches)
            assert needed <= Emu(row.height).inches + 0.01, (number, cell.text)


def test_page_plan_has_no_overlaps(briefing: Briefing) -> None:
    """In the plan both formats draw, no two blocks overlap and all lie on the page."""
    page_box = Rect(0, 0, WIDTH, HEIGHT)
    for number, page in enumerate(pages(briefing), start=1):
        rects = [Rect(e.box.left, e.box.top, e.box.left + e.box.width, e.box.bottom)
                 for e in page.elements]
        assert all(r.inside(page_box) for r in rects), number
        for i, a in enumerate(rects):
            for b in rects[i + 1:]:
                assert a.overlap(b) == 0, (number, a, b)
        texts = [e for e in page.elements if isinstance(e, Text)]
        assert sum(MARKING in " ".join(t.paragraphs) for t in texts) == 1, number
        assert all(isinstance(e, (Text, Grid, Picture)) for e in page.elements)


def test_chart_labels_readable_at_slide_size(briefing: Briefing) -> None:
    """Every chart's smallest label prints at 12 pt or more once the picture is placed."""
    assert len(briefing.charts) >= 5
    for chart in briefing.charts:
        if chart.table is not None:
            continue
        placed_pt = chart.page.chart.width * POINTS
        scale = placed_pt / chart.figure.layout.width
        smallest = min(font_sizes(chart.figure))
        assert smallest >= MIN_FONT_PX
        assert smallest * scale >= MIN_PRINTED_PT, (chart.spec.name, smallest * scale)


def test_by_force_chart_is_top_forces_and_the_rest(briefing: Briefing,
                                                   demo_con: duckdb.DuckDBPyConnection) -> None:
    """The by-force slide shows the leading forces and one bar for the others, and its bars
    add up to the national figure."""
    chart = next(c for c in briefing.charts if c.spec.name == "by-force")
    bar = chart.figure.data[0]
    assert len(bar.y) == TOP_FORCES + 1
    assert bar.y[0].startswith("The other ") and bar.y[0].endswith(" forces together")
    assert sum(bar.x) == headline(demo_con, OPERATION, AS_AT)["arrests"]
    assert list(bar.x[1:]) == sorted(bar.x[1:])


def test_compare_chart_is_a_table_in_the_pack(briefing: Briefing) -> None:
    """The comparison of two operations goes in as a table with the chart's balanced title."""
    chart = next(c for c in briefing.charts if c.spec.name == "compare")
    assert chart.table is not None and list(chart.table.columns)[0] == "Measure"
    page = next(p for p in pages(briefing) if any(
        isinstance(e, Text) and e.paragraphs == (chart.spec.title,) for e in p.elements))
    assert any(isinstance(e, Grid) for e in page.elements)
    assert not any(isinstance(e, Picture) for e in page.elements)


def test_pack_chart_pictures_carry_no_marking(briefing: Briefing) -> None:
    """Chart pictures in a pack are drawn without their own marking or title (the page has
    them), so the marking is printed once per page."""
    for chart in briefing.charts:
        texts = [a.text for a in chart.figure.layout.annotations]
        assert not any(MARKING in (t or "") for t in texts), chart.spec.name
        assert not (chart.figure.layout.title and chart.figure.layout.title.text)


def test_picture_keeps_its_shape(pptx_path: Path, briefing: Briefing) -> None:
    """Each chart picture is placed at the shape it was drawn at, so nothing is squashed."""
    deck = Presentation(str(pptx_path))
    pictures = [s for slide in deck.slides for s in slide.shapes if s.shape_type == 13]
    drawn = [c for c in briefing.charts if c.table is None]
    assert len(pictures) == len(drawn)
    for picture, chart in zip(pictures, drawn, strict=True):
        image = Image.open(io.BytesIO(chart.png))
        assert abs(picture.width / picture.height - image.width / image.height) < 0.01


def test_pack_before_any_return_renders_cleanly(demo_con: duckdb.DuckDBPyConnection,
                                                tmp_path: Path) -> None:
    """As at a date before any return, every chart is empty: the pack still builds, each
    page passes the same checks, and the empty comparison is not turned into a table."""
    early = gather(demo_con, OPERATION, date(2025, 10, 16), "tester")
    assert all(c.table is None for c in early.charts)
    path = tmp_path / "early.pdf"
    path.write_bytes(pack_bytes(early, "pdf"))
    found = read_pdf(path, tmp_path / "xml")
    assert len(found) >= 8
    for number, page in enumerate(found, start=1):
        _check_page(page, number)
