"""Lines to take: short GOV.UK sentences with the headline figures, each traceable to its metric.

Rounding rule (also printed on the method slide): counts under 100 are given exactly; from 100
to 999 they go DOWN to a multiple of 5 and from 1,000 DOWN to a multiple of 100, said as "more
than N" (368 → "more than 365"). Money of £1 million or more goes down to a tenth of a million
("over £3.3 million"), from £10,000 down to a thousand pounds, and below that is exact. A figure
that is already round is stated as it is. "More than" and "over" therefore never overstate: for
an exact figure N is below the true value; for an "at least" figure N is at most the figure held.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from metrics.format import (
    _floor,
    fmt_count,
    fmt_date,
    fmt_date_range,
    fmt_money,
    fmt_money_short,
)
from metrics.headline import HEADLINE_NOUNS

ROUNDING_RULE = (
    "Lines to take round down, never up: counts under 100 are exact; 100 to 999 go down to a "
    "multiple of 5 and 1,000 or more down to a multiple of 100, said as \"more than\" (368 "
    "becomes \"more than 365\"). Money of £1 million or more goes down to a tenth of a million "
    "(\"over £3.3 million\"; a tenth of a billion from £1 billion), £10,000 or more down to the "
    "thousand pounds; smaller sums are exact. "
    "Figures reported as \"at least\" keep that qualifier."
)


@dataclass(frozen=True)
class Line:
    """One sentence and the figure behind it."""

    text: str
    metric: str            # registry name, e.g. 'arrests'
    value: float | None    # the figure held, as headline() returns it
    qualifier: str         # exact | at_least | approximately | not_recorded
    unit: str              # count | gbp
    bound: str             # 'more than' | 'exact' | 'about' | 'not recorded'
    stated: float | None   # the number printed after the bound

    def note(self, as_at_text: str, version: int) -> str:
        """Where the line comes from, for speaker notes and footnotes."""
        shown = "not recorded" if self.value is None else f"{self.value:,.2f}".rstrip("0").rstrip(".")
        return (f"{self.metric} = {shown} ({self.qualifier.replace('_', ' ')}), as at "
                f"{as_at_text}, data version {version}")


def count_step(v: float) -> int:
    return 1 if v < 100 else (5 if v < 1000 else 100)


def money_step(v: float) -> int:
    """Tenths of the unit 'billion' or 'million' said, thousands from £10,000, else pounds."""
    if v >= 1_000_000_000:
        return 100_000_000
    return 100_000 if v >= 1_000_000 else (1000 if v >= 10_000 else 1)


def _bounded(v: float, qualifier: str, step: int) -> tuple[str, float]:
    """('more than', N) with N ≤ v (N < v for exact figures), or ('exact', v) when v is round."""
    if qualifier in ("approximately", "estimate"):
        return "about", v
    n = float(_floor(v, step))
    if qualifier == "at_least":
        return "more than", n
    # An exact figure that is already round is stated as it is; otherwise N < v.
    return ("exact", v) if n == v else ("more than", n)


def count_phrase(v: float, qualifier: str) -> tuple[str, str, float]:
    """(text, bound, stated): ('more than 365', 'more than', 365.0) for 368 arrests."""
    bound, n = _bounded(v, qualifier, count_step(v))
    if bound == "about":
        return fmt_count(v, "approximately"), bound, float(round(v))
    text = f"{int(n):,}" if bound == "exact" else f"more than {int(n):,}"
    return text, bound, n


def money_phrase(v: float, qualifier: str) -> tuple[str, str, float]:
    """(text, bound, stated): ('over £3.3 million', 'more than', 3300000.0) for £3,342,750."""
    step = money_step(v)
    bound, n = _bounded(v, qualifier, step)
    if bound == "about":
        return fmt_money(v, "approximately"), bound, v
    short = fmt_money_short(n) if step >= 100_000 else fmt_money(n)
    return (short if bound == "exact" else f"over {short}"), bound, n


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:]


def headline_line(h: dict[str, Any], metric: str) -> Line | None:
    """The line for one headline figure, or None when it was not recorded."""
    value, qualifier = h.get(metric), h.get(f"{metric}_qualifier", "not_recorded")
    if value is None or qualifier == "not_recorded":
        return None
    singular, plural = HEADLINE_NOUNS[metric]
    if metric.endswith("_gbp"):
        text, bound, n = money_phrase(float(value), qualifier)
        return Line(_sentence(f"{text} of stolen vehicles recovered"), metric, float(value),
                    qualifier, "gbp", bound, n)
    text, bound, n = count_phrase(float(value), qualifier)
    noun = singular if bound == "exact" and n == 1 else plural
    return Line(_sentence(f"{text} {noun}"), metric, float(value), qualifier, "count", bound, n)


def lines_to_take(h: dict[str, Any], *, start: Any, end: Any,
                  spend_gbp: float | None = None) -> list[Line]:
    """The opening line (dates and coverage), one line per headline figure, then spend."""
    reporting, expected = h.get("forces_reporting", 0), h.get("forces_expected", 0)
    opening = Line(f"{h['operation_name']} ran from {fmt_date_range(start, end)}; "
                   f"{reporting} of {expected} forces taking part have sent returns",
                   "forces_reporting", float(reporting), "exact", "count", "exact",
                   float(reporting))
    found = [opening]
    for metric in HEADLINE_NOUNS:
        line = headline_line(h, metric)
        if line is not None:
            found.append(line)
    if spend_gbp:
        text, bound, n = money_phrase(float(spend_gbp), "exact")
        found.append(Line(_sentence(f"{text} of additional costs reported in spend returns"),
                          "spend_gbp", float(spend_gbp), "exact", "gbp", bound, n))
    return found


def as_at_sentence(as_at: Any) -> str:
    return f"Figures as at {fmt_date(as_at)}; they are provisional and may rise as investigations continue."
