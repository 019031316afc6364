"""Ports activity from NaVCIS ports returns: per-port measures and the containers listed."""

from __future__ import annotations

import duckdb
import pandas as pd

from metrics.registry import METRICS
from metrics.scope import AGGREGATE, SCOPE, TOTAL_ROWS, Filters, frame, params_for, statement

PORT_MEASURES = [m.name for m in METRICS.values() if m.return_kind == "ports-return"]

CONTAINERS = """
SELECT c.port, count(*) AS listed_containers,
       count(*) FILTER (WHERE c.result = 'positive') AS listed_positive,
       coalesce(sum(c.vehicles_found), 0) AS listed_vehicles_found,
       CAST(coalesce(sum(c.value_gbp), 0) AS DOUBLE) AS listed_value_gbp,
       string_agg(DISTINCT c.destination, ', ' ORDER BY c.destination) AS destinations
FROM container c JOIN scoped_submissions s ON s.id = c.submission_id
GROUP BY c.port"""


def _port_measures(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    text = statement(SCOPE, TOTAL_ROWS, "SELECT port, measure,", AGGREGATE,
                     "FROM total_rows GROUP BY port, measure")
    return frame(con, text, params_for(filters, PORT_MEASURES))


def containers(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Per port from the container list: listed_containers, listed_positive,
    listed_vehicles_found, listed_value_gbp, destinations (sorted, comma-separated)."""
    return frame(con, statement(SCOPE, CONTAINERS), params_for(filters))


def ports(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per port with activity: port, port_name, each ports measure and its
    '<measure>_qualifier', then the container-list columns of ``containers``."""
    long = _port_measures(con, filters)
    listed = containers(con, filters).set_index("port")
    names = frame(con, "SELECT code AS port, name AS port_name FROM port").set_index("port")
    values = long.pivot(index="port", columns="measure", values="value")
    quals = long.pivot(index="port", columns="measure", values="qualifier").add_suffix("_qualifier")
    seen = values.index.union(listed.index)
    wide = pd.DataFrame(index=pd.Index(seen, name="port")).join(values).join(quals).join(listed)
    wide = wide.reset_index()
    wide.insert(1, "port_name", wide["port"].map(names["port_name"]).fillna(wide["port"]))
    ordered = ["port", "port_name"]
    for name in PORT_MEASURES:
        ordered += [c for c in (name, f"{name}_qualifier") if c in wide.columns]
    rest = [c for c in wide.columns if c not in ordered]
    return wide[ordered + rest].sort_values("port_name").reset_index(drop=True)
