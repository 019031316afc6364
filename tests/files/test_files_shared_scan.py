"""The guards read each worksheet's XML once and the reader reuses what they found."""

from __future__ import annotations

import io
import zipfile

import hostile_files as hf
import pytest

from loaders.safety import guards
from loaders.safety.guards import preflight, scan_sheet, sheet_extent
from loaders.safety.workbook import read_workbook

LIMIT = 25 * 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"


def _hidden_and_formula() -> bytes:
    def hide(book: object) -> None:
        book.active.row_dimensions[3].hidden = True  # type: ignore[attr-defined]
    return hf.xlsx({"A1": "Code", "A2": "a", "A3": "b", "B4": "=1+2"}, setup=hide)


def test_preflight_markup_matches_the_readers_own_scan() -> None:
    """Hidden rows and formulas passed on by the guards equal what the reader finds alone."""
    data = _hidden_and_formula()
    markup: dict = {}
    fmt, _ = preflight(data, "r.xlsx", max_bytes=LIMIT, markup=markup)
    shared = read_workbook(data, "r.xlsx", fmt or "", markup).sheets["Return"]
    alone = read_workbook(data, "r.xlsx", fmt or "").sheets["Return"]
    assert markup[SHEET] is not None
    assert (shared.hidden_rows, shared.formula_cells) == (alone.hidden_rows, alone.formula_cells) == ((3,), 0)


def test_unusual_reference_spelling_still_counts_for_the_extent() -> None:
    """A cell written r = 'XFD9' (spaces, single quotes) still extends the sheet to column XFD."""
    data = hf.rewrite(hf.xlsx({"A1": "x"}), SHEET,
                      lambda x: x.replace(b"</sheetData>", b"<row r='9'><c r = 'XFD9'/></row></sheetData>"))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert sheet_extent(zf, SHEET) == (9, 16384)


def test_sheet_without_row_ends_keeps_an_exact_extent(monkeypatch: pytest.MonkeyPatch) -> None:
    """XML with no row end within the cap still yields its extent, but no markup to reuse."""
    monkeypatch.setattr(guards, "CHUNK", 256)  # small reads, so the cap is reached
    cells = b"".join(b'<c r="B%d"/>' % i for i in range(1, 2000))
    data = hf.rewrite(hf.xlsx({"A1": "x"}), SHEET,
                      lambda x: x.replace(b"</sheetData>", b'<row r="5">' + cells + b"</sheetData>"))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        extent, markup, dtd = scan_sheet(zf, SHEET, cap=1000)
    assert extent == (1999, 2) and markup is None and not dtd
