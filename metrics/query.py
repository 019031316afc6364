"""Queries behind every page and export: each takes (con, filters) and returns a DataFrame.

All of them start from the as-at rule in ``metrics.scope`` and bind every value the user chose.
They take nothing but the connection and a hashable ``Filters`` so a page can cache on
(filters, data version, access scope). Coverage, spend, ports and published figures live in
their own modules and are re-exported here, so callers import one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import duckdb
import pandas as pd

from metrics.coverage import Coverage, coverage, coverage_by_force
from metrics.ports import ports
from metrics.published import published_vs_returns
from metrics.registry import METRICS
from metrics.scope import (
    AGGREGATE,
    SCOPE,
    TOTAL_ROWS,
    Filters,
    combine_qualifiers,
    frame,
    params_for,
    statement,
)
from metrics.spend import spend_by_pillar, spend_total

__all__ = [
    "Coverage", "Filters", "by_day", "by_force", "by_force_measures", "by_pillar", "by_region",
    "compare_operations", "coverage", "coverage_by_force", "forces", "is_illustrative", "latest_uploads", "operations",
    "ports", "regions",
    "published_vs_returns", "spend_by_pillar", "spend_total", "totals",
]

TOTAL_COLUMNS = ["measure", "value", "qualifier", "parts", "not_recorded"]

BY_FORCE = """,
crime AS (
    SELECT force_code, vehicle_offences FROM recorded_crime
    QUALIFY row_number() OVER (PARTITION BY force_code ORDER BY period DESC) = 1
)
SELECT p.force_code, f.short_name AS force_name, f.region, r.name AS region_name,
       p.value, p.qualifier, c.vehicle_offences,
       CASE WHEN c.vehicle_offences > 0 THEN p.value * 1000.0 / c.vehicle_offences END
           AS per_1000_offences
FROM per_force p JOIN force f ON f.code = p.force_code
LEFT JOIN region r ON r.code = f.region
LEFT JOIN crime c ON c.force_code = p.force_code
ORDER BY f.short_name"""

# BY_FORCE with the measure first, for several measures at once (by_force_measures).
BY_FORCE_MEASURES = (BY_FORCE.replace("SELECT p.force_code,", "SELECT p.measure, p.force_code,", 1)
                     .replace("ORDER BY f.short_name", "ORDER BY p.measure, f.short_name", 1))

WITH_REGION = """,
with_region AS (SELECT t.*, f.region FROM total_rows t JOIN force f ON f.code = t.submitter)
SELECT w.region, r.name AS region_name, count(DISTINCT w.submitter) AS forces,"""

BY_REGION = """
FROM with_region w LEFT JOIN region r ON r.code = w.region
GROUP BY w.region, r.name, r.sort_order, w.measure
ORDER BY r.sort_order, w.region"""

DAY_ROWS = """,
day_rows AS (
    SELECT v.* FROM value v JOIN scoped_submissions s ON s.id = v.submission_id
    WHERE v.day IS NOT NULL
      AND (s.return_kind = 'ports-return') = (v.port IS NOT NULL)
      AND list_contains($measures::VARCHAR[], v.measure)
      AND ($start::DATE IS NULL OR v.day >= $start::DATE)
      AND ($end::DATE IS NULL OR v.day <= $end::DATE)
)"""

LATEST_UPLOADS = """
SELECT id, original_name, uploaded_by, uploaded_at, return_kind, return_key, outcome,
       values_stored, message
FROM upload ORDER BY id DESC LIMIT $n"""


def totals(con: duckdb.DuckDBPyConnection, filters: Filters,
           measures: Iterable[str] | None = None) -> pd.DataFrame:
    """Each measure's total across the returns in scope: measure, value, qualifier, parts, not_recorded.

    Only measures that some return stated (even as not recorded) appear.
    """
    text = statement(SCOPE, TOTAL_ROWS, "SELECT measure,", AGGREGATE,
                     "FROM total_rows GROUP BY measure")
    found = frame(con, text, params_for(filters, measures))
    order = {name: i for i, name in enumerate(METRICS)}
    found = found.sort_values("measure", key=lambda s: s.map(order)).reset_index(drop=True)
    return found[TOTAL_COLUMNS]


def total_of(con: duckdb.DuckDBPyConnection, filters: Filters,
             measure: str) -> tuple[float | None, str]:
    """One measure's (value, qualifier); (None, 'not_recorded') when no return states it."""
    found = totals(con, filters, [measure])
    if found.empty or pd.isna(found.loc[0, "value"]):
        return None, "not_recorded"
    return float(found.loc[0, "value"]), str(found.loc[0, "qualifier"])


