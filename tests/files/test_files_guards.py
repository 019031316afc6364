"""Pre-flight checks on uploaded bytes (SECURITY.md rows 26–33 and traps 8, 9, 12)."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import hostile_files as hf

from loaders.safety.guards import MAX_COLUMNS, preflight

LIMIT = 25 * 1024 * 1024


def codes(data: bytes, name: str = "return.xlsx") -> tuple[str | None, list[str]]:
    fmt, issues = preflight(data, name, max_bytes=LIMIT)
    return fmt, [i.code for i in issues]


def test_plain_workbook_passes() -> None:
    """A workbook written by openpyxl is recognised as xlsx with no issues."""
    assert codes(hf.xlsx()) == ("xlsx", [])


def test_row26_empty_file() -> None:
    """A 0-byte upload is refused with 'file is empty'."""
    fmt, issues = preflight(b"", "empty.xlsx", max_bytes=LIMIT)
    assert fmt is None and "file is empty" in issues[0].message


def test_row33_over_size_limit() -> None:
    """A file over the size limit is refused, saying its size and the limit."""
    fmt, issues = preflight(b"a,b\n" * 1000, "big.csv", max_bytes=1000)
    assert fmt is None and issues[0].code == "too-large" and "limit" in issues[0].message


def test_row27_program_renamed_xlsx() -> None:
    """A Windows program named .xlsx is refused by its content."""
    fmt, issues = preflight(b"MZ\x90\x00\x03" + bytes(200), "return.xlsx", max_bytes=LIMIT)
    assert fmt is None and issues[0].code == "not-a-spreadsheet" and "program" in issues[0].message


def test_row27_pdf_and_elf_renamed() -> None:
    """A PDF and a Linux program named .xlsx are refused by content."""
    assert codes(b"%PDF-1.7\n" + bytes(100))[1] == ["not-a-spreadsheet"]
    assert codes(b"\x7fELF\x02\x01\x01" + bytes(100))[1] == ["not-a-spreadsheet"]


def test_row27_binary_noise_is_not_csv() -> None:
    """Unknown binary bytes (full of NULs) are not taken for a CSV."""
    assert codes(bytes(range(256)) * 40, "figures.csv") == (None, ["not-a-spreadsheet"])


def test_text_is_csv_whatever_the_name() -> None:
    """Plain text is read as CSV even when named .xlsx: the content decides."""
    assert codes(b"Code,Total\nARRESTS,12\n", "return.xlsx") == ("csv", [])


def test_row28_encrypted_workbook() -> None:
    """An OLE2 file holding an EncryptedPackage stream is refused: remove the password."""
    data = hf.compound_file(["EncryptionInfo", "EncryptedPackage"])
    fmt, issues = preflight(data, "locked.xlsx", max_bytes=LIMIT)
    assert fmt is None and issues[0].code == "encrypted"
    assert "remove the password and save again" in issues[0].message


def test_row29_legacy_xls() -> None:
    """An Excel 97–2003 file is refused with 'save as .xlsx'."""
    fmt, issues = preflight(hf.compound_file(["Workbook"]), "old.xls", max_bytes=LIMIT)
    assert fmt is None and issues[0].code == "legacy-xls" and "save as .xlsx" in issues[0].message


def test_row30_vba_project() -> None:
    """An xlsx carrying xl/vbaProject.bin is refused as macro-enabled."""
    data = hf.with_member(hf.xlsx(), "xl/vbaProject.bin", b"\x00" * 64)
    assert codes(data) == (None, ["macro-enabled"])


def test_row30_xlsm_content_type() -> None:
    """A workbook whose content types declare it macro-enabled is refused."""
    data = hf.rewrite(hf.xlsx(), "[Content_Types].xml", lambda x: x.replace(
        b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml"))
    assert "macro-enabled" in codes(data, "return.xlsm")[1]


def test_row31_zip_bomb_refused_fast_and_small() -> None:
    """A 150 MB-inflating part is refused from the zip directory, without inflating it."""
    data = hf.zip_bomb()
    tracemalloc.start()
    started = time.perf_counter()
    fmt, issues = preflight(data, "bomb.xlsx", max_bytes=LIMIT)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert fmt is None and issues[0].code == "zip-bomb"
    # Speed is the benchmark's business; a hang would still show here as a test timeout.
    assert elapsed < 30 and peak < 16 * 1024 * 1024


def test_row31_far_cell_refused_fast_and_small() -> None:
    """One real cell at XFD1048576 is refused from its r= reference without reading the sheet."""
    data = hf.far_cell()
    tracemalloc.start()
    started = time.perf_counter()
    fmt, issues = preflight(data, "far.xlsx", max_bytes=LIMIT)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert fmt is None and issues[0].code == "sheet-too-large"
    assert "XFD1048576" in issues[0].message and issues[0].sheet == "Return"
    # Speed is the benchmark's business; a hang would still show here as a test timeout.
    assert elapsed < 30 and peak < 16 * 1024 * 1024


def test_row31_wide_sheet_refused_despite_small_dimension() -> None:
    """Cells beyond the column limit are found even when <dimension> claims A1:B2."""
    data = hf.xlsx({"A1": "Code", "B2": 1, "SZ3": 5})  # SZ is column 520
    data = hf.rewrite(data, "xl/worksheets/sheet1.xml",
                      lambda x: x.replace(b'<dimension ref="A1:SZ3"/>', b'<dimension ref="A1:B2"/>'))
    fmt, issues = preflight(data, "wide.xlsx", max_bytes=LIMIT)
    assert fmt is None and f"{MAX_COLUMNS}" in issues[0].message


def test_row32_doctype_in_sheet() -> None:
    """A billion-laughs DTD in a sheet part is refused as 'workbook contains DTD/entities'."""
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
              b'"&lol;&lol;&lol;&lol;">]>')
    data = hf.rewrite(hf.xlsx(), "xl/worksheets/sheet1.xml",
                      lambda x: laughs + x)
    fmt, issues = preflight(data, "lol.xlsx", max_bytes=LIMIT)
    assert fmt is None and "workbook contains DTD/entities" in issues[0].message


def test_row32_xxe_in_shared_strings_utf16() -> None:
    """An external entity hidden in a UTF-16 encoded part is still found and refused."""
    xxe = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><sst/>'
    data = hf.with_member(hf.xlsx(), "xl/sharedStrings.xml", xxe.encode("utf-16"))
    assert codes(data)[1] == ["dtd-entities"]


def test_row20_external_link_named() -> None:
    """A workbook with an external link is refused, naming the linked file."""
    fmt, issues = preflight(hf.with_external_link(hf.xlsx()), "linked.xlsx", max_bytes=LIMIT)
    assert fmt is None and issues[0].code == "external-link"
    assert hf.EXTERNAL_TARGET in issues[0].message


def test_zip_that_is_not_a_workbook() -> None:
    """A zip archive of other files is not accepted as a workbook."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("notes.txt", "hello")
    assert codes(out.getvalue()) == (None, ["not-a-spreadsheet"])


