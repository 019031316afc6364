"""An operation's headline figures as at a date: numbers, qualifiers and the lines to print."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

from metrics.coverage import coverage
from metrics.format import fmt_date, fmt_money, phrase
from metrics.query import is_illustrative, totals
from metrics.scope import Filters
from store.connection import data_version

# Headline figure → (singular, plural) noun for the printed line.
HEADLINE_NOUNS: dict[str, tuple[str, str]] = {
    "arrests": ("arrest", "arrests"),
    "vehicles_recovered": ("stolen vehicle recovered", "stolen vehicles recovered"),
    "value_recovered_gbp": ("value of stolen vehicles recovered", "value of stolen vehicles recovered"),
    "charged": ("person charged", "people charged"),
    "warrants": ("warrant executed", "warrants executed"),
    "dismantling_sites": ("illegal dismantling site found", "illegal dismantling sites found"),
}


class UnknownOperation(ValueError):
    """The operation code is not in the operation table."""


def known_operations(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in con.execute("SELECT code FROM operation ORDER BY start_date, code").fetchall()]


def _operation_name(con: duckdb.DuckDBPyConnection, operation: str) -> str:
    rows = con.execute("SELECT name FROM operation WHERE code = ?", [operation]).fetchall()
    if not rows:
        known = ", ".join(known_operations(con)) or "none loaded yet"
        raise UnknownOperation(
            f"Operation {operation!r} is not known. Known operation codes: {known}. "
            "Check the code, or load the reference data first."
        )
    return str(rows[0][0])


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def _line(name: str, value: float | None, qualifier: str) -> str:
    """'at least 368 arrests'; money and missing figures as 'Label: value'."""
    singular, plural = HEADLINE_NOUNS[name]
    label = f"{plural[0].upper()}{plural[1:]}"
    if value is None:
        return f"{label}: not recorded"
    if name.endswith("_gbp"):
        return f"{label}: {fmt_money(value, qualifier)}"
    noun = singular if value == 1 and qualifier == "exact" else plural
    return phrase(value, "count", qualifier, noun)


def headline(con: duckdb.DuckDBPyConnection, operation: str, as_at: date) -> dict[str, Any]:
    """The headline figures of ``operation`` as at ``as_at``, ready to print or serialise.

    Raises UnknownOperation (listing the known codes) when the code is not in the store.
    """
    name = _operation_name(con, operation)
    filters = Filters(operation=operation, as_at=as_at)
    found = totals(con, filters, list(HEADLINE_NOUNS)).set_index("measure")
    held = coverage(con, filters)
    result: dict[str, Any] = {
        "operation": operation, "operation_name": name, "as_at": as_at.isoformat(),
    }
    lines = [f"{name}: results as at {fmt_date(as_at)}"]
    for measure in HEADLINE_NOUNS:
        value, qualifier = None, "not_recorded"
        if measure in found.index and found.loc[measure, "value"] == found.loc[measure, "value"]:
            value, qualifier = float(found.loc[measure, "value"]), str(found.loc[measure, "qualifier"])
        result[measure] = _number(value)
        result[f"{measure}_qualifier"] = qualifier
        lines.append(_line(measure, value, qualifier))
    result.update(forces_reporting=held.reporting, forces_expected=held.expected,
                  data_version=data_version(con), illustrative=is_illustrative(con))
    lines.append(f"{held.reporting} of {held.expected} forces reported")
    if result["illustrative"]:
        lines.append("Illustrative data: these figures come from demonstration returns.")
    result["text"] = lines
    return result
