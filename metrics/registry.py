"""The one registry of metrics: every measure a return reports, plus the metrics derived from them.

Pages, exports, the README's table of metrics and the tests all read ``METRICS``; nothing else
declares a label, unit or description. Measures come from ``data/reference/measures.csv`` (the
same file the store's measure table is loaded from); derived metrics are declared below.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from store.settings import REFERENCE_DIR

UNITS = ("count", "gbp", "ratio", "percent")
# How a derived metric is worked out from its inputs (see metrics/derived.py).
COMBINES = ("measure", "sum", "ratio", "spend", "coverage", "published")


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    unit: str                           # count | gbp | ratio | percent
    pillar: str | None                  # P1..P5, or None for metrics that span pillars
    description: str
    kind: str = "measure"               # measure | derived
    formula: str = ""                   # how it is worked out, in words a reader can check
    indicative: bool = False            # mixes sources with different coverage: a rough guide only
    caveat: str = ""
    totals: str = "sum"                 # sum | max: how a measure combines across returns
    return_kind: str | None = None      # force-return | ports-return for measures
    daily: bool = False
    headline: bool = False
    sort_order: int = 0
    combine: str = "measure"            # one of COMBINES
    inputs: tuple[str, ...] = ()


def _truth(text: str) -> bool:
    return text.strip().lower() in {"true", "1", "yes"}


def measures_from_csv(path: Path = REFERENCE_DIR / "measures.csv") -> list[Metric]:
    """One metric per row of the measures reference file, in its sort order."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    found = []
    for row in rows:
        how = "largest single return" if row["totals"] == "max" else "sum of returns"
        found.append(Metric(
            name=row["code"], label=row["label"], unit=row["unit"].lower(), pillar=row["pillar"],
            description=row["description"], formula=f"{row['code']} ({how})",
            totals=row["totals"], return_kind=row["return_kind"], daily=_truth(row["daily"]),
            headline=_truth(row["headline"]), sort_order=int(row["sort_order"]),
        ))
    return sorted(found, key=lambda m: m.sort_order)


PREVENTION_ITEMS = ("faraday_pouches", "steering_locks", "marking_kits", "plate_screws")

DERIVED: tuple[Metric, ...] = (
    Metric(
        name="prevention_items", label="Prevention items given out", unit="count", pillar="P1",
        kind="derived", combine="sum", inputs=PREVENTION_ITEMS, sort_order=100,
        formula=" + ".join(PREVENTION_ITEMS),
        description="Faraday pouches, steering locks, forensic marking kits and anti-tamper "
                    "plate screw kits given out, added together.",
    ),
    Metric(
        name="spend_gbp", label="Spend", unit="gbp", pillar=None, kind="derived", combine="spend",
        sort_order=101, formula="sum of spend_line.amount_gbp in the current spend returns",
        description="Additional costs reported in spend returns (overtime, equipment, prevention "
                    "products, port fees), for the operation when one is chosen.",
    ),
    Metric(
        name="forces_expected", label="Forces expected to report", unit="count", pillar=None,
        kind="derived", combine="coverage", sort_order=102,
        formula="count of operation_force rows for the operation",
        description="Forces listed as taking part in the operation, so expected to send a return.",
    ),
    Metric(
        name="forces_reporting", label="Forces reporting", unit="count", pillar=None,
        kind="derived", combine="coverage", sort_order=103,
        formula="expected forces with a current force return",
        description="Expected forces whose return is held as at the date chosen.",
    ),
    Metric(
        name="share_forces_reporting", label="Share of forces reporting", unit="percent",
        pillar=None, kind="derived", combine="ratio", sort_order=104,
        inputs=("forces_reporting", "forces_expected"),
        formula="forces_reporting / forces_expected",
        description="Forces reporting as a share of the forces expected to report.",
    ),
    Metric(
        name="value_recovered_per_gbp_spent", label="Value recovered per £1 spent", unit="ratio",
        pillar=None, kind="derived", combine="ratio", indicative=True, sort_order=105,
        inputs=("value_recovered_gbp", "spend_gbp"), formula="value_recovered_gbp / spend_gbp",
        description="Value of stolen vehicles recovered for each pound of reported spend.",
        caveat="Indicative only: spend returns and force returns cover different forces and "
               "periods, and recovered values are estimates.",
    ),
    Metric(
        name="cost_per_arrest", label="Spend per arrest", unit="gbp", pillar=None,
        kind="derived", combine="ratio", indicative=True, sort_order=106,
        inputs=("spend_gbp", "arrests"), formula="spend_gbp / arrests",
        description="Reported spend divided by arrests.",
        caveat="Indicative only: arrests include non-vehicle offences found during the "
               "operation, and much policing cost is not additional spend.",
    ),
    Metric(
        name="published_vs_returns", label="Published figure less sum of returns", unit="count",
        pillar=None, kind="derived", combine="published", sort_order=107,
        formula="sum of returns - latest published figure stated on or before the as-at date",
        description="For each published national figure, the sum of the returns held as at the "
                    "same date minus the published value: negative when returns are still missing.",
        caveat="Published figures may count things returns do not (and the reverse); the unit "
               "is that of the measure compared.",
    ),
)


def build_registry() -> dict[str, Metric]:
    """Measures then derived metrics, keyed by name; a repeated name is an error."""
    registry: dict[str, Metric] = {}
    for metric in [*measures_from_csv(), *DERIVED]:
        if metric.name in registry:
            raise ValueError(f"Metric {metric.name!r} is declared twice: names must be unique.")
        registry[metric.name] = metric
    return registry


METRICS: dict[str, Metric] = build_registry()


def measures() -> list[Metric]:
    """The metrics that returns report directly, in sort order."""
    return [m for m in METRICS.values() if m.kind == "measure"]


def max_totalled() -> list[str]:
    """Measures combined across returns by taking the largest value, not the sum."""
    return [m.name for m in measures() if m.totals == "max"]


def in_pillars(pillars: tuple[str, ...]) -> list[str]:
    """Measure names in the given pillars (all measures when none are given)."""
    return [m.name for m in measures() if not pillars or m.pillar in pillars]


def registry_rows() -> list[dict[str, object]]:
    """The registry as plain rows (for tables, exports and the README)."""
    keys = ("name", "label", "unit", "pillar", "kind", "formula", "indicative", "caveat",
            "description")
    return [{key: getattr(metric, key) for key in keys} for metric in METRICS.values()]


def markdown_table() -> str:
    """A Markdown table of every metric: the README's list of metrics is this text."""
    lines = ["| Name | Label | Unit | Pillar | Description |", "|---|---|---|---|---|"]
    for metric in METRICS.values():
        note = " (indicative)" if metric.indicative else ""
        text = metric.description.replace("|", "\\|")
        lines.append(f"| `{metric.name}` | {metric.label}{note} | {metric.unit} | "
                     f"{metric.pillar or '–'} | {text} |")
    return "\n".join(lines)
