"""Published national figures beside the sum of the returns held on the same date."""

from __future__ import annotations

from dataclasses import replace

import duckdb
import pandas as pd

from metrics.registry import METRICS
from metrics.scope import Filters, aggregate_sql, frame, total_rows_sql

COLUMNS = [
    "operation", "measure", "label", "unit", "stated_on", "published_value",
    "published_qualifier", "wording", "source", "returns_value", "returns_qualifier", "difference",
]


def latest_published(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """For each operation and measure, the latest figure stated on or before filters.as_at."""
    params: dict[str, object] = {"as_at": filters.as_at}
    where = "stated_on <= $as_at"
    if filters.operation is not None:
        where += " AND operation = $operation"
        params["operation"] = filters.operation
    sql = f"""
SELECT operation, measure, stated_on, CAST(value AS DOUBLE) AS published_value,
       qualifier AS published_qualifier, wording, source
FROM published_figure WHERE {where}
QUALIFY row_number() OVER (PARTITION BY operation, measure ORDER BY stated_on DESC, id DESC) = 1
ORDER BY operation, measure"""
    return frame(con, sql, params)


def _returns(con: duckdb.DuckDBPyConnection, filters: Filters, measures: list[str]) -> pd.DataFrame:
    sql, params = total_rows_sql(filters, measures)
    sql += f"\nSELECT measure, {aggregate_sql(params)} FROM total_rows GROUP BY measure"
    found = frame(con, sql, params)
    return found.rename(columns={"value": "returns_value", "qualifier": "returns_qualifier"})


def published_vs_returns(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Published value, qualifier and wording against the sum of returns, and the difference.

    Published figures are national, so the region and force filters are ignored here;
    difference = sum of returns - published value (negative while returns are missing).
    """
    national = replace(filters, regions=(), forces=())
    published = latest_published(con, national)
    parts = []
    for operation, group in published.groupby("operation", sort=True):
        scope = replace(national, operation=str(operation))
        sums = _returns(con, scope, list(group["measure"]))
        parts.append(group.merge(sums[["measure", "returns_value", "returns_qualifier"]],
                                 on="measure", how="left"))
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    result = pd.concat(parts, ignore_index=True)
    result["returns_value"] = result["returns_value"].fillna(0.0)
    result["returns_qualifier"] = result["returns_qualifier"].fillna("not_recorded")
    result["difference"] = result["returns_value"] - result["published_value"]
    result["label"] = result["measure"].map(lambda m: METRICS[m].label if m in METRICS else m)
    result["unit"] = result["measure"].map(lambda m: METRICS[m].unit if m in METRICS else "count")
    return result[COLUMNS]
