"""Filters and the as-at rule, written once as SQL that every query starts from.

As at D, each return key counts through its latest accepted version whose figures are stated as
at D or earlier (DESIGN.md, rule 1). ``scope_sql`` returns that rule as the CTEs
``current_submissions`` (the rule alone) and ``scoped_submissions`` (narrowed by operation,
forces and regions), with the bound parameters they need. Only fixed SQL fragments vary; every
value the user chose travels as a parameter.
"""

from __future__ import annotations

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


CURRENT_SUBMISSIONS = """
current_submissions AS (
    SELECT s.*
    FROM submission s JOIN upload u ON u.id = s.upload_id
    WHERE u.outcome = 'accepted' AND s.data_as_of <= $as_at
    QUALIFY row_number() OVER (PARTITION BY s.return_key ORDER BY s.version DESC) = 1
)"""


def scope_sql(filters: Filters, *, by_operation: bool = True) -> tuple[str, Params]:
    """'WITH current_submissions AS (...), scoped_submissions AS (...)' and its parameters.

    ``by_operation=False`` leaves the operation out (spend returns name it per line instead).
    A force or region filter keeps only returns submitted by those forces, so it drops the
    NaVCIS ports return.
    """
    params: Params = {"as_at": filters.as_at}
    where = ["TRUE"]
    if by_operation and filters.operation is not None:
        where.append("c.operation = $operation")
        params["operation"] = filters.operation
    if filters.forces:
        where.append("list_contains($forces::VARCHAR[], c.submitter)")
        params["forces"] = list(filters.forces)
    if filters.regions:
        where.append("list_contains($regions::VARCHAR[], f.region)")
        params["regions"] = list(filters.regions)
    scoped = (
        "scoped_submissions AS (\n    SELECT c.* FROM current_submissions c "
        "LEFT JOIN force f ON f.code = c.submitter\n    WHERE " + " AND ".join(where) + "\n)"
    )
    return f"WITH {CURRENT_SUBMISSIONS},\n{scoped}", params


def total_rows_sql(filters: Filters, measures: Iterable[str] | None = None) -> tuple[str, Params]:
    """Scope plus ``total_rows``: the value rows that make up each measure's return total.

    A force return's total is its row with no day and no port; a ports return's is the sum of
    its per-port rows (a port-less row there, if any, would count the same figures twice).
    """
    sql, params = scope_sql(filters)
    params["measures"] = measure_list(filters, measures)
    sql += """,
total_rows AS (
    SELECT v.*, s.submitter, s.return_kind, s.return_key, s.version, s.data_as_of, s.upload_id
    FROM value v JOIN scoped_submissions s ON s.id = v.submission_id
    WHERE v.day IS NULL
      AND (s.return_kind = 'ports-return') = (v.port IS NOT NULL)
      AND list_contains($measures::VARCHAR[], v.measure)
)"""
    return sql, params


def measure_list(filters: Filters, measures: Iterable[str] | None) -> list[str]:
    """The measures asked for, narrowed to the pillars chosen."""
    allowed = in_pillars(filters.pillars)
    return allowed if measures is None else [m for m in measures if m in allowed]


def aggregate_sql(params: Params) -> str:
    """SELECT-list fragment: value (sum, or max for max-totalled measures), qualifier, parts.

    Qualifier rule (DOMAIN.md): any 'at least' part makes the total 'at least'; otherwise any
    approximate or estimated part makes it 'approximately'. Not-recorded parts are skipped but
    counted, and a total with no recorded part is itself 'not_recorded'.
    """
    params["max_measures"] = max_totalled()
    return """
    CAST(CASE WHEN list_contains($max_measures::VARCHAR[], measure) THEN max(value) ELSE sum(value) END
         AS DOUBLE) AS value,
    CASE WHEN count(value) = 0 THEN 'not_recorded'
         WHEN bool_or(value IS NOT NULL AND qualifier = 'at_least') THEN 'at_least'
         WHEN bool_or(value IS NOT NULL AND qualifier IN ('approximately', 'estimate'))
              THEN 'approximately'
         ELSE 'exact' END AS qualifier,
    count(value) AS parts,
    count(*) - count(value) AS not_recorded"""


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


def frame(con: duckdb.DuckDBPyConnection, sql: str, params: Params | None = None) -> pd.DataFrame:
    """Run a query with bound parameters and return a DataFrame.

    ``execute`` rather than ``con.sql``: DuckDB 2.0 refuses ``con.sql`` while an earlier
    ``execute`` result is half-read (any ``fetchone``), and pages mix both.
    """
    return con.execute(sql, params or {}).df()
