"""The home page's figures: every operation at a glance, the two national weeks side by side,
and the latest uploads.

Each operation's summary is worked out here, words included ("35 of 37 forces reported",
"Provisional: 2 forces have not reported"), so the page only lays it out and the rules can be
tested without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from metrics import comparison, results
from metrics.comparison import change_text
from metrics.format import fmt_count, fmt_date, fmt_date_range, fmt_value
from metrics.query import operations, totals
from metrics.registry import METRICS
from metrics.scope import Filters, frame

# The headline cards of each kind of operation, in the order they are shown: the first of the
# operation page's cards (metrics.results), so both pages print the same figure the same way.
CARDS: dict[str, tuple[str, ...]] = {
    "week-of-action": ("vehicles_recovered", "value_recovered_gbp", "arrests", "dismantling_sites"),
    "local": ("vehicles_recovered", "value_recovered_gbp", "arrests", "dismantling_sites"),
    "ports": ("containers_examined", "containers_positive", "port_vehicles_recovered",
              "port_value_recovered_gbp"),
}
KIND_ORDER = {"week-of-action": 0, "ports": 1, "local": 2}
WEEK_MEASURES = CARDS["week-of-action"]

# Uploads of operations outside ``$operations`` are left out; grants' spend returns and files
# whose return could not be told stay in (they name no operation).
UPLOADS = """
WITH listed AS (
SELECT u.id, u.original_name AS file,
       coalesce(f.short_name, sub.submitter, split_part(u.return_key, ':', 2)) AS force,
       coalesce(sub.operation, nullif(split_part(u.return_key, ':', 1), '')) AS operation,
       u.outcome, u.uploaded_at, u.uploaded_by, u.values_stored, u.message
FROM upload u
LEFT JOIN submission sub ON sub.upload_id = u.id
LEFT JOIN force f ON f.code = coalesce(sub.submitter, split_part(u.return_key, ':', 2))
)
SELECT * EXCLUDE (id) FROM listed
WHERE $operations::VARCHAR[] IS NULL OR list_contains($operations::VARCHAR[], operation)
   OR operation IS NULL OR operation NOT IN (SELECT code FROM operation)
