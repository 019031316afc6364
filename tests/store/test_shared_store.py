"""The shared PostgreSQL store (issue 10, point 3), against a real PostgreSQL server.

The figures must be identical on both stores, several processes and the command line must
write at once, an upload is still all or nothing, and a sign-out in one process ends the
session in every other.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import psycopg
import pytest

from store import web_sessions
from store.connection import migration_files, open_db
from store.mirror import Mirror
from store.postgres import StoreUnreachable
from store.reference import load_reference
from store.settings import ROOT

DEMO = ROOT / "data" / "demo"
DATA_TABLES = ("submission", "value", "vehicle", "container", "spend_line", "upload_issue")


def _pg_columns(url: str) -> dict[str, list[tuple[str, str]]]:
    names = {"text": "VARCHAR", "integer": "INTEGER", "bigint": "BIGINT", "boolean": "BOOLEAN",
             "date": "DATE", "timestamp without time zone": "TIMESTAMP", "json": "JSON",
             "double precision": "DOUBLE", "ARRAY": "VARCHAR[]"}
    found: dict[str, list[tuple[str, str]]] = {}
    with psycopg.connect(url) as pg:
        for table, column, kind, precision, scale in pg.execute(
                "SELECT table_name, column_name, data_type, numeric_precision, numeric_scale "
                "FROM information_schema.columns WHERE table_schema = 'public' AND table_name "
                "NOT IN ('store_change') ORDER BY table_name, ordinal_position").fetchall():
            spelled = f"DECIMAL({precision},{scale})" if kind == "numeric" else names[kind]
            found.setdefault(table, []).append((column, spelled))
    return found


def _duck_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in con.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE database_name = current_database() AND schema_name = 'main' "
            "ORDER BY table_name, column_index").fetchall():
        found.setdefault(table, []).append((column, kind.replace(", ", ",")))
    return found


def test_both_migrations_make_the_same_tables_columns_and_types(
        postgres_url: str, tmp_path: Path) -> None:
    """store/migrations/postgres/ is the twin of store/migrations/: same tables, columns, types."""
    open_db(postgres_url)
    duck = open_db(tmp_path / "file.duckdb")
    assert _pg_columns(postgres_url) == _duck_columns(duck)


def _rows(con: Any, table: str) -> pd.DataFrame:
    frame = con.execute(f"SELECT * FROM {table}").df()  # noqa: S608 - our table names
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


@pytest.mark.slow
def test_the_demo_loaded_into_postgresql_gives_identical_figures(
        postgres_url: str, demo_db_template: Path) -> None:
    """Every demo return loaded through the real loaders into PostgreSQL: the stored rows
    and every metric the pages ask for equal those of the DuckDB demo."""
    from benchmarks.pages import named_calls
    from loaders.demo.build import build_demo

    results = build_demo(postgres_url)
    assert sum(r.outcome == "accepted" for r in results) == 150
    shared = open_db(postgres_url)
    file = duckdb.connect(str(demo_db_template), read_only=True)
    for table in DATA_TABLES:
        pd.testing.assert_frame_equal(_rows(shared, table), _rows(file, table),
                                      check_dtype=False, obj=table)
    calls = named_calls(file)
    assert len(calls) >= 20
    for fn, args in calls:
        expected, got = fn(file, *args), fn(shared, *args)
        if isinstance(expected, pd.DataFrame):
            pd.testing.assert_frame_equal(got, expected, obj=fn.__qualname__)
        else:
            assert got == expected, fn.__qualname__
    # And read straight from PostgreSQL, not from the working copy:
    with psycopg.connect(postgres_url) as pg:
        direct = pg.execute("SELECT count(*), sum(value) FROM value").fetchone()
    assert direct == tuple(file.execute("SELECT count(*), sum(value) FROM value").fetchone())


def _ingest(url: str, *files: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "loaders", "ingest", *map(str, files), "--json", "--db", url],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, **(env or {})},
        timeout=180)


def _demo_returns(count: int) -> list[Path]:
    return sorted(DEMO.glob("*_OA2025_*_force-return.xlsx"))[:count]


@pytest.mark.slow
def test_command_line_loads_while_a_server_process_holds_the_store(
        postgres_url: str, tmp_path: Path) -> None:
    """The 'database is busy' refusal is gone: a dashboard process holds the store open and
    keeps reading while two command-line processes load returns at once; the dashboard sees
    every accepted upload at its next page run."""
    dashboard = open_db(postgres_url)
    load_reference(dashboard)
    before = dashboard.execute("SELECT count(*) FROM submission").fetchall()[0][0]
    first, second = _demo_returns(4)[:2], _demo_returns(4)[2:]
    env = {"NVCRP_ARCHIVE": str(tmp_path / "uploads")}
    outcomes: list[subprocess.CompletedProcess[str]] = []
    threads = [threading.Thread(target=lambda f=f: outcomes.append(_ingest(postgres_url, *f,
                                                                          env=env)))
               for f in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [o.returncode for o in outcomes] == [0, 0], [o.stderr for o in outcomes]
    from store.connection import keep_current

    keep_current(dashboard)
    after = dashboard.execute("SELECT count(*) FROM submission").fetchall()[0][0]
    assert after == before + 4


def test_a_failed_upload_writes_nothing_to_postgresql(
        postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An error after the figures were written, inside the save: PostgreSQL keeps none of
    them, the upload is marked failed, and the working copy agrees."""
    from loaders.ingest.upload import ingest_file
    from loaders.reference.snapshot import Reference
    from store import submissions
    from store.settings import settings_for

    con = open_db(postgres_url)
    load_reference(con)
    config = settings_for(postgres_url, archive_dir=tmp_path / "uploads")

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(submissions, "insert_details", broken)
    result = ingest_file(con, _demo_returns(1)[0], user="tester", settings=config,
                         ref=Reference.from_db(con))
    assert result.outcome == "failed"
    with psycopg.connect(postgres_url) as pg:
        assert pg.execute("SELECT outcome FROM upload").fetchall() == [("failed",)]
        for table in ("submission", "value", "vehicle"):
            assert pg.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table  # noqa: S608
    assert con.execute("SELECT count(*) FROM value").fetchall() == [(0,)]


