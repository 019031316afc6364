"""Briefing packs (PPTX and PDF) on the demo database: figures, marking, rounding, alt text."""

from __future__ import annotations

import io
import json
import re
import subprocess
from pathlib import Path

import duckdb
import pytest
from conftest import AS_AT, OPERATION, export_rows
from pptx import Presentation
from test_exports_lines import spoken_number

from exports.pack import build_briefing
from metrics.format import fmt_value
from metrics.headline import HEADLINE_NOUNS, headline
from metrics.registry import METRICS

pytestmark = pytest.mark.slow
MARKING = "OFFICIAL-SENSITIVE"
ROUNDED = re.compile(r"(?:more than|over) £?[\d,.]+(?: million| billion)?", re.IGNORECASE)


@pytest.fixture(scope="module")
def packs(demo_con: duckdb.DuckDBPyConnection, tmp_path_factory: pytest.TempPathFactory
          ) -> dict[str, tuple[str, bytes]]:
    return {fmt: build_briefing(demo_con, OPERATION, AS_AT, fmt, "tester") for fmt in ("pptx", "pdf")}


@pytest.fixture(scope="module")
def truth(demo_con: duckdb.DuckDBPyConnection) -> dict:
    return headline(demo_con, OPERATION, AS_AT)


@pytest.fixture(scope="module")
def deck(packs: dict[str, tuple[str, bytes]]) -> Presentation:
    return Presentation(io.BytesIO(packs["pptx"][1]))


@pytest.fixture(scope="module")
def pdf_pages(packs: dict[str, tuple[str, bytes]], tmp_path_factory: pytest.TempPathFactory
              ) -> list[str]:
    path = tmp_path_factory.mktemp("pdf") / "pack.pdf"
    path.write_bytes(packs["pdf"][1])
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return [page for page in text.split("\f") if page.strip()]


def slide_texts(slide) -> list[str]:  # type: ignore[no-untyped-def]
    found = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            found.append(shape.text_frame.text)
        if shape.has_table:
            found += [c.text for row in shape.table.rows for c in row.cells]
    return found


def expected_values(truth: dict) -> dict[str, str]:
    return {METRICS[m].label: fmt_value(truth[m], METRICS[m].unit, truth[f"{m}_qualifier"])
            for m in HEADLINE_NOUNS}


def test_every_slide_marked_once_at_the_top(deck: Presentation) -> None:
    """Each slide carries the marking exactly once, in a box at the top of the slide, and no
    picture repeats it (chart pictures no longer draw their own)."""
    assert len(deck.slides) >= 9
    for slide in deck.slides:
        assert sum(t.count(MARKING) for t in slide_texts(slide)) == 1
        mark = next(s for s in slide.shapes if s.has_text_frame and s.text_frame.text == MARKING)
        assert mark.top < deck.slide_height * 0.08


def test_slides_are_16_by_9(deck: Presentation) -> None:
    """The deck is widescreen."""
    assert round(deck.slide_width / deck.slide_height, 2) == round(16 / 9, 2)


def test_title_slide(deck: Presentation) -> None:
    """Operation, dates, as-at date, marking and the demo label are on the title slide."""
    text = "\n".join(slide_texts(deck.slides[0]))
    for part in ("Operation Alliances 2025", "13 to 19 October 2025", "as at 2 March 2026",
                 MARKING, "Illustrative demo data"):
        assert part in text


def test_headline_table_equals_headline(deck: Presentation, truth: dict) -> None:
    """The table's figures are exactly metrics.headline's, in GOV.UK style."""
    table = next(s.table for slide in deck.slides for s in slide.shapes if s.has_table)
    rows = {r.cells[0].text: r.cells[1].text for r in table.rows}
    for label, value in expected_values(truth).items():
        assert rows[label] == value
    assert rows["Forces reporting"] == f"{truth['forces_reporting']} of {truth['forces_expected']}"


def test_pictures_have_alt_text(deck: Presentation) -> None:
    """Every chart picture has a description (cNvPr descr) naming its message."""
    pictures = [s for slide in deck.slides for s in slide.shapes if s.shape_type == 13]
    assert len(pictures) >= 5
    for picture in pictures:
        assert len(picture._element.nvPicPr.cNvPr.get("descr", "")) > 20


def held(truth: dict, metric: str) -> str:
    """The figure as the returns hold it, written independently: 'at least 368', '£3,342,750'."""
    value = truth[metric]
    amount = f"£{value:,.0f}" if metric.endswith("_gbp") else f"{value:,.0f}"
    return ("at least " if truth[f"{metric}_qualifier"] == "at_least" else "") + amount


def test_lines_traced_in_notes_in_words(deck: Presentation, truth: dict) -> None:
    """The lines slide's notes give each line's measure and the figure held, in words."""
    notes = "\n".join(s.notes_slide.notes_text_frame.text for s in deck.slides
                      if s.has_notes_slide)
    assert f"Arrests: {held(truth, 'arrests')} in the returns as at 2 March 2026" in notes
    assert (f"Value of stolen vehicles recovered: {held(truth, 'value_recovered_gbp')} in the "
            "returns") in notes
    assert " = " not in notes and "arrests (" not in notes


