"""The private PostgreSQL server the tests, benchmarks and a one-machine trial start."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest

from store.local_postgres import LocalPostgres, PostgresNotInstalled, bin_dir


def test_a_private_server_starts_serves_a_database_and_stops(tmp_path: Path) -> None:
    started = time.monotonic()
    server = LocalPostgres(tmp_path / "server", durable=False).start()
    try:
        assert time.monotonic() - started < 30
        assert server.running and server.pid is not None
        assert server.url("x") == f"postgresql://postgres@127.0.0.1:{server.port}/x"
        if os.geteuid() == 0:   # the server never runs as root
            assert Path(f"/proc/{server.pid}").stat().st_uid != 0

        url = server.create_database("made_here")
        with psycopg.connect(url) as con:
            assert con.execute("SELECT current_database()").fetchone() == ("made_here",)
            con.execute("CREATE TABLE kept (n integer)")
        assert "made_here" in server.databases()

        left_open = psycopg.connect(url)    # a connection a test forgot to close
        server.drop_database("made_here")
        assert "made_here" not in server.databases()
        assert left_open.closed or left_open.broken or _fails(left_open)
    finally:
        pid = server.pid
        server.stop()
    assert pid is not None and not _running(pid)
    assert not server.running
    server.stop()   # twice is harmless


def _running(pid: int) -> bool:
    """Whether the process runs: gone, or exited and waiting to be reaped ('Z'), is not."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _fails(con: psycopg.Connection) -> bool:
    try:
        con.execute("SELECT 1")
    except psycopg.Error:
        return True
    return False


def test_the_fixture_database_is_fresh_and_reachable(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as con:
        tables = con.execute("SELECT count(*) FROM information_schema.tables "
                             "WHERE table_schema = 'public'").fetchone()
    assert tables == (0,)


def test_database_names_are_checked(postgres_server: LocalPostgres) -> None:
    with pytest.raises(ValueError, match="plain database name"):
        postgres_server.create_database('x"; DROP DATABASE postgres; --')


def test_missing_binaries_say_what_to_install(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    import store.local_postgres as local

    monkeypatch.setattr(local, "POSTGRES_ROOT", tmp_path)
    with pytest.raises(PostgresNotInstalled, match="install Debian's postgresql package"):
        bin_dir()
    with pytest.raises(PostgresNotInstalled):
        LocalPostgres()


def test_a_trial_server_outlives_the_command_that_started_it() -> None:
    """python -m store.local_postgres start DIR / stop DIR, as README gives them."""
    # Not under pytest's own folder: run as root, the postgres account could not reach it.
    folder = Path(tempfile.mkdtemp(prefix="nvcrp-trial-"))
    command = [sys.executable, "-m", "store.local_postgres"]
    try:
        started = subprocess.run([*command, "start", str(folder)], capture_output=True,
                                 text=True, timeout=120, check=True)
        url = re.search(r"postgresql://\S+/nvcrp", started.stdout).group(0)  # type: ignore[union-attr]
        with psycopg.connect(url) as con:
            assert con.execute("SELECT current_database()").fetchone() == ("nvcrp",)
        pid = int((folder / "data" / "postmaster.pid").read_text().split()[0])
        again = subprocess.run([*command, "start", str(folder)], capture_output=True,
                               text=True, timeout=120, check=True)
        assert f"already running in {folder}: {url}" in again.stdout
    finally:
        stopped = subprocess.run([*command, "stop", str(folder)], capture_output=True,
                                 text=True, timeout=120, check=False)
        shutil.rmtree(folder, ignore_errors=True)
    assert stopped.returncode == 0 and "Stopped" in stopped.stdout
    assert not _running(pid)
