"""Spend reported in spend returns, under the same as-at rule as every other figure.

A spend return belongs to a grant recipient and a period, not to one operation: each spend line
names its operation, so the operation filter applies to the lines.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from metrics.scope import Filters, Params, frame, scope_sql


def _spend_sql(filters: Filters) -> tuple[str, Params]:
    sql, params = scope_sql(filters, by_operation=False)
    where = ["s.return_kind = 'spend-return'"]
    if filters.operation is not None:
        where.append("l.operation = $operation")
        params["operation"] = filters.operation
    if filters.pillars:
        where.append("list_contains($pillars::VARCHAR[], l.pillar)")
        params["pillars"] = list(filters.pillars)
    sql += f""",
spend_rows AS (
    SELECT l.*, s.submitter, s.return_key, s.version, s.data_as_of, s.upload_id
    FROM spend_line l JOIN scoped_submissions s ON s.id = l.submission_id
    WHERE {" AND ".join(where)}
)"""
    return sql, params


def spend_by_pillar(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """pillar, spend_gbp, lines: reported spend per pillar."""
    sql, params = _spend_sql(filters)
    sql += """
SELECT pillar, CAST(sum(amount_gbp) AS DOUBLE) AS spend_gbp, count(*) AS lines
FROM spend_rows GROUP BY pillar ORDER BY pillar"""
    return frame(con, sql, params)


def spend_total(con: duckdb.DuckDBPyConnection, filters: Filters) -> float:
    """All reported spend in scope, in pounds (0 when there is none)."""
    return float(spend_by_pillar(con, filters)["spend_gbp"].sum())


def spend_lines(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """The spend lines behind the totals, with where they came from."""
    sql, params = _spend_sql(filters)
    sql += """
SELECT r.submitter, r.return_key, r.version, r.data_as_of, r.upload_id, u.original_name,
       r.spent_on, r.pillar, r.operation, r.category, r.description,
       CAST(r.amount_gbp AS DOUBLE) AS amount_gbp, r.sheet, r.row
FROM spend_rows r JOIN upload u ON u.id = r.upload_id
ORDER BY r.return_key, r.sheet, r.row"""
    return frame(con, sql, params)
