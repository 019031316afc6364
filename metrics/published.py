"""Published national figures beside the sum of the returns held on the same date."""

from __future__ import annotations

from dataclasses import replace

import duckdb
import pandas as pd

from metrics.registry import METRICS
from metrics.scope import AGGREGATE, SCOPE, TOTAL_ROWS, Filters, frame, params_for, statement

LATEST = """
SELECT operation, measure, stated_on, CAST(value AS DOUBLE) AS published_value,
       qualifier AS published_qualifier, wording, source
FROM published_figure
WHERE stated_on <= $as_at AND ($operation::VARCHAR IS NULL OR operation = $operation::VARCHAR)
QUALIFY row_number() OVER (PARTITION BY operation, measure ORDER BY stated_on DESC, id DESC) = 1
ORDER BY operation, measure"""

COLUMNS = [
    "operation", "measure", "label", "unit", "stated_on", "published_value",
    "published_qualifier", "wording", "source", "returns_value", "returns_qualifier", "difference",
]


def latest_published(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """For each operation and measure, the latest figure stated on or before filters.as_at."""
    return frame(con, LATEST, params_for(filters))


def _returns(con: duckdb.DuckDBPyConnection, filters: Filters, measures: list[str]) -> pd.DataFrame:
    text = statement(SCOPE, TOTAL_ROWS, "SELECT measure,", AGGREGATE,
                     "FROM total_rows GROUP BY measure")
    found = frame(con, text, params_for(filters, measures))
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
