"""A real dashboard server for the browser benchmarks, on a private copy of the demo database.

The demo database is built once through the command line (``python -m loaders demo``) and kept
in benchmarks/results/demo/, rebuilt when the loaders, the store or the demo files change. Each
benchmark copies it, adds the benchmark's administrator account (before the server holds the
file: DuckDB lets one process open it), and starts ``streamlit run serve.py`` the way ``make
run`` and tests/e2e/conftest.py's ``running_server`` do. The server is stopped by its PID.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks.scale import BENCH_PASSWORD, BENCH_USER, RESULTS

ROOT = Path(__file__).resolve().parent.parent
DEMO_INPUTS = ("loaders", "store", "data/demo", "data/reference")


def _inputs_digest() -> str:
    """A digest of everything the demo database is built from."""
    digest = hashlib.sha256()
    for folder in DEMO_INPUTS:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def demo_db(folder: Path = RESULTS / "demo") -> Path:
    """The demo database, built by the command line the first time and when its inputs change."""
    path, stamp = folder / "nvcrp.duckdb", folder / "inputs.sha256"
    digest = _inputs_digest()
    if path.exists() and stamp.exists() and stamp.read_text().strip() == digest:
        return path
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "loaders", "demo", "--db", str(path)],
                   cwd=ROOT, check=True, capture_output=True, text=True)
    stamp.write_text(digest)
    print(f"demo database built in {time.perf_counter() - start:.0f} s: {path}")
    return path


def copy_db(source: Path, target_dir: Path) -> Path:
    """Copy a closed database and its archive of uploads; returns the new database path."""
    target = target_dir / source.name
    shutil.copy(source, target)
    archive = source.parent / f"{source.stem}_uploads"
    if archive.exists():
        shutil.copytree(archive, target_dir / archive.name)
    return target


def add_accounts(db: Path, names: list[str], role: str, password: str = BENCH_PASSWORD) -> None:
    """Accounts with a password that need not be changed, made while no server holds ``db``."""
    from store import accounts
    from store.connection import open_db

    con = open_db(db)
    try:
        for name in names:
            if accounts.get_user(con, name) is None:
                accounts.create_user(con, name, role=role, by="command line", password=password,
                                     must_change=False)
    finally:
        con.close()


def prepared_copy(source: Path, target_dir: Path) -> Path:
    """A private copy of ``source`` with the benchmark's administrator account in it."""
    target_dir.mkdir(parents=True, exist_ok=True)
    db = copy_db(source, target_dir)
    add_accounts(db, [BENCH_USER], "admin")
    return db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, log: Path, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not start: {log.read_text(errors='replace')[-2000:]}")


@dataclass(frozen=True)
class Server:
    url: str
    pid: int


@contextlib.contextmanager
def running_server(db: Path, workdir: Path) -> Iterator[Server]:
    """``streamlit run serve.py`` on ``db`` at a free local port; yields its URL and PID."""
    port = _free_port()
    env = {**os.environ, "NVCRP_DB": str(db)}
    log_path = workdir / "server.log"
    log = open(log_path, "wb")  # noqa: SIM115 — closed below, after the server
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "serve.py"),
         "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, log_path, proc)
        yield Server(url, proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
