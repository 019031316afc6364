"""The demo figure plan: public totals reproduced exactly, parts that add up, same every run."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from loaders.demo.build import DemoPlan, demo_plan, file_name
from loaders.demo.figures import ForceReturnPlan, apportion
from store.settings import REFERENCE_DIR


@pytest.fixture(scope="module")
def plan() -> DemoPlan:
    return demo_plan()


def firsts(plan: DemoPlan, operation: str) -> list[ForceReturnPlan]:
    """Accepted first returns: the earliest version of each force's return."""
    seen: dict[str, ForceReturnPlan] = {}
    for p in sorted(plan.force_returns, key=lambda p: p.data_as_of):
        if p.operation == operation and not p.rejected:
            seen.setdefault(p.force, p)
    return list(seen.values())


def latest_as_at(plan: DemoPlan, operation: str, as_at: date) -> list[ForceReturnPlan]:
    found: dict[str, ForceReturnPlan] = {}
    for p in sorted(plan.force_returns, key=lambda p: p.data_as_of):
        if p.operation == operation and not p.rejected and p.data_as_of <= as_at:
            found[p.force] = p
    return list(found.values())


def total(plans: list[ForceReturnPlan], measure: str) -> float:
    return sum(p.figures[measure].value for p in plans if measure in p.figures)


def test_apportion_adds_up_exactly() -> None:
    """Shares of a total always add back to the total, whatever the weights."""
    parts = apportion(154, [3.3, 1.1, 0.7, 9.2, 0.01])
    assert sum(parts) == 154 and min(parts) >= 0


def test_apportion_follows_weights() -> None:
    """A part with twice the weight gets twice the share (to the nearest whole)."""
    assert apportion(90, [1, 2]) == [30, 60]


def test_plan_is_the_same_every_run(plan: DemoPlan) -> None:
    """Two plans from the same seed hold identical figures."""
    assert demo_plan() == plan


def test_oa2025_first_returns_give_the_published_totals(plan: DemoPlan) -> None:
    """First returns for the 2025 week add up to 154 arrests, 95 vehicles, £2,046,250, 13 sites."""
    first = latest_as_at(plan, "OA2025", date(2025, 10, 29))
    assert len(first) == 37
    assert total(first, "arrests") == 154
    assert total(first, "vehicles_recovered") == 95
    assert total(first, "value_recovered_gbp") == 2_046_250
    assert total(first, "dismantling_sites") == 13


def test_oa2025_first_returns_dated_24_to_29_october(plan: DemoPlan) -> None:
    """Every 2025 first return states figures as at 24 to 29 October 2025."""
    assert all(date(2025, 10, 24) <= p.data_as_of <= date(2025, 10, 29)
               for p in firsts(plan, "OA2025"))


def test_oa2025_forces_are_the_expected_forces(plan: DemoPlan) -> None:
    """The 2025 returns come from exactly the 37 forces listed in operation_forces.csv."""
    with (REFERENCE_DIR / "operation_forces.csv").open(encoding="utf-8") as f:
        expected = {r["force_code"] for r in csv.DictReader(f) if r["operation"] == "OA2025"}
    assert {p.force for p in firsts(plan, "OA2025")} == expected


def test_published_force_figures_are_used(plan: DemoPlan) -> None:
    """South Yorkshire, West Mercia, Wiltshire and Kent state their published figures."""
    by = {p.force: p.figures for p in firsts(plan, "OA2025")}
    assert by["south-yorkshire"]["arrests"].value == 32
    assert by["south-yorkshire"]["faraday_pouches"].value == 400
    assert by["south-yorkshire"]["people_engaged"].text == "over 900"
    assert by["west-mercia"]["cash_seized_gbp"].text == "about £2,000"
    assert by["wiltshire"]["marking_kits"].value == 20
    assert by["kent"]["vehicle_checks"].value == 394
    assert by["kent"]["value_recovered_gbp"].value == 350_000


