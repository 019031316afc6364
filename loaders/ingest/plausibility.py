"""Plausibility queries: a figure far outside what a force has reported before, or far above
every other force for its size, is queried before it reaches a national total (issue 11).

A **query** is not an error: the file is read and every figure is valid, but one looks like a
typing slip (520 arrests for 52). It is a located ``Issue`` of severity 'query', code
``CODE``, naming the cell, the value and, in words and figures, what it was compared with. The
upload page saves a file with queries only when the person confirms each with a reason
(audited as 'query_confirmed'); the command line saves it and lists the queries. Either way the
queries are kept as issues of the accepted upload, so the Returns tracker can show them.

Two comparisons, with the thresholds declared once in ``THRESHOLDS`` (the README quotes them):

1. **History**: each figure of a force return (the total, and each day's figure) against the
   same force's returns for earlier operations of the same kind *at the same stage* — for each
   earlier operation, the force's latest accepted version whose figures are stated as at the
   same number of days from that operation's start as this return's are from its own (the
   as-at rule of ``metrics.scope``, counted from the start). A total is compared with the
   largest earlier total; a day's figure with it too (one day holding several times what the
   force found in a whole earlier operation). Days are not compared with earlier days: a force
   may well put a week's effort into one day, and the reader already refuses days that do not
   add up to the total, so a slip in one day shows in the total.
   A figure unchanged from the current version of the same return is not queried again: it
   was queried, and confirmed or saved, when it was first sent.
2. **Size**: each total as a rate per 1,000 vehicle offences recorded by the police in the
   force's area (ONS, table ``recorded_crime``), against every other force's rate for the same
   measure in the same operation, each other force's return taken as at this return's date.

Need to know: only operations the uploader may see are compared with, and of those never a
restricted one. A query is kept with the upload and read later by anyone who may see this
return, who need not have been granted a restricted operation, so its name and figures never
enter a message. The size rule reads only this return's own operation.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import duckdb
import pandas as pd

from loaders.ingest.return_names import day_words, measure_label, possessive, submitter_name
from loaders.returns.issues import Issue, query
from loaders.returns.records import ParsedReturn
from store.submissions import latest_submission, submission_values

CODE = "implausible-figure"
SEVERITY = "query"
ADVICE = "Check for a typing slip; if the figure is right, confirm it with a reason."


@dataclass(frozen=True)
class Thresholds:
    """Every number the rules use, each with why it is what it is."""

    # More than 5 times the force's largest earlier figure at the same stage. A typing slip
    # that adds a digit multiplies a figure by 10, while a force's real growth from one week of
    # action to the next is a fraction of that. 5 catches the slip and leaves room for a
    # genuinely bigger week.
    history_factor: float = 5.0
    # More than 3 times the highest rate per 1,000 recorded vehicle offences among the other
    # forces in the same operation. The busiest forces' rates sit within about 2 times of one
    # another; 3 times above the busiest other force is far outside that.
    size_factor: float = 3.0
    # The size rule needs at least this many other forces with the figure and a recorded crime
    # count: early in an operation, one or two returns say nothing about what is usual.
    min_compared_forces: int = 5
    # An earlier figure smaller than this is taken as this, so a count is queried only above
    # 50 and an amount above £25,000: from a small start a force's figures vary a lot (3
    # arrests one week, 22 the next), and 0 to 3 is no typing slip worth a person's time.
    small_count: int = 10
    small_gbp: int = 5_000
    # The size rule queries no count below 50 and no amount below £25,000, for the same reason.
    size_min_count: int = 50
    size_min_gbp: int = 25_000

    def history_limit(self, earlier: float, unit: str) -> float:
        """The largest figure not queried against an earlier figure at the same stage."""
        small = self.small_gbp if unit == "gbp" else self.small_count
        return self.history_factor * max(earlier, float(small))

    def size_minimum(self, unit: str) -> float:
        return float(self.size_min_gbp if unit == "gbp" else self.size_min_count)


THRESHOLDS = Thresholds()

# The force's latest accepted version of each earlier operation's return, stated as at the same
# number of days from that operation's start; its totals.
HISTORY = """
WITH mine AS (SELECT kind, start_date FROM operation WHERE code = $operation),
earlier AS (
    SELECT o.code, o.name, o.start_date FROM operation o, mine
    WHERE o.kind = mine.kind AND o.start_date < mine.start_date AND NOT o.restricted
      AND ($visible::VARCHAR[] IS NULL OR list_contains($visible::VARCHAR[], o.code))
),
at_stage AS (
    SELECT s.id, s.operation, e.name AS operation_name, e.start_date
    FROM submission s JOIN upload u ON u.id = s.upload_id JOIN earlier e ON e.code = s.operation
    WHERE u.outcome = 'accepted' AND s.submitter = $force AND s.return_kind = 'force-return'
      AND s.data_as_of <= e.start_date + CAST($days AS INTEGER)
    QUALIFY row_number() OVER (PARTITION BY s.return_key ORDER BY s.version DESC) = 1
)
SELECT a.operation, a.operation_name, a.start_date, v.measure, CAST(v.value AS DOUBLE) AS value
FROM at_stage a JOIN value v ON v.submission_id = a.id
WHERE v.value IS NOT NULL AND v.port IS NULL AND v.day IS NULL
ORDER BY a.start_date DESC, a.operation"""

# Every other force's latest accepted version of this operation's return stated as at this
# return's date, with each total's rate per 1,000 recorded vehicle offences (the latest ONS
# period held, as ``metrics.query.by_force`` reads it).
OTHERS = """
WITH crime AS (
    SELECT force_code, vehicle_offences FROM recorded_crime
    QUALIFY row_number() OVER (PARTITION BY force_code ORDER BY period DESC) = 1
),
others AS (
    SELECT s.id, s.submitter FROM submission s JOIN upload u ON u.id = s.upload_id
    WHERE u.outcome = 'accepted' AND s.operation = $operation AND s.submitter <> $force
      AND s.return_kind = 'force-return' AND s.data_as_of <= $as_of
    QUALIFY row_number() OVER (PARTITION BY s.return_key ORDER BY s.version DESC) = 1
)
SELECT o.submitter, f.short_name, v.measure,
       CAST(v.value AS DOUBLE) * 1000.0 / c.vehicle_offences AS rate
