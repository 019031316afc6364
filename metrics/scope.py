"""Filters and the as-at rule, written once as SQL that every query starts from.

As at D, each return key counts through its latest accepted version whose figures are stated as
at D or earlier (DESIGN.md, rule 1). ``SCOPE`` states that rule as the CTEs
``current_submissions`` (the rule alone) and ``scoped_submissions`` (narrowed by operation,
forces and regions). Queries are built by joining these constant fragments; every value the
user chose travels as a bound parameter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from metrics.registry import in_pillars, max_totalled

Params = dict[str, Any]


@dataclass(frozen=True)
class Filters:
    """What a page or export asks for. Hashable, so it can key a cache with the data version."""

    operation: str | None
    as_at: date
    start: date | None = None          # daily figures only: first day shown
    end: date | None = None            # daily figures only: last day shown
    regions: tuple[str, ...] = ()
    forces: tuple[str, ...] = ()
    pillars: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Widgets hand over lists; tuples keep the object hashable and the cache key stable.
        for name in ("regions", "forces", "pillars"):
            object.__setattr__(self, name, tuple(sorted(getattr(self, name) or ())))


# The as-at rule. Every filter is always bound; an empty one (NULL, or an empty list) lets all
# rows through, so the SQL text never changes with what the user chose.
SCOPE = """
WITH current_submissions AS (
    SELECT s.*
    FROM submission s JOIN upload u ON u.id = s.upload_id
    WHERE u.outcome = 'accepted' AND s.data_as_of <= $as_at
    QUALIFY row_number() OVER (PARTITION BY s.return_key ORDER BY s.version DESC) = 1
),
scoped_submissions AS (
    SELECT c.* FROM current_submissions c LEFT JOIN force f ON f.code = c.submitter
    WHERE ($operation::VARCHAR IS NULL OR c.operation = $operation::VARCHAR)
      AND (len($forces::VARCHAR[]) = 0 OR list_contains($forces::VARCHAR[], c.submitter))
      AND (len($regions::VARCHAR[]) = 0 OR list_contains($regions::VARCHAR[], f.region))
)"""

# A force return's total is its row with no day and no port; a ports return's is the sum of
# its per-port rows (a port-less row there, if any, would count the same figures twice).
TOTAL_ROWS = """,
total_rows AS (
    SELECT v.*, s.submitter, s.return_kind, s.return_key, s.version, s.data_as_of, s.upload_id
    FROM value v JOIN scoped_submissions s ON s.id = v.submission_id
    WHERE v.day IS NULL
      AND (s.return_kind = 'ports-return') = (v.port IS NOT NULL)
      AND list_contains($measures::VARCHAR[], v.measure)
)"""

# SELECT-list fragment over rows with measure, value and qualifier columns. Qualifier rule
# (DOMAIN.md): any 'at least' part makes the total 'at least'; otherwise any approximate or
# estimated part makes it 'approximately'. Not-recorded parts are skipped but counted, and a
# total with no recorded part is itself 'not_recorded'.
AGGREGATE = """
    CAST(CASE WHEN list_contains($max_measures::VARCHAR[], measure) THEN max(value)
              ELSE sum(value) END AS DOUBLE) AS value,
    CASE WHEN count(value) = 0 THEN 'not_recorded'
         WHEN bool_or(value IS NOT NULL AND qualifier = 'at_least') THEN 'at_least'
         WHEN bool_or(value IS NOT NULL AND qualifier IN ('approximately', 'estimate'))
              THEN 'approximately'
         ELSE 'exact' END AS qualifier,
    count(value) AS parts,
    count(*) - count(value) AS not_recorded"""


def params_for(filters: Filters, measures: Iterable[str] | None = None) -> Params:
    """Every parameter the fragments above can use; ``frame`` passes on only those a query names."""
    return {
        "as_at": filters.as_at, "operation": filters.operation,
        "forces": list(filters.forces), "regions": list(filters.regions),
        "pillars": list(filters.pillars), "start": filters.start, "end": filters.end,
        "measures": measure_list(filters, measures), "max_measures": max_totalled(),
    }


def measure_list(filters: Filters, measures: Iterable[str] | None) -> list[str]:
    """The measures asked for, narrowed to the pillars chosen."""
    allowed = in_pillars(filters.pillars)
    return allowed if measures is None else [m for m in measures if m in allowed]


def statement(*parts: str) -> str:
    """Join constant SQL fragments into one statement."""
    return "\n".join(parts)


def combine_qualifiers(qualifiers: Iterable[str]) -> str:
    """The same qualifier rule for totals put together in Python (e.g. across measures)."""
    found = [q for q in qualifiers if q != "not_recorded"]
    if not found:
        return "not_recorded"
    if "at_least" in found:
        return "at_least"
    if any(q in ("approximately", "estimate") for q in found):
        return "approximately"
    return "exact"


def frame(con: duckdb.DuckDBPyConnection, text: str, params: Params | None = None) -> pd.DataFrame:
    """Run a query with bound parameters and return a DataFrame.

    ``execute`` rather than ``con.sql``: DuckDB 2.0 refuses ``con.sql`` while an earlier
    ``execute`` result is half-read (any ``fetchone``), and pages mix both.
    """
    used = {k: v for k, v in (params or {}).items() if re.search(rf"\${k}\b", text)}
    return con.execute(text, used).df()