def test_sign_out_in_one_process_ends_the_session_in_another(postgres_url: str) -> None:
    """Two working copies (as two server processes have): a session started through one is
    live in the other; signed out through the other, it is over in the first at its next
    look."""
    from store import accounts

    first = open_db(postgres_url)
    load_reference(first)
    accounts.create_user(first, "lead", role="viewer", by="test",
                         password="correct horse battery", must_change=False)
    other = Mirror(postgres_url)
    try:
        other.refresh()
        fingerprint = web_sessions.credential(first, "lead")
        secret = web_sessions.start(first, name="lead", method="local", started_at=1000.0,
                                    fingerprint=fingerprint, now=1000.0)
        other.refresh()
        second = other.con.cursor()
        session = web_sessions.key(secret)
        assert web_sessions.live(second, session, 1001.0, 8 * 3600, 1800)
        web_sessions.end(second, session, "signed-out", 1002.0)
        from store.connection import keep_current

        keep_current(first)
        assert not web_sessions.live(first, session, 1003.0, 8 * 3600, 1800)
    finally:
        other.close()


def test_a_refresh_fetches_only_what_changed(postgres_url: str) -> None:
    """Nothing new: no table fetched. An account added: that table and the audit only."""
    from store import accounts

    con = open_db(postgres_url)
    load_reference(con)
    other = Mirror(postgres_url)
    try:
        other.refresh()
        assert other.refresh() == []
        accounts.create_user(con, "analyst1", role="analyst", by="test",
                             password="correct horse battery", must_change=False)
        assert sorted(other.refresh()) == ["audit", "user_account"]
        assert other.con.execute("SELECT forces FROM user_account").fetchall() == [([],)]
    finally:
        other.close()


def test_an_unreachable_server_is_named_without_its_password(tmp_path: Path) -> None:
    """No server on that port: a plain message naming the store, never the password; the
    command line exits 3 as it does for a busy DuckDB file."""
    url = "postgresql://nvcrp:hunter2@127.0.0.1:9/nvcrp"
    with pytest.raises(StoreUnreachable, match="could not be reached") as refused:
        open_db(url)
    assert "hunter2" not in str(refused.value)
    done = _ingest(url, _demo_returns(1)[0])
    assert done.returncode == 3, done.stderr
    assert "could not be reached" in done.stderr and "hunter2" not in done.stderr


def test_migrations_upgrade_an_older_postgresql_schema(postgres_url: str) -> None:
    """A store made by an earlier release (migrations 1 and 2 only) is upgraded in place when
    a newer one opens it: the later migrations run once, rows already there stay."""
    from store import postgres

    with psycopg.connect(postgres_url) as pg, pg.transaction():
        pg.execute("CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT "
                   "NULL, applied_at TIMESTAMP NOT NULL)")
        for number, name, sql in migration_files(postgres.MIGRATIONS_DIR)[:2]:
            pg.execute(sql)  # type: ignore[arg-type]
            pg.execute("INSERT INTO schema_migration VALUES (%s, %s, now())", [number, name])
        pg.execute("INSERT INTO sign_in_attempt (id, at_time, name, session_id, outcome) "
                   "VALUES (1, now(), 'old', 'command line', 'failure')")
    assert postgres.migrate(postgres_url) == [3, 4]
    assert postgres.migrate(postgres_url) == []
    con = open_db(postgres_url)
    assert con.execute("SELECT name, address FROM sign_in_attempt").fetchall() == [("old", None)]
    assert con.execute("SELECT count(*) FROM web_session").fetchall() == [(0,)]


def test_many_threads_read_while_another_writes(postgres_url: str) -> None:
    """As a server process under load: eight threads each bring the shared connection up to
    date and read through their own cursor while six others keep writing. No error, every
    write is seen, and the process holds no more PostgreSQL connections than it should."""
    from store.audit import audit
    from store.connection import keep_current

    shared = open_db(postgres_url)
    load_reference(shared)
    errors: list[BaseException] = []
    writes = 40

    def read() -> None:
        try:
            for _ in range(60):
                keep_current(shared)
                cursor = shared.cursor()
                cursor.execute("SELECT count(*) FROM audit").fetchall()
                cursor.close()
        except BaseException as exc:  # noqa: BLE001 - collected and reported below
            errors.append(exc)

    def write() -> None:
        try:
            cursor = shared.cursor()
            for n in range(writes):
                audit(cursor, "tester", "export", {"n": n})
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(8)] + [
        threading.Thread(target=write) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    keep_current(shared)
    assert shared.cursor().execute(
        "SELECT count(*) FROM audit WHERE action = 'export'").fetchall() == [(6 * writes,)]
    # However many threads wrote, the process kept its few connections (one reads, at most
    # WRITE_CONNECTIONS write): a connection per thread ran the server out at 20 leads.
    from store.mirror import WRITE_CONNECTIONS

    with psycopg.connect(postgres_url) as pg:
        held = pg.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                          "current_database() AND application_name = 'nvcrp-dashboard'"
                          ).fetchone()
    assert held is not None and held[0] <= 1 + WRITE_CONNECTIONS
