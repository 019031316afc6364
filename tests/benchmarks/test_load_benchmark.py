"""The load benchmark's plan and summary, and one lead's walk against a real server."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from benchmarks import load


def _row(leads: int, p95: float | None, errors: int = 0) -> dict[str, Any]:
    return {"leads": leads, "p95_s": p95, "errors": ["x"] * errors}


def test_plans_repeat_with_the_same_seed() -> None:
    """Two runs with one seed plan the same starts, think times and dates."""
    assert load.plans(5, seed=7) == load.plans(5, seed=7)
    assert load.plans(5, seed=7) != load.plans(5, seed=8)


def test_think_times_and_dates_stay_in_their_ranges() -> None:
    """Leads think 1 to 3 s and choose dates between the first week of action and March 2026."""
    for plan in load.plans(40):
        assert all(1.0 <= t <= 3.0 for t in plan.think_s)
        assert 0 <= plan.start_s <= load.START_SPREAD_S
        assert load.FIRST_DATE <= date.fromisoformat(plan.day) <= load.LAST_DATE


def test_percentile_interpolates_between_ranks() -> None:
    """The 50th percentile of 1..4 is 2.5; the 95th of 1..21 is 20."""
    assert load.percentile([4.0, 1.0, 3.0, 2.0], 50) == pytest.approx(2.5)
    assert load.percentile([float(n) for n in range(1, 22)], 95) == pytest.approx(20.0)


def test_largest_n_needs_p95_under_two_seconds_and_no_errors() -> None:
    """10 leads count; 20 had an error and 40 was not run."""
    rows = [_row(5, 1.0), _row(10, 1.9), _row(20, 1.5, errors=1),
            {"leads": 40, "skipped": "too slow"}]
    assert load.largest_within(rows) == 10
    assert load.largest_within([_row(5, 2.5)]) is None


def test_a_crowd_past_the_stop_line_is_overwhelmed() -> None:
    """A p95 past the stop line, or half the leads failing, stops larger crowds."""
    assert load.overwhelmed(_row(5, load.STOP_P95_S + 1))
    assert load.overwhelmed(_row(4, 1.0, errors=3))
    assert not load.overwhelmed(_row(5, 1.0, errors=2))


def test_report_names_crowds_not_run() -> None:
    """A crowd not started is reported with the reason, not as a measured row."""
    lines = load.report([{"leads": 40, "skipped": "20 leads already had p95 45.0 s"}])
    assert any("not run: 20 leads already had p95 45.0 s" in line for line in lines)
    assert lines[-1].endswith("=none of those run")


def test_report_gives_each_set_up_its_own_largest_n() -> None:
    """Each set-up is reported under its own name, with its own largest N under 2 s."""
    rows = [{**_row(5, 1.0), "setup": "one"}, {**_row(5, 3.0), "setup": "two"}]
    lines = load.report([{**r, "pages": 20, "p50_s": 0.5, "steps": {}, "wall_s": 9.0,
                          "server_cpu_s": 1.0, "store_cpu_s": 0.0, "browser_cpu_s": 2.0,
                          "load_before": 1.0, "load_after": 2.0, "errors": []} for r in rows])
    assert "load_largest_n_with_p95_under_2s[one]=5" in lines
    assert "load_largest_n_with_p95_under_2s[two]=none of those run" in lines
    assert any("two processes, shared PostgreSQL, nginx" in line for line in lines)


def test_an_unknown_set_up_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown set-ups"):
        load.run((1,), Path("unused.duckdb"), setups=("three",))


@pytest.mark.slow
@pytest.mark.browser
def test_one_lead_walks_every_step(demo_db_template: Path) -> None:
    """A single lead signs in, opens Operation and Forces and changes the date, without error."""
    [row] = load.run((1,), demo_db_template, setups=("one",))
    assert row["errors"] == []
    assert list(row["steps"]) == ["Home", "Operation", "Forces", "date change"]
    assert row["pages"] == 4 and row["p95_s"] > 0
    assert row["server_cpu_s"] > 0 and row["browser_cpu_s"] > 0


@pytest.mark.slow
@pytest.mark.browser
def test_one_lead_walks_through_nginx_to_two_processes_on_postgresql(
        demo_db_template: Path) -> None:
    """The same walk over HTTPS through nginx, two dashboard processes sharing PostgreSQL;
    PostgreSQL's own CPU is counted apart from the servers' and the browser's."""
    [row] = load.run((1,), demo_db_template, setups=("two",))
    assert row["setup"] == "two" and row["errors"] == []
    assert list(row["steps"]) == ["Home", "Operation", "Forces", "date change"]
    assert row["server_cpu_s"] > 0 and row["store_cpu_s"] > 0 and row["browser_cpu_s"] > 0
