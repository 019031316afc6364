"""The database, its write-ahead log and the upload archive are readable by their owner only.

They were created 0644/0755 (issue 8). Each test starts from the usual umask 022, so it fails
if the store relied on a umask some earlier test left behind.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.archive import archive_bytes, read_archived
from store.connection import open_db
from store.settings import settings_for


@pytest.fixture(autouse=True)
def ordinary_umask() -> Iterator[None]:
    """A process umask of 022, as a service starts with; the test's own is restored after."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_database_and_its_log_are_0600(tmp_path: Path) -> None:
    """A new database file and the write-ahead log made by a write are 0600."""
    db = tmp_path / "private" / "store.duckdb"
    con = open_db(db)
    try:
        con.execute("CREATE TABLE probe (x INTEGER)")
        con.execute("INSERT INTO probe VALUES (1)")
        wal = db.with_name(db.name + ".wal")
        assert wal.exists()
        assert (_mode(db), _mode(wal), _mode(db.parent)) == (0o600, 0o600, 0o700)
    finally:
        con.close()


def test_log_made_again_after_a_checkpoint_is_still_0600(tmp_path: Path) -> None:
    """DuckDB deletes its log at a checkpoint and makes a new one at the next write: that one
    is private too, long after the database was opened."""
    db = tmp_path / "store.duckdb"
    con = open_db(db)
    try:
        con.execute("CREATE TABLE probe (x INTEGER)")
        con.execute("CHECKPOINT")
        wal = db.with_name(db.name + ".wal")
        assert not wal.exists()
        con.execute("INSERT INTO probe VALUES (2)")
        assert wal.exists() and _mode(wal) == 0o600
    finally:
        con.close()


def _leave_a_log_behind(db: Path) -> None:
    """A process that writes and dies before closing, as in a crash: its log stays behind."""
    script = ("import duckdb, os, sys\n"
              "con = duckdb.connect(sys.argv[1])\n"
              "con.execute('CREATE TABLE probe (x INTEGER)')\n"
              "con.execute('CHECKPOINT')\n"
              "con.execute('INSERT INTO probe VALUES (1)')\n"
              "os._exit(0)\n")
    subprocess.run([sys.executable, "-c", script, str(db)], check=True, timeout=120)


def test_existing_loose_files_are_made_private_on_open(tmp_path: Path) -> None:
    """A database, log and archive left readable by everyone (an older version, a crash) are
    0600/0700 once the database is opened, and the log's figures are still there."""
    db = tmp_path / "store.duckdb"
    _leave_a_log_behind(db)
    wal = db.with_name(db.name + ".wal")
    archive = settings_for(db).archive_dir
    (archive / "ab").mkdir(parents=True)
    archived = archive / "ab" / ("ab" + "0" * 62)
    archived.write_bytes(b"old upload")
    for path, mode in ((db, 0o644), (wal, 0o644), (archive, 0o755), (archive / "ab", 0o755),
                       (archived, 0o644)):
        path.chmod(mode)
    con = open_db(db)
    try:
        assert wal.exists() and (_mode(db), _mode(wal)) == (0o600, 0o600)
        assert con.execute("SELECT x FROM probe").fetchall() == [(1,)]
    finally:
        con.close()
    assert (_mode(archive), _mode(archive / "ab"), _mode(archived)) == (0o700, 0o700, 0o600)


def test_archive_is_created_0700_with_files_0600(tmp_path: Path) -> None:
    """Archiving an upload makes the folders 0700 and the file 0600, and it reads back."""
    archive = tmp_path / "store_uploads"
    sha, relative = archive_bytes(archive, b"a return's bytes")
    target = archive / relative
    assert (_mode(archive), _mode(target.parent), _mode(target)) == (0o700, 0o700, 0o600)
    assert read_archived(archive, relative) == b"a return's bytes"
    assert relative.endswith(sha)


def test_archive_folder_left_open_is_closed_by_the_next_upload(tmp_path: Path) -> None:
    """An existing archive folder that others could read is 0700 after the next upload."""
    archive = tmp_path / "store_uploads"
    archive.mkdir(mode=0o755)
    archive.chmod(0o755)
    archive_bytes(archive, b"another return")
    assert _mode(archive) == 0o700


def test_a_link_in_the_archive_is_not_followed(tmp_path: Path) -> None:
    """A symbolic link planted in the archive does not make open_db change its target."""
    db = tmp_path / "store.duckdb"
    outside = tmp_path / "outside.txt"
    outside.write_text("not ours to change")
    outside.chmod(0o644)
    archive = settings_for(db).archive_dir
    archive.mkdir()
    (archive / "link").symlink_to(outside)
    open_db(db).close()
    assert _mode(outside) == 0o644 and _mode(archive) == 0o700
