"""What a new version of a return changes: figures and detail rows added, altered and removed.

A figure is identified by (measure, day, port); a detail row (spend line, vehicle, container)
by what it says apart from its amount, so a corrected amount is one altered line, and a line
gone is a removal. Values are compared to the penny, as the store keeps them, so a file
re-saved with the same content shows "0 figures changed" (SECURITY.md 24).

A **removal** is a figure the current version states and the new file does not (the cell blank
or 'not recorded', or the row gone; issue 9): ``removals`` lists them so nobody loses a figure
without deciding to. Blank and 'not recorded' are the same here: neither is a figure.

Each change is a plain dict (the command line prints it as JSON): table, measure, day (ISO),
port, detail (a detail row's identifying cells), old, new, old_qualifier, new_qualifier,
change (added | altered | removed), and, in words, label and place ('Arrests', 'Total').
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb
import pandas as pd

from loaders.ingest.return_names import figure_words
from store.submissions import submission_details, submission_values

Key = tuple[str, str | None, str | None]
Stated = tuple[Decimal | None, str | None]
# Detail table → (its figure column, that figure's qualifier column); other cells, less
# provenance and notes, say which row it is.
DETAIL_FIGURES = {"spend_line": ("amount_gbp", None), "vehicle": ("value_gbp", "value_qualifier"),
                  "container": ("value_gbp", "value_qualifier")}
NOT_IDENTIFYING = ("sheet", "row", "note")
NOUNS = {"value": ("figure", "figures"), "spend_line": ("spend line", "spend lines"),
         "vehicle": ("vehicle", "vehicles"), "container": ("container", "containers")}


def changed_figures(
    con: duckdb.DuckDBPyConnection, return_key: str, new_values_df: pd.DataFrame,
    previous_submission_id: int | None,
) -> list[dict[str, Any]]:
    """Every figure added, removed or altered (value or qualifier) since the previous version.

    ``return_key`` names the return in the caller's messages; the comparison needs only the ids.
    """
    old = _figures(submission_values(con, previous_submission_id)) if previous_submission_id else {}
    return _value_changes(old, _figures(new_values_df))


def changes_between(con: duckdb.DuckDBPyConnection, previous_submission_id: int, parsed: Any,
                    ref: Any | None = None) -> list[dict[str, Any]]:
    """Figures, then detail rows, that differ between a stored version and a parsed return
    (``loaders.returns.records.ParsedReturn``); with ``ref``, each change is also named in words."""
    found = changed_figures(con, "", parsed.values, previous_submission_id)
    stored = submission_details(con, previous_submission_id)
    for table in DETAIL_FIGURES:
        found += _detail_changes(table, stored.get(table), parsed.details.get(table))
    if ref is not None:
        for change in found:
            change["label"], change["place"] = figure_words(ref, change)
    return found


def stored_changes(con: duckdb.DuckDBPyConnection, old_submission_id: int,
                   new_submission_id: int, ref: Any) -> list[dict[str, Any]]:
    """The same comparison between two stored versions (the Returns tracker's "What changed"),
    each change named in words: the figures and rows a resubmission added, altered or removed."""
    found = _value_changes(_figures(submission_values(con, old_submission_id)),
                           _figures(submission_values(con, new_submission_id)))
    before, after = (submission_details(con, old_submission_id),
                     submission_details(con, new_submission_id))
    for table in DETAIL_FIGURES:
        found += _detail_changes(table, before.get(table), after.get(table))
    for change in found:
        change["label"], change["place"] = figure_words(ref, change)
    return found


def removals(changes: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The changes that take away a figure or a row the current version states."""
    return [c for c in changes if c["change"] == "removed"]


def removal_key(change: dict[str, Any]) -> str:
    """What identifies a removal a person has seen and confirmed (words left out)."""
    fields = ("table", "measure", "day", "port", "detail", "old", "old_qualifier")
    return json.dumps({k: change.get(k) for k in fields}, sort_keys=True, default=str)


def unconfirmed(changes: Iterable[dict[str, Any]], confirmed: bool | Collection[str]) -> list[dict[str, Any]]:
    """Removals not covered by ``confirmed``: True covers all, False none, else those keys."""
    if confirmed is True:
        return []
    allowed = () if confirmed is False else confirmed
    return [c for c in removals(changes) if removal_key(c) not in allowed]


# --- figures -------------------------------------------------------------------------------

def _value_changes(old: dict[Key, Stated], new: dict[Key, Stated]) -> list[dict[str, Any]]:
    changes = []
    for key in sorted(old.keys() | new.keys(), key=_sort_key):
        before, after = old.get(key, (None, None)), new.get(key, (None, None))
        if before[0] is None and after[0] is None:
            continue    # blank and 'not recorded' alike: no figure either side
        if before != after:
            changes.append({
                "table": "value", "measure": key[0], "day": key[1], "port": key[2],
                "detail": None, "old": _number(before[0]), "new": _number(after[0]),
                "old_qualifier": before[1], "new_qualifier": after[1],
                "change": _kind(before[0], after[0]),
            })
    return changes


def _kind(old: Any, new: Any) -> str:
    if new is None:
        return "removed"
    return "added" if old is None else "altered"


def _figures(frame: pd.DataFrame | None) -> dict[Key, Stated]:
    if frame is None or frame.empty:
        return {}
    found = {}
    for rec in frame.to_dict("records"):
        key = (str(rec["measure"]), _day(rec.get("day")), _text(rec.get("port")))
        found[key] = (_pennies(rec.get("value")), _text(rec.get("qualifier")))
    return found


# --- detail rows ---------------------------------------------------------------------------

def _detail_changes(table: str, old: pd.DataFrame | None,
                    new: pd.DataFrame | None) -> list[dict[str, Any]]:
    """Rows matched on their identifying cells; within a match, equal figures pair first."""
    before, after = _rows(table, old), _rows(table, new)
    changes = []
    for ident in sorted(before.keys() | after.keys()):
        olds, news = list(before.get(ident, [])), list(after.get(ident, []))
        for stated in list(olds):
            if stated in news:
                olds.remove(stated)
                news.remove(stated)
        detail = dict(json.loads(ident))
        for index in range(max(len(olds), len(news))):
            was = olds[index] if index < len(olds) else None
            becomes = news[index] if index < len(news) else None
            changes.append(_detail_change(table, detail, was, becomes))
    return changes


def _detail_change(table: str, detail: dict[str, Any], was: Stated | None,
                   becomes: Stated | None) -> dict[str, Any]:
    kind = "removed" if becomes is None else "added" if was is None else "altered"
    day_column = {"spend_line": "spent_on", "vehicle": "recovered_on", "container": "examined_on"}
    return {"table": table, "measure": None, "day": detail.get(day_column[table]),
            "port": detail.get("port"), "detail": detail,
            "old": _number(was[0]) if was else None, "new": _number(becomes[0]) if becomes else None,
            "old_qualifier": was[1] if was else None,
            "new_qualifier": becomes[1] if becomes else None, "change": kind}


def _rows(table: str, frame: pd.DataFrame | None) -> dict[str, list[Stated]]:
    """Identifying cells (as sorted JSON) → the figures of the rows that have them."""
    if frame is None or frame.empty:
        return {}
    figure, qualifier = DETAIL_FIGURES[table]
    found: dict[str, list[Stated]] = {}
    for rec in frame.to_dict("records"):
        ident = {k: _plain(v) for k, v in rec.items()
                 if k not in (*NOT_IDENTIFYING, figure, qualifier)}
        stated = (_pennies(rec.get(figure)), _text(rec.get(qualifier)) if qualifier else None)
        found.setdefault(json.dumps(ident, sort_keys=True), []).append(stated)
    for rows in found.values():
        rows.sort(key=lambda s: (s[0] is None, s[0] or 0, s[1] or ""))
    return found


def _plain(value: Any) -> Any:
    """A cell as JSON: dates ISO, numbers to the penny as text, missing as None."""
    if _missing(value):
        return None
    if isinstance(value, (date, datetime, pd.Timestamp)):
        return _day(value)
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return str(_pennies(value))
    return str(value)


# --- shared --------------------------------------------------------------------------------

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


def changes_summary(changes: list[dict[str, Any]], kind: str | None = None) -> str:
    """'0 figures changed', '1 figure changed', '7 figures changed (5 altered, 2 removed)',
    '3 spend lines changed (1 added, 1 altered, 1 removed)'."""
    tables = list(dict.fromkeys(c.get("table", "value") for c in changes))
    if not tables:
        tables = ["spend_line" if kind == "spend-return" else "value"]
    return "; ".join(_table_summary(t, [c for c in changes if c.get("table", "value") == t])
                     for t in tables)


def _table_summary(table: str, changes: list[dict[str, Any]]) -> str:
    one, many = NOUNS[table]
    n = len(changes)
    text = f"{n:,} {one if n == 1 else many} changed"
    counts = {k: sum(1 for c in changes if c.get("change") == k)
              for k in ("added", "altered", "removed")}
    if counts["altered"] == n:
        return text
    return text + " (" + ", ".join(f"{v:,} {k}" for k, v in counts.items() if v) + ")"
