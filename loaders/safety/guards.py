"""Checks on uploaded bytes before any spreadsheet reader sees them (SECURITY.md traps 8, 9, 12).

The format is decided by content, never by the file name. Zip containers (xlsx, ods) are
inspected through their directory and by streaming each part in chunks: nothing is inflated
whole, so a zip bomb or a one-cell sheet at XFD1048576 is refused in milliseconds with little
memory. Only a file that passes every check reaches python-calamine (which aborts the whole
process when a sheet's range is huge) and even then it is read in ``loaders.safety.sandbox``.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from io import BytesIO
from pathlib import PurePosixPath

from loaders.returns.issues import Issue, column_letter, error

MAX_MEMBERS = 2_000                    # a real return has a few dozen parts
MAX_UNCOMPRESSED = 200 * 1024 * 1024   # all parts together, inflated
MAX_RATIO = 100                        # real workbooks compress 4–12:1 (SECURITY.md trap 8)
RATIO_FLOOR = 1024 * 1024              # parts smaller than this are not ratio-checked
MAX_ROWS = 1_100_000
MAX_COLUMNS = 500
CELL_BUDGET = 30_000_000               # rows × columns a reader may have to allocate
CHUNK = 1024 * 1024
SMALL_PART = 4 * 1024 * 1024           # cap when reading a part that should be small (rels)
BLOCK_CAP = 16 * 1024 * 1024           # longest stretch of sheet XML held waiting for a row end

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
MACRO_TYPES = (b"macroEnabled", b"vbaProject", b"ms-office.vbaProject", b"ms-excel.sheet.macro")
# Signatures of files that are certainly not spreadsheets, with what they are.
PROGRAM_MAGICS = {
    b"MZ": "a Windows program", b"\x7fELF": "a Linux program", b"%PDF": "a PDF document",
    b"\xca\xfe\xba\xbe": "a program", b"\xcf\xfa\xed\xfe": "a macOS program",
    b"\x1f\x8b": "a gzip archive", b"Rar!": "a RAR archive", b"7z\xbc\xaf": "a 7-Zip archive",
    b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"{\\rtf": "an RTF document",
}

_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
# Any r="B12" (cell) or r="12" (row) attribute: cheaper than matching the element names, and
# only <row> and <c> carry an r attribute in a worksheet, so counting extra can only be safer.
_REF = re.compile(rb"\sr\s*=\s*[\"']([A-Za-z]{0,7})([0-9]{1,12})[\"']")
# The usual spelling, r="B12", found fast (a literal start); _block_extent checks nothing else.
_PLAIN_ROW = re.compile(rb' r="[A-Za-z]{0,7}([0-9]{1,12})"')
_PLAIN_COL = re.compile(rb' r="([A-Za-z]{1,7})[0-9]{1,12}"')
_SPACES = b" \t\n\r\x0b\x0c"   # what \s matches in a bytes pattern
_ROW_TAG = re.compile(rb"<row\b([^>]*)>")
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_FORMULA = re.compile(rb"<f[\s>/]")
_VALUE = re.compile(rb"<v\b[^>]*>(.*?)</v>", re.S)
_R_ATTR = re.compile(rb"\sr\s*=\s*[\"']([^\"']*)[\"']")
_T_STR = re.compile(rb"\st\s*=\s*[\"']str[\"']")
_HIDDEN = re.compile(rb"\shidden\s*=\s*[\"'](?:1|true)[\"']")
_TARGET = re.compile(rb"Target\s*=\s*[\"']([^\"']*)[\"']")
_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_ATTR = re.compile(rb"([\w:]+)\s*=\s*[\"']([^\"']*)[\"']")
_REL_TAG = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ODS_TAG = re.compile(rb"<(?:\w+:)?(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>")
_ROWS_REPEATED = re.compile(rb"number-rows-repeated\s*=\s*[\"']([0-9]{1,12})[\"']")
_COLS_REPEATED = re.compile(rb"number-columns-repeated\s*=\s*[\"']([0-9]{1,12})[\"']")


def preflight(data: bytes, name: str, *, max_bytes: int,
              markup: dict[str, Markup | None] | None = None) -> tuple[str | None, list[Issue]]:
    """Decide the format from the bytes and refuse anything unsafe; (format or None, issues).

    ``markup``, when given, receives each xlsx worksheet part's markup (see ``scan_sheet``),
    read in the same pass as its extent, for ``loaders.safety.workbook.read_workbook``."""
    if not data:
        return None, [error("empty-file", f"{name}: the file is empty (0 bytes). Upload the saved workbook again.")]
    if len(data) > max_bytes:
        return None, [error("too-large", f"{name}: the file is {_mb(len(data))}, over the "
                             f"{_mb(max_bytes)} limit. Remove unused sheets or split the return, then upload again.")]
    head = data[:8]
    if head.startswith(ZIP_MAGICS):
        return _zip_checks(data, name, markup)
    if head.startswith(OLE2_MAGIC):
        return None, [_ole2_issue(data, name)]
    for magic, what in PROGRAM_MAGICS.items():
        if head.startswith(magic):
            return None, [_not_spreadsheet(name, what)]
    return _text_checks(data, name)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB"


def _not_spreadsheet(name: str, what: str) -> Issue:
    return error("not-a-spreadsheet", f"{name}: this file is {what}, not a spreadsheet, whatever its "
                 "name says. Upload the return saved as .xlsx (Excel Workbook) or .csv.")


def _ole2_issue(data: bytes, name: str) -> Issue:
    # Office encrypts an xlsx by wrapping it in an OLE2 file with these streams; the names are
    # stored in UTF-16 in the compound file's directory, so a byte search finds them.
    if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
        return error("encrypted", f"{name}: the workbook is password-protected or encrypted: remove "
                     "the password and save again (File > Info > Protect Workbook > Encrypt with "
                     "Password, clear it, save), then upload.")
    return error("legacy-xls", f"{name}: this is an old-style Excel 97–2003 file (.xls), which is "
                 "not accepted. Open it in Excel and save as .xlsx (Excel Workbook), then upload that.")


def _text_checks(data: bytes, name: str) -> tuple[str | None, list[Issue]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [error("csv-encoding", f"{name}: the file is saved as UTF-16 ('Unicode text'). "
                            "Save it as 'CSV UTF-8 (Comma delimited)' or as .xlsx, then upload.")]
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    if controls > max(8, len(sample) // 100):
        return None, [_not_spreadsheet(name, "binary data (not text)")]
    return "csv", []


def _zip_checks(data: bytes, name: str,
                markup: dict[str, Markup | None] | None) -> tuple[str | None, list[Issue]]:
    try:
        zf = zipfile.ZipFile(BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        # NotImplementedError: a damaged directory can claim an unknown zip version.
        return None, [_damaged(name)]
    with zf:
        issues = _directory_issues(infos, name)
        if issues:
            return None, issues
        names = {i.filename for i in infos}
        fmt = _zip_format(zf, names)
        if fmt is None:
            return None, [error("not-a-spreadsheet", f"{name}: this is a zip archive but not an Excel "
                                "or OpenDocument workbook. Upload the return saved as .xlsx or .csv.")]
        try:
            issues = _content_issues(zf, infos, name, fmt, markup)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError,
                ValueError, KeyError):
            # Checksum failures, unknown compression methods and truncated parts all land here.
            return None, [_damaged(name)]
        return (None if issues else fmt), issues


def _damaged(name: str) -> Issue:
    return error("bad-zip", f"{name}: the file looks like a workbook but is damaged (its parts cannot "
                 "be unpacked). Open it in Excel, save it again as .xlsx and upload that.")


def _directory_issues(infos: list[zipfile.ZipInfo], name: str) -> list[Issue]:
    """Limits read from the zip directory alone, before anything is inflated."""
    bomb = ("The workbook would inflate to {what}. Real returns are far smaller: copy the data "
            "into a fresh workbook from the template and upload that.")
    if len(infos) > MAX_MEMBERS:
        return [error("zip-bomb", f"{name}: the workbook has {len(infos):,} internal parts (limit "
                      f"{MAX_MEMBERS:,}). " + bomb.format(what="an unusual size"))]
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        return [error("zip-bomb", f"{name}: " + bomb.format(what=f"{_mb(total)} (limit {_mb(MAX_UNCOMPRESSED)})"))]
    for info in infos:
        if info.flag_bits & 0x1:
            return [error("encrypted", f"{name}: part {info.filename} is encrypted. Remove the "
                          "password and save again, then upload.")]
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            return [error("zip-bomb", f"{name}: part {info.filename} is compressed {ratio:,}:1 (limit "
                          f"{MAX_RATIO}:1). " + bomb.format(what=_mb(info.file_size)))]
    if total > RATIO_FLOOR and total > MAX_RATIO * max(packed, 1):
        return [error("zip-bomb", f"{name}: " + bomb.format(what=f"{_mb(total)} from {_mb(packed)}"))]
    return []


def _zip_format(zf: zipfile.ZipFile, names: set[str]) -> str | None:
    if "mimetype" in names and _read_small(zf, "mimetype").strip().startswith(ODS_MIME):
        return "ods"
    if "[Content_Types].xml" in names:
        return "xlsx"
    return None


def _content_issues(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], name: str, fmt: str,
                    markup: dict[str, Markup | None] | None = None) -> list[Issue]:
    issues: list[Issue] = []
    macro = _macro_part(zf, infos)
    if macro:
        issues.append(error("macro-enabled", f"{name}: the workbook is macro-enabled ({macro}). Macros "
                            "are not accepted: save as .xlsx (Excel Workbook, not macro-enabled) and upload that."))
    scans: dict[str, SheetScan] = {}
    for info in infos:
        if _DTD.search(_scan_head(zf, info)) or _part_has_dtd(zf, info, fmt, scans):
            issues.append(error("dtd-entities", f"{name}: the workbook contains DTD/entities (part "
                                f"{info.filename}), which can be used to attack the server. Copy the data "
                                "into the template, save as .xlsx and upload that."))
            return issues  # nothing further is parsed from a file that carries a DTD
    issues += _external_link_issues(zf, infos, name)
    if fmt == "xlsx" and not issues:
        issues += _extent_issues(zf, infos, name, scans, {} if markup is None else markup)
    if fmt == "ods" and not issues and "content.xml" in zf.namelist():
        issues += _size_issues(name, ods_extents(zf))
    return issues


def _part_has_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo, fmt: str,
                  scans: dict[str, SheetScan]) -> bool:
    """A worksheet is searched in the pass that also reads its extent and markup (kept in
    ``scans``); any other part on its own."""
    if fmt != "xlsx" or not _is_worksheet(info.filename):
        return _has_dtd(zf, info)
    scans[info.filename] = scan_sheet(zf, info.filename)
    return scans[info.filename][2]


def _macro_part(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> str | None:
    for info in infos:
        base = PurePosixPath(info.filename).name.lower()
        if base.startswith("vbaproject") or base.endswith((".bin",)) and "vba" in base:
            return f"it contains a VBA project, {info.filename}"
    if any(i.filename == "[Content_Types].xml" for i in infos):
        types = _read_small(zf, "[Content_Types].xml")
        for marker in MACRO_TYPES:
            if marker.lower() in types.lower():
                return "its content types declare macros"
    return None


def _scan_head(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The first bytes of a part, decoded if a part is stored as UTF-16 (which hides a DTD)."""
    with zf.open(info) as part:
        head = part.read(4096)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:4].count(b"\x00") >= 2:
        for codec in ("utf-16", "utf-16-le", "utf-16-be"):
            try:
                return head.decode(codec, errors="ignore").encode("utf-8")
            except UnicodeError:
                continue
    return b""