def test_ods_recognised_by_mimetype() -> None:
    """An OpenDocument spreadsheet is recognised from its mimetype member."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    assert codes(out.getvalue(), "return.ods") == ("ods", [])


def test_large_plain_workbook_passes() -> None:
    """A plain 20,000-row workbook passes the extent scan without issues."""
    def fill(book: object) -> None:
        ws = book.active  # type: ignore[attr-defined]
        for r in range(20_000):
            ws.append([f"M{r}", r, r * 2.5, "note"])
    data = hf.xlsx({}, setup=fill)
    assert codes(data) == ("xlsx", [])


def test_row31_ods_repeated_cell_bomb_refused() -> None:
    """An ODS row repeated a million times with a valued cell repeated 16,384 times is refused."""
    row = f'<table:table-row table:number-rows-repeated="1048576">{hf.ods_cell(1, repeat=16384)}</table:table-row>'
    fmt, issues = preflight(hf.ods(row), "bomb.ods", max_bytes=LIMIT)
    assert fmt is None and issues[0].code == "sheet-too-large" and issues[0].sheet == "Return"


def test_ods_empty_padding_rows_allowed() -> None:
    """LibreOffice's empty padding (a million empty repeated rows) does not count as data."""
    rows = (f"<table:table-row>{hf.ods_cell(1)}</table:table-row><table:table-row "
            'table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="1024"/>'
            "</table:table-row>")
    assert codes(hf.ods(rows), "return.ods") == ("ods", [])


def test_corrupted_part_is_damaged_not_a_crash() -> None:
    """A workbook whose sheet data fails its checksum is refused as damaged, with no exception."""
    data = bytearray(hf.xlsx())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF
    assert codes(bytes(data)) == (None, ["bad-zip"])
