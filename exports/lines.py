"""Lines to take: short GOV.UK sentences with the headline figures, each traceable to its metric.

Rounding rule (``ROUNDING_RULE``, printed in the pack's method note). Counts held exactly are
said exactly ("147 stolen vehicles recovered"). A count held as "at least N" is said "at least
N" or, from 100, rounded DOWN to a multiple of 5 (or of 100 from 1,000) and said "more than M"
when M is below N ("at least 368" becomes "more than 365"; "at least 365" stays "at least
365"). Money of £1 million or more goes DOWN to a tenth of a million ("over £3.3 million"; a
tenth of a billion from £1 billion) unless it is already round; smaller sums are given in full.
So "more than" and "over" always name a number below every value the figure allows, and
"at least" the figure itself: a line never claims more than the returns hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from metrics.format import (
    fmt_count,
    fmt_date,
    fmt_date_range,
    fmt_money,
    fmt_money_short,
    round_down_for_more_than,
)
from metrics.headline import HEADLINE_NOUNS

ROUNDING_RULE = (
    "Lines to take never claim more than the returns hold. Counts are given exactly (147 "
    "stays 147). A count reported as \"at least\" is said \"at least\" or, from 100, rounded "
    "down to a multiple of 5 (of 100 from 1,000) and said \"more than\" only when that is "
    "below the figure: \"at least 368\" becomes \"more than 365\", \"at least 365\" stays "
    "\"at least 365\". Money of £1 million or more goes down to a tenth of a million and is "
    "said \"over\" (£2,468,100 becomes \"over £2.4 million\"; a tenth of a billion from £1 "
    "billion); smaller sums are given in full. Approximate figures are said \"about\". "
    "Tables, charts and data files give every figure in full."
)


@dataclass(frozen=True)
class Line:
    """One sentence and the figure behind it."""

    text: str
    metric: str            # registry name, e.g. 'arrests'
    value: float | None    # the figure held, as headline() returns it
    qualifier: str         # exact | at_least | approximately | not_recorded
    unit: str              # count | gbp
    bound: str             # 'more than' | 'at least' | 'exact' | 'about'
    stated: float | None   # the number printed after the bound

    def note(self, as_at_text: str, version: int) -> str:
        """Where the line comes from, for speaker notes and footnotes."""
        shown = "not recorded" if self.value is None else f"{self.value:,.2f}".rstrip("0").rstrip(".")
        return (f"{self.metric} = {shown} ({self.qualifier.replace('_', ' ')}), as at "
                f"{as_at_text}, data version {version}")


def _bounded(v: float, qualifier: str, unit: str) -> tuple[str, float]:
    """(bound, N): ('more than', N) with N < v; ('at least', v); ('exact', v); ('about', v).

    Exact counts are never rounded; an 'at least' or exact amount is rounded only when the
    rounded number is below it, so 'more than N' never names the figure itself."""
    if qualifier in ("approximately", "estimate"):
        return "about", v
    held = "at least" if qualifier == "at_least" else "exact"
    if (unit == "count" and held == "exact") or (unit == "gbp" and v < 1_000_000):
        return held, v
    n = round_down_for_more_than(v, unit)
    return ("more than", n) if n < v else (held, v)


def count_phrase(v: float, qualifier: str) -> tuple[str, str, float]:
    """(text, bound, stated): ('more than 365', 'more than', 365.0) for at least 368 arrests;
    ('147', 'exact', 147.0) for exactly 147."""
    bound, n = _bounded(v, qualifier, "count")
    if bound == "about":
        return fmt_count(v, "approximately"), bound, float(round(v))
    if bound == "more than":
        return f"more than {int(n):,}", bound, n
    return fmt_count(n, "at_least" if bound == "at least" else "exact"), bound, n


def money_phrase(v: float, qualifier: str) -> tuple[str, str, float]:
    """(text, bound, stated): ('over £3.3 million', 'more than', 3300000.0) for £3,342,750."""
    bound, n = _bounded(v, qualifier, "gbp")
    if bound == "about":
        return fmt_money(v, "approximately"), bound, v
    text = fmt_money_short(n) if n >= 1_000_000 else fmt_money(n)
    prefix = {"more than": "over ", "at least": "at least "}.get(bound, "")
    return prefix + text, bound, n


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