def by_force(con: duckdb.DuckDBPyConnection, filters: Filters, measure: str) -> pd.DataFrame:
    """One measure per reporting force, with its rate per 1,000 recorded vehicle offences.

    Columns: force_code, force_name, region, region_name, value, qualifier, vehicle_offences,
    per_1000_offences. The rate uses the latest ONS period held for the force.
    """
    text = statement(SCOPE, TOTAL_ROWS, ", per_force AS (SELECT submitter AS force_code,",
                     AGGREGATE, "FROM total_rows GROUP BY submitter, measure)", BY_FORCE)
    return frame(con, text, params_for(filters, [measure]))


def by_force_measures(con: duckdb.DuckDBPyConnection, filters: Filters,
                      measures: Iterable[str]) -> pd.DataFrame:
    """``by_force`` for several measures in one query: the same columns after ``measure``,
    each measure's rows in ``by_force``'s order (by force name)."""
    text = statement(SCOPE, TOTAL_ROWS, ", per_force AS (SELECT submitter AS force_code,",
                     "measure,", AGGREGATE, "FROM total_rows GROUP BY submitter, measure)",
                     BY_FORCE_MEASURES)
    return frame(con, text, params_for(filters, list(measures)))


def by_region(con: duckdb.DuckDBPyConnection, filters: Filters, measure: str) -> pd.DataFrame:
    """One measure per region of the reporting forces: region, region_name, value, qualifier, forces."""
    text = statement(SCOPE, TOTAL_ROWS, WITH_REGION, AGGREGATE, BY_REGION)
    found = frame(con, text, params_for(filters, [measure]))
    return found.drop(columns=["parts", "not_recorded"])


def by_day(con: duckdb.DuckDBPyConnection, filters: Filters,
           measures: Iterable[str] | None = None) -> pd.DataFrame:
    """Daily figures between filters.start and filters.end: day, measure, value, qualifier."""
    text = statement(SCOPE, DAY_ROWS, "SELECT day, measure,", AGGREGATE,
                     "FROM day_rows GROUP BY day, measure ORDER BY day, measure")
    return frame(con, text, params_for(filters, measures))[["day", "measure", "value", "qualifier"]]


def by_pillar(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Per pillar: pillar, pillar_name, count_total (count measures added), qualifier, spend_gbp."""
    found = totals(con, filters)
    found["pillar"] = found["measure"].map(lambda m: METRICS[m].pillar)
    # astype(bool): on an empty frame (a date before any return) an object-typed empty mask
    # would be read as a list of column labels and drop every column.
    counts = found[found["measure"].map(lambda m: METRICS[m].unit == "count").astype(bool)]
    grouped = counts.dropna(subset=["value"]).groupby("pillar")
    rows = pd.DataFrame({
        "count_total": grouped["value"].sum(),
        "qualifier": grouped["qualifier"].agg(combine_qualifiers),
    })
    pillars = frame(con, "SELECT code AS pillar, name AS pillar_name, sort_order FROM pillar")
    if filters.pillars:
        pillars = pillars[pillars["pillar"].isin(filters.pillars)]
    spend = spend_by_pillar(con, filters).set_index("pillar")["spend_gbp"]
    result = pillars.set_index("pillar").join(rows).join(spend)
    result["count_total"] = result["count_total"].fillna(0.0)
    result["qualifier"] = result["qualifier"].fillna("exact")
    result["spend_gbp"] = result["spend_gbp"].fillna(0.0)
    result = result.sort_values("sort_order").drop(columns=["sort_order"])
    return result.reset_index()


def regions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every region: code, name, in their reference order."""
    return frame(con, "SELECT code, name FROM region ORDER BY sort_order, code")


def forces(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every force: code, name, short_name, region, country, by short name."""
    return frame(con, "SELECT code, name, short_name, region, country FROM force ORDER BY short_name")


def is_illustrative(con: duckdb.DuckDBPyConnection) -> bool:
    """True when any upload was loaded by the 'demo' user: figures must be labelled illustrative."""
    return bool(con.execute("SELECT count(*) FROM upload WHERE uploaded_by = 'demo'").fetchall()[0][0])


def operations(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every operation, oldest first."""
    return frame(con, "SELECT * FROM operation ORDER BY start_date, code")


def latest_uploads(con: duckdb.DuckDBPyConnection, n: int = 10) -> pd.DataFrame:
    """The n most recent uploads, whatever their outcome."""
    return frame(con, LATEST_UPLOADS, {"n": int(n)})


def compare_operations(con: duckdb.DuckDBPyConnection, codes: Iterable[str],
                       as_at: date) -> pd.DataFrame:
    """Measure totals of several operations side by side (long form): operation, measure, label, value, qualifier."""
    parts = []
    for code in codes:
        found = totals(con, Filters(operation=code, as_at=as_at))
        found.insert(0, "operation", code)
        parts.append(found)
    if not parts:
        return pd.DataFrame(columns=["operation", "measure", "label", "value", "qualifier"])
    result = pd.concat(parts, ignore_index=True)
    result["label"] = result["measure"].map(lambda m: METRICS[m].label)
    return result[["operation", "measure", "label", "value", "qualifier"]]
