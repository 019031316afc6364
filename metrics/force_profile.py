"""One force across operations, against its region's average and the national average.

Every figure follows the as-at rule (``metrics.scope``). Averages are per reporting force: the
mean of the figures of the forces that sent a return, never dividing by forces that did not.
Rates per 1,000 recorded vehicle offences pool the forces compared (their figures added, over
their offences added), so a small force does not weigh as much as a large one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pandas as pd

from metrics.charts.style import Words
from metrics.format import fmt_count, fmt_date, fmt_date_range, fmt_money
from metrics.headline import HEADLINE_NOUNS
from metrics.query import by_force, by_force_measures
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

HEADLINE = tuple(HEADLINE_NOUNS)

OPERATIONS = """,
taking_part AS (
    SELECT operation FROM operation_force WHERE force_code = $force
    UNION SELECT operation FROM scoped_submissions WHERE operation IS NOT NULL
),
versions AS (
    SELECT s.operation, count(*) AS versions, max(s.version) AS version,
           max(s.data_as_of) AS data_as_of
    FROM submission s JOIN upload u ON u.id = s.upload_id
    WHERE u.outcome = 'accepted' AND s.submitter = $force AND s.data_as_of <= $as_at
      AND s.operation IS NOT NULL
    GROUP BY s.operation
),
figures AS (
    SELECT s.operation, t.measure,"""

OPERATIONS_TAIL = """
    FROM total_rows t JOIN scoped_submissions s ON s.id = t.submission_id
    GROUP BY s.operation, t.measure
)
SELECT o.code AS operation, o.name AS operation_name, o.kind, o.start_date, o.end_date,
       coalesce(vs.versions, 0) AS versions, vs.version, vs.data_as_of,
       fg.measure, fg.value, fg.qualifier
FROM taking_part tp JOIN operation o ON o.code = tp.operation
LEFT JOIN versions vs ON vs.operation = o.code
LEFT JOIN figures fg ON fg.operation = o.code
ORDER BY o.start_date, o.code"""

RETURNS = """
SELECT s.return_key, s.return_kind, s.operation, s.grant_ref, s.period, s.version,
       s.data_as_of, s.received_at, u.original_name, u.id AS upload_id,
       c.id IS NOT NULL AS counts
FROM submission s JOIN upload u ON u.id = s.upload_id
LEFT JOIN current_submissions c ON c.id = s.id
WHERE u.outcome = 'accepted' AND s.submitter = $force AND s.data_as_of <= $as_at
ORDER BY s.return_key, s.version"""

# A rejected file's issues stay open until a later accepted upload of the same return arrives.
REJECTED = """
SELECT u.id AS upload_id, u.original_name, u.uploaded_at, u.return_key, i.seq, i.severity,
       i.sheet, i.row, i.col, i.header, i.value, i.message,
       EXISTS (SELECT 1 FROM upload a WHERE a.return_key = u.return_key
               AND a.outcome = 'accepted' AND a.id > u.id
               AND CAST(a.uploaded_at AS DATE) <= $as_at) AS resolved
FROM upload u JOIN upload_issue i ON i.upload_id = u.id
WHERE u.outcome = 'rejected' AND split_part(u.return_key, ':', 2) = $force
  AND CAST(u.uploaded_at AS DATE) <= $as_at
