"""Values of the derived metrics in the registry, worked out from measure totals.

Each derived metric says how it combines (``Metric.combine``) and from what (``Metric.inputs``);
this module is the only place those rules run.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from metrics.coverage import coverage
from metrics.query import totals
from metrics.registry import METRICS, Metric
from metrics.scope import Filters, combine_qualifiers
from metrics.spend import spend_total

Figure = tuple[float | None, str]       # (value, qualifier)


def _ratio(top: Figure, bottom: Figure) -> Figure:
    if top[0] is None or not bottom[0]:
        return None, "not_recorded"
    # A ratio of rounded or 'at least' inputs is only ever approximate.
    exact = top[1] == "exact" and bottom[1] == "exact"
    return top[0] / bottom[0], "exact" if exact else "approximately"


def _sum(parts: list[Figure]) -> Figure:
    known = [p for p in parts if p[0] is not None]
    if not known:
        return None, "not_recorded"
    return float(sum(v for v, _ in known)), combine_qualifiers(q for _, q in known)  # type: ignore[misc]


def derived_values(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """metric, label, unit, value, qualifier, indicative for every derived metric with one value.

    'published_vs_returns' has one value per published figure: see ``published_vs_returns``.
    """
    found = totals(con, filters)
    figures: dict[str, Figure] = {
        row.measure: (None if pd.isna(row.value) else float(row.value), str(row.qualifier))
        for row in found.itertuples()
    }
    held = coverage(con, filters)
    figures["forces_expected"] = (float(held.expected), "exact")
    figures["forces_reporting"] = (float(held.reporting), "exact")
    figures["spend_gbp"] = (spend_total(con, filters), "exact")
    rows = []
    for metric in METRICS.values():
        if metric.kind != "derived" or metric.combine == "published":
            continue
        value, qualifier = _figure(metric, figures)
        figures[metric.name] = (value, qualifier)
        rows.append({"metric": metric.name, "label": metric.label, "unit": metric.unit,
                     "value": value, "qualifier": qualifier, "indicative": metric.indicative})
    return pd.DataFrame(rows)


def _figure(metric: Metric, figures: dict[str, Figure]) -> Figure:
    missing: Figure = (None, "not_recorded")
    if metric.combine == "sum":
        return _sum([figures.get(name, missing) for name in metric.inputs])
    if metric.combine == "ratio":
        top, bottom = (figures.get(name, missing) for name in metric.inputs)
        return _ratio(top, bottom)
    return figures.get(metric.name, missing)
