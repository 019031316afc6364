"""SECURITY.md's bad inputs that concern files, each run through the whole ingest.

Each case starts from a valid filled template (or a hostile file), breaks one thing, and is
offered to ``ingest_bytes`` on a fresh store: it must be REJECTED — nothing written to any data
table, one upload row saying rejected, its issues stored — with an issue of the expected code
that names where the problem is.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook as XlWorkbook

from loaders.ingest.upload import ingest_bytes
from store.submissions import data_counts

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "files"))
import hostile_files as hf  # noqa: E402

from tests.golden import kit  # noqa: E402


def _measure_row(wb: XlWorkbook, code: str) -> int:
    ws = wb["Return"]
    for row in ws.iter_rows(min_col=1, max_col=1):
        if row[0].value == code:
            return int(row[0].row)
    raise AssertionError(f"{code} not in the template")


def _edited(edit: Callable[[XlWorkbook], None]) -> bytes:
    wb = kit.template("force-return", kit.force_fill())
    edit(wb)
    return kit.xlsx_bytes(wb)


def _set(code: str, column: str, value: object) -> Callable[[XlWorkbook], None]:
    def edit(wb: XlWorkbook) -> None:
        wb["Return"][f"{column}{_measure_row(wb, code)}"] = value
    return edit


def _rename_sheet(wb: XlWorkbook) -> None:
    wb["Return"].title = "Sheet1"


def _drop_total_header(wb: XlWorkbook) -> None:
    wb["Return"]["M9"] = None


def _duplicate_header(wb: XlWorkbook) -> None:
    wb["Return"]["O9"] = "Total"


def _no_header(wb: XlWorkbook) -> None:
    for col in "ABCDEFGHIJKLMNO":
        wb["Return"][f"{col}9"] = None


def _force(name: str) -> Callable[[XlWorkbook], None]:
    def edit(wb: XlWorkbook) -> None:
        wb["Return"]["B5"] = name
    return edit


def _as_at(value: object) -> Callable[[XlWorkbook], None]:
    def edit(wb: XlWorkbook) -> None:
        wb["Return"]["B6"] = value
    return edit


def _blank_row(code: str) -> Callable[[XlWorkbook], None]:
    def edit(wb: XlWorkbook) -> None:
        row = _measure_row(wb, code)
        for col in "EFGHIJKLM":
            wb["Return"][f"{col}{row}"] = None
    return edit


def _day_outside(wb: XlWorkbook) -> None:
    from datetime import date
    wb["Return"]["E9"] = date(2025, 11, 1)


def _twice(wb: XlWorkbook) -> None:
    ws = wb["Return"]
    source = _measure_row(wb, "warrants")
    target = _measure_row(wb, "stop_searches")
    for col in "ABCDM":
        ws[f"{col}{target}"] = ws[f"{col}{source}"].value


# (SECURITY.md row, what is wrong, the file's bytes, its name, the issue code expected)
CASES: list[tuple[int, str, Callable[[], bytes], str, str]] = [
    (1, "required sheet renamed", lambda: _edited(_rename_sheet), "r.xlsx", "sheet-missing"),
    (3, "required column missing", lambda: _edited(_drop_total_header), "r.xlsx", "column-missing"),
    (5, "duplicate header names", lambda: _edited(_duplicate_header), "r.xlsx", "duplicate-column"),
    (6, "no header row", lambda: _edited(_no_header), "r.xlsx", "header-not-found"),
    (7, "misspelt force", lambda: _edited(_force("Nottinghamshre Police")), "r.xlsx", "unknown-force"),
    (9, "negative count", lambda: _edited(_set("warrants", "M", -2)), "r.xlsx", "bad-number"),
    (9, "fractional count", lambda: _edited(_set("warrants", "M", 2.5)), "r.xlsx", "bad-number"),
    (10, "number that is not one", lambda: _edited(_set("warrants", "M", "lots")), "r.xlsx", "bad-number"),
    (11, "required figure blank", lambda: _edited(_blank_row("arrests")), "r.xlsx", "required-blank"),
    (12, "month-only date", lambda: _edited(_as_at("Oct 2025")), "r.xlsx", "bad-date"),
    (13, "day outside the operation", lambda: _edited(_day_outside), "r.xlsx", "day-outside-operation"),
    (17, "same measure twice", lambda: _edited(_twice), "r.xlsx", "duplicate-row"),
    (19, "formula without a saved result",
     lambda: _edited(_set("warrants", "M", "=3+4")), "r.xlsx", "formula-no-result"),
    (20, "external link", lambda: hf.with_external_link(_edited(lambda wb: None)), "r.xlsx",
     "external-link"),
    (21, "control character in the force name",
     lambda: _edited(_force("South\u202eYorkshire")), "r.xlsx", "bad-identifier"),
    (26, "empty file", lambda: b"", "r.xlsx", "empty-file"),
    (27, "program renamed .xlsx", lambda: b"MZ\x90\x00" + b"\x00" * 200, "r.xlsx", "not-a-spreadsheet"),
    (28, "encrypted workbook", lambda: hf.compound_file(["EncryptionInfo", "EncryptedPackage"]),
     "r.xlsx", "encrypted"),
    (29, "legacy .xls", lambda: hf.compound_file(["Workbook"]), "r.xls", "legacy-xls"),
    (30, "macro-enabled", lambda: hf.with_member(_edited(lambda wb: None), "xl/vbaProject.bin",
                                                 b"\x00" * 64), "r.xlsx", "macro-enabled"),
    (31, "zip bomb", lambda: hf.zip_bomb(), "r.xlsx", "zip-bomb"),
    (31, "one cell at XFD1048576", hf.far_cell, "r.xlsx", "sheet-too-large"),
    (32, "DTD and entities", lambda: hf.rewrite(_edited(lambda wb: None), "xl/workbook.xml",
     lambda x: b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + x), "r.xlsx",
     "dtd-entities"),
    (35, "ragged CSV", lambda: b"Operation,Force,Figures as at,Measure,Day,Value\n"
     b"OA2025,Kent,27/10/2025,arrests,,4\nOA2025,Kent,27/10/2025,warrants,,2,extra,more\n",
     "r.csv", "csv-ragged"),
]


@pytest.mark.parametrize(("row", "what", "build", "name", "code"), CASES,
                         ids=[f"row{c[0]}-{c[1]}" for c in CASES])
def test_bad_input_is_rejected_and_writes_nothing(con, config, ref, row, what, build, name,
                                                  code) -> None:  # type: ignore[no-untyped-def]
    """The file is rejected with a located issue of the expected code; no data table changes."""
    before = data_counts(con)
    result = ingest_bytes(con, build(), name, user="tester", settings=config, ref=ref)
    assert result.outcome == "rejected", (what, result.outcome, result.issues)
    assert data_counts(con) == before
    found = [i for i in result.issues if i.code == code]
    assert found, (what, [(i.code, i.message) for i in result.issues])
    issue = found[0]
    assert issue.severity == "error" and issue.message
    file_level = row in (1, 20, 26, 27, 28, 29, 30, 31, 32)
    assert file_level or issue.sheet or issue.row, (what, issue)
    uploads = con.execute("SELECT outcome FROM upload").fetchall()
    assert uploads == [("rejected",)]
    stored = con.execute("SELECT count(*) FROM upload_issue WHERE code = ?", [code]).fetchone()
    assert stored is not None and stored[0] >= 1


def test_the_unbroken_template_is_accepted(con, config, ref) -> None:  # type: ignore[no-untyped-def]
    """The file every case starts from is itself accepted, so each rejection is its one fault."""
    result = ingest_bytes(con, _edited(lambda wb: None), "r.xlsx", user="tester", settings=config,
                          ref=ref)
    assert result.outcome == "accepted", result.issues


def test_row8_return_for_a_force_the_analyst_may_not_submit_for(con, config, ref) -> None:  # type: ignore[no-untyped-def]
    """An analyst limited to Kent is refused South Yorkshire's return, audited as denied."""
    from ui.auth import User

    kent_desk = User(name="kent-desk", role="analyst", forces=("kent",),
                     operations=frozenset({"OA2025"}))
    before = data_counts(con)
    result = ingest_bytes(con, _edited(lambda wb: None), "r.xlsx", user="kent-desk",
                          settings=config, ref=ref, submitter=kent_desk)
    assert result.outcome == "rejected"
    assert [i.code for i in result.issues if i.severity == "error"] == ["not-permitted"]
    assert data_counts(con) == before
    denied = con.execute("SELECT who FROM audit WHERE action = 'denied'").fetchall()
    assert denied == [("kent-desk",)]