ORDER BY u.id, i.seq"""


def _params(force: str, as_at: date, measures: list[str] | None = None) -> dict[str, Any]:
    params = params_for(Filters(operation=None, as_at=as_at, forces=(force,)), measures)
    params["force"] = force
    return params


def force_operations(con: duckdb.DuckDBPyConnection, force: str, as_at: date) -> pd.DataFrame:
    """Each operation the force took part in (expected, or sent a return), one row each.

    Columns: operation, operation_name, kind, start_date, end_date, versions (received as at
    the date), version, data_as_of, then for every headline measure its value and
    ``<measure>_qualifier``.
    """
    long = frame(con, statement(SCOPE, TOTAL_ROWS, OPERATIONS, AGGREGATE, OPERATIONS_TAIL),
                 _params(force, as_at, list(HEADLINE)))
    keys = ["operation", "operation_name", "kind", "start_date", "end_date", "versions",
            "version", "data_as_of"]
    wide = long[keys].drop_duplicates("operation").reset_index(drop=True)
    for measure in HEADLINE:
        part = long[long["measure"] == measure].set_index("operation")
        wide[measure] = wide["operation"].map(part["value"])
        qualifiers = dict(zip(part.index, part["qualifier"], strict=True))
        wide[f"{measure}_qualifier"] = [qualifiers.get(op, "not_recorded")
                                        for op in wide["operation"]]
    return wide


def force_operations_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The operations table as text: dates, versions and headline figures in GOV.UK style."""
    lines = []
    for _, r in rows.iterrows():
        line = {"Operation": r["operation_name"],
                "Dates": fmt_date_range(r["start_date"], r["end_date"]),
                "Versions received": str(int(r["versions"])),
                "Figures as at": fmt_date(r["data_as_of"]) if pd.notna(r["data_as_of"]) else
                "no return held"}
        for measure in HEADLINE:
            fmt = fmt_money if METRICS[measure].unit == "gbp" else fmt_count
            value = None if pd.isna(r[measure]) else float(r[measure])
            line[METRICS[measure].label] = fmt(value, r[f"{measure}_qualifier"])
        lines.append(line)
    return pd.DataFrame(lines)


def _group(rows: pd.DataFrame, label: str, scope: str) -> dict[str, Any]:
    known = rows[rows["value"].notna()]
    rated = known[known["vehicle_offences"].fillna(0) > 0]
    offences = float(rated["vehicle_offences"].sum())
    return {
        "scope": scope, "label": label,
        "value": float(known["value"].mean()) if len(known) else None,
        "qualifier": combine_qualifiers(known["qualifier"]) if len(known) else "not_recorded",
        "forces": len(known),
        "vehicle_offences": offences if offences else None,
        "per_1000": float(rated["value"].sum()) * 1000 / offences if offences else None,
    }


def force_comparison(con: duckdb.DuckDBPyConnection, force: str, operation: str,
                     as_at: date, measure: str) -> pd.DataFrame:
    """Three rows (scope force | region | national): label, value, qualifier, forces,
    vehicle_offences, per_1000 for one measure of one operation as at a date.

    The force's row holds its own figure; the others the average per reporting force.
    """
    everyone = by_force(con, Filters(operation=operation, as_at=as_at), measure)
    return _comparison(con, everyone, force, _place(con, force))


def _place(con: duckdb.DuckDBPyConnection, force: str) -> tuple[Any, Any, Any]:
    """The force's short name, region code and region name."""
    place = con.execute("SELECT f.short_name, f.region, r.name FROM force f LEFT JOIN region r "
                        "ON r.code = f.region WHERE f.code = ?", [force]).fetchall()
    return place[0] if place else (force, None, None)


def _comparison(con: duckdb.DuckDBPyConnection, everyone: pd.DataFrame, force: str,
                place: tuple[Any, Any, Any]) -> pd.DataFrame:
    """``force_comparison``'s three rows from one measure's ``by_force`` rows."""
    name, region, region_name = place
    own = everyone[everyone["force_code"] == force]
    mine = _group(own, str(name), "force")
    mine["forces"] = len(own)
    if own.empty:  # the force sent no return: still show its recorded crime, not a figure
        offences = con.execute("SELECT vehicle_offences FROM recorded_crime WHERE force_code = ? "
                               "ORDER BY period DESC LIMIT 1", [force]).fetchall()
        mine["vehicle_offences"] = float(offences[0][0]) if offences else None
    else:
        mine["vehicle_offences"] = own["vehicle_offences"].iloc[0]
    rows = [
        mine,
        _group(everyone[everyone["region"] == region], f"{region_name or 'Region'} average",
               "region"),
        _group(everyone, "National average", "national"),
    ]
    return pd.DataFrame(rows)


