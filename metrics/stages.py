"""How an operation's figures build up: day by day, after the week, beside the previous week of
action at the same stage, and beside what was published.

Returns are cumulative: a force's latest version holds everything found so far, so totals
keep growing after the week while the daily figures stay within it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import duckdb
import pandas as pd

from metrics.format import fmt_date, fmt_value
from metrics.query import by_day, by_pillar, totals
from metrics.registry import METRICS
from metrics.results import WEEK_CARDS, operation_info
from metrics.scope import Filters, frame

DAILY_MEASURES = ("arrests", "vehicles_recovered")
AFTER = "After the week"
COMPARED = tuple(c.measures[0] for c in WEEK_CARDS if len(c.measures) == 1)


def _day_label(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def daily(con: duckdb.DuckDBPyConnection, filters: Filters,
          measures: tuple[str, ...] = DAILY_MEASURES) -> pd.DataFrame:
    """Figures per day of the operation plus an 'After the week' row per measure:
    period, day, measure, label, value, qualifier, after.

    The 'after' value is the total in the returns less the days added up: what was found
    after the week (or given only as a total)."""
    days = by_day(con, filters, list(measures))
    whole = totals(con, filters, list(measures)).set_index("measure")
    rows = [{"period": _day_label(pd.Timestamp(r.day).date()), "day": pd.Timestamp(r.day).date(),
             "measure": r.measure, "label": METRICS[r.measure].label, "value": float(r.value),
             "qualifier": r.qualifier, "after": False}
            for r in days.itertuples() if pd.notna(r.value)]
    for measure in measures:
        if measure not in whole.index or pd.isna(whole.loc[measure, "value"]):
            continue
        in_days = float(days.loc[days["measure"] == measure, "value"].sum())
        extra = float(whole.loc[measure, "value"]) - in_days
        if extra > 0:
            rows.append({"period": AFTER, "day": None, "measure": measure,
                         "label": METRICS[measure].label, "value": extra,
                         "qualifier": str(whole.loc[measure, "qualifier"]), "after": True})
    columns = ["period", "day", "measure", "label", "value", "qualifier", "after"]
    return pd.DataFrame(rows, columns=columns)


def after_week_text(df: pd.DataFrame, as_at: date) -> str:
    """One sentence per measure on what the 'After the week' bar holds."""
    parts = []
    for measure, group in df.groupby("measure", sort=False):
        unit = METRICS[str(measure)].unit
        in_days = group.loc[~group["after"], "value"].sum()
        after = group.loc[group["after"], "value"].sum()
        label = METRICS[str(measure)].label.lower()
        if after > 0:
            parts.append(f"The days of the week add up to {fmt_value(in_days, unit)} {label}; "
                         f"the returns as at {fmt_date(as_at)} hold "
                         f"{fmt_value(in_days + after, unit)}, so {fmt_value(after, unit)} "
                         "came after the week (investigations continue and forces update their "
                         "returns) or were not given by day.")
    if not parts:
        return "Every figure in the returns is given by day of the week: nothing added after it."
    return " ".join(parts)


def pillar_activity(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """by_pillar with the pillar's confirmed flag and a display label
    ('P1 Preventing vehicle crime', 'P5 (to be confirmed)')."""
    found = by_pillar(con, filters)
    flags = frame(con, "SELECT code AS pillar, confirmed FROM pillar")
    found = found.merge(flags, on="pillar", how="left")
    found["label"] = [f"{p} {n}" if c else f"{p} (to be confirmed)"
                      for p, n, c in zip(found["pillar"], found["pillar_name"],
                                         found["confirmed"].fillna(False), strict=True)]
    return found


def previous_operation(con: duckdb.DuckDBPyConnection, code: str | None) -> str | None:
    """The latest operation of the same kind that ended before this one started."""
    info = operation_info(con, code)
    if info is None:
        return None
    found = frame(con, "SELECT code FROM operation WHERE kind = $kind AND end_date < $start "
                       "ORDER BY end_date DESC LIMIT 1",
                  {"kind": info["kind"], "start": info["start_date"]})
    return None if found.empty else str(found.iloc[0, 0])


def same_stage(con: duckdb.DuckDBPyConnection, filters: Filters, other: str) -> pd.DataFrame:
    """The headline measures of the chosen operation as at filters.as_at and of ``other`` as at
    the same number of days after its own end: operation, operation_name, as_at, days_after,
    measure, label, unit, value, qualifier, text. Region and force filters apply to both."""
    mine = operation_info(con, filters.operation)
    theirs = operation_info(con, other)
    if mine is None or theirs is None:
        return pd.DataFrame(columns=["operation", "operation_name", "as_at", "days_after",
                                     "measure", "label", "unit", "value", "qualifier", "text"])
    days_after = (filters.as_at - mine["end_date"]).days  # type: ignore[operator]
    rows = []
    for info in (theirs, mine):
        end: date = info["end_date"]  # type: ignore[assignment]
        as_at = end + timedelta(days=days_after)
        found = totals(con, replace(filters, operation=str(info["code"]), as_at=as_at),
                       list(COMPARED)).set_index("measure")
        for measure in COMPARED:
            value = found.loc[measure, "value"] if measure in found.index else None
            value = None if value is None or pd.isna(value) else float(value)
            qualifier = str(found.loc[measure, "qualifier"]) if value is not None else "not_recorded"
            unit = METRICS[measure].unit
            rows.append({"operation": info["code"], "operation_name": info["name"],
                         "as_at": as_at, "days_after": days_after, "measure": measure,
                         "label": METRICS[measure].label, "unit": unit, "value": value,
                         "qualifier": qualifier, "text": fmt_value(value, unit, qualifier)})
    return pd.DataFrame(rows)


def same_stage_text(df: pd.DataFrame) -> str:
    """Which dates the comparison uses, in words."""
    if df.empty:
        return ""
    days = int(df["days_after"].iloc[0])
    dates = df.drop_duplicates("operation")
    each = " and ".join(f"{n} as at {fmt_date(d)}"
                        for n, d in zip(dates["operation_name"], dates["as_at"], strict=True))
    when = (f"{days} days after its week ended" if days >= 0
            else f"{-days} days before its week ended")
    return (f"Each operation is shown as it stood {when}: {each}. Comparing at the same stage "
            "is fair because figures keep growing for months after a week of action.")


def published_text(row: pd.Series) -> str:
    """Why a published figure differs from the sum of the returns now held."""
    unit = str(row["unit"])
    published = fmt_value(row["published_value"], unit, str(row["published_qualifier"]))
    held = fmt_value(row["returns_value"], unit, str(row["returns_qualifier"]))
    stated = fmt_date(pd.Timestamp(row["stated_on"]).date())
    gap = abs(float(row["difference"]))
    label = str(row["label"]).lower()
    if gap == 0:
        return f"The published figure for {label} ({published}, {stated}) matches the returns."
    size = fmt_value(gap, unit)
    if row["difference"] > 0:
        return (f"The published figure for {label} of {published} ({stated}) is {size} lower "
                f"than the returns now show ({held}) because returns are cumulative: forces "
                "keep adding to them as investigations continue, while a published statement "
                "is a snapshot at its date.")
    return (f"The published figure for {label} of {published} ({stated}) is {size} higher "
            f"than the returns now show ({held}): some returns may be missing, filtered out, "
            "or count things differently from the published statement.")