ORDER BY id DESC LIMIT $n"""


@dataclass(frozen=True)
class Card:
    measure: str
    label: str
    value: str                        # formatted in GOV.UK style: 'at least 368'


@dataclass(frozen=True)
class OperationSummary:
    code: str
    name: str
    kind: str
    period: str                       # '13 to 19 October 2025'
    as_at: str                        # '29 October 2025'
    coverage: str                     # '35 of 37 forces reported'
    status: str                       # 'Provisional' | 'Final' (metrics.results' rule)
    reason: str                       # why, in a sentence
    cards: tuple[Card, ...]


def reason_for(state: results.Status, op: dict[str, object], as_at: date) -> str:
    """Why the results are provisional or final, in a sentence (the rule is metrics.results')."""
    start = op["start_date"]
    if isinstance(start, date) and as_at < start:
        return f"The operation starts on {fmt_date(start)}."
    if state.reporting == 0:
        return "No return for this operation is held as at this date."
    if state.final:
        return ("Every expected return is in. Forces may still update their returns as "
                "investigations continue.")
    reasons = []
    missing = state.expected - state.reporting
    if missing > 0:
        reasons.append(f"{fmt_count(missing)} {'return is' if missing == 1 else 'returns are'} "
                       "still to come")
    if state.final_from is not None and as_at < state.final_from:
        reasons.append(f"final from {fmt_date(state.final_from)}, eight weeks after returns "
                       "were due")
    text = "; ".join(reasons) or "not every expected return is in"
    return f"{text[0].upper()}{text[1:]}."


def _cards(con: duckdb.DuckDBPyConnection, filters: Filters, kind: str) -> tuple[Card, ...]:
    """The home page's cards: the same figures and labels as the operation page's first ones."""
    wanted = CARDS.get(kind, WEEK_MEASURES)
    found = results.cards(con, filters, kind).set_index("key")
    return tuple(Card(measure=key, label=str(found.loc[key, "label"]),
                      value=str(found.loc[key, "text"])) for key in wanted)


def _day(value: object) -> date | None:
    """A DataFrame cell (Timestamp, date or missing) as a plain date."""
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()  # type: ignore[arg-type]


def _operations_open(con: duckdb.DuckDBPyConnection, allowed: tuple[str, ...] | None) -> pd.DataFrame:
    """Every operation, or only those in ``allowed`` (the codes the viewer may see)."""
    ops = operations(con)
    return ops if allowed is None else ops[ops["code"].isin(allowed)]


def ordered_operations(con: duckdb.DuckDBPyConnection,
                       allowed: tuple[str, ...] | None = None) -> pd.DataFrame:
    """National weeks newest first, then the ports operation, then funded local operations."""
    ops = _operations_open(con, allowed)
    if ops.empty:
        return ops
    ops = ops.sort_values("start_date", ascending=False, kind="stable")
    ops = ops.sort_values("kind", key=lambda s: s.map(KIND_ORDER).fillna(9), kind="stable")
    return ops.reset_index(drop=True)


def operation_summaries(con: duckdb.DuckDBPyConnection, as_at: date,
                        regions: tuple[str, ...] = (),
                        forces: tuple[str, ...] = (),
                        visible: tuple[str, ...] | None = None,
                        per_kind: int = 2) -> list[OperationSummary]:
    """One summary per recent operation as at ``as_at``, in home-page order.

    Only operations in ``visible`` (when given: what the viewer may see) and the newest
    ``per_kind`` of each kind: each summary costs a handful of queries, and ten years of
    operations made the home page take over a second (benchmarks/pages.py). Older ones are
    listed by ``earlier_operations``.
    """
    result = []
    for op in _recent(con, visible, per_kind).to_dict("records"):
        for key in ("start_date", "end_date", "returns_due"):
            op[key] = _day(op[key])
        filters = Filters(operation=op["code"], as_at=as_at, regions=regions, forces=forces)
        state = results.status(con, filters)
        result.append(OperationSummary(
            code=op["code"], name=op["name"], kind=op["kind"],
            period=fmt_date_range(op["start_date"], op["end_date"]), as_at=fmt_date(as_at),
            coverage=state.coverage_text, status=state.label,
            reason=reason_for(state, op, as_at), cards=_cards(con, filters, op["kind"])))
    return result


def _recent(con: duckdb.DuckDBPyConnection, visible: tuple[str, ...] | None,
            per_kind: int) -> pd.DataFrame:
    ops = ordered_operations(con)
    if ops.empty:
        return ops
    if visible is not None:
        ops = ops[ops["code"].isin(visible)]
    # ordered_operations puts each kind's newest first, so the head of each group is recent.
    return ops.groupby("kind", sort=False).head(per_kind)


def earlier_operations(con: duckdb.DuckDBPyConnection, visible: tuple[str, ...] | None = None,
                       per_kind: int = 2) -> pd.DataFrame:
    """Operations not summarised on the home page: name and dates, newest first."""
    ops = ordered_operations(con)
    if ops.empty:
        return pd.DataFrame(columns=["Operation", "Dates"])
    if visible is not None:
        ops = ops[ops["code"].isin(visible)]
    shown = set(_recent(con, visible, per_kind)["code"])
    rest = ops[~ops["code"].isin(shown)].sort_values("start_date", ascending=False)
    return pd.DataFrame({
        "Operation": rest["name"].astype(str),
        "Dates": [fmt_date_range(_day(a), _day(b))  # type: ignore[arg-type]
                  for a, b in zip(rest["start_date"], rest["end_date"], strict=True)],
    })


def latest_weeks(con: duckdb.DuckDBPyConnection,
                 allowed: tuple[str, ...] | None = None) -> list[str]:
    """The codes of the two most recent national weeks of action, older first (fewer if absent)."""
    ops = _operations_open(con, allowed)
    weeks = ops[ops["kind"] == "week-of-action"].sort_values("start_date")
    return list(weeks["code"].iloc[-2:])


@dataclass(frozen=True)
class WeekComparison:
    earlier: str                      # operation codes, e.g. 'OA2024'
    later: str
    earlier_name: str
    later_name: str
    table: pd.DataFrame               # one row per measure, see ``week_comparison``
    title: str = ""                   # the overall picture, by metrics.comparison's rule


def _figure(found: pd.DataFrame, measure: str) -> tuple[float | None, str]:
    row = found[found["measure"] == measure]
    if row.empty or pd.isna(row["value"].iloc[0]):
        return None, "not_recorded"
    return float(row["value"].iloc[0]), str(row["qualifier"].iloc[0])


def week_comparison(con: duckdb.DuckDBPyConnection, as_at: date, regions: tuple[str, ...] = (),
                    forces: tuple[str, ...] = (),
                    allowed: tuple[str, ...] | None = None) -> WeekComparison | None:
    """The two latest national weeks side by side as at ``as_at`` (None with fewer than two).

    Table columns: measure, label, unit, earlier, earlier_qualifier, earlier_text, later,
    later_qualifier, later_text, change, change_text, direction. The title says what rose and
    what fell, by the one rule of ``metrics.comparison``.
    """
    codes = latest_weeks(con, allowed)
    if len(codes) < 2:
        return None
    names = operations(con).set_index("code")["name"]
    found = [totals(con, Filters(operation=c, as_at=as_at, regions=regions, forces=forces),
                    WEEK_MEASURES) for c in codes]
    rows = []
    for measure in WEEK_MEASURES:
        unit = METRICS[measure].unit
        a, b = _figure(found[0], measure), _figure(found[1], measure)
        diff, words = change_text(a, b, unit)
        rows.append({"measure": measure, "label": METRICS[measure].label, "unit": unit,
                     "earlier": a[0], "earlier_qualifier": a[1],
                     "earlier_text": fmt_value(a[0], unit, a[1]),
                     "later": b[0], "later_qualifier": b[1], "later_text": fmt_value(b[0], unit, b[1]),
                     "change": diff, "change_text": words,
                     "direction": comparison.direction(a, b)})
    table = pd.DataFrame(rows)
    earlier_name, later_name = str(names[codes[0]]), str(names[codes[1]])
    picture = comparison.balance(zip(table["label"], table["direction"], strict=True))
    return WeekComparison(earlier=codes[0], later=codes[1], earlier_name=earlier_name,
                          later_name=later_name, table=table,
                          title=comparison.title(picture, later_name, earlier_name,
                                                 f"as at {fmt_date(as_at)}"))


def recent_uploads(con: duckdb.DuckDBPyConnection, n: int = 10,
                   allowed: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The n latest uploads, whatever their outcome: file, force, operation, outcome,
    uploaded_at, uploaded_by, values_stored, message. With ``allowed``, uploads of other
    operations are left out."""
    return frame(con, UPLOADS, {"n": int(n),
                                "operations": None if allowed is None else list(allowed)})