def force_rates(con: duckdb.DuckDBPyConnection, force: str, operation: str, as_at: date,
                measures: tuple[str, ...] = HEADLINE) -> pd.DataFrame:
    """Per measure: measure, label, unit, value, qualifier, per_1000, region_per_1000,
    national_per_1000 (per 1,000 recorded vehicle offences).

    Each row is ``force_comparison``'s for that measure, but every measure's per-force figures
    come from one query (``by_force_measures``) instead of one query per measure.
    """
    every = by_force_measures(con, Filters(operation=operation, as_at=as_at), measures)
    place = _place(con, force)
    rows = []
    for measure in measures:
        everyone = every[every["measure"] == measure].drop(columns=["measure"])
        found = _comparison(con, everyone.reset_index(drop=True), force, place).set_index("scope")
        rows.append({
            "measure": measure, "label": METRICS[measure].label, "unit": METRICS[measure].unit,
            "value": found.loc["force", "value"], "qualifier": found.loc["force", "qualifier"],
            "per_1000": found.loc["force", "per_1000"],
            "region_per_1000": found.loc["region", "per_1000"],
            "national_per_1000": found.loc["national", "per_1000"],
        })
    return pd.DataFrame(rows)


def recorded_crime(con: duckdb.DuckDBPyConnection, force: str) -> dict[str, Any] | None:
    """The latest ONS recorded vehicle offences held for the force: period, offences, source."""
    rows = con.execute("SELECT period, vehicle_offences, source FROM recorded_crime "
                       "WHERE force_code = ? ORDER BY period DESC LIMIT 1", [force]).fetchall()
    if not rows:
        return None
    period, offences, source = rows[0]
    return {"period": period, "vehicle_offences": int(offences), "source": source}


def force_returns(con: duckdb.DuckDBPyConnection, force: str, as_at: date) -> pd.DataFrame:
    """Every accepted version the force sent, stated as at the date or earlier; ``counts`` marks
    the version each figure uses."""
    return frame(con, statement(SCOPE, RETURNS), _params(force, as_at))


def rejected_issues(con: duckdb.DuckDBPyConnection, force: str, as_at: date) -> pd.DataFrame:
    """The issues of the force's rejected uploads received by the date; ``resolved`` is true
    once a later upload of the same return was accepted."""
    return frame(con, REJECTED, {"force": force, "as_at": as_at})


def default_force(con: duckdb.DuckDBPyConnection, filters: Filters) -> str | None:
    """The first force chosen in the filters, else the force with most arrests, else the first."""
    if filters.forces:
        return filters.forces[0]
    found = by_force(con, Filters(operation=filters.operation, as_at=filters.as_at), "arrests")
    found = found.dropna(subset=["value"])
    if not found.empty:
        return str(found.sort_values(["value", "force_name"], ascending=[False, True])
                   .iloc[0]["force_code"])
    rows = con.execute("SELECT code FROM force ORDER BY short_name LIMIT 1").fetchall()
    return str(rows[0][0]) if rows else None


def operation_words(con: duckdb.DuckDBPyConnection, operation: str, as_at: date,
                    geography: str, illustrative: bool) -> Words:
    """The words every chart of the operation carries (subtitle and source)."""
    rows = con.execute("SELECT name, start_date, end_date FROM operation WHERE code = ?",
                       [operation]).fetchall()
    name, start, end = rows[0] if rows else (operation, as_at, as_at)
    return Words(operation=str(name), period=fmt_date_range(start, end), as_at=fmt_date(as_at),
                 geography=geography, illustrative=illustrative)


