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

from metrics.format import fmt_count, fmt_date, fmt_date_range, fmt_value
from metrics.query import operations, totals
from metrics.registry import METRICS
from metrics.scope import SCOPE, Filters, frame, params_for, statement

# The headline cards of each kind of operation, in the order they are shown.
CARDS: dict[str, tuple[str, ...]] = {
    "week-of-action": ("vehicles_recovered", "value_recovered_gbp", "arrests", "dismantling_sites"),
    "local": ("vehicles_recovered", "value_recovered_gbp", "arrests", "dismantling_sites"),
    "ports": ("containers_examined", "containers_positive", "port_vehicles_recovered",
              "port_value_recovered_gbp"),
}
KIND_ORDER = {"week-of-action": 0, "ports": 1, "local": 2}
WEEK_MEASURES = CARDS["week-of-action"]

# Expected submitters (operation_force) and which of them have a return held as at the date.
# Not joined to the force table, so NaVCIS (the ports operation's one submitter) counts too.
HELD = """,
expected AS (
    SELECT o.force_code AS submitter FROM operation_force o LEFT JOIN force f ON f.code = o.force_code
    WHERE o.operation = $operation::VARCHAR
      AND (len($forces::VARCHAR[]) = 0 OR list_contains($forces::VARCHAR[], o.force_code))
      AND (len($regions::VARCHAR[]) = 0 OR list_contains($regions::VARCHAR[], f.region))
),
held AS (
    SELECT submitter, max(data_as_of) AS data_as_of FROM scoped_submissions
    WHERE return_kind IN ('force-return', 'ports-return') GROUP BY submitter
)
SELECT (SELECT count(*) FROM expected) AS expected,
       (SELECT count(*) FROM expected e JOIN held h USING (submitter)) AS reporting,
       (SELECT count(*) FROM held) AS returns_held,
       (SELECT max(data_as_of) FROM held) AS latest_as_of"""

UPLOADS = """
SELECT u.original_name AS file,
       coalesce(f.short_name, sub.submitter, split_part(u.return_key, ':', 2)) AS force,
       coalesce(sub.operation, nullif(split_part(u.return_key, ':', 1), '')) AS operation,
       u.outcome, u.uploaded_at, u.uploaded_by, u.values_stored, u.message
FROM upload u
LEFT JOIN submission sub ON sub.upload_id = u.id
LEFT JOIN force f ON f.code = coalesce(sub.submitter, split_part(u.return_key, ':', 2))
ORDER BY u.id DESC LIMIT $n"""


@dataclass(frozen=True)
class Card:
    measure: str
    label: str
    value: str                        # formatted in GOV.UK style: 'more than 368'


@dataclass(frozen=True)
class OperationSummary:
    code: str
    name: str
    kind: str
    period: str                       # '13 to 19 October 2025'
    as_at: str                        # '29 October 2025'
    coverage: str                     # '35 of 37 forces reported'
    status: str                       # 'Provisional' | 'Final' | 'No returns yet' | 'Not started'
    reason: str                       # why, in a sentence
    cards: tuple[Card, ...]


def held_returns(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, object]:
    """expected, reporting, returns_held and latest_as_of for one operation as at the date."""
    found = frame(con, statement(SCOPE, HELD), params_for(filters))
    return found.iloc[0].to_dict()  # type: ignore[no-any-return]


def coverage_text(kind: str, held: dict[str, object]) -> str:
    """'35 of 37 forces reported', or for the ports operation whether NaVCIS's return is held."""
    expected, reporting = int(held["expected"]), int(held["reporting"])  # type: ignore[call-overload]
    if kind == "ports":
        return "NaVCIS return held" if int(held["returns_held"]) else "No NaVCIS return yet"  # type: ignore[call-overload]
    noun = "force" if expected == 1 else "forces"
    return f"{fmt_count(reporting)} of {fmt_count(expected)} {noun} reported"


def status_of(op: dict[str, object], held: dict[str, object], qualifiers: list[str],
              as_at: date) -> tuple[str, str]:
    """('Provisional', why) until every expected return is held, returns are due and no
    headline figure is a lower bound; ('Final', …) after that."""
    if as_at < op["start_date"]:  # type: ignore[operator]
        return "Not started", f"The operation starts on {fmt_date(op['start_date'])}."  # type: ignore[arg-type]
    if not int(held["returns_held"]):  # type: ignore[call-overload]
        return "No returns yet", "No return for this operation is held as at this date."
    reasons = []
    missing = int(held["expected"]) - int(held["reporting"])  # type: ignore[call-overload]
    if missing > 0:
        reasons.append(f"{fmt_count(missing)} {'return is' if missing == 1 else 'returns are'} "
                       "still to come")
    due = op.get("returns_due")
    if isinstance(due, date) and as_at < due:
        reasons.append(f"returns are due by {fmt_date(due)}")
    if "at_least" in qualifiers:
        reasons.append("some figures are stated as 'more than'")
    if reasons:
        text = "; ".join(reasons)
        return "Provisional", f"{text[0].upper()}{text[1:]}."
    return "Final", ("Every expected return is held. Later versions of a return can still "
                     "change these figures.")


