"""Reading workbooks and CSV files into raw cells (SECURITY.md rows 2, 13, 15, 16, 18, 19, 34, 35)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import hostile_files as hf
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from loaders.safety.guards import preflight
from loaders.safety.workbook import CSV_SHEET, read_workbook


def read(data: bytes, name: str = "return.xlsx"):  # type: ignore[no-untyped-def]
    fmt, issues = preflight(data, name, max_bytes=25 * 1024 * 1024)
    assert fmt is not None, issues
    return read_workbook(data, name, fmt)


def test_rows_keep_excel_numbers() -> None:
    """rows[0] is Excel row 1 and columns start at A even when the data starts at C3."""
    sheet = read(hf.xlsx({"C3": "Code", "D4": 7})).sheets["Return"]
    assert sheet.rows[2][2] == "Code" and sheet.rows[3][3] == 7


def test_row16_blank_rows_mid_sheet_do_not_stop_reading() -> None:
    """Rows after a run of blank rows are still read, at their own row numbers."""
    sheet = read(hf.xlsx({"A1": "Code", "A2": "ARRESTS", "A9": "SEIZURES", "B9": 4})).sheets["Return"]
    assert len(sheet.rows) == 9 and sheet.rows[8][:2] == ["SEIZURES", 4]
    assert all(cell == "" for cell in sheet.rows[4])


def test_row34_wrong_dimension_does_not_truncate() -> None:
    """A sheet declaring <dimension ref="A1:B2"> still yields all 60 rows."""
    cells = {"A1": "Code", "B1": "Total"} | {f"A{r}": f"M{r}" for r in range(2, 61)}
    data = hf.rewrite(hf.xlsx(cells), "xl/worksheets/sheet1.xml",
                      lambda x: x.replace(b'<dimension ref="A1:B60"/>', b'<dimension ref="A1:B2"/>'))
    assert b'ref="A1:B2"' in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    rows = read(data).sheets["Return"].rows
    assert len(rows) == 60 and rows[59][0] == "M60"


def test_row19_formula_without_result_is_an_error() -> None:
    """A formula with no saved result becomes a located 'formula-no-result' error."""
    book = read(hf.xlsx({"A1": "Total", "B1": 3, "B2": "=B1*2"}))
    [issue] = book.issues
    assert (issue.code, issue.severity, issue.sheet, issue.row, issue.column) == \
        ("formula-no-result", "error", "Return", 2, "B")
    assert "open the file in Excel and save it so formula results are stored" in issue.message


def test_row18_formula_with_saved_result_is_counted() -> None:
    """A formula whose result was saved is read as its value and counted, with no issue."""
    data = hf.rewrite(hf.xlsx({"A1": "Total", "B1": 3, "B2": "=B1*2"}), "xl/worksheets/sheet1.xml",
                      lambda x: x.replace(b"<f>B1*2</f><v></v>", b"<f>B1*2</f><v>6</v>"))
    book = read(data)
    sheet = book.sheets["Return"]
    assert book.issues == [] and sheet.formula_cells == 1 and sheet.rows[1][1] == 6


def test_formula_with_saved_empty_text_is_a_result() -> None:
    """Excel's saved empty-text result (t="str", empty <v>) counts as a result."""
    data = hf.rewrite(hf.xlsx({"A1": "x", "B1": '=""'}), "xl/worksheets/sheet1.xml",
                      lambda x: x.replace(b'<c r="B1"><f>""</f><v></v>', b'<c r="B1" t="str"><f>""</f><v></v>'))
    book = read(data)
    assert book.issues == [] and book.sheets["Return"].formula_cells == 1


def test_row15_hidden_rows_listed() -> None:
    """Hidden (or filtered) rows are listed by Excel row number."""
    def hide(book: object) -> None:
        book.active.row_dimensions[3].hidden = True  # type: ignore[attr-defined]
    data = hf.xlsx({"A1": "Code", "A2": "a", "A3": "b", "A4": "c"}, setup=hide)
    assert read(data).sheets["Return"].hidden_rows == (3,)


def test_row2_hidden_sheets_marked() -> None:
    """Hidden and very hidden sheets are read but marked, so they are never used silently."""
    def sheets(book: object) -> None:
        book.create_sheet("Old").sheet_state = "hidden"  # type: ignore[attr-defined]
        book.create_sheet("_layout").sheet_state = "veryHidden"  # type: ignore[attr-defined]
    book = read(hf.xlsx(setup=sheets))
    assert {n: s.visibility for n, s in book.sheets.items()} == \
        {"Return": "visible", "Old": "hidden", "_layout": "veryhidden"}
    assert book.visible_sheet_names() == ["Return"]


