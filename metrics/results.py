"""An operation's results as at a date, shaped for the operation page and briefing packs.

Headline cards (figure, qualifier, printed value), the provisional/final status, the words every
chart carries, the cells behind a card, and per-force figures for every expected force. Each
function takes the connection first and hashable arguments after, so pages cache them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import pandas as pd

from metrics.charts.style import Words
from metrics.coverage import coverage, coverage_by_force
from metrics.format import fmt_date, fmt_date_range, fmt_value
from metrics.query import by_force, is_illustrative, totals
from metrics.registry import METRICS, PREVENTION_ITEMS
from metrics.scope import SCOPE, Filters, combine_qualifiers, frame, params_for, statement
from metrics.sources import sources, sources_of

# Figures go on growing after the week as investigations continue; after this long past the
# date returns were due (and with every expected return in) we call the results final.
FINAL_AFTER = timedelta(weeks=8)


@dataclass(frozen=True)
class Card:
    key: str
    label: str
    measures: tuple[str, ...]       # added together (one measure for most cards)
    unit: str = "count"


WEEK_CARDS = (
    Card("vehicles_recovered", "Stolen vehicles recovered", ("vehicles_recovered",)),
    Card("value_recovered_gbp", "Value of vehicles recovered", ("value_recovered_gbp",), "gbp"),
    Card("arrests", "Arrests", ("arrests",)),
    Card("charged", "People charged", ("charged",)),
    Card("dismantling_sites", "Dismantling sites found", ("dismantling_sites",)),
    Card("warrants", "Warrants executed", ("warrants",)),
    Card("people_engaged", "People given advice", ("people_engaged",)),
    Card("prevention_items", "Prevention items", PREVENTION_ITEMS),
)
PORT_CARDS = (
    Card("containers_examined", "Containers examined", ("containers_examined",)),
    Card("containers_positive", "Positive containers", ("containers_positive",)),
    Card("port_vehicles_recovered", "Vehicles recovered at ports", ("port_vehicles_recovered",)),
    Card("port_value_recovered_gbp", "Value recovered at ports", ("port_value_recovered_gbp",),
         "gbp"),
)

PORT_SUBMITTERS = """
SELECT count(DISTINCT submitter) AS reporting FROM scoped_submissions
WHERE return_kind = 'ports-return'"""


def operation_info(con: duckdb.DuckDBPyConnection, code: str | None) -> dict[str, object] | None:
    """The operation's row (code, name, kind, start_date, end_date, returns_due, …) or None."""
    if code is None:
        return None
    found = frame(con, "SELECT * FROM operation WHERE code = $code", {"code": code})
    if found.empty:
        return None
    row = found.iloc[0].to_dict()
    for name in ("start_date", "end_date", "returns_due"):
        value = row.get(name)
        row[name] = None if value is None or pd.isna(value) else pd.Timestamp(value).date()
    return row


def cards_for(kind: str | None) -> tuple[Card, ...]:
    return PORT_CARDS if kind == "ports" else WEEK_CARDS


def cards(con: duckdb.DuckDBPyConnection, filters: Filters, kind: str | None) -> pd.DataFrame:
    """One row per headline card: key, label, unit, value, qualifier, text ('at least 368')."""
    chosen = cards_for(kind)
    wanted = [m for card in chosen for m in card.measures]
    found = totals(con, filters, wanted).set_index("measure")
    rows = []
    for card in chosen:
        parts = [(float(found.loc[m, "value"]), str(found.loc[m, "qualifier"]))
                 for m in card.measures if m in found.index and pd.notna(found.loc[m, "value"])]
        value = sum(v for v, _ in parts) if parts else None
        qualifier = combine_qualifiers(q for _, q in parts)
        rows.append({"key": card.key, "label": card.label, "unit": card.unit, "value": value,
                     "qualifier": qualifier, "text": fmt_value(value, card.unit, qualifier)})
    return pd.DataFrame(rows)


def card_sources(con: duckdb.DuckDBPyConnection, filters: Filters, key: str,
                 kind: str | None) -> pd.DataFrame:
    """The cells behind one card: Force, File, Version, As at, Sheet, Cell, Measure, Value."""
    card = next(c for c in cards_for(kind) if c.key == key)
    parts = [sources(con, filters, m).assign(measure=m) for m in card.measures]
    return _card_cells(con, parts)


def cards_sources(con: duckdb.DuckDBPyConnection, filters: Filters,
                  kind: str | None) -> dict[str, pd.DataFrame]:
    """``card_sources`` for every card, keyed by card, from one query for all their measures
    (the page shows every card's sources, so asking card by card ran a query per measure)."""
    chosen = cards_for(kind)
    cells = sources_of(con, filters, tuple(m for card in chosen for m in card.measures))
    names = _force_names(con)
    return {card.key: _card_cells(con, [cells[m].assign(measure=m) for m in card.measures],
                                  names)
            for card in chosen}


def _force_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(frame(con, "SELECT code, short_name FROM force").itertuples(index=False))


