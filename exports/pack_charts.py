"""The charts a briefing pack carries, built by the same builders the pages use."""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from metrics import funding, results, stages
from metrics.charts import funding as funding_charts
from metrics.charts import map as map_charts
from metrics.charts import operation as op_charts
from metrics.charts.style import ChartSpec, Words
from metrics.query import by_force
from metrics.registry import METRICS
from metrics.scope import Filters

LEAD_MEASURE = "arrests"
Builder = Callable[[duckdb.DuckDBPyConnection, Filters, Words], ChartSpec | None]


def _by_force(con: duckdb.DuckDBPyConnection, filters: Filters, words: Words) -> ChartSpec:
    label = METRICS[LEAD_MEASURE].label
    return op_charts.by_force_chart(by_force(con, filters, LEAD_MEASURE), words, label)


def _by_day(con: duckdb.DuckDBPyConnection, filters: Filters, words: Words) -> ChartSpec:
    return op_charts.by_day_chart(stages.daily(con, filters), words)


def _by_pillar(con: duckdb.DuckDBPyConnection, filters: Filters, words: Words) -> ChartSpec:
    return op_charts.by_pillar_chart(stages.pillar_activity(con, filters), words)


def _map(con: duckdb.DuckDBPyConnection, filters: Filters, words: Words) -> ChartSpec:
    rows = results.forces_for_map(con, filters, LEAD_MEASURE)
    return map_charts.force_map(rows, words, METRICS[LEAD_MEASURE].label)


def _spend(con: duckdb.DuckDBPyConnection, filters: Filters, words: Words) -> ChartSpec | None:
    rows = funding.spend_against_allocation(con, filters.as_at, by="pillar")
    if rows.empty:
        return None
    return funding_charts.spend_against_allocation(rows, words, by="pillar")


def _compare(con: duckdb.DuckDBPyConnection, filters: Filters, words: Words) -> ChartSpec | None:
    other = stages.previous_operation(con, filters.operation)
    if other is None:
        return None
    return op_charts.compare_chart(stages.same_stage(con, filters, other), words)


# In pack order: by force, by day, by pillar, map, spend per pillar, previous week compared.
BUILDERS: tuple[Builder, ...] = (_by_force, _by_day, _by_pillar, _map, _spend, _compare)


def briefing_charts(con: duckdb.DuckDBPyConnection,
                    filters: Filters) -> tuple[list[ChartSpec], list[str]]:
    """Every chart that has something to show for the selection, in pack order, and a note for
    each chart that could not be drawn (the pack still goes out, and says what is missing)."""
    words = results.words(con, filters)
    found, problems = [], []
    for build in BUILDERS:
        try:
            spec = build(con, filters, words)
        except Exception as exc:  # one faulty chart must not stop the whole briefing
            problems.append(f"The {build.__name__.strip('_').replace('_', ' ')} chart could not "
                            f"be drawn ({type(exc).__name__}: {exc}).")
            continue
        if spec is not None:
            found.append(spec)
    return found, problems
