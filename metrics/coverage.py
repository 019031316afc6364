"""Which expected forces have a return held as at a date, and which are still missing."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from metrics.scope import SCOPE, Filters, frame, params_for, statement

BY_FORCE = """,
expected AS (
    SELECT DISTINCT o.force_code, f.short_name AS force_name, f.region
    FROM operation_force o JOIN force f ON f.code = o.force_code
    WHERE ($operation::VARCHAR IS NULL OR o.operation = $operation::VARCHAR)
      AND (len($forces::VARCHAR[]) = 0 OR list_contains($forces::VARCHAR[], o.force_code))
      AND (len($regions::VARCHAR[]) = 0 OR list_contains($regions::VARCHAR[], f.region))
),
held AS (
    SELECT submitter, max(version) AS version, max(data_as_of) AS data_as_of
    FROM scoped_submissions WHERE return_kind = 'force-return' GROUP BY submitter
)
SELECT e.force_code, e.force_name, e.region, h.submitter IS NOT NULL AS reported,
       h.version, h.data_as_of
FROM expected e LEFT JOIN held h ON h.submitter = e.force_code
ORDER BY e.force_name"""


@dataclass(frozen=True)
class Coverage:
    expected: int
    reporting: int
    missing: tuple[str, ...]           # force codes expected but with no current return
    missing_names: tuple[str, ...]

    @property
    def share(self) -> float | None:
        return self.reporting / self.expected if self.expected else None


def coverage_by_force(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per expected force: force_code, force_name, region, reported, version, data_as_of.

    Expected forces are the operation's operation_force rows (every operation's when none is
    chosen), narrowed by the region and force filters.
    """
    return frame(con, statement(SCOPE, BY_FORCE), params_for(filters))


def coverage(con: duckdb.DuckDBPyConnection, filters: Filters) -> Coverage:
    """Forces expected, forces reporting, and the missing ones, as at filters.as_at."""
    found = coverage_by_force(con, filters)
    missing = found[~found["reported"]]
    return Coverage(
        expected=len(found),
        reporting=int(found["reported"].sum()),
        missing=tuple(missing["force_code"]),
        missing_names=tuple(missing["force_name"]),
    )
