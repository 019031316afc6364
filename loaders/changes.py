"""Figures that differ between a new version of a return and the version it replaces.

A figure is identified by (measure, day, port). Values are compared to the penny, as the store
keeps them, so a file re-saved with the same content shows "0 figures changed" (SECURITY.md 24).
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb
import pandas as pd

from store.submissions import submission_values

Key = tuple[str, str | None, str | None]


def changed_figures(
    con: duckdb.DuckDBPyConnection, return_key: str, new_values_df: pd.DataFrame,
    previous_submission_id: int | None,
) -> list[dict[str, Any]]:
    """Every figure added, removed or altered (value or qualifier) since the previous version.

    Each item: measure, day (ISO date or None), port, old, new, old_qualifier, new_qualifier;
    ``old`` and ``old_qualifier`` are None for a figure the previous version did not state.
    ``return_key`` names the return in the caller's messages; the comparison needs only the ids.
    """
    old = _figures(submission_values(con, previous_submission_id)) if previous_submission_id else {}
    new = _figures(new_values_df)
    changes = []
    for key in sorted(old.keys() | new.keys(), key=_sort_key):
        before, after = old.get(key, (None, None)), new.get(key, (None, None))
        if before != after:
            changes.append({
                "measure": key[0], "day": key[1], "port": key[2],
                "old": _number(before[0]), "new": _number(after[0]),
                "old_qualifier": before[1], "new_qualifier": after[1],
            })
    return changes


def _figures(frame: pd.DataFrame | None) -> dict[Key, tuple[Decimal | None, str | None]]:
    if frame is None or frame.empty:
        return {}
    found = {}
    for rec in frame.to_dict("records"):
        key = (str(rec["measure"]), _day(rec.get("day")), _text(rec.get("port")))
        found[key] = (_pennies(rec.get("value")), _text(rec.get("qualifier")))
    return found


def _missing(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _day(value: Any) -> str | None:
    if _missing(value):
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return pd.Timestamp(value).date().isoformat()


def _text(value: Any) -> str | None:
    return None if _missing(value) else str(value)


def _pennies(value: Any) -> Decimal | None:
    if _missing(value):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _number(value: Decimal | None) -> int | float | None:
    """Plain JSON-friendly numbers: 32 rather than Decimal('32.00')."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _sort_key(key: Key) -> tuple[str, str, str]:
    return (key[0], key[1] or "", key[2] or "")


def changes_summary(changes: list[dict[str, Any]]) -> str:
    """'0 figures changed', '1 figure changed', '12 figures changed'."""
    n = len(changes)
    return f"{n:,} figure{'' if n == 1 else 's'} changed"
