"""The ministerial note (Word) on the demo database: read back with python-docx, and rendered by
LibreOffice to PDF and PNG pages, as a minister's office would open it."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import duckdb
import pytest
from conftest import AS_AT, OPERATION, export_rows
from docx import Document
from docx.document import Document as Doc
from test_exports_lines import spoken_number

from exports.lines import ROUNDING_RULE
from exports.note import build_note, chosen_charts, nearly
from exports.pack import gather
from metrics.headline import HEADLINE_NOUNS
from metrics.registry import METRICS
from store.connection import open_db
from store.operation_access import scoped, visible_operations
from store.settings import settings
from tests.conftest import copy_db

pytestmark = pytest.mark.slow
MARKING = settings().marking
ROOT = Path(__file__).resolve().parents[2]
PT_PER_EMU = 72 / 914400


@pytest.fixture(scope="module")
def note(demo_con: duckdb.DuckDBPyConnection) -> tuple[str, bytes]:
    return build_note(demo_con, OPERATION, AS_AT, "tester")


@pytest.fixture(scope="module")
def doc(note: tuple[str, bytes]) -> Doc:
    return Document(io.BytesIO(note[1]))


@pytest.fixture(scope="module")
def truth(demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """What ``python -m metrics headline --json`` prints for the same operation and date, run
    on a copy of the demo database (the note's own copy is held open by this process)."""
    folder = tmp_path_factory.mktemp("headline")
    db = folder / demo_db_template.name
    shutil.copy(demo_db_template, db)
    out = subprocess.run([sys.executable, "-m", "metrics", "headline", "--operation", OPERATION,
                          "--as-at", AS_AT.isoformat(), "--json", "--db", str(db)],
                         cwd=ROOT, check=True, capture_output=True, text=True, timeout=120)
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def pdf(note: tuple[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The note converted to PDF by LibreOffice, headless, with a profile of its own."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice is not installed: run `make system` (it installs "
                    "libreoffice-writer-nogui) and try again.")
    folder = tmp_path_factory.mktemp("note")
    source = folder / note[0]
    source.write_bytes(note[1])
    subprocess.run([soffice, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=180)
    return source.with_suffix(".pdf")


def _pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return [page for page in text.split("\f") if page.strip()]


def _body_text(doc: Doc) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def _table(doc: Doc) -> dict[str, tuple[str, str]]:
    """The headline table: figure → (value, held as)."""
    rows = doc.tables[0].rows
    assert [c.text for c in rows[0].cells] == ["Figure", "Value", "Held as"]
    return {r.cells[0].text: (r.cells[1].text, r.cells[2].text) for r in rows[1:]}


def _by_hand(value: float, unit: str, qualifier: str) -> str:
    """The value as the table must print it, written out independently of metrics.format."""
    amount = f"£{int(value):,}" if unit == "gbp" else f"{int(value):,}"
    return {"at_least": f"at least {amount}", "approximately": f"about {amount}"}.get(
        qualifier, amount)


def test_marking_in_header_and_footer_of_every_section(doc: Doc) -> None:
    """Each section has its own header and footer, each with a paragraph that is the marking,
    and no first-page or even-page variant that could leave a page unmarked."""
    assert not doc.settings.odd_and_even_pages_header_footer
    for section in doc.sections:
        assert not section.different_first_page_header_footer
        for part in (section.header, section.footer):
            assert not part.is_linked_to_previous
            assert MARKING in [p.text for p in part.paragraphs]


def test_file_name_and_properties(note: tuple[str, bytes], doc: Doc, truth: dict) -> None:
    """The file is named with operation, as-at date and data version; its properties carry
    the marking, not the library's defaults."""
    assert note[0] == f"OA2025_ministerial-note_as-at-2026-03-02_v{truth['data_version']}.docx"
    props = doc.core_properties
    assert props.subject == MARKING and props.keywords == MARKING
    assert "python-docx" not in f"{props.author} {props.comments} {props.last_modified_by}"


def test_figures_equal_metrics_headline(doc: Doc, truth: dict) -> None:
    """The table's figures are those `python -m metrics headline --json` prints, in full, with
    the qualifier in words."""
    table = _table(doc)
    for metric in HEADLINE_NOUNS:
        value, held = table[METRICS[metric].label]
        qualifier = truth[f"{metric}_qualifier"]
        assert value == _by_hand(truth[metric], METRICS[metric].unit, qualifier)
        assert held.startswith("at least") == (qualifier == "at_least")
    assert table["Forces reporting"][0] == (f"{truth['forces_reporting']} of "
                                            f"{truth['forces_expected']}")
    assert table["Arrests"][1] == "at least: a return stated a minimum"


def test_lines_to_take_are_the_packs_and_never_overstate(
        demo_con: duckdb.DuckDBPyConnection, doc: Doc, truth: dict) -> None:
    """The summary is exactly the pack's lines to take, and no number said is above the figure
    the returns hold."""
    lines = gather(demo_con, OPERATION, AS_AT, "tester", images=False).lines
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert bullets[:len(lines)] == [f"{line.text}." for line in lines]
    assert "More than 365 arrests." in bullets
    for line, bullet in zip(lines[1:], bullets[1:], strict=False):
        held = truth.get(line.metric, line.value)
        assert spoken_number(bullet) <= float(held), bullet


def test_every_picture_has_alt_text(doc: Doc) -> None:
    """One or two charts, each in line with the text, each with a description naming its
    message; nothing is drawn floating, where a reader could lose it."""
    pictures = list(doc.inline_shapes)
    assert 1 <= len(pictures) <= 2
    for picture in pictures:
        described = picture._inline.docPr.get("descr", "")
        assert len(described) > 40 and described.startswith(picture._inline.docPr.get("title"))
    assert "wp:anchor" not in doc.element.xml


def test_pictures_fit_inside_the_margins(doc: Doc) -> None:
    """Every picture is no wider and no taller than the page less its margins."""
    section = doc.sections[0]
    width = section.page_width - section.left_margin - section.right_margin
    height = section.page_height - section.top_margin - section.bottom_margin
    for picture in doc.inline_shapes:
        assert picture.width <= width and picture.height <= height


def test_charts_chosen_for_the_note(demo_con: duckdb.DuckDBPyConnection, doc: Doc) -> None:
    """Arrests by force and the comparison with the last operation, as their headings say."""
    specs = [c.spec for c in gather(demo_con, OPERATION, AS_AT, "tester", images=False).charts]
    chosen = chosen_charts(specs)
    assert [s.name for s in chosen] == ["by-force", "compare"]
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    for number, spec in enumerate(chosen, start=1):
        assert f"Figure {number}: {spec.title}" in headings


def test_background_gives_funding_as_published(doc: Doc) -> None:
    """Two NVCRP grants, together nearly £700,000, grant 2's own amount not public, and the
    2024-25 port money shown apart from them."""
    text = _body_text(doc)
    assert "The NVCRP holds 2 grants for 2025-26, together nearly £700,000." in text
    assert "£485,000." in text
    assert "not published on its own" in text
    apart = text.split("Shown apart: funding for related work", 1)[1]
    assert "not part of the NVCRP grants" in apart.splitlines()[0]
    assert "Port enforcement staff and equipment (Home Office, 2024-25): £250,000." in apart
    assert "Operation Alliances 2025 (OA2025) ran from 13 to 19 October 2025, led by Opal." in text


@pytest.mark.parametrize(("amount", "said"), [
    (695_000, "nearly £700,000"), (700_000, "£700,000"), (634_999, "nearly £640,000"),
    (1_234_000, "nearly £1.3 million"), (99_001, "nearly £100,000"), (0, "£0"),
])
def test_nearly_names_a_sum_just_above(amount: float, said: str) -> None:
    """'nearly £X' names a round sum above what is held, so it never claims that sum."""
    assert nearly(amount) == said
    if said.startswith("nearly"):
        assert spoken_number(said) > amount


def test_method_version_and_demo_label(doc: Doc, truth: dict) -> None:
    """Method and sources with the pack's rounding rule; data version and as-at date; the demo
    label in the header and in the body."""
    text = _body_text(doc)
    assert "Method and sources" in text and f"Rounding: {ROUNDING_RULE}" in text
    assert f"Figures as at 2 March 2026; data version {truth['data_version']}." in text
    assert truth["illustrative"]
    assert "Illustrative demo data" in [p.text for p in doc.sections[0].header.paragraphs]
    assert "Illustrative demo data. These figures come from demonstration returns" in text


def test_note_is_audited(note: tuple[str, bytes], demo_con: duckdb.DuckDBPyConnection) -> None:
    """Making the note writes an export audit row naming the file and its charts."""
    rows = [json.loads(r[1]) for r in export_rows(demo_con)]
    logged = [r for r in rows if r["name"] == "ministerial-note"]
    assert logged and logged[-1]["format"] == "docx" and logged[-1]["file_name"] == note[0]
    assert logged[-1]["charts"] == ["by-force", "compare"]


def test_restricted_operation_stays_out_of_another_note(
        demo_db_template: Path, tmp_path: Path) -> None:
    """With OA2025 restricted, a briefing user's note on OA2024 never names it, not even
    through the grants' source notes in the reference data."""
    db = copy_db(demo_db_template, tmp_path)
    con = open_db(db)
    try:
        con.execute("UPDATE operation SET restricted = true WHERE code = 'OA2025'")
        mine = visible_operations(con, "briefing", "b.note")
        assert "OA2025" not in mine
        _, data = build_note(scoped(con, mine, "b.note"), "OA2024", AS_AT, "b.note")
    finally:
        con.close()
    with zipfile.ZipFile(io.BytesIO(data)) as parts:
        text = "\n".join(parts.read(n).decode("utf-8", "replace") for n in parts.namelist()
                         if n.endswith(".xml"))
    assert "Operation Alliances 2024" in text
    assert "Operation Alliances 2025" not in text and "OA2025" not in text


def test_renders_with_every_page_marked(pdf: Path, truth: dict) -> None:
    """LibreOffice renders the note; every page shows the marking at top and bottom, and the
    headline figures and the version appear in the rendered text."""
    pages = _pdf_pages(pdf)
    assert len(pages) >= 2
    for page in pages:
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert lines[0] == MARKING and lines[-1] == MARKING
    text = " ".join(" ".join(pages).split())
    for metric in ("arrests", "value_recovered_gbp"):
        assert _by_hand(truth[metric], METRICS[metric].unit, truth[f"{metric}_qualifier"]) in text
    assert f"data version {truth['data_version']}" in text


def test_nothing_cut_off(pdf: Path, doc: Doc) -> None:
    """pdftotext -bbox puts every word inside the page's side margins and between the header
    and footer edges: no text runs off the page or under a margin."""
    section = doc.sections[0]
    left, right = section.left_margin * PT_PER_EMU, section.right_margin * PT_PER_EMU
    top, bottom = section.header_distance * PT_PER_EMU, section.footer_distance * PT_PER_EMU
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    tree = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", html))
    pages = tree.iter("{http://www.w3.org/1999/xhtml}page")
    words = 0
    for page in pages:
        width, height = float(page.get("width", 0)), float(page.get("height", 0))
        for word in page.iter("{http://www.w3.org/1999/xhtml}word"):
            words += 1
            x0, x1 = float(word.get("xMin", 0)), float(word.get("xMax", 0))
            y0, y1 = float(word.get("yMin", 0)), float(word.get("yMax", 0))
            assert left - 1 <= x0 and x1 <= width - right + 1, (word.text, x0, x1)
            assert top - 1 <= y0 and y1 <= height - bottom + 1, (word.text, y0, y1)
    assert words > 300


def test_pages_render_to_png(pdf: Path) -> None:
    """pdftoppm draws every page as an A4 PNG with something on it."""
    from PIL import Image

    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(pdf.with_suffix(""))],
                   check=True, capture_output=True, timeout=120)
    images = sorted(pdf.parent.glob(f"{pdf.stem}-*.png"))
    assert len(images) == len(_pdf_pages(pdf))
    for path in images:
        with Image.open(path) as image:
            assert round(image.height / image.width, 2) == round(297 / 210, 2)
            assert image.convert("L").getextrema()[0] < 100          # dark ink on the page


def test_cli_writes_note(demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
                         ) -> None:
    """python -m exports briefing --format docx writes a Word file and says so."""
    from exports.__main__ import main

    out = tmp_path / "note.docx"
    assert main(["briefing", "--operation", OPERATION, "--as-at", "2026-03-02", "--format",
                 "docx", "--out", str(out), "--db", str(demo_db)]) == 0
    assert "Ministerial note written to" in capsys.readouterr().out
    assert MARKING in [p.text for p in Document(str(out)).sections[0].header.paragraphs]