def _card_cells(con: duckdb.DuckDBPyConnection, parts: list[pd.DataFrame],
                names: dict[str, str] | None = None) -> pd.DataFrame:
    cells = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if cells.empty:
        return pd.DataFrame(columns=["Force", "File", "Version", "As at", "Sheet", "Cell",
                                     "Measure", "Value"])
    names = _force_names(con) if names is None else names
    who = cells["submitter"].map(lambda s: names.get(s, "NaVCIS" if s == "navcis" else s))
    return pd.DataFrame({
        "Force": who + cells["port"].map(lambda p: f" ({p})" if p else ""),
        "File": cells["original_name"], "Version": cells["version"],
        "As at": cells["data_as_of"].map(lambda d: fmt_date(pd.Timestamp(d).date())),
        "Sheet": cells["sheet"], "Cell": cells["col"] + cells["row"].astype(str),
        "Measure": cells["measure"].map(lambda m: METRICS[m].label),
        "Value": [fmt_value(v, METRICS[m].unit, q) for v, m, q in
                  zip(cells["value"], cells["measure"], cells["qualifier"], strict=True)],
    })


@dataclass(frozen=True)
class Status:
    final: bool
    reporting: int
    expected: int
    missing_names: tuple[str, ...]
    final_from: date | None          # the as-at date from which complete results count as final
    ports: bool = False              # a ports operation: one NaVCIS return, not force returns

    @property
    def label(self) -> str:
        return "Final" if self.final else "Provisional"

    @property
    def coverage_text(self) -> str:
        if self.ports:
            return "Ports return received" if self.reporting else "No ports return yet"
        noun = "force" if self.expected == 1 else "forces"
        return f"{self.reporting} of {self.expected} {noun} reported"


def status(con: duckdb.DuckDBPyConnection, filters: Filters) -> Status:
    """Provisional until every expected return is held and FINAL_AFTER has passed since the
    operation's returns were due; final after that."""
    info = operation_info(con, filters.operation)
    held = coverage(con, filters)
    reporting, expected, missing = held.reporting, held.expected, held.missing_names
    ports = info is not None and info["kind"] == "ports"
    if ports:
        # Ports operations are reported by NaVCIS in a ports return, not force returns.
        found = frame(con, statement(SCOPE, PORT_SUBMITTERS), params_for(filters))
        reporting, expected, missing = int(found.iloc[0, 0]), 1, ()
    due = info["returns_due"] if info else None
    final_from = due + FINAL_AFTER if isinstance(due, date) else None
    final = (expected > 0 and reporting >= expected and final_from is not None
             and filters.as_at >= final_from)
    return Status(final=final, reporting=reporting, expected=expected,
                  missing_names=tuple(missing), final_from=final_from, ports=ports)


def status_help(state: Status) -> str:
    """The tooltip that says how the status is decided."""
    rule = ("Figures are provisional until every expected return is in and eight weeks have "
            "passed since returns were due")
    when = f" ({fmt_date(state.final_from)})" if state.final_from else ""
    return (f"{rule}{when}; final after that. Forces may still update their returns as "
            "investigations continue, so even final figures can grow.")


def geography(con: duckdb.DuckDBPyConnection, filters: Filters) -> str:
    """'England and Wales', 'South Yorkshire', 'North East and London' or '5 forces'."""
    if filters.forces:
        names = frame(con, "SELECT short_name FROM force WHERE list_contains($f, code) "
                           "ORDER BY short_name", {"f": list(filters.forces)})["short_name"]
    elif filters.regions:
        names = frame(con, "SELECT name FROM region WHERE list_contains($r, code) "
                           "ORDER BY sort_order", {"r": list(filters.regions)})["name"]
    else:
        return "England and Wales"
    names = list(names)
    if len(names) > 3:
        return f"{len(names)} {'forces' if filters.forces else 'regions'}"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def words(con: duckdb.DuckDBPyConnection, filters: Filters) -> Words:
    """What every chart on the page says about the selection."""
    info = operation_info(con, filters.operation)
    name = str(info["name"]) if info else "All operations"
    period = (fmt_date_range(info["start_date"], info["end_date"])  # type: ignore[arg-type]
              if info else "all dates")
    return Words(operation=name, period=period, as_at=fmt_date(filters.as_at),
                 geography=geography(con, filters), illustrative=is_illustrative(con))


def forces_for_map(con: duckdb.DuckDBPyConnection, filters: Filters, measure: str) -> pd.DataFrame:
    """Every expected force in the selection with its figure (empty when no return is held):
    force_code, force_name, region_name, reported, value, qualifier, vehicle_offences,
    per_1000_offences, text."""
    expected = coverage_by_force(con, filters)[["force_code", "force_name", "reported"]]
    found = by_force(con, filters, measure).drop(columns=["force_name"])
    merged = expected.merge(found, on="force_code", how="outer")
    names = frame(con, "SELECT code AS force_code, short_name FROM force")
    merged = merged.merge(names, on="force_code", how="left")
    merged["force_name"] = merged["force_name"].fillna(merged["short_name"])
    merged["reported"] = merged["value"].notna()
    unit = METRICS[measure].unit
    merged["text"] = [fmt_value(v, unit, q) if pd.notna(v) else "no return"
                      for v, q in zip(merged["value"], merged["qualifier"], strict=True)]
    columns = ["force_code", "force_name", "region_name", "reported", "value", "qualifier",
               "vehicle_offences", "per_1000_offences", "text"]
    return merged[columns].sort_values("force_name").reset_index(drop=True)

