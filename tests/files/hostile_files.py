"""Builders of ordinary and hostile files, made at test time (no binary blobs in the repository)."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from typing import Any

import openpyxl


def xlsx(cells: dict[str, Any] | None = None, *, sheet: str = "Return",
         setup: Callable[[Any], None] | None = None) -> bytes:
    """A real workbook written by openpyxl: cells by reference, then any extra set-up."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for ref, value in (cells or {"A1": "Code", "B1": "Total", "A2": "ARRESTS", "B2": 12}).items():
        ws[ref] = value
    if setup:
        setup(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite(data: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    """The same zip with one member's bytes changed (added when missing)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        for name in names:
            content = source.read(name)
            target.writestr(name, change(content) if name == member else content)
        if member not in names:
            target.writestr(member, change(b""))
    return out.getvalue()


def with_member(data: bytes, member: str, content: bytes) -> bytes:
    return rewrite(data, member, lambda _: content)


def zip_bomb(inflated: int = 150 * 1024 * 1024) -> bytes:
    """An xlsx whose sheet part inflates from about 150 kB to 150 MB of spaces."""
    out = io.BytesIO()
    base = zipfile.ZipFile(io.BytesIO(xlsx()))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in base.namelist():
            if name != "xl/worksheets/sheet1.xml":
                target.writestr(name, base.read(name))
        with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            block = b" " * (1024 * 1024)
            for _ in range(inflated // len(block)):
                part.write(block)
    return out.getvalue()


def far_cell() -> bytes:
    """A 5 kB workbook with one real value at XFD1048576 (SECURITY.md trap 12)."""
    return xlsx({"A1": "Code", "XFD1048576": 1})


def compound_file(streams: list[str]) -> bytes:
    """A minimal OLE2 compound file whose directory names the given (empty) streams.

    Enough structure for a reader to find the directory: header, one FAT sector, one directory
    sector. Office wraps an encrypted xlsx in such a file with 'EncryptionInfo' and
    'EncryptedPackage'; an Excel 97–2003 .xls has a 'Workbook' stream.
    """
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
    header += struct.pack("<HHHHH6sIIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, b"\x00" * 6, 0, 1, 1, 0,
                          4096, end, 0, end, 0, 0)
    header += struct.pack("<108I", *([free] * 108))[: 512 - len(header)]
    header = header.ljust(512, b"\xff")
    fat = struct.pack("<128I", fat_sector, end, *([free] * 126))
    entries = [_dir_entry("Root Entry", 5, child=1 if streams else free)]
    for i, name in enumerate(streams, start=1):
        entries.append(_dir_entry(name, 2, right=i + 1 if i < len(streams) else free))
    directory = b"".join(entries).ljust(512, b"\x00")
    return header + fat + directory


def _dir_entry(name: str, kind: int, *, child: int = 0xFFFFFFFF, right: int = 0xFFFFFFFF) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le")
    return (encoded.ljust(64, b"\x00") + struct.pack("<HBBIII", len(encoded), kind, 1, 0xFFFFFFFF,
            right, child) + b"\x00" * 16 + b"\x00" * 4 + b"\x00" * 16
            + struct.pack("<IQ", 0xFFFFFFFE, 0))


EXTERNAL_TARGET = "file:///C:/Users/analyst/Secret/other-force.xlsx"


def with_external_link(data: bytes) -> bytes:
    link = (b'<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="http://schemas.'
            b'openxmlformats.org/spreadsheetml/2006/main"><externalBook r:id="rId1"/></externalLink>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
            'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
            f'org/officeDocument/2006/relationships/externalLinkPath" Target="{EXTERNAL_TARGET}" '
            'TargetMode="External"/></Relationships>').encode()
    data = with_member(data, "xl/externalLinks/externalLink1.xml", link)
    return with_member(data, "xl/externalLinks/_rels/externalLink1.xml.rels", rels)


ODS_CONTENT = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:'
               'names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:'
               'xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
               'office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Return">'
               '{rows}</table:table></office:spreadsheet></office:body></office:document-content>')
ODS_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:'
                'tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
                'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')


def ods(rows_xml: str) -> bytes:
    """A minimal OpenDocument spreadsheet with one table, 'Return', holding the given rows."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        target.writestr("META-INF/manifest.xml", ODS_MANIFEST, zipfile.ZIP_DEFLATED)
        target.writestr("content.xml", ODS_CONTENT.format(rows=rows_xml), zipfile.ZIP_DEFLATED)
    return out.getvalue()


def ods_cell(value: float, *, repeat: int = 1) -> str:
    return (f'<table:table-cell table:number-columns-repeated="{repeat}" office:value-type="float" '
            f'office:value="{value}"><text:p>{value}</text:p></table:table-cell>')