def _rounded_claims(text: str, truth: dict) -> list[tuple[float, float]]:
    """(number said, true value) for every 'more than' / 'over' in the lines to take."""
    claims = []
    for line in text.splitlines():
        for metric, (_, plural) in HEADLINE_NOUNS.items():
            noun = "of stolen vehicles recovered" if metric.endswith("_gbp") else plural
            match = ROUNDED.match(line.strip())
            if match and line.strip().endswith(f"{noun}.") and not (
                    metric == "vehicles_recovered" and "£" in line):
                claims.append((spoken_number(match.group(0)), float(truth[metric])))
    return claims


def test_pptx_never_overstates(deck: Presentation, truth: dict) -> None:
    """Every 'more than N' / 'over £X' line has N at most the true figure."""
    lines = next("\n".join(slide_texts(s)) for s in deck.slides
                 if "Lines to take" in slide_texts(s))
    claims = _rounded_claims(lines, truth)
    assert len(claims) >= 2          # arrests and value: exact counts are no longer rounded
    assert all(said <= true for said, true in claims)


def test_pdf_every_page_marked_once(pdf_pages: list[str]) -> None:
    """pdftotext finds the marking exactly once on every page, on its first line."""
    assert len(pdf_pages) >= 9
    for page in pdf_pages:
        assert page.count(MARKING) == 1
        assert page.strip().splitlines()[0].strip() == MARKING


def test_pdf_body_has_no_code_lines(pdf_pages: list[str]) -> None:
    """No page prints code such as 'arrests = 368 (at least)' or a metric's code name."""
    for page in pdf_pages:
        assert not re.search(r"\b[a-z_]+ = [\d,.]+", page)
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", page)
    lines = next(p for p in pdf_pages if "Lines to take" in p)
    assert "data version" not in lines.split("Operation Alliances 2025 ·")[0]


def test_provenance_page_lists_each_line(pdf_pages: list[str], truth: dict) -> None:
    """The last page gives each line to take with its measure and the figure held, and the
    data version once."""
    page = pdf_pages[-1]
    flat = " ".join(page.split())
    assert "Where the lines to take come from" in page
    assert re.search(rf"More than 365 arrests\.\s+Arrests\s+{held(truth, 'arrests')}", page)
    assert re.search(r"Value of stolen vehicles recovered\s+"
                     + re.escape(held(truth, "value_recovered_gbp")), page)
    assert f"(data version {truth['data_version']}: the latest upload included)" in flat


def test_pdf_figures_equal_headline(pdf_pages: list[str], truth: dict) -> None:
    """The PDF's headline table shows the same figures as metrics.headline."""
    table = next(p for p in pdf_pages if "Headline figures as at 2 March 2026" in p)
    for label, value in expected_values(truth).items():
        assert re.search(rf"{re.escape(label)}\s+{re.escape(value)}\s*$", table, re.MULTILINE)


def test_pdf_never_overstates(pdf_pages: list[str], truth: dict) -> None:
    """The PDF's lines to take say 'More than 365 arrests' and never more than the truth."""
    lines = next(p for p in pdf_pages if "Lines to take" in p)
    assert "More than 365 arrests." in lines
    claims = _rounded_claims(lines, truth)
    assert len(claims) >= 2 and all(said <= true for said, true in claims)


def test_method_page_names_sources_and_licences(pdf_pages: list[str]) -> None:
    """The method page states coverage, the as-at rule, rounding and the licences."""
    method = " ".join(next(p for p in pdf_pages if "Method and sources" in p).split())
    for part in ("Coverage:", "As at:", "Rounding:", "Open Government Licence v3.0",
                 "Contains OS data", "Illustrative"):
        assert part in method


def test_pack_names_and_audit(packs: dict[str, tuple[str, bytes]],
                              demo_con: duckdb.DuckDBPyConnection) -> None:
    """Each pack is named with the version and writes an audit row naming its charts."""
    version = headline(demo_con, OPERATION, AS_AT)["data_version"]
    for fmt, (name, _) in packs.items():
        assert name == f"OA2025_briefing-pack_as-at-2026-03-02_v{version}.{fmt}"
    rows = [json.loads(r[1]) for r in export_rows(demo_con)]
    packs_logged = [r for r in rows if r["what"] == "pack"]
    assert {r["format"] for r in packs_logged} >= {"pptx", "pdf"}
    assert "by-force" in packs_logged[-1]["charts"]


def test_cli_writes_pack(demo_db: Path, tmp_path: Path) -> None:
    """python -m exports briefing writes the file and says where."""
    from exports.__main__ import main
    out = tmp_path / "pack.pdf"
    assert main(["briefing", "--operation", OPERATION, "--as-at", "2026-03-02", "--format",
                 "pdf", "--out", str(out), "--db", str(demo_db)]) == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_cli_unknown_operation(demo_db: Path, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown code exits 2 listing the known codes, and writes nothing."""
    from exports.__main__ import main
    out = tmp_path / "pack.pptx"
    assert main(["briefing", "--operation", "XX", "--format", "pptx", "--out", str(out),
                 "--db", str(demo_db)]) == 2
    assert "Known operation codes: OA2024, OA2025" in capsys.readouterr().err
    assert not out.exists()
