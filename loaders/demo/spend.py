"""Spend returns for both grants, and the funded local operations' own force returns.

Grant 1 is spent in full on the 2025 week (£485,000, every line tagged OA2025, as announced).
Grant 2 is slightly under-spent (about £200,000 of £210,000). Lines follow the illustrative
allocations in ``data/reference/allocations.csv``; every amount is illustrative.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from loaders.demo.figures import Figure, ForceReturnPlan, apportion

G1_AS_OF, G2_AS_OF = date(2026, 1, 30), date(2026, 2, 27)
SPEND_STEP = 50                       # amounts in whole £50
CATEGORIES = {
    "P1": ("Prevention products", "Events", "Overtime"),
    "P2": ("Overtime", "Rest-day working", "Hire", "Recovery and storage"),
    "P3": ("Staff", "Training", "Equipment"),
    "P4": ("Events", "Hire", "Other"),
    "P5": ("Port examination fees", "Recovery and storage", "Overtime", "Staff"),
}
LOC_FORCES = ("metropolitan", "west-midlands", "greater-manchester", "essex", "kent",
              "south-yorkshire", "thames-valley", "west-yorkshire")
LOC_MEASURES = {"arrests": 6, "vehicles_recovered": 5, "value_recovered_gbp": 95_000,
                "warrants": 4, "vehicle_checks": 120, "prevention_events": 5,
                "people_engaged": 300, "steering_locks": 40, "intel_submissions": 25}


@dataclass(frozen=True)
class SpendReturnPlan:
    grant_ref: str
    recipient: str
    period: str
    data_as_of: date
    lines: tuple[dict[str, Any], ...]


def spend_returns(allocations: Sequence[dict[str, Any]],
                  rng: random.Random) -> list[SpendReturnPlan]:
    """One spend return per grant and recipient; lines add up to each allocation's spend."""
    plans = []
    for grant, as_of in (("G1", G1_AS_OF), ("G2", G2_AS_OF)):
        mine = [a for a in allocations if a["grant_ref"] == grant]
        for recipient in sorted({a["recipient"] for a in mine}):
            lines: list[dict[str, Any]] = []
            for alloc in (a for a in mine if a["recipient"] == recipient):
                lines += _lines(alloc, grant, rng)
            plans.append(SpendReturnPlan(grant, recipient, "2025-26", as_of, tuple(lines)))
    return plans


def _spent(alloc: dict[str, Any], grant: str, rng: random.Random) -> int:
    """Grant 1 is spent to the pound; grant 2 allocations are 90–100 % spent by February."""
    amount = int(round(float(alloc["amount_gbp"])))
    if grant == "G1":
        return amount
    return int(amount * rng.uniform(0.9, 1.0)) // SPEND_STEP * SPEND_STEP


def _lines(alloc: dict[str, Any], grant: str, rng: random.Random) -> list[dict[str, Any]]:
    total = _spent(alloc, grant, rng)
    count = max(2, min(6, total // 15_000 + 2))
    amounts = [p * SPEND_STEP for p in apportion(total // SPEND_STEP,
                                                  [rng.uniform(0.5, 1.5) for _ in range(count)])]
    amounts[-1] += total % SPEND_STEP   # keep the allocation's exact total
    # Grant 1 all funds the 2025 week (£485,000 "for the 2025 week", NPCC 2025).
    operation = "OA2025" if grant == "G1" else (alloc.get("operation") or None)
    start = date(2025, 9, 1) if grant == "G1" else date(2025, 11, 3)
    categories = CATEGORIES.get(alloc["pillar"], ("Other",))
    return [{
        "spent_on": start + timedelta(days=rng.randint(0, 110)),
        "pillar": alloc["pillar"], "operation": operation, "allocation_ref": alloc["ref"],
        "category": categories[i % len(categories)],
        "description": f"{alloc['purpose']}: {categories[i % len(categories)].lower()}",
        "amount_gbp": amount,
    } for i, amount in enumerate(amounts)]


def local_returns(awarded: Sequence[str], rng: random.Random) -> list[ForceReturnPlan]:
    """A few funded forces' results for their local operation (totals only: it runs for months)."""
    plans = []
    for force in (f for f in LOC_FORCES if f in awarded):
        figures = {}
        for measure, typical in LOC_MEASURES.items():
            amount = typical * rng.uniform(0.5, 1.8)
            if measure == "value_recovered_gbp":
                amount = amount // 250 * 250
            figures[measure] = Figure(int(amount))
        plans.append(ForceReturnPlan("LOC2025", force, date(2026, 2, rng.randint(20, 27)),
                                     figures))
    return plans