def _chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo, overlap: int = 64) -> Iterator[bytes]:
    """A part's bytes in chunks, each starting with the tail of the last so matches can straddle."""
    tail = b""
    with zf.open(info) as part:
        while chunk := part.read(CHUNK):
            yield tail + chunk
            tail = chunk[-overlap:]


def _has_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    return any(_DTD.search(chunk) for chunk in _chunks(zf, info))


def _read_small(zf: zipfile.ZipFile, member: str) -> bytes:
    with zf.open(member) as part:
        return part.read(SMALL_PART)


def _external_link_issues(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], name: str) -> list[Issue]:
    issues = []
    for info in infos:
        path = PurePosixPath(info.filename)
        if "externallinks" not in info.filename.lower() or path.suffix.lower() != ".xml":
            continue
        rels = f"{path.parent}/_rels/{path.name}.rels"
        target = b""
        if rels in zf.namelist():
            found = _TARGET.search(_read_small(zf, rels))
            target = found.group(1) if found else b""
        shown = target.decode("utf-8", "replace")[:200] or "an unnamed workbook"
        issues.append(error("external-link", f"{name}: the workbook links to another file ({shown!r}). "
                            "Links are never followed. In Excel use Data > Edit Links > Break Link, save and upload again.",
                            value=shown))
    return issues


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → worksheet part path, from xl/workbook.xml and its relationships."""
    try:
        book = _read_small(zf, "xl/workbook.xml")
        rels = _read_small(zf, "xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {}
    for tag in _REL_TAG.findall(rels):
        attrs = dict(_ATTR.findall(tag))
        target = attrs.get(b"Target", b"").decode("utf-8", "replace")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        targets[attrs.get(b"Id", b"")] = str(PurePosixPath(path))
    parts = {}
    for tag in _SHEET_TAG.findall(book):
        attrs = {k.split(b":")[-1]: v for k, v in _ATTR.findall(tag)}
        sheet = _unescape(attrs.get(b"name", b"").decode("utf-8", "replace"))
        if attrs.get(b"id") in targets:
            parts[sheet] = targets[attrs[b"id"]]
    return parts


def _unescape(text: str) -> str:
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


Markup = tuple[tuple[int, ...], int, list[str]]   # (hidden rows, formulas with a result, refs without)
SheetScan = tuple[tuple[int, int], Markup | None, bool]   # (extent, markup, has a DTD)


def sheet_extent(zf: zipfile.ZipFile, member: str) -> tuple[int, int]:
    """The real (last row, last column) used by a worksheet, from its cells' r="…" references.

    The declared <dimension> is ignored: it can be wrong (SECURITY.md trap 5) or hostile.
    """
    return scan_sheet(zf, member)[0]


def scan_sheet(zf: zipfile.ZipFile, member: str, *, cap: int | None = BLOCK_CAP) -> SheetScan:
    """One pass over a worksheet's XML: its extent (as ``sheet_extent``), its markup, and
    whether it holds a DTD (as ``_has_dtd``).

    The markup is what ``loaders.safety.workbook`` needs and calamine does not report: hidden rows,
    formulas with a saved result and cells whose formula has none. The XML is cut after row
    ends so no row straddles two blocks; with no row end within ``cap`` bytes it is cut
    anyway, the extent stays exact and the markup is None (the reader then scans for itself).
    """
    max_row = max_col = 0
    hidden: list[int] = []
    missing: list[str] = []
    formulas = row_number = 0
    exact = True
    dtd = False
    for block, whole in _row_blocks(zf, member, cap):
        dtd = dtd or bool(_DTD.search(block))
        rows, cols = _block_extent(block)
        max_row, max_col = max(max_row, rows), max(max_col, cols)
        exact = exact and whole
        if exact:
            row_number = _row_numbers(block, row_number, hidden)
            if _FORMULA.search(block):
                formulas += _formula_cells(block, missing)
    return (max_row, max_col), ((tuple(hidden), formulas, missing) if exact else None), dtd


def _row_blocks(zf: zipfile.ZipFile, member: str, cap: int | None) -> Iterator[tuple[bytes, bool]]:
    """(block, True) cut after a row end; (block, False) when none came within ``cap`` bytes."""
    buffer = b""
    with zf.open(member) as part:
        while chunk := part.read(CHUNK):
            buffer += chunk
            cut = buffer.rfind(b"</row>") + len(b"</row>")
            if cut >= len(b"</row>"):
                yield buffer[:cut], True
                buffer = buffer[cut:]
            elif cap is not None and len(buffer) > cap:
                yield buffer, False
                buffer = buffer[-64:]  # the overlap lets a reference straddle the cut
    yield buffer, True


def _block_extent(block: bytes) -> tuple[int, int]:
    """(last row, last column) referenced in a block."""
    rows = _PLAIN_ROW.findall(block)
    # Every r= (with any spacing) must be a plain r="B12"; otherwise read them all the slow way.
    if block.translate(None, _SPACES).count(b"r=") == len(rows):
        letters = {col.upper() for col in set(_PLAIN_COL.findall(block))}
        numbers = set(rows)
    else:
        found = _REF.findall(block)
        letters = {col.upper() for col in {col for col, _ in found} if col}
        numbers = {row for _, row in found}
    max_row = max(map(int, numbers), default=0)
    max_col = _column_number(max(letters, key=lambda c: (len(c), c))) if letters else 0
    return max_row, max_col


def _row_numbers(block: bytes, row_number: int, hidden: list[int]) -> int:
    """The last row number in a block, adding hidden rows to ``hidden``."""
    if b"hidden" not in block:
        # Without hidden rows only the last row's number matters; rows normally carry r="…".
        pos = block.rfind(b"<row")
        tag = _ROW_TAG.match(block, pos) if pos >= 0 else None
        if tag and block.rfind(b"<", 0, pos) < block.rfind(b">", 0, pos) + 1:
            ref = _R_ATTR.search(tag.group(1))
            if ref and ref.group(1).isdigit():
                return int(ref.group(1))
    for match in _ROW_TAG.finditer(block):
        attrs = match.group(1)
        ref = _R_ATTR.search(attrs)
        row_number = int(ref.group(1)) if ref and ref.group(1).isdigit() else row_number + 1
        if _HIDDEN.search(attrs):
            hidden.append(row_number)
    return row_number


def _formula_cells(block: bytes, missing: list[str]) -> int:
    """Formulas in a block with a saved result; adds the refs of those without one to ``missing``."""
    saved = 0
    for cell in _CELL.finditer(block):
        body = cell.group(2) or b""
        if not _FORMULA.search(body):
            continue
        value = _VALUE.search(body)
        # Excel stores a formula whose result is "" as t="str" with an empty <v>.
        if (value and value.group(1).strip()) or (value and _T_STR.search(cell.group(1))):
            saved += 1
        else:
            ref = _R_ATTR.search(cell.group(1))
            missing.append(ref.group(1).decode("ascii", "replace") if ref else "?")
    return saved


def _column_number(letters: bytes) -> int:
    number = 0
    for b in letters:
        number = number * 26 + (b - 64)
    return number


def ods_extents(zf: zipfile.ZipFile) -> dict[str, tuple[int, int]]:
    """Table name → (last row, last column) holding anything, with repeats expanded arithmetically.

    An ODS row or cell can say it repeats a million times; readers expand that, so the extent is
    what they would allocate. Empty repeated cells and rows (LibreOffice pads every sheet with
    them) extend nothing.
    """
    extents: dict[str, tuple[int, int]] = {}
    table, row, rows, cols = "", 0, 0, 0
    row_start = column = 0
    repeat = 1
    for block in _blocks(zf, "content.xml", b"row>"):
        for tag in _ODS_TAG.finditer(block):
            kind, attrs = tag.group(1), tag.group(2)
            if kind == b"table":
                table, row, rows, cols = _ods_name(attrs), 0, 0, 0
            elif kind == b"table-row":
                repeat = _repeat(attrs, _ROWS_REPEATED)
                row_start, column = row, 0
                row += repeat
            else:
                width = _repeat(attrs, _COLS_REPEATED)
                column += width
                if b"value-type" in attrs or not tag.group(3):
                    rows, cols = max(rows, row_start + repeat), max(cols, column)
            if table:
                extents[table] = (rows, cols)
    return extents


def _ods_name(attrs: bytes) -> str:
    found = re.search(rb"name\s*=\s*[\"']([^\"']*)[\"']", attrs)
    return _unescape(found.group(1).decode("utf-8", "replace")) if found else "?"


def _repeat(attrs: bytes, pattern: re.Pattern[bytes]) -> int:
    found = pattern.search(attrs)
    return max(int(found.group(1)), 1) if found else 1


def _blocks(zf: zipfile.ZipFile, member: str, end: bytes) -> Iterator[bytes]:
    """A part cut after the last ``end`` in each chunk, so no tag straddles two blocks."""
    buffer = b""
    with zf.open(member) as part:
        while chunk := part.read(CHUNK):
            buffer += chunk
            cut = buffer.rfind(end)
            if cut >= 0:
                yield buffer[: cut + len(end)]
                buffer = buffer[cut + len(end):]
    yield buffer


def _is_worksheet(member: str) -> bool:
    return member.startswith("xl/worksheets/") and member.endswith(".xml")


def _extent_issues(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], name: str,
                   scans: dict[str, SheetScan], markup: dict[str, Markup | None]) -> list[Issue]:
    by_part = {part: sheet for sheet, part in sheet_parts(zf).items()}
    members = {i.filename for i in infos}
    worksheets = {i.filename for i in infos if _is_worksheet(i.filename)}
    extents = {}
    for member in sorted(worksheets | (set(by_part) & members)):
        scan = scans.get(member) or scan_sheet(zf, member)
        extents[by_part.get(member, member)], markup[member] = scan[0], scan[1]
    return _size_issues(name, extents)


def _size_issues(name: str, extents: dict[str, tuple[int, int]]) -> list[Issue]:
    issues = []
    for sheet, (rows, cols) in extents.items():
        if rows > MAX_ROWS or cols > MAX_COLUMNS or rows * cols > CELL_BUDGET:
            last = f"{column_letter(cols - 1)}{rows}" if rows and cols else f"row {rows}"
            issues.append(error("sheet-too-large", f"{name}: sheet {sheet!r} uses cells up to {last} "
                                f"({rows:,} rows × {cols:,} columns; limits {MAX_ROWS:,} rows, {MAX_COLUMNS} "
                                f"columns, {CELL_BUDGET:,} cells). Delete the rows and columns beyond your "
                                "data (select them, right-click > Delete), save and upload again.",
                                sheet=sheet))
    return issues
