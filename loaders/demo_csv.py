"""Demo returns sent as CSV files (long form: one figure per line)."""

from __future__ import annotations

from typing import Any


def csv_files(plan: Any) -> dict[str, str]:
    """CSV demo files by name (relative to the demo folder) → text."""
    return {}
