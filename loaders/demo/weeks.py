"""Force returns for the two weeks of action: first returns, later versions and mistakes.

The public totals (DOMAIN.md) are fixed here; ``loaders/demo/figures.py`` spreads them over
forces and days. Every other figure is illustrative.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from loaders.demo.figures import (
    OA2024_MEASURES,
    OA2024_MISSING,
    OA2024_WEEK,
    OA2025_WEEK,
    WEEK_RATES,
    Figure,
    ForceReturnPlan,
    Headline,
    apportion,
    headline_figures,
    other_figures,
    part_of,
    partner_agencies,
    share,
    value_for,
    with_text,
)

OA2024_HEAD = Headline(
    arrests=180, vehicles=316, value_gbp=4_126_500,
    fixed={"vehicles_recovered": {"essex": 24}, "value_recovered_gbp": {"essex": 500_000}},
)
OA2025_HEAD = Headline(
    arrests=154, vehicles=95, value_gbp=2_046_250, dismantling_sites=13,
    fixed={
        "arrests": {"south-yorkshire": 32, "west-mercia": 7},
        "vehicles_recovered": {"south-yorkshire": 9, "kent": 11},
        "value_recovered_gbp": {"kent": 350_000, "south-yorkshire": 187_500},
    },
)
# Figures the forces published themselves for the 2025 week (DOMAIN.md): used as they are.
PUBLISHED_2025: dict[str, dict[str, Figure]] = {
    "south-yorkshire": {
        "warrants": Figure(7, (0, 2, 3, 1, 1, 0, 0)),
        "premises_searched": Figure(14, (1, 3, 4, 3, 2, 1, 0)),
        "scrapyard_visits": Figure(33, (3, 6, 7, 6, 5, 4, 2)),
        "faraday_pouches": Figure(400, (40, 60, 80, 70, 60, 50, 40)),
        # The demo's one plausible-but-unusual figure: over 900 against 149 in 2024 at the
        # same stage is queried by loaders/ingest/plausibility.py, and saved with QUERY_REASON.
        "people_engaged": Figure(900, text="over 900", qualifier="at least",
                                 note="Prevention advice at events and on patrol"),
    },
    "west-mercia": {
        "premises_searched": Figure(8, (0, 2, 2, 2, 1, 1, 0)),
        "phones_seized": Figure(4, (0, 1, 1, 1, 1, 0, 0)),
        "cash_seized_gbp": Figure(2000, text="about £2,000", qualifier="approximately"),
        "prevention_events": Figure(15, (1, 3, 3, 3, 2, 2, 1),
                                    note="Engagement van at 3 locations in north Worcestershire"),
    },
    "wiltshire": {
        "marking_kits": Figure(20, (2, 3, 4, 4, 3, 2, 2)),
        "officers_trained": Figure(4, (0, 0, 4, 0, 0, 0, 0),
                                   note="Trained as stolen vehicle examiners"),
    },
    "kent": {
        "vehicle_checks": Figure(394, (0, 0, 180, 214, 0, 0, 0),
                                 note="Port of Dover, stop checks over two days"),
    },
}
# The reason the demo loader gives for that query, as an analyst would after ringing the force.
QUERY_REASON = ("South Yorkshire confirmed over 900: prevention advice at events and on patrol, "
                "as the force published (illustrative)")
VEHICLE_LISTS = ("south-yorkshire", "kent", "west-midlands")
FORCE_VEHICLES = (("Car", "Land Rover", "Range Rover Evoque"), ("Car", "Ford", "Fiesta"),
                  ("Van", "Ford", "Transit Custom"), ("Car", "Toyota", "Prius"),
                  ("Motorcycle", "Honda", "PCX125"), ("Plant", "JCB", "3CX"),
                  ("Car", "Mercedes-Benz", "C-Class"), ("Car", "BMW", "X5"))
NOTES_2025 = {("kent", "value_recovered_gbp"): "Vehicles and plant seized at the Port of Dover"}
OTHER_2025 = tuple(WEEK_RATES)
RESUBMISSION_DATES = (date(2025, 11, 14), date(2025, 12, 12), date(2026, 1, 20),
                      date(2026, 2, 27))
# What the later versions add after the week, in all (2 March 2026: 154 + 214 = 368 arrests,
# £2,046,250 + £1,296,500 = £3,342,750).
AFTER_WEEK = {"arrests": 214, "charged": 150, "vehicles_recovered": 52,
              "value_recovered_gbp": 1_296_500, "dismantling_sites": 4}
RESUBMITTERS = ("metropolitan", "west-midlands", "greater-manchester", "south-yorkshire",
                "west-yorkshire", "kent", "essex", "thames-valley", "hampshire", "lancashire",
                "merseyside", "hertfordshire", "northumbria", "leicestershire")
SAME_AGAIN = "hertfordshire"          # re-saves an unchanged return: 0 figures changed
MORE_THAN = "metropolitan"            # states its arrests as 'more than N'


def oa2025_first(forces: Sequence[str], rng: random.Random) -> list[ForceReturnPlan]:
    """First returns for the 2025 week: 154 arrests, 95 vehicles, £2,046,250, 13 sites."""
    heads = headline_figures(forces, OA2025_HEAD, OA2025_WEEK, rng)
    plans = []
    for force in forces:
        figures = {**other_figures(force, OTHER_2025, rng), **heads[force]}
        figures["arrests_vehicle"] = part_of(figures["arrests"], rng, 0.5, 0.8)
        figures["charged"] = part_of(figures["arrests"], rng, 0.2, 0.5)
        figures["partner_agencies"] = partner_agencies(rng)
        figures.update(PUBLISHED_2025.get(force, {}))
        for (who, measure), note in NOTES_2025.items():
            if who == force:
                figures[measure] = replace(figures[measure], note=note)
        as_of = date(2025, 10, rng.randint(24, 29))
        rows = vehicle_rows(figures, OA2025_WEEK, rng) if force in VEHICLE_LISTS else ()
        plans.append(ForceReturnPlan("OA2025", force, as_of, figures, vehicles=rows))
    return plans


def vehicle_rows(figures: dict[str, Figure], week: Sequence[date],
                 rng: random.Random) -> tuple[dict[str, object], ...]:
    """One row per recovered vehicle, matching the daily counts and values of the return."""
    rows = []
    counts = figures["vehicles_recovered"].days
    values = figures["value_recovered_gbp"].days
    for day, count, value in zip(week, counts, values, strict=True):
        shares = apportion(int(value) // 250, [rng.uniform(0.6, 1.4) for _ in range(int(count))])  # type: ignore[call-overload]
        for share_ in shares:
            kind, make, model = rng.choice(FORCE_VEHICLES)
            rows.append({"recovered_on": day, "vehicle_type": kind, "make": make, "model": model,
                         "status": "Confirmed stolen" if rng.random() < 0.7 else "Suspected stolen",
                         "value_gbp": share_ * 250, "note": None})
    return tuple(rows)


def oa2024_first(expected: Sequence[str], rng: random.Random) -> list[ForceReturnPlan]:
    """First returns for the 2024 week from all but two forces: 180 arrests, 316 vehicles."""
    forces = [f for f in expected if f not in OA2024_MISSING]
    heads = headline_figures(forces, OA2024_HEAD, OA2024_WEEK, rng)
    plans = []
    for force in forces:
        figures = {**other_figures(force, OA2024_MEASURES, rng, blank_rate=0.3), **heads[force]}
        if force == "essex":
            figures["value_recovered_gbp"] = with_text(
                figures["value_recovered_gbp"], "over £500,000", "at least")
            figures["vehicles_recovered"] = replace(
                figures["vehicles_recovered"],
                note="Includes 2 containers opened at Tilbury, 4 cars in each")
        as_of = date(2024, 9, rng.randint(27, 30))
        plans.append(ForceReturnPlan("OA2024", force, as_of, figures))
    return plans


def resubmissions(first: Sequence[ForceReturnPlan], rng: random.Random) -> list[ForceReturnPlan]:
    """Later cumulative versions: results after the week go in 'After the week'."""
    by_force = {p.force: p for p in first}
    who = [f for f in RESUBMITTERS if f in by_force]
    finals = _after_week_finals(who, rng)
    plans = []
    for force in who:
        dates = _dates_for(force, rng)
        for k, as_of in enumerate(dates, start=1):
            step = 1.0 if force == SAME_AGAIN else k / len(dates)
            figures = dict(by_force[force].figures)
            for measure, final in finals[force].items():
                figures[measure] = _grown(figures.get(measure), final, step, measure)
            if force == MORE_THAN and k == len(dates):
                fig = figures["arrests"]
                figures["arrests"] = replace(fig, text=f"more than {int(fig.value)}",
                                             qualifier="at least",
                                             note="Investigations continuing")
            plans.append(ForceReturnPlan("OA2025", force, as_of, figures,
                                         vehicles=by_force[force].vehicles))
    return plans


def _after_week_finals(who: Sequence[str], rng: random.Random) -> dict[str, dict[str, int]]:
    counts = {m: share(t, who, rng) for m, t in AFTER_WEEK.items() if m != "value_recovered_gbp"}
    value = value_for(counts["vehicles_recovered"], AFTER_WEEK["value_recovered_gbp"], rng)
    # A force with value but no vehicles would look odd: give value only where vehicles came.
    return {f: {**{m: counts[m][f] for m in counts}, "value_recovered_gbp": value[f]} for f in who}


def _dates_for(force: str, rng: random.Random) -> list[date]:
    if force == SAME_AGAIN:
        return [RESUBMISSION_DATES[1], RESUBMISSION_DATES[2]]
    if force == MORE_THAN:
        return list(RESUBMISSION_DATES[1:])
    count = rng.randint(1, 3)
    return sorted(rng.sample(RESUBMISSION_DATES, count))


def _grown(fig: Figure | None, final: int, step: float, measure: str) -> Figure:
    """The week's figure plus the share of results after the week reached by this version."""
    unit = 250 if measure == "value_recovered_gbp" else 1
    after = int(final // unit * step) * unit
    base = fig or Figure(0, (0,) * 7)
    week = sum(int(d) for d in base.days) if base.days else int(base.value)  # type: ignore[call-overload]
    return replace(base, after_week=after, value=week + after)


def mistakes(first: Sequence[ForceReturnPlan]) -> list[ForceReturnPlan]:
    """Early drafts with the mistakes real returns contain; each must load as rejected."""
    by_force = {p.force: p for p in first}
    out = []
    if "nottinghamshire" in by_force:
        out.append(replace(by_force["nottinghamshire"], force_label="Nottinghamshre Police",
                           data_as_of=date(2025, 10, 22), rejected=True, tag="misspelt-force"))
    if "cleveland" in by_force:
        plan = by_force["cleveland"]
        arrests = plan.figures["arrests"]
        days = list(arrests.days)
        days[2] = float(days[2]) + 0.5                  # type: ignore[arg-type]
        warrants = Figure(-1, (0, 0, -1, 0, 0, 0, 0))
        figures = {**plan.figures, "arrests": replace(arrests, days=tuple(days),
                                                      value=arrests.value + 0.5),
                   "warrants": warrants}
        out.append(replace(plan, figures=figures, data_as_of=date(2025, 10, 22), rejected=True,
                           tag="negative-and-fractional"))
    if "lancashire" in by_force:
        plan = by_force["lancashire"]
        arrests = replace(plan.figures["arrests"], value=plan.figures["arrests"].value + 3)
        out.append(replace(plan, figures={**plan.figures, "arrests": arrests},
                           data_as_of=date(2025, 10, 23), rejected=True,
                           tag="days-do-not-add-up"))
    return out