def test_days_and_after_week_add_up_to_each_total(plan: DemoPlan) -> None:
    """In every accepted return, day cells plus 'After the week' equal the Total."""
    for p in (p for p in plan.force_returns if not p.rejected):
        for measure, fig in p.figures.items():
            if fig.days:
                assert sum(fig.days) + (fig.after_week or 0) == fig.value, (p, measure)  # type: ignore[arg-type]


def test_oa2024_from_41_of_43_forces(plan: DemoPlan) -> None:
    """The 2024 week has returns from 41 forces: 180 arrests, 316 vehicles, over £4 million."""
    first = firsts(plan, "OA2024")
    assert len(first) == 41
    assert total(first, "arrests") == 180
    assert total(first, "vehicles_recovered") == 316
    assert 4_000_000 <= total(first, "value_recovered_gbp") < 4_200_000


def test_essex_2024_value_is_stated_as_at_least(plan: DemoPlan) -> None:
    """Essex states its 2024 value as 'over £500,000', so the national value is 'at least'."""
    essex = next(p for p in firsts(plan, "OA2024") if p.force == "essex")
    assert essex.figures["value_recovered_gbp"].qualifier == "at least"
    assert essex.figures["value_recovered_gbp"].text == "over £500,000"


def test_resubmissions_reach_the_march_2026_totals(plan: DemoPlan) -> None:
    """As at 2 March 2026 the latest versions give 368 arrests and £3,342,750."""
    latest = latest_as_at(plan, "OA2025", date(2026, 3, 2))
    assert total(latest, "arrests") == 368
    assert total(latest, "value_recovered_gbp") == 3_342_750
    assert any(p.figures["arrests"].qualifier == "at least" for p in latest)


def test_one_resubmission_changes_nothing(plan: DemoPlan) -> None:
    """One force re-saves an unchanged return under a later date."""
    herts = [p for p in plan.force_returns if p.force == "hertfordshire"
             and p.operation == "OA2025" and p.data_as_of > date(2025, 10, 31)]
    assert len(herts) == 2 and herts[0].figures == herts[1].figures


def test_mistake_files_are_marked_rejected(plan: DemoPlan) -> None:
    """The three deliberate mistakes are planned and filed under rejected/."""
    tags = {p.tag for p in plan.force_returns if p.rejected}
    assert tags == {"misspelt-force", "negative-and-fractional", "days-do-not-add-up"}
    assert all(file_name(p).startswith("rejected/") for p in plan.force_returns if p.rejected)


def test_file_names_are_unique(plan: DemoPlan) -> None:
    """No two planned returns would be written to the same file."""
    names = [file_name(p) for p in (*plan.force_returns, *plan.ports, *plan.spend)]
    assert len(names) == len(set(names))


def test_ports_first_version_states_felixstowe_figures(plan: DemoPlan) -> None:
    """Felixstowe's first figures: 2 positive containers, £230,000 of stolen cars."""
    felixstowe = plan.ports[0].ports["felixstowe"]
    assert felixstowe["containers_positive"] == 2
    assert felixstowe["port_value_recovered_gbp"] == 230_000


def test_ports_figures_match_their_detail_rows(plan: DemoPlan) -> None:
    """Each port's vehicles and value equal the sum of its vehicle rows."""
    for version in plan.ports:
        for port, figures in version.ports.items():
            rows = [v for v in version.vehicles if v["port"] == port]
            assert figures["port_vehicles_recovered"] == len(rows)
            assert figures["port_value_recovered_gbp"] == sum(v["value_gbp"] for v in rows)


def test_grant_1_spend_is_485000_for_the_2025_week(plan: DemoPlan) -> None:
    """Grant 1 spend lines add up to exactly £485,000, all tagged to OA2025."""
    lines = [ln for s in plan.spend if s.grant_ref == "G1" for ln in s.lines]
    assert sum(ln["amount_gbp"] for ln in lines) == 485_000
    assert {ln["operation"] for ln in lines} == {"OA2025"}


def test_grant_2_spend_is_about_200000(plan: DemoPlan) -> None:
    """Grant 2 is slightly under-spent: about £200,000 of its £210,000."""
    spent = sum(ln["amount_gbp"] for s in plan.spend if s.grant_ref == "G2" for ln in s.lines)
    assert 190_000 <= spent < 210_000