def test_row13_epoch_1904_detected_and_dates_read() -> None:
    """A 1904-epoch workbook is flagged and its date cells read as the right dates."""
    def mac(book: object) -> None:
        book.epoch = CALENDAR_MAC_1904  # type: ignore[attr-defined]
    book = read(hf.xlsx({"A1": dt.date(2025, 10, 13)}, setup=mac))
    assert book.epoch_1904 is True
    assert book.sheets["Return"].rows[0][0] in (dt.date(2025, 10, 13), dt.datetime(2025, 10, 13))


def test_damaged_workbook_raises_parse_failed() -> None:
    """A zip that passes the guards but is not a readable workbook raises ParseFailed."""
    from loaders.safety.sandbox import ParseFailed
    data = hf.with_member(hf.xlsx(), "xl/workbook.xml", b"<not-a-workbook")
    with pytest.raises(ParseFailed):
        read_workbook(data, "broken.xlsx", "xlsx")


def test_ods_rows_keep_numbers_across_repeated_blank_rows() -> None:
    """An ODS table's repeated blank rows are expanded, so later rows keep their numbers."""
    rows = (f"<table:table-row>{hf.ods_cell(1)}{hf.ods_cell(2)}</table:table-row>"
            '<table:table-row table:number-rows-repeated="3"><table:table-cell/></table:table-row>'
            f"<table:table-row>{hf.ods_cell(5)}</table:table-row>")
    sheet = read(hf.ods(rows), "return.ods").sheets["Return"]
    assert sheet.rows[0] == [1, 2] and sheet.rows[4][0] == 5 and len(sheet.rows) == 5


# --- CSV (row 35) ----------------------------------------------------------------------------

def csv_rows(data: bytes) -> list[list[object]]:
    book = read(data, "figures.csv")
    assert book.issues == [], book.issues
    return book.sheets[CSV_SHEET].rows


def test_row35_csv_is_one_sheet_named_csv() -> None:
    """A CSV becomes one visible sheet named '(csv)'."""
    book = read(b"Code,Total\nARRESTS,12\n", "figures.csv")
    assert list(book.sheets) == [CSV_SHEET] and book.format == "csv"


def test_row35_cp1252_pound_sign() -> None:
    """A Windows-1252 '£' (byte A3) is decoded as '£'."""
    assert csv_rows("Item,Value\nHire,£1,\n".encode("cp1252"))[1][1] == "£1"


def test_row35_utf8_bom_stripped() -> None:
    """A UTF-8 byte-order mark does not become part of the first header."""
    assert csv_rows("\ufeffCode,Total\nA,£5\n".encode())[0][0] == "Code"


def test_row35_semicolon_delimiter() -> None:
    """A semicolon-delimited file is split on semicolons, keeping '1,5' whole."""
    assert csv_rows(b"Code;Total;Note\nA;12;x\nB;1,5;y\n")[2] == ["B", "1,5", "y"]


def test_row35_tab_delimiter() -> None:
    """A tab-delimited file is split on tabs."""
    assert csv_rows(b"Code\tTotal\nA\t12\n")[1] == ["A", "12"]


def test_row35_quoted_newline_kept_in_field() -> None:
    """A newline inside quotes stays in its field and does not start a record."""
    rows = csv_rows(b'Code,Note\nA,"line one\nline two"\nB,x\n')
    assert rows[1] == ["A", "line one\nline two"] and rows[2] == ["B", "x"]


def test_row35_bare_cr_line_ends() -> None:
    """Old Mac line ends (bare CR) separate records."""
    assert csv_rows(b"Code,Total\rA,1\rB,2\r") == [["Code", "Total"], ["A", "1"], ["B", "2"]]


def test_row35_nul_bytes_rejected_naming_line() -> None:
    """NUL bytes are refused, naming the line they are on."""
    book = read_workbook(b"Code,Total\nA,1\nB,\x002\n", "figures.csv", "csv")
    [issue] = book.issues
    assert issue.code == "csv-nul" and "line 3" in issue.message


def test_row35_ragged_rows_rejected_naming_lines() -> None:
    """Rows with more fields than the header are refused, naming their lines."""
    data = b"Code,Total\nA,1\nB,1,200\nC,3\nD,4,500\n"
    [issue] = read(data, "figures.csv").issues
    assert issue.code == "csv-ragged" and "lines 3, 5" in issue.message


def test_row35_ragged_line_counts_quoted_newlines() -> None:
    """Line numbers in a ragged-row message count the physical lines of quoted fields."""
    data = b'Code,Note\nA,"one\ntwo"\nB,x,extra\nC,y\n'
    [issue] = read(data, "figures.csv").issues
    assert "line 4 " in issue.message


def test_row35_title_line_above_header_is_not_ragged() -> None:
    """A one-field title line above the header is padded, not reported."""
    rows = csv_rows(b"Force return\nCode,Total,Note\nA,1,x\n")
    assert rows[0] == ["Force return", "", ""] and rows[2] == ["A", "1", "x"]
