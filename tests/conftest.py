"""Fixtures shared by every room's tests: an empty database and the demo database.

The demo database is built once per test session through the real loaders (about half a
minute); tests that write get their own copy, so no test sees another's uploads.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from store.local_postgres import LocalPostgres


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database and its upload archive, built once; never open it for writing."""
    from loaders.demo.build import build_demo

    path = tmp_path_factory.mktemp("demo") / "nvcrp.duckdb"
    build_demo(path)
    return path


def copy_db(source: Path, target_dir: Path) -> Path:
    """Copy a closed database and its archive folder; returns the new database path."""
    target = target_dir / source.name
    shutil.copy(source, target)
    archive = source.parent / f"{source.stem}_uploads"
    if archive.exists():
        shutil.copytree(archive, target_dir / archive.name)
    return target


@pytest.fixture
def demo_db(demo_db_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the demo database, which the app (NVCRP_DB) also points at."""
    path = copy_db(demo_db_template, tmp_path)
    monkeypatch.setenv("NVCRP_DB", str(path))
    return path


@pytest.fixture
def empty_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A path for a fresh database (created, migrated and given reference data on first open)."""
    path = tmp_path / "empty.duckdb"
    monkeypatch.setenv("NVCRP_DB", str(path))
    return path


@pytest.fixture(autouse=True)
def signed_in_apps(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every page needs a signed-in person (issue 5).

    An AppTest that its test has not signed in starts signed in as 'tester', an administrator
    whose account is created in the database NVCRP_DB names — through the same session record
    a real sign-in writes. Only the first run is signed in this way, so a test can still sign
    out. The sign-in tests themselves (tests/auth) start signed out.
    """
    if "tests/auth/" in str(request.node.path).replace("\\", "/"):
        return
    from streamlit.testing.v1 import AppTest

    from store.settings import settings
    from ui import auth

    real_run = AppTest.run

    def run(self: AppTest, *, timeout: float | None = None) -> AppTest:
        if not getattr(self, "_signed_in_once", False):
            self._signed_in_once = True  # type: ignore[attr-defined]
            if auth.SESSION_KEY not in self.session_state:
                self.session_state[auth.SESSION_KEY] = signed_in_session(settings().db_path)
        return real_run(self, timeout=timeout)

    monkeypatch.setattr(AppTest, "run", run)


def signed_in_session(db: Path, name: str = "tester", role: str = "admin") -> dict[str, object]:
    """Create (if need be) an account in the database ``db``; return its session record."""
    from store import accounts
    from store.connection import open_db
    from store.reference import load_reference
    from ui import auth

    con = open_db(db)
    try:
        load_reference(con)
        if accounts.get_user(con, name) is None:
            accounts.create_user(con, name, role=role, by="test", password="correct horse battery",
                                 must_change=False)
    finally:
        con.close()
    return auth.session_for(name)


@pytest.fixture(scope="session")
def postgres_server(request: pytest.FixtureRequest,
                    tmp_path_factory: pytest.TempPathFactory) -> LocalPostgres:
    """One private PostgreSQL server for the whole run, stopped at the end (also after a
    failure or an interrupted run). Fails, never skips, when PostgreSQL is not installed:
    'make test' and CI install Debian's postgresql package."""
    import atexit

    from store.local_postgres import LocalPostgres, PostgresNotInstalled  # noqa: F811

    try:
        server = LocalPostgres(tmp_path_factory.mktemp("postgres"), durable=False)
    except PostgresNotInstalled as exc:
        pytest.fail(str(exc), pytrace=False)
    atexit.register(server.stop)          # if the run dies before the finaliser runs
    request.addfinalizer(server.stop)
    return server.start()


@pytest.fixture
def postgres_url(postgres_server: LocalPostgres, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, empty database of its own on the session's server; dropped afterwards, with
    any connection the test left open ended first."""
    import re
    import uuid

    stem = re.sub(r"[^a-z0-9_]", "_", request.node.name.lower())[:40]
    name = f"t_{stem}_{uuid.uuid4().hex[:8]}"
    url = postgres_server.create_database(name)
    yield url
    from store.mirror import forget

    forget(url)       # this process's working copy and its connections (store.mirror)
    postgres_server.drop_database(name)
