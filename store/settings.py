"""Configuration, read once from the environment into one object.

Nothing else in the project reads ``os.environ``: ask ``settings()`` instead.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
DEMO_DIR = DATA_DIR / "demo"

MARKING = "OFFICIAL-SENSITIVE"
# Bytes 8 to 11 of every DuckDB database file.
DUCKDB_MAGIC = b"DUCK"
# 'postgresql://…', 'md:…', 's3://…', 'file:…', ':memory:': anything that is not a plain path.
_NOT_A_PATH = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*:|:)")
# The shared store: postgresql://user[:password]@host[:port]/database[?options].
_POSTGRES = re.compile(r"^postgres(?:ql)?://[^/\s]*@?[^/\s]+(?::\d+)?/[A-Za-z0-9_.-]+(?:\?\S*)?$")
POSTGRES_EXAMPLE = "postgresql://nvcrp@db.example.internal:5432/nvcrp"


class StoreLocationError(ValueError):
    """``NVCRP_DB`` or ``--db`` names something other than a DuckDB database file."""


def is_postgres(location: str | Path) -> bool:
    """Whether a store location (as ``db_location`` returns it) is a PostgreSQL URL."""
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def shown_location(location: str | Path) -> str:
    """A store location for messages: a PostgreSQL URL without its password."""
    if is_postgres(location):
        return re.sub(r"//([^:/@]+):[^@/]*@", r"//\1:***@", str(location))
    return str(location)


@dataclass(frozen=True)
class Settings:
    # A DuckDB database file, or a PostgreSQL URL for the shared store (``is_postgres``).
    db_path: Path | str
    # Raw uploaded bytes live beside the database, never under a served folder.
    archive_dir: Path
    marking: str = MARKING
    # Largest upload accepted, in bytes; Streamlit's own limit is set to the same in config.toml.
    max_upload_bytes: int = 25 * 1024 * 1024
    # Memory ceiling (bytes of address space) and time limit for the child process that parses a file.
    parse_memory_limit: int = 1536 * 1024 * 1024
    parse_timeout_s: float = 120.0
    # 'production' refuses to start without a working sign-in (see ui.auth.startup_problems).
    mode: str = "development"
    # Our own limits: st.login's cookie lasts 30 days and cannot be shortened (SECURITY.md trap 11).
    session_max_age_s: int = 8 * 60 * 60
    idle_timeout_s: int = 30 * 60
    # NVCRP_TEST_CLOCK: a file holding seconds to add to the real clock, so browser tests can
    # move a running server past a timeout (ui.auth.clock). Never honoured in production.
    test_clock: Path | None = None


def db_location(value: str | Path) -> Path | str:
    """The store ``value`` names: a DuckDB database file (resolved) or a PostgreSQL URL
    (``postgresql://user@host:port/db``, unchanged). Raise StoreLocationError, saying what is
    accepted, for any other URL, a folder or a file that is not a DuckDB database.

    For what people type (``NVCRP_DB``, ``--db``); code that opens a database it made itself
    (``open_db(":memory:")`` in tests) does not pass through here.
    """
    text = str(value).strip()
    accepted = ("Give the path of a DuckDB database file, for example data/nvcrp.duckdb "
                "(it is created if it does not exist), or the URL of a shared PostgreSQL "
                f"database, for example {POSTGRES_EXAMPLE}.")
    if not text:
        raise StoreLocationError(f"No database was named. {accepted}")
    if text.lower().startswith(("postgresql:", "postgres:")):
        if _POSTGRES.match(text):
            return text
        from store.postgres import shown

        raise StoreLocationError(
            f"'{shown(text)[:200]}' is not a PostgreSQL URL this service understands. Write "
            f"it as postgresql://USER@HOST:PORT/DATABASE, for example {POSTGRES_EXAMPLE} "
            "(a password is better kept in ~/.pgpass or PGPASSWORD than in the URL).")
    if _NOT_A_PATH.match(text):
        raise StoreLocationError(
            f"'{text[:200]}' is neither a DuckDB database file path nor a PostgreSQL URL. "
            f"{accepted} Other URLs (s3://, md:, file:) and in-memory databases are not "
            "accepted.")
    return _checked_path(text)


@lru_cache(maxsize=64)
def _checked_path(text: str) -> Path:
    # Only a path that passes is remembered: a refusal is checked again next time.
    path = Path(text).expanduser().resolve()
    if path.is_dir():
        raise StoreLocationError(f"'{text[:200]}' is a folder, not a database file. Give the "
                                 f"file inside it, for example {Path(text) / 'nvcrp.duckdb'}.")
    if path.is_file():
        with path.open("rb") as f:
            head = f.read(16)
        if head[8:12] != DUCKDB_MAGIC:
            raise StoreLocationError(
                f"'{text[:200]}' exists but is not a DuckDB database file"
                f"{' (it is empty)' if not head else ''}. Check the path: the database is the "
                "file 'make run' or 'python -m loaders demo' created, e.g. data/nvcrp.duckdb.")
    return path


def settings_for(db_path: str | Path, mode: str = "development",
                 test_clock: Path | None = None, archive_dir: Path | None = None) -> Settings:
    """Settings for the store at ``db_path``. A DuckDB file keeps uploaded files in a folder
    beside it; a PostgreSQL store in ``archive_dir`` (NVCRP_ARCHIVE), by default
    data/shared_uploads — a folder every server process must share."""
    clock = test_clock if mode != "production" else None
    if is_postgres(db_path):
        return Settings(db_path=str(db_path), mode=mode, test_clock=clock,
                        archive_dir=Path(archive_dir or os.environ.get("NVCRP_ARCHIVE")
                                         or DATA_DIR / "shared_uploads").resolve())
    path = Path(db_path).resolve()
    return Settings(db_path=path, archive_dir=Path(archive_dir).resolve() if archive_dir
                    else path.parent / f"{path.stem}_uploads", mode=mode, test_clock=clock)


def settings() -> Settings:
    """The settings of this process: ``NVCRP_DB`` names the database, else ``data/nvcrp.duckdb``.

    Read on each call (it is cheap) so tests can point the app at another database.
    """
    clock = os.environ.get("NVCRP_TEST_CLOCK")
    archive = os.environ.get("NVCRP_ARCHIVE")
    return settings_for(db_location(os.environ.get("NVCRP_DB") or DATA_DIR / "nvcrp.duckdb"),
                        mode=os.environ.get("NVCRP_MODE") or "development",
                        test_clock=Path(clock) if clock else None,
                        archive_dir=Path(archive) if archive else None)


def clock_shift(config: Settings) -> float:
    """Seconds the test clock file asks to add to the real time; 0 without one (or unreadable)."""
    if config.test_clock is None:
        return 0.0
    try:
        return float(config.test_clock.read_text(encoding="utf-8").strip() or 0)
    except (OSError, ValueError):
        return 0.0
