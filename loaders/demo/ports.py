"""The NaVCIS ports return for the 2025-26 ports operation: per port, per container, per vehicle.

Port figures are worked out from the container and vehicle rows, so the three sheets agree and
"show sources" can trace every recovered vehicle. The later version adds to the first
(figures are cumulative). Felixstowe's first figures follow the public statement (DOMAIN.md):
2 containers opened, £230,000 of stolen cars. Everything else is illustrative.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from loaders.demo.figures import GBP_STEP, apportion

PORTS = ("felixstowe", "southampton", "london-gateway", "tilbury", "dover")
OWNERS = ("MSCU", "MAEU", "CMAU", "HLXU", "OOLU", "EGHU", "TGHU", "CSNU")
DESTINATIONS = ("United Arab Emirates", "Ghana", "Cyprus", "Nigeria", "Kenya", "Pakistan",
                "Uganda", "Jordan")
CARS = (("Land Rover", "Range Rover Sport"), ("Toyota", "Land Cruiser"), ("Lexus", "RX 450h"),
        ("Mercedes-Benz", "GLE"), ("BMW", "X5"), ("Toyota", "RAV4"), ("Ford", "Ranger"),
        ("Land Rover", "Defender"), ("Audi", "Q7"), ("Kia", "Sportage"))
ORIGINS = ("metropolitan", "west-midlands", "essex", "kent", "thames-valley", "hertfordshire",
           "greater-manchester", "west-yorkshire", None)
# (examined, positive, vehicles, value) added in each version, per port.
PLAN = {
    "felixstowe": ((14, 2, 5, 230_000), (22, 3, 9, 412_500)),
    "southampton": ((9, 1, 3, 126_000), (15, 2, 6, 247_750)),
    "london-gateway": ((11, 1, 4, 151_250), (13, 2, 7, 265_000)),
    "tilbury": ((8, 1, 3, 98_500), (12, 2, 6, 204_250)),
    "dover": ((0, 0, 4, 118_000), (0, 0, 7, 196_500)),
}
ROROS = {"dover": (620, 1480)}        # RoRo vehicles checked, added in each version
START, FIRST_AS_OF, LAST_AS_OF = date(2025, 11, 3), date(2025, 12, 19), date(2026, 2, 27)


@dataclass(frozen=True)
class PortsReturnPlan:
    operation: str
    data_as_of: date
    ports: dict[str, dict[str, Any]]
    containers: tuple[dict[str, Any], ...]
    vehicles: tuple[dict[str, Any], ...]


def ports_returns(rng: random.Random) -> list[PortsReturnPlan]:
    """Two cumulative versions of the NaVCIS return (as at 19 Dec 2025 and 27 Feb 2026)."""
    containers: list[dict[str, Any]] = []
    vehicles: list[dict[str, Any]] = []
    plans = []
    windows = ((START, FIRST_AS_OF), (FIRST_AS_OF + timedelta(days=1), LAST_AS_OF))
    for step, (first, last) in enumerate(windows):
        for port in PORTS:
            examined, positive, count, value = PLAN[port][step]
            new_c, new_v = _port_rows(port, examined, positive, count, value, first, last, rng)
            containers += new_c
            vehicles += new_v
        as_of = last
        ports = {p: _port_figures(p, containers, vehicles, step) for p in PORTS}
        plans.append(PortsReturnPlan("NPO2025", as_of, ports, tuple(containers), tuple(vehicles)))
    return plans


def _day(first: date, last: date, rng: random.Random) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _port_rows(port: str, examined: int, positive: int, count: int, value: int, first: date,
               last: date, rng: random.Random) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Containers examined at one port and the vehicles found (in containers or RoRo)."""
    values = [u * GBP_STEP for u in apportion(value // GBP_STEP,
                                               [rng.uniform(0.5, 1.5) for _ in range(count)])]
    containers, vehicles = [], []
    per_box = apportion(count, [1.0] * positive) if positive else []
    taken = 0
    for index in range(examined):
        ref = f"{rng.choice(OWNERS)}{rng.randint(1_000_000, 9_999_999)}"
        on = _day(first, last, rng)
        found = per_box[index] if index < positive else 0
        box_values = values[taken:taken + found]
        taken += found
        containers.append({
            "container_ref": ref, "port": port, "examined_on": on,
            "destination": rng.choice(DESTINATIONS),
            "result": "Positive" if found else "Negative", "vehicles_found": found,
            "value_gbp": sum(box_values), "note": None,
        })
        vehicles += [_vehicle(port, ref, on, v, rng) for v in box_values]
    for v in values[taken:]:          # RoRo recoveries at Dover: no container
        vehicles.append(_vehicle(port, None, _day(first, last, rng), v, rng))
    return containers, vehicles


def _vehicle(port: str, ref: str | None, on: date, value: int,
             rng: random.Random) -> dict[str, Any]:
    make, model = rng.choice(CARS)
    return {"recovered_on": on, "port": port, "container_ref": ref, "vehicle_type": "Car",
            "make": make, "model": model,
            "status": "Confirmed stolen" if rng.random() < 0.8 else "Suspected stolen",
            "origin_force": rng.choice(ORIGINS), "value_gbp": value, "note": None}


def _port_figures(port: str, containers: list[dict[str, Any]], vehicles: list[dict[str, Any]],
                  step: int) -> dict[str, Any]:
    boxes = [c for c in containers if c["port"] == port]
    found = [v for v in vehicles if v["port"] == port]
    examined = len(boxes)
    figures: dict[str, Any] = {
        "containers_profiled": examined * 4 + (3 if examined else 0),
        "containers_examined": examined,
        "containers_positive": sum(1 for c in boxes if c["result"] == "Positive"),
        "port_vehicles_recovered": len(found),
        "port_value_recovered_gbp": sum(v["value_gbp"] for v in found),
        "port_costs_gbp": examined * 200 + len(found) * 350,
    }
    if port in ROROS:
        figures["roro_checks"] = sum(ROROS[port][: step + 1])
        figures["containers_profiled"] = 0
    if port == "felixstowe" and step == 0:
        figures["notes"] = "2 containers opened on intelligence, £230,000 of stolen cars"
    if port == "tilbury":
        figures["port_parts_value_gbp"] = 18_500 if step == 0 else 41_000
    return figures
