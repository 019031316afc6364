"""Spend reported in spend returns, under the same as-at rule as every other figure.

A spend return belongs to a grant recipient and a period, not to one operation: each spend line
names its operation, so the operation filter applies to the lines.
"""

from __future__ import annotations

from dataclasses import replace

import duckdb
import pandas as pd

from metrics.scope import SCOPE, Filters, Params, frame, params_for, statement

SPEND_ROWS = """,
spend_rows AS (
    SELECT l.*, s.submitter, s.return_key, s.version, s.data_as_of, s.upload_id
    FROM spend_line l JOIN scoped_submissions s ON s.id = l.submission_id
    WHERE s.return_kind = 'spend-return'
      AND ($line_operation::VARCHAR IS NULL OR l.operation = $line_operation::VARCHAR)
      AND (len($pillars::VARCHAR[]) = 0 OR list_contains($pillars::VARCHAR[], l.pillar))
)"""

BY_PILLAR = """
SELECT pillar, CAST(sum(amount_gbp) AS DOUBLE) AS spend_gbp, count(*) AS lines
FROM spend_rows GROUP BY pillar ORDER BY pillar"""

LINES = """
SELECT r.submitter, r.return_key, r.version, r.data_as_of, r.upload_id, u.original_name,
       r.spent_on, r.pillar, r.operation, r.category, r.description,
       CAST(r.amount_gbp AS DOUBLE) AS amount_gbp, r.sheet, r.row
FROM spend_rows r JOIN upload u ON u.id = r.upload_id
ORDER BY r.return_key, r.sheet, r.row"""


def _params(filters: Filters) -> Params:
    # Spend submissions name no operation, so the operation filters the lines instead.
    params = params_for(replace(filters, operation=None))
    params["line_operation"] = filters.operation
    return params


def spend_by_pillar(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """pillar, spend_gbp, lines: reported spend per pillar."""
    return frame(con, statement(SCOPE, SPEND_ROWS, BY_PILLAR), _params(filters))


def spend_total(con: duckdb.DuckDBPyConnection, filters: Filters) -> float:
    """All reported spend in scope, in pounds (0 when there is none)."""
    return float(spend_by_pillar(con, filters)["spend_gbp"].sum())


def spend_lines(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """The spend lines behind the totals, with where they came from."""
    return frame(con, statement(SCOPE, SPEND_ROWS, LINES), _params(filters))
