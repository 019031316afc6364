"""The access check comes before the duplicate check (issue 8, point 5).

A person told "already loaded as upload 15 … by demo" learns that a return exists, when, and
who loaded it. Only someone who may submit that return is told; anyone else is refused as for
any file of that return, the refusal is audited, and nothing names the earlier upload.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from ingest_kit import force_return

from loaders.ingest.upload import ingest_file
from loaders.reference.snapshot import Reference
from store.settings import Settings
from store.submissions import data_counts, upload_row
from ui.auth import User

KENT_DESK = User(name="kent-desk", role="analyst", forces=("kent",))


def _denied(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return con.execute("SELECT who, json_extract_string(detail, '$.reason') FROM audit "
                       "WHERE action = 'denied' ORDER BY id").fetchall()


def _loaded_by_demo(con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings,
                    path: Path) -> int:
    first = ingest_file(con, path, user="demo", settings=config, ref=ref)
    assert first.outcome == "accepted", first.issues
    assert first.upload_id is not None
    return first.upload_id


def _says_nothing_of(text: str, upload_id: int) -> None:
    assert "already loaded" not in text
    assert f"upload {upload_id}" not in text
    assert "demo" not in text


def test_other_forces_file_already_loaded_is_refused_not_named(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """Essex's return already loaded, offered by a Kent-only analyst: refused and audited, and
    nothing says it was loaded, when or by whom."""
    path = force_return(tmp_path / "essex.xlsx", ref, force="essex")
    earlier = _loaded_by_demo(con, ref, config, path)
    before = data_counts(con)
    result = ingest_file(con, path, user="kent-desk", settings=config, ref=ref,
                         submitter=KENT_DESK)
    assert result.outcome == "rejected"
    assert [i.code for i in result.issues if i.severity == "error"] == ["not-permitted"]
    _says_nothing_of(result.message + " ".join(i.message for i in result.issues), earlier)
    assert result.upload_id != earlier
    stored = upload_row(con, result.upload_id)
    assert stored is not None and stored["outcome"] == "rejected"
    _says_nothing_of(stored["message"], earlier)
    assert data_counts(con) == before
    assert _denied(con) == [("kent-desk", "access violation")]


def test_refusal_of_a_loaded_file_matches_a_new_files(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """The refusal of a file already loaded reads exactly as the refusal of the same file never
    loaded, so its wording cannot give the earlier upload away."""
    path = force_return(tmp_path / "essex.xlsx", ref, force="essex")
    never_loaded = ingest_file(con, path, user="kent-desk", settings=config, ref=ref,
                               submitter=KENT_DESK)
    _loaded_by_demo(con, ref, config, path)
    loaded = ingest_file(con, path, user="kent-desk", settings=config, ref=ref,
                         submitter=KENT_DESK)
    assert (loaded.outcome, loaded.message, loaded.issues) == (
        never_loaded.outcome, never_loaded.message, never_loaded.issues)


def test_restricted_operations_file_already_loaded_is_refused_not_named(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """A Kent return for an operation restricted after it was loaded, offered again by Kent's
    analyst who has not been given the operation: refused and audited, the upload not named."""
    path = force_return(tmp_path / "kent.xlsx", ref, force="kent")
    earlier = _loaded_by_demo(con, ref, config, path)
    con.execute("UPDATE operation SET restricted = TRUE WHERE code = 'OA2025'")
    result = ingest_file(con, path, user="kent-desk", settings=config, ref=ref,
                         submitter=KENT_DESK)
    assert result.outcome == "rejected"
    # Read as an operation that does not exist (test_restricted_operation_reads_as_unknown…).
    assert {i.code for i in result.issues if i.severity == "error"} == {"unknown-operation"}
    _says_nothing_of(result.message + " ".join(i.message for i in result.issues), earlier)
    assert _denied(con) == [("kent-desk", "access violation")]


def test_own_file_already_loaded_is_still_a_duplicate(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """Kent's analyst offering Kent's return already loaded is told when and by whom, and no
    refusal is audited."""
    path = force_return(tmp_path / "kent.xlsx", ref, force="kent")
    earlier = _loaded_by_demo(con, ref, config, path)
    result = ingest_file(con, path, user="kent-desk", settings=config, ref=ref,
                         submitter=KENT_DESK)
    assert result.outcome == "duplicate"
    assert f"already loaded as upload {earlier}" in result.message and "by demo" in result.message
    assert _denied(con) == []


def test_restricted_operation_reads_as_unknown_and_is_audited(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """A Kent return for an operation restricted and not granted gets the same words as one for
    an operation that does not exist; nothing says it is restricted; the attempt is audited."""
    path = force_return(tmp_path / "kent.xlsx", ref, force="kent")
    con.execute("UPDATE operation SET restricted = TRUE WHERE code = 'OA2025'")
    before = data_counts(con)
    result = ingest_file(con, path, user="kent-desk", settings=config, ref=ref,
                         submitter=KENT_DESK)
    assert result.outcome == "rejected"
    words = result.message + " ".join(i.message for i in result.issues)
    assert "restricted" not in words.lower() and "access" not in words.lower()
    assert "'OA2025' is not an operation we know" in words
    assert data_counts(con) == before
    assert _denied(con) == [("kent-desk", "access violation")]


def test_mistyped_code_suggests_no_hidden_operation(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """'OA2O25' (a letter O for a nought) would be met with 'did you mean OA2025?' — unless
    OA2025 is hidden from the person, when nothing is suggested and nothing is audited."""
    path = force_return(tmp_path / "kent.xlsx", ref, force="kent")
    from openpyxl import load_workbook
    book = load_workbook(path)
    sheet = book["Return"]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "OA2025")
    cell.value = "OA2O25"
    book.save(path)
    open_to_all = ingest_file(con, path, user="kent-desk", settings=config, ref=ref,
                              submitter=KENT_DESK, dry_run=True)
    assert "OA2025" in " ".join(i.message for i in open_to_all.issues)
    con.execute("UPDATE operation SET restricted = TRUE WHERE code = 'OA2025'")
    hidden = ingest_file(con, path, user="kent-desk", settings=config, ref=ref,
                         submitter=KENT_DESK, dry_run=True)
    assert hidden.outcome == "rejected"
    assert "OA2025" not in " ".join(i.message for i in hidden.issues)
    assert _denied(con) == []
