"""Configuration, read once from the environment into one object.

Nothing else in the project reads ``os.environ``: ask ``settings()`` instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
DEMO_DIR = DATA_DIR / "demo"

MARKING = "OFFICIAL-SENSITIVE"


@dataclass(frozen=True)
class Settings:
    db_path: Path
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


def settings_for(db_path: str | Path, mode: str = "development") -> Settings:
    path = Path(db_path).resolve()
    return Settings(db_path=path, archive_dir=path.parent / f"{path.stem}_uploads", mode=mode)


def settings() -> Settings:
    """The settings of this process: ``NVCRP_DB`` names the database, else ``data/nvcrp.duckdb``.

    Read on each call (it is cheap) so tests can point the app at another database.
    """
    return settings_for(os.environ.get("NVCRP_DB") or DATA_DIR / "nvcrp.duckdb",
                        mode=os.environ.get("NVCRP_MODE") or "development")