def _cards(found: pd.DataFrame, measures: tuple[str, ...]) -> tuple[tuple[Card, ...], list[str]]:
    by_measure = found.set_index("measure")
    cards, qualifiers = [], []
    for name in measures:
        metric = METRICS[name]
        value, qualifier = None, "not_recorded"
        if name in by_measure.index and not pd.isna(by_measure.loc[name, "value"]):
            value, qualifier = float(by_measure.loc[name, "value"]), str(by_measure.loc[name, "qualifier"])
        qualifiers.append(qualifier)
        cards.append(Card(measure=name, label=metric.label,
                          value=fmt_value(value, metric.unit, qualifier)))
    return tuple(cards), qualifiers


def _day(value: object) -> date | None:
    """A DataFrame cell (Timestamp, date or missing) as a plain date."""
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()  # type: ignore[arg-type]


def ordered_operations(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """National weeks newest first, then the ports operation, then funded local operations."""
    ops = operations(con)
    if ops.empty:
        return ops
    ops = ops.sort_values("start_date", ascending=False, kind="stable")
    ops = ops.sort_values("kind", key=lambda s: s.map(KIND_ORDER).fillna(9), kind="stable")
    return ops.reset_index(drop=True)


def operation_summaries(con: duckdb.DuckDBPyConnection, as_at: date,
                        regions: tuple[str, ...] = (),
                        forces: tuple[str, ...] = ()) -> list[OperationSummary]:
    """One summary per operation as at ``as_at``, in home-page order."""
    result = []
    for op in ordered_operations(con).to_dict("records"):
        for key in ("start_date", "end_date", "returns_due"):
            op[key] = _day(op[key])
        filters = Filters(operation=op["code"], as_at=as_at, regions=regions, forces=forces)
        measures = CARDS.get(op["kind"], WEEK_MEASURES)
        cards, qualifiers = _cards(totals(con, filters, measures), measures)
        held = held_returns(con, filters)
        status, reason = status_of(op, held, qualifiers, as_at)
        result.append(OperationSummary(
            code=op["code"], name=op["name"], kind=op["kind"],
            period=fmt_date_range(op["start_date"], op["end_date"]), as_at=fmt_date(as_at),
            coverage=coverage_text(op["kind"], held), status=status, reason=reason, cards=cards))
    return result


def latest_weeks(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The codes of the two most recent national weeks of action, older first (fewer if absent)."""
    ops = operations(con)
    weeks = ops[ops["kind"] == "week-of-action"].sort_values("start_date")
    return list(weeks["code"].iloc[-2:])


@dataclass(frozen=True)
class WeekComparison:
    earlier: str                      # operation codes, e.g. 'OA2024'
    later: str
    earlier_name: str
    later_name: str
    table: pd.DataFrame               # one row per measure, see ``week_comparison``


def change_text(earlier: tuple[float | None, str], later: tuple[float | None, str],
                unit: str) -> tuple[float | None, str]:
    """(later minus earlier, 'up 26 (14%)'); a bound is kept only when it is still certain.

    A 'more than' later figure can only have grown by more than the difference; a 'more than'
    earlier figure can only make a fall larger. Anything else with a bound cannot be called yet.
    """
    (a, qa), (b, qb) = earlier, later
    if a is None or b is None or "not_recorded" in (qa, qb):
        return None, "cannot compare: a figure is not recorded"
    diff = b - a
    if diff == 0 and qa == qb == "exact":
        return 0.0, "no change"
    bound = (qb == "at_least" and qa != "at_least" and diff > 0) or \
            (qa == "at_least" and qb != "at_least" and diff < 0)
    if "at_least" in (qa, qb) and not bound:
        return diff, "cannot say yet: a figure is stated as 'more than'"
    qualifier = "at_least" if bound else ("approximately" if {qa, qb} - {"exact"} else "exact")
    words = f"{'up' if diff > 0 else 'down'} {fmt_value(abs(diff), unit, qualifier)}"
    if qualifier == "exact" and a:
        words += f" ({abs(diff) / a * 100:.0f}%)"
    return diff, words


def _figure(found: pd.DataFrame, measure: str) -> tuple[float | None, str]:
    row = found[found["measure"] == measure]
    if row.empty or pd.isna(row["value"].iloc[0]):
        return None, "not_recorded"
    return float(row["value"].iloc[0]), str(row["qualifier"].iloc[0])


def week_comparison(con: duckdb.DuckDBPyConnection, as_at: date, regions: tuple[str, ...] = (),
                    forces: tuple[str, ...] = ()) -> WeekComparison | None:
    """The two latest national weeks side by side as at ``as_at`` (None with fewer than two).

    Table columns: measure, label, unit, earlier, earlier_qualifier, earlier_text, later,
    later_qualifier, later_text, change, change_text.
    """
    codes = latest_weeks(con)
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
                     "change": diff, "change_text": words})
    return WeekComparison(earlier=codes[0], later=codes[1], earlier_name=str(names[codes[0]]),
                          later_name=str(names[codes[1]]), table=pd.DataFrame(rows))


def recent_uploads(con: duckdb.DuckDBPyConnection, n: int = 10) -> pd.DataFrame:
    """The n latest uploads, whatever their outcome: file, force, operation, outcome,
    uploaded_at, uploaded_by, values_stored, message."""
    return frame(con, UPLOADS, {"n": int(n)})