def force_returns_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The force's returns as text: what, version, dates, file, whether it counts."""
    return pd.DataFrame({
        "Return": [_return_name(r) for _, r in rows.iterrows()],
        "Version": rows["version"].astype(int).astype(str),
        "Figures as at": [fmt_date(d) for d in rows["data_as_of"]],
        "Received": [fmt_date(t.date()) for t in rows["received_at"]],
        "File": rows["original_name"].astype(str),
        "Counts now": ["yes" if c else "no (replaced)" for c in rows["counts"]],
    })


def _return_name(row: pd.Series) -> str:
    kind = {"force-return": "Force return", "spend-return": "Spend return",
            "ports-return": "Ports return"}.get(str(row["return_kind"]), str(row["return_kind"]))
    if pd.notna(row["operation"]):
        return f"{kind}, {row['operation']}"
    return f"{kind}, {row['grant_ref']} {row['period']}"


def rejected_issues_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Issues of rejected uploads as text, located by file, sheet, row and column."""
    return pd.DataFrame({
        "File": rows["original_name"].astype(str),
        "Received": [fmt_date(t.date()) for t in rows["uploaded_at"]],
        "Sheet": rows["sheet"].fillna("").astype(str),
        "Row": [str(int(r)) if pd.notna(r) else "" for r in rows["row"]],
        "Column": [f"{c} ({h})" if pd.notna(h) else str(c) for c, h in
                   zip(rows["col"].fillna(""), rows["header"], strict=True)],
        "Value": rows["value"].fillna("").astype(str),
        "Problem and fix": rows["message"].astype(str),
    })


def _figure(value: Any, unit: str, qualifier: str = "exact") -> str:
    if value is None or pd.isna(value):
        return "not recorded"
    if unit == "gbp":
        return fmt_money(round(float(value)), qualifier)
    return fmt_count(value, qualifier)


def headline_cards(rows: pd.DataFrame, operation: str | None) -> list[tuple[str, str]]:
    """(label, text) for the force's headline cards in one operation; empty when not in it."""
    chosen = rows[rows["operation"] == operation]
    if chosen.empty:
        return []
    row = chosen.iloc[0]
    # Short labels: a card is narrow and 'at least 52' needs the room.
    labels = {"arrests": "Arrests", "vehicles_recovered": "Vehicles recovered",
              "value_recovered_gbp": "Value recovered"}
    cards = [(label, _figure(row[m], METRICS[m].unit, row[f"{m}_qualifier"]))
             for m, label in labels.items()]
    return cards


def rates_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Rates per 1,000 recorded vehicle offences as text: force, region and national."""
    def rate(value: Any, unit: str) -> str:
        if value is None or pd.isna(value):
            return "not recorded"
        return fmt_money(round(float(value), 2)) if unit == "gbp" else f"{float(value):,.2f}"

    return pd.DataFrame({
        "Measure": rows["label"],
        "Figure": [_figure(v, u, q) for v, u, q in
                   zip(rows["value"], rows["unit"], rows["qualifier"], strict=True)],
        "Per 1,000 offences": [rate(v, u) for v, u in zip(rows["per_1000"], rows["unit"],
                                                           strict=True)],
        "Region per 1,000": [rate(v, u) for v, u in zip(rows["region_per_1000"], rows["unit"],
                                                        strict=True)],
        "National per 1,000": [rate(v, u) for v, u in zip(rows["national_per_1000"],
                                                          rows["unit"], strict=True)],
    })


def versions_line(rows: pd.DataFrame, operation: str | None) -> str:
    """'Versions received: 4; figures as at 27 February 2026.' for the chosen operation."""
    chosen = rows[rows["operation"] == operation]
    if chosen.empty or not chosen.iloc[0]["versions"]:
        return "No return held for this operation."
    row = chosen.iloc[0]
    return (f"Versions received: {fmt_count(row['versions'])}; figures as at "
            f"{fmt_date(row['data_as_of'])}.")
