"""The figure plan behind the demo data: every number the illustrative returns will state.

Plain data, no spreadsheets: ``loaders/demo/build.py`` writes these plans into templates. The public
totals (DOMAIN.md) are fixed; everything else is spread over forces and days by a seeded
``random.Random`` so two runs give the same figures. Every figure here is illustrative.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

SEED = 2025
OA2024_WEEK = tuple(date(2024, 9, 16) + timedelta(days=i) for i in range(7))
OA2025_WEEK = tuple(date(2025, 10, 13) + timedelta(days=i) for i in range(7))
# OA2024: two of the 43 expected forces never sent a return, so the tracker shows them missing.
OA2024_MISSING = ("city-of-london", "north-wales")
GBP_STEP = 250                        # demo values are whole multiples of £250

# Rough relative size of each territorial force (residents, thousands): illustrative weights
# for spreading national totals, not official figures.
FORCE_SIZE = {
    "avon-and-somerset": 1750, "bedfordshire": 700, "cambridgeshire": 900, "cheshire": 1100,
    "city-of-london": 40, "cleveland": 570, "cumbria": 500, "derbyshire": 1050,
    "devon-and-cornwall": 1800, "dorset": 780, "durham": 640, "dyfed-powys": 520, "essex": 1850,
    "gloucestershire": 650, "greater-manchester": 2900, "gwent": 600, "hampshire": 2000,
    "hertfordshire": 1200, "humberside": 940, "kent": 1900, "lancashire": 1550,
    "leicestershire": 1100, "lincolnshire": 770, "merseyside": 1430, "metropolitan": 8900,
    "norfolk": 920, "north-wales": 700, "north-yorkshire": 830, "northamptonshire": 790,
    "northumbria": 1480, "nottinghamshire": 1170, "south-wales": 1350, "south-yorkshire": 1420,
    "staffordshire": 1140, "suffolk": 770, "surrey": 1220, "sussex": 1720, "thames-valley": 2450,
    "warwickshire": 610, "west-mercia": 1300, "west-midlands": 2950, "west-yorkshire": 2380,
    "wiltshire": 740,
}


@dataclass(frozen=True)
class Figure:
    """One measure on one return: daily cells, 'After the week', and the Total cell."""

    value: float                      # the number the Total states (a lower bound for 'over …')
    days: tuple[object, ...] = ()     # one cell per day of the week; () when only a total is given
    after_week: int | None = None
    text: str | None = None           # written in the Total cell instead of the number
    qualifier: str | None = None      # dropdown label: 'at least', 'approximately', …
    note: str | None = None

    @property
    def total_cell(self) -> object:
        return self.text if self.text is not None else self.value


@dataclass(frozen=True)
class ForceReturnPlan:
    operation: str
    force: str                        # force code
    data_as_of: date
    figures: dict[str, Figure]
    force_label: str | None = None    # the force's name as typed, when it is not the official one
    vehicles: tuple[dict[str, object], ...] = ()
    rejected: bool = False            # a deliberate mistake: the upload must be rejected
    tag: str = ""                     # distinguishes files of the same return and date


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into whole parts proportional to ``weights`` that add up exactly."""
    if total < 0:
        raise ValueError("total must not be negative")
    mass = sum(weights)
    if mass <= 0:
        if total:
            raise ValueError("cannot share a positive total with no weight")
        return [0] * len(weights)
    shares = [total * w / mass for w in weights]
    parts = [int(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: (parts[i] - shares[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def spread_days(total: int, rng: random.Random, days: int = 7) -> tuple[int, ...]:
    """A week's total over its days, busier mid-week as a co-ordinated operation usually is."""
    shape = (0.7, 1.1, 1.3, 1.3, 1.2, 0.9, 0.6)[:days]
    return tuple(apportion(total, [s * rng.uniform(0.5, 1.5) for s in shape]))


def daily(total: int, rng: random.Random, **extra: object) -> Figure:
    return Figure(value=total, days=spread_days(total, rng), **extra)  # type: ignore[arg-type]


def money_by_vehicles(days: Sequence[int], value: int, rng: random.Random) -> tuple[int, ...]:
    """A value split over the days on which vehicles were recovered, in whole £250 steps."""
    weights = [d * rng.uniform(0.6, 1.4) for d in days]
    if value and not any(weights):
        weights = [1.0] * len(days)
    return tuple(p * GBP_STEP for p in apportion(value // GBP_STEP, weights))


def share(total: int, forces: Sequence[str], rng: random.Random,
          fixed: dict[str, int] | None = None) -> dict[str, int]:
    """A national total over forces by size (with noise), keeping the published force figures."""
    fixed = {k: v for k, v in (fixed or {}).items() if k in forces}
    rest = [f for f in forces if f not in fixed]
    weights = [FORCE_SIZE.get(f, 800) ** 0.85 * rng.uniform(0.5, 1.5) for f in rest]
    parts = apportion(total - sum(fixed.values()), weights)
    return {**fixed, **dict(zip(rest, parts, strict=True))}


def value_for(vehicles: dict[str, int], total_gbp: int, rng: random.Random,
              fixed: dict[str, int] | None = None) -> dict[str, int]:
    """Value of the vehicles each force recovered: £250 steps, exact national total."""
    fixed = fixed or {}
    rest = [f for f in vehicles if f not in fixed]
    weights = [vehicles[f] * rng.uniform(0.6, 1.5) for f in rest]
    units = apportion((total_gbp - sum(fixed.values())) // GBP_STEP, weights)
    return {**fixed, **{f: u * GBP_STEP for f, u in zip(rest, units, strict=True)}}


@dataclass(frozen=True)
class Headline:
    """National totals a week's first returns must add up to."""

    arrests: int
    vehicles: int
    value_gbp: int
    fixed: dict[str, dict[str, int]] = field(default_factory=dict)  # measure → force → figure
    dismantling_sites: int = 0


def headline_figures(forces: Sequence[str], head: Headline, week: Sequence[date],
                     rng: random.Random) -> dict[str, dict[str, Figure]]:
    """Arrests, vehicles, their value and dismantling sites for each force, by day."""
    arrests = share(head.arrests, forces, rng, head.fixed.get("arrests"))
    vehicles = share(head.vehicles, forces, rng, head.fixed.get("vehicles_recovered"))
    value = value_for(vehicles, head.value_gbp, rng, head.fixed.get("value_recovered_gbp"))
    sites = _sparse(head.dismantling_sites, forces, rng)
    out: dict[str, dict[str, Figure]] = {}
    for force in forces:
        v_days = spread_days(vehicles[force], rng, len(week))
        figures = {
            "arrests": Figure(arrests[force], spread_days(arrests[force], rng, len(week))),
            "vehicles_recovered": Figure(vehicles[force], v_days),
            "value_recovered_gbp": Figure(value[force], money_by_vehicles(v_days, value[force], rng)),
        }
        if head.dismantling_sites:
            figures["dismantling_sites"] = Figure(sites[force], spread_days(sites[force], rng))
        out[force] = figures
    return out


def _sparse(total: int, forces: Sequence[str], rng: random.Random) -> dict[str, int]:
    """A small total (dismantling sites) found in a few forces only."""
    chosen = sorted(rng.sample(sorted(forces), min(len(forces), max(1, total * 2 // 3))))
    parts = share(total, chosen, rng)
    return {f: parts.get(f, 0) for f in forces}


def with_text(fig: Figure, text: str, qualifier: str) -> Figure:
    """The same figure stated in words, e.g. 'over £500,000': days left blank, as forces do."""
    return replace(fig, text=text, qualifier=qualifier, days=())


# A typical national week total for each other measure (illustrative), shared out by force size.
WEEK_RATES = {
    "prevention_events": 300, "people_engaged": 12000, "faraday_pouches": 4000,
    "steering_locks": 600, "marking_kits": 900, "plate_screws": 1500, "business_visits": 700,
    "hotspot_patrols": 500, "warrants": 200, "premises_searched": 300, "stop_searches": 600,
    "vehicle_checks": 5000, "vehicles_in_parts": 60, "parts_value_gbp": 250_000,
    "plant_recovered": 25, "cloned_vehicles": 70, "theft_devices": 45, "cash_seized_gbp": 80_000,
    "scrapyard_visits": 450, "intel_submissions": 900, "phones_seized": 120,
    "officers_trained": 150, "anpr_deployments": 350, "intel_products": 60, "joint_operations": 120,
}
OA2024_MEASURES = ("prevention_events", "people_engaged", "warrants", "premises_searched",
                   "vehicle_checks", "scrapyard_visits", "intel_submissions")
MONEY = {"parts_value_gbp", "cash_seized_gbp", "value_recovered_gbp"}
NATIONAL_SIZE = sum(v ** 0.85 for v in FORCE_SIZE.values())


def other_figures(force: str, measures: Sequence[str], rng: random.Random,
                  blank_rate: float = 0.2) -> dict[str, Figure]:
    """The non-headline measures of one force: sized by force, some left blank (not recorded)."""
    size = FORCE_SIZE.get(force, 800) ** 0.85 / NATIONAL_SIZE
    out: dict[str, Figure] = {}
    for measure in measures:
        if rng.random() < blank_rate:
            continue
        amount = WEEK_RATES[measure] * size * rng.uniform(0.4, 1.6)
        if measure in MONEY:
            units = int(amount // GBP_STEP)
            days = tuple(d * GBP_STEP for d in spread_days(units, rng))
            out[measure] = Figure(units * GBP_STEP, days)
        else:
            out[measure] = daily(int(round(amount)), rng)
    return out


def part_of(fig: Figure, rng: random.Random, low: float, high: float) -> Figure:
    """A sub-count day by day (arrests for vehicle offences out of all arrests)."""
    days = tuple(int(round(int(d) * rng.uniform(low, high))) for d in fig.days)  # type: ignore[call-overload]
    return Figure(sum(days), days)


def partner_agencies(rng: random.Random) -> Figure:
    return Figure(rng.randint(2, 9), note="NaVCIS, Opal, DVLA, local authority and others")