FROM others o JOIN value v ON v.submission_id = o.id
JOIN crime c ON c.force_code = o.submitter AND c.vehicle_offences > 0
JOIN force f ON f.code = o.submitter
WHERE v.day IS NULL AND v.port IS NULL AND v.value IS NOT NULL"""

OWN_CRIME = """
SELECT vehicle_offences FROM recorded_crime WHERE force_code = $force AND vehicle_offences > 0
ORDER BY period DESC LIMIT 1"""


def queries(con: duckdb.DuckDBPyConnection, parsed: ParsedReturn, ref: Any,
            visible: frozenset[str] | None = None) -> list[Issue]:
    """One query per figure of a force return that either rule finds implausible.

    ``visible``: the operations the uploader may see (None: every operation, the command line).
    Ports and spend returns, and a return whose force or operation is unknown, get none.
    """
    if parsed.kind != "force-return" or not parsed.operation or parsed.values is None \
            or parsed.submitter not in getattr(ref, "forces", {}) or parsed.values.empty:
        return []
    start = con.execute("SELECT start_date FROM operation WHERE code = ?",
                        [parsed.operation]).fetchall()
    if not start:
        return []
    as_of = parsed.data_as_of or date.today()
    days = (as_of - start[0][0]).days
    history = con.execute(HISTORY, {
        "operation": parsed.operation, "force": parsed.submitter, "days": days,
        "visible": None if visible is None else sorted(visible)}).df()
    others = con.execute(OTHERS, {"operation": parsed.operation, "force": parsed.submitter,
                                  "as_of": as_of}).df()
    crime = con.execute(OWN_CRIME, {"force": parsed.submitter}).fetchall()
    offences = float(crime[0][0]) if crime else None
    stated = _current_figures(con, parsed.return_key or "")
    found = []
    for figure in parsed.values.to_dict("records"):
        if stated.get(_where(figure)) == _number(figure.get("value")):
            continue    # unchanged from the current version: queried then, if at all
        issue = _query(ref, parsed, figure, days, history, others, offences)
        if issue is not None:
            found.append(issue)
    return found


def _query(ref: Any, parsed: ParsedReturn, figure: dict[str, Any], days: int,
           history: pd.DataFrame, others: pd.DataFrame, offences: float | None) -> Issue | None:
    value = _number(figure.get("value"))
    measure = str(figure["measure"])
    unit = str(ref.measures.get(measure, {}).get("unit", "count"))
    if value is None or _present(figure.get("port")):
        return None
    day = figure.get("day")
    daily = _present(day)
    force = submitter_name(ref, parsed.submitter)
    subject = _subject(ref, measure, unit, value, str(figure.get("qualifier") or "exact"))
    if daily:
        subject += f" on {day_words(pd.Timestamp(day).date())}"
    said = []
    earlier = _largest_earlier(history, measure)
    if earlier is not None and value > THRESHOLDS.history_limit(earlier["value"], unit):
        said.append(
            f"{subject} is more than {_factor(THRESHOLDS.history_factor)} times "
            f"{possessive(force)} largest earlier {'total' if daily else 'figure'} at the "
            f"same stage ({_amount(earlier['value'], unit)} in {earlier['operation_name']}, "
            f"{_stage(days)})")
    if not daily and offences and value >= THRESHOLDS.size_minimum(unit):
        size = _size(others, measure, value * 1000.0 / offences, force, parsed, ref)
        if size:
            said.append(("It is " if said else f"{subject} is ") + size)
    if not said:
        return None
    message = ". ".join(said) + ". " + ADVICE
    header = "Total" if not daily else day_words(pd.Timestamp(day).date())
    return query(CODE, message, sheet=figure.get("sheet"), row=_int(figure.get("row")),
                 column=figure.get("col"), header=header, value=_plain(value, unit))


def _current_figures(con: duckdb.DuckDBPyConnection,
                     return_key: str) -> dict[tuple[str, str | None], float | None]:
    """The figures the current version of this return states, by measure and day."""
    current = latest_submission(con, return_key)
    if current is None:
        return {}
    return {_where(f): _number(f.get("value"))
            for f in submission_values(con, current["id"]).to_dict("records")
            if not _present(f.get("port"))}


def _where(figure: dict[str, Any]) -> tuple[str, str | None]:
    day = figure.get("day")
    return str(figure["measure"]), pd.Timestamp(day).date().isoformat() if _present(day) else None


def _largest_earlier(history: pd.DataFrame, measure: str) -> dict[str, Any] | None:
    """The largest total of the measure in the earlier returns, the latest operation first
    when two are equal."""
    rows = history[history["measure"] == measure]
    if rows.empty:
        return None
    return dict(rows.loc[rows["value"].idxmax()])


def _size(others: pd.DataFrame, measure: str, rate: float, force: str, parsed: ParsedReturn,
          ref: Any) -> str:
    rows = others[others["measure"] == measure]
    if len(rows) < THRESHOLDS.min_compared_forces:
        return ""
    top = rows.loc[rows["rate"].idxmax()]
    if rate <= THRESHOLDS.size_factor * float(top["rate"]):
        return ""
    operation = ref.operations.get(parsed.operation, {}).get("name", parsed.operation)
    return (f"{_rate(rate)} per 1,000 vehicle offences recorded in {force}, more than "
            f"{_factor(THRESHOLDS.size_factor)} times the highest rate of the other "
            f"{len(rows):,} forces in {operation} ({_rate(float(top['rate']))}, "
            f"{top['short_name']})")


# --- confirming ------------------------------------------------------------------------------

def is_query(issue: Issue) -> bool:
    return issue.severity == SEVERITY


def query_key(issue: Issue) -> str:
    """What identifies a query a person has seen and confirmed: the cell, its value, the code."""
    return json.dumps([issue.code, issue.sheet, issue.row, issue.column, issue.value])


def unconfirmed(issues: Iterable[Issue], confirmed: bool | Collection[str]) -> list[Issue]:
    """Queries not covered by ``confirmed``: True covers all, False none, else those keys."""
    if confirmed is True:
        return []
    allowed = () if confirmed is False else confirmed
    return [i for i in issues if is_query(i) and query_key(i) not in allowed]


def queried_sentence(issues: Iterable[Issue], *, saved: bool, reason: str | None) -> str:
    """'' when nothing is queried; else what happens to the queried figures, in a sentence."""
    n = sum(1 for i in issues if is_query(i))
    if not n:
        return ""
    figures = f"{n:,} figure{'' if n == 1 else 's'}"
    far = "is" if n == 1 else "are"
    if not saved:
        return (f" {figures} {far} far from what is usual (queried, listed below): check "
                f"{'it' if n == 1 else 'them'}, then confirm with a reason, or correct the file.")
    if reason:
        return f" {figures} queried and confirmed: “{reason}”."
    return (f" Query: {figures} {far} far from what is usual and {'was' if n == 1 else 'were'} "
            "saved as stated (listed below); check with the force.")


# --- words and numbers (GOV.UK style, as ``metrics.format``) ---------------------------------

def _subject(ref: Any, measure: str, unit: str, value: float, qualifier: str) -> str:
    """'260 arrests', 'at least 52 arrests', '£500,000 (value of stolen vehicles recovered)'."""
    label = measure_label(ref, measure)
    words = {"at_least": "at least ", "approximately": "about ", "estimate": "about "}
    shown = words.get(qualifier, "") + _amount(value, unit)
    if unit == "gbp":
        return f"{shown} ({_lower(label)})"
    return f"{shown} {_lower(label)}"


def _lower(label: str) -> str:
    """'Arrests' → 'arrests'; 'ANPR deployments' stays as it is."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def _amount(value: float, unit: str) -> str:
    """'1,234'; '£3,342,750', with pence only when there are any ('£12.50')."""
    exact = Decimal(str(value)).quantize(Decimal("0.01"))
    whole = exact == exact.to_integral_value()
    text = f"{int(exact):,}" if whole else f"{float(exact):,.2f}"
    return f"£{text}" if unit == "gbp" else text


def _plain(value: float, unit: str) -> str:
    """The value as the issue holds it: '260', '500000'."""
    exact = Decimal(str(value)).quantize(Decimal("0.01"))
    return str(int(exact)) if exact == exact.to_integral_value() else str(exact)


def _rate(rate: float) -> str:
    return f"{rate:,.1f}"


def _factor(factor: float) -> str:
    return f"{factor:g}"


def _stage(days: int) -> str:
    if days < 0:
        return f"{-days:,} day{'' if days == -1 else 's'} before it started"
    return f"{days:,} day{'' if days == 1 else 's'} in"


def _number(value: Any) -> float | None:
    if not _present(value):
        return None
    return float(value)


def _int(value: Any) -> int | None:
    return int(value) if _present(value) else None


def _present(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return False
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):
        return True
