"""Two figures, or two operations, compared: one rule for every comparison title and line.

Each measure gets a direction that is certain given the qualifiers: an 'at least' figure may
be larger than shown, so a rise to it is certain only when the shown figure is already above
the other side, and a fall from it only when the other side is already below. Otherwise the
direction cannot be told yet.

The overall picture (issue 9: "More arrests…" was the title while vehicles recovered fell
316 → 147) looks only at the directions of the measures compared, never at which measure comes
first: every measure that can be compared rose → "rose", every one fell → "fell", none changed
→ "unchanged", anything else → "mixed", naming what went up and what went down. Swapping the
two sides therefore swaps "rose" and "fell" and the two lists, and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from metrics.format import fmt_value

Figure = tuple[float | None, str]          # (value, qualifier) as the store holds it
UP, DOWN, SAME, UNKNOWN = "up", "down", "same", "unknown"
NOT_RECORDED_TEXT = "cannot compare: a figure is not recorded"
BOUND_TEXT = "cannot say yet: a figure is stated as 'at least'"


def _missing(figure: Figure) -> bool:
    return figure[0] is None or figure[1] == "not_recorded"


def direction(earlier: Figure, later: Figure) -> str:
    """'up', 'down', 'same' or 'unknown' from ``earlier`` to ``later``, given the qualifiers."""
    if _missing(earlier) or _missing(later):
        return UNKNOWN
    (a, qa), (b, qb) = earlier, later
    assert a is not None and b is not None
    if qa == "at_least" and qb == "at_least":
        return UNKNOWN
    if qb == "at_least":
        return UP if b > a else UNKNOWN
    if qa == "at_least":
        return DOWN if b < a else UNKNOWN
    return UP if b > a else DOWN if b < a else SAME


def change_text(earlier: Figure, later: Figure, unit: str) -> tuple[float | None, str]:
    """(later minus earlier, 'up 26 (14%)'), with the bound kept when an 'at least' figure
    makes the change itself a lower bound ('up at least 188')."""
    if _missing(earlier) or _missing(later):
        return None, NOT_RECORDED_TEXT
    (a, qa), (b, qb) = earlier, later
    assert a is not None and b is not None
    diff = b - a
    way = direction(earlier, later)
    if way == UNKNOWN:
        return diff, BOUND_TEXT
    if way == SAME:
        return 0.0, "no change" if qa == qb == "exact" else "about the same"
    qualifier = ("at_least" if "at_least" in (qa, qb)
                 else "approximately" if {qa, qb} - {"exact"} else "exact")
    words = f"{way} {fmt_value(abs(diff), unit, qualifier)}"
    if qualifier == "exact" and a:
        words += f" ({abs(diff) / a * 100:.0f}%)"
    return diff, words


@dataclass(frozen=True)
class Balance:
    """Which measures went up, down, stayed the same or cannot be compared (labels, in the
    order given)."""

    up: tuple[str, ...] = ()
    down: tuple[str, ...] = ()
    same: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    # Every label in the order given: the title lists groups in this order, so neither
    # 'up' nor 'down' always comes first.
    order: tuple[str, ...] = field(default=(), compare=False)

    @property
    def word(self) -> str:
        """'rose', 'fell', 'unchanged', 'mixed', or 'unknown' when nothing can be compared."""
        groups = [bool(self.up), bool(self.down), bool(self.same)]
        if sum(groups) == 0:
            return "unknown"
        if sum(groups) > 1:
            return "mixed"
        return "rose" if self.up else "fell" if self.down else "unchanged"

    def swapped(self) -> Balance:
        """The same comparison read the other way round."""
        return Balance(up=self.down, down=self.up, same=self.same, unknown=self.unknown,
                       order=self.order)


def balance(changes: Iterable[tuple[str, str]]) -> Balance:
    """A Balance from (label, direction) pairs."""
    found: dict[str, list[str]] = {UP: [], DOWN: [], SAME: [], UNKNOWN: []}
    order = []
    for label, way in changes:
        found[way].append(label)
        order.append(label)
    return Balance(tuple(found[UP]), tuple(found[DOWN]), tuple(found[SAME]),
                   tuple(found[UNKNOWN]), tuple(order))


def of_table(df: pd.DataFrame) -> Balance:
    """The Balance of a long table of two operations (``metrics.stages.same_stage``): columns
    operation, measure, label, value, qualifier; the operation on the first row is the earlier."""
    order = list(dict.fromkeys(df["operation"]))
    if len(order) < 2:
        return Balance()

    def figure(rows: pd.DataFrame) -> Figure:
        if rows.empty or pd.isna(rows["value"].iloc[0]):
            return None, "not_recorded"
        return float(rows["value"].iloc[0]), str(rows["qualifier"].iloc[0])

    pairs = []
    for _, group in df.groupby("measure", sort=False):
        earlier = figure(group[group["operation"] == order[0]])
        later = figure(group[group["operation"] == order[-1]])
        pairs.append((str(group["label"].iloc[0]), direction(earlier, later)))
    return balance(pairs)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def listed(labels: Iterable[str]) -> str:
    """'arrests', 'arrests and people charged', 'arrests, people charged and warrants executed'."""
    items = [_lower_first(x) for x in labels]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def title(b: Balance, later: str, earlier: str, when: str = "at the same stage") -> str:
    """The message of a comparison of ``later`` against ``earlier``, from ``b`` alone."""
    where = f"in {later} against {earlier} {when}".rstrip()
    if b.word == "unknown":
        return f"{later} and {earlier} cannot be compared yet {when}".rstrip()
    every = "All figures that can be compared" if b.unknown else "All figures compared"
    text = {"rose": f"{every} rose {where}", "fell": f"{every} fell {where}",
            "unchanged": f"No figure compared changed {where}"}.get(b.word, "")
    if b.word == "mixed":
        groups = [(group, word) for group, word in
                  ((b.up, "up"), (b.down, "down"), (b.same, "unchanged")) if group]
        # In the order of the measures, not of the directions: no side is always named first.
        position = {label: i for i, label in enumerate(b.order)}
        groups.sort(key=lambda g: min(position.get(label, len(position)) for label in g[0]))
        text = f"Mixed results {where}: " + "; ".join(f"{listed(g)} {w}" for g, w in groups)
    if b.unknown:
        text += f"; {listed(b.unknown)} cannot be compared yet"
    return text
