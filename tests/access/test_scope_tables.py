"""The scoped cursor: every table is either narrowed to the operations a person may see or named
as holding no operation's data, and a narrowed cursor reads nothing of an operation left out."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from store.connection import open_db
from store.operation_access import SCOPED_TABLES, UNSCOPED_TABLES, scope_key, scoped


@pytest.fixture(scope="module")
def demo(demo_db_template: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(demo_db_template), read_only=True)
    yield con
    con.close()


def test_every_table_is_classified(tmp_path: Path) -> None:
    """A migration that adds a table must say whether it holds operation data."""
    con = open_db(tmp_path / "fresh.duckdb")
    try:
        tables = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()}
    finally:
        con.close()
    unclassified = tables - set(SCOPED_TABLES) - UNSCOPED_TABLES
    assert not unclassified, f"say in store/operation_access.py whether {unclassified} hold " \
                             "operation data"
    assert not set(SCOPED_TABLES) & UNSCOPED_TABLES


@pytest.mark.parametrize("hidden", ["OA2024", "OA2025", "NPO2025", "LOC2025"])
def test_scoped_cursor_reads_nothing_of_a_hidden_operation(demo: duckdb.DuckDBPyConnection,
                                                          hidden: str) -> None:
    everyone = {r[0] for r in demo.execute("SELECT code FROM operation").fetchall()}
    cur = scoped(demo, everyone - {hidden})
    assert scope_key(cur) == "ops=" + ",".join(sorted(everyone - {hidden})) + "|by="
    assert not cur.execute("SELECT 1 FROM operation WHERE code = ?", [hidden]).fetchall()
    for table in ("submission", "operation_force", "published_figure", "allocation",
                  "force_bid", "spend_line", "operation_access"):
        column = "operation"
        assert cur.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?",
                           [hidden]).fetchall()[0][0] == 0, table
    # Upload rows, their issues and their figures follow the return they belong to.
    hidden_keys = cur.execute("SELECT count(*) FROM upload WHERE split_part(return_key, ':', 1) "
                              "= ?", [hidden]).fetchall()[0][0]
    assert hidden_keys == 0
    orphan_values = cur.execute(
        "SELECT count(*) FROM value WHERE submission_id NOT IN (SELECT id FROM submission)"
    ).fetchall()[0][0]
    assert orphan_values == 0
    # The same database read unscoped still holds the operation: the views hid it.
    assert demo.execute("SELECT count(*) FROM submission WHERE operation = ?",
                        [hidden]).fetchall()[0][0] > 0
    # Data that names no operation (spend returns, reference tables) is still read.
    assert cur.execute("SELECT count(*) FROM force").fetchall()[0][0] > 40


def test_scoped_cursor_cannot_write(demo_db_template: Path, tmp_path: Path) -> None:
    """Reading cursors are for reading: saving goes through a cursor that checks access itself."""
    import shutil
    db = tmp_path / "copy.duckdb"
    shutil.copy(demo_db_template, db)
    con = duckdb.connect(str(db))
    try:
        cur = scoped(con, {"OA2025"})
        with pytest.raises(duckdb.Error):
            cur.execute("UPDATE operation SET restricted = false")
        with pytest.raises(duckdb.Error):
            cur.execute("DELETE FROM submission")
    finally:
        con.close()


def test_unscoped_cursor_has_the_scope_all(demo: duckdb.DuckDBPyConnection) -> None:
    assert scope_key(demo.cursor()) == "all"
    assert scope_key(scoped(demo, set(), "kent.desk")) == "ops=|by=kent.desk"


def test_untold_uploads_are_shown_only_to_their_uploader(demo: duckdb.DuckDBPyConnection) -> None:
    """A rejected file whose return could not be told may name any operation."""
    untold = demo.execute("SELECT uploaded_by, count(*) FROM upload WHERE return_key IS NULL "
                          "GROUP BY ALL").fetchall()
    assert untold, "the demo data has a file whose force could not be told"
    everyone = {r[0] for r in demo.execute("SELECT code FROM operation").fetchall()}
    uploader, n = untold[0]
    assert scoped(demo, everyone, "someone.else").execute(
        "SELECT count(*) FROM upload WHERE return_key IS NULL").fetchall()[0][0] == 0
    assert scoped(demo, everyone, uploader).execute(
        "SELECT count(*) FROM upload WHERE return_key IS NULL").fetchall()[0][0] == n


def test_reference_text_naming_a_hidden_operation_is_withheld(
        demo: duckdb.DuckDBPyConnection) -> None:
    """Grant 1's published source names Operation Alliances 2025: with OA2025 hidden it reads
    as neutral words; with OA2025 visible it reads as published."""
    everyone = {r[0] for r in demo.execute("SELECT code FROM operation").fetchall()}
    source = "SELECT source FROM grant_fund WHERE ref = 'G1'"
    published = demo.execute(source).fetchall()[0][0]
    assert "Operation Alliances 2025" in published
    assert scoped(demo, everyone).execute(source).fetchall()[0][0] == published
    hidden = scoped(demo, everyone - {"OA2025"})
    assert hidden.execute(source).fetchall()[0][0] == "Published funding announcement"
    texts = " ".join(str(v) for row in hidden.execute(
        "SELECT name, source FROM grant_fund UNION ALL SELECT purpose, ref FROM allocation"
    ).fetchall() for v in row)
    assert "OA2025" not in texts and "Operation Alliances 2025" not in texts
