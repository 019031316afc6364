"""The budgets benchmark's parts, and one tiny run of it against a real server in Chromium."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from benchmarks import budgets, cpu, pages, return_files, server


def _samples(*seconds: float) -> list[dict[str, float]]:
    return [{"s": s, "server_cpu": s / 2, "browser_cpu": s / 4} for s in seconds]


def _result(**changes: Any) -> dict[str, Any]:
    result: dict[str, Any] = {
        "repetitions": 3, "load_before": 1.0, "load_after": 1.0,
        "switch": {"Home": _samples(0.2, 0.3, 0.4), "Operation": _samples(0.6, 0.9, 0.7)},
        "date": {"Home": _samples(0.1, 0.2, 0.3), "Operation": _samples(0.3, 0.4, 0.2)},
        "first_operation": _samples(1.0, 2.0, 1.2),
        "browser": {"new_version": _samples(1.0, 1.1, 1.2),
                    "first_version": _samples(0.5, 0.6, 0.7)},
        "cli": {"new_version": _samples(1.5, 1.4, 1.6), "first_version": _samples(0.8, 0.9, 0.7)},
    }
    result.update(changes)
    return result


def test_slowest_page_median_is_compared_with_the_budget() -> None:
    """The page switch figure is the slowest page's median (Operation's 0.7 s), not the overall."""
    row, per_page = budgets.rows(_result())["switch"]
    assert row.seconds == pytest.approx(0.7)
    assert per_page["Home"].seconds == pytest.approx(0.3)


def test_report_says_met_and_missed() -> None:
    """A median under its budget reads 'met', one at or over it 'MISSED'."""
    lines = budgets.report(_result())
    first = next(line for line in lines if "first Operation visit" in line)
    dates = next(line for line in lines if "as-at date change" in line)
    assert first.rstrip().endswith("met")           # median 1.2 s < 1.5 s
    assert dates.rstrip().endswith("met")           # slowest page's median 0.3 s < 0.5 s
    cli = next(line for line in lines if "command line: new version" in line)
    assert cli.rstrip().endswith("MISSED")          # median 1.5 s, budget < 1 s


def test_new_dates_are_all_different() -> None:
    """Each date change goes to a date not chosen before, so none is answered from the cache."""
    days = budgets.new_dates(12)
    assert len(set(days)) == 12


def test_new_version_file_states_the_new_date(tmp_path: Path) -> None:
    """The new-version return is the demo workbook with only 'Figures as at' changed."""
    path = return_files.new_version(tmp_path, date(2026, 3, 4))
    sheet = openpyxl.load_workbook(path)["Return"]
    labels = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=4, max_row=6)}
    assert labels["Figures as at"].date() == date(2026, 3, 4)
    assert labels["Operation"] == "OA2025"
    assert labels["Force"] == "South Yorkshire Police"


def test_cpu_of_a_process_tree_leaves_out_the_server() -> None:
    """The browser's CPU is every descendant's, less the server's tree."""
    stats = {1: (0, 1.0), 2: (1, 2.0), 3: (2, 4.0), 4: (1, 8.0), 5: (4, 16.0)}
    assert cpu.tree_seconds(1, stats, skip=4) == pytest.approx(7.0)
    assert cpu.tree_seconds(4, stats) == pytest.approx(24.0)


@pytest.mark.slow
def test_metric_queries_are_noted_from_every_page(demo_db_template: Path, tmp_path: Path) -> None:
    """Every page runs in full for the benchmark's account, and each query is timed."""
    db = server.prepared_copy(demo_db_template, tmp_path)
    result = pages.run_queries(db)
    assert result["problems"] == []
    assert "query.totals" in result["queries"]
    assert all(row["ms"] > 0 for row in result["queries"].values())


@pytest.mark.slow
@pytest.mark.browser
def test_budgets_run_once_against_a_real_server(demo_db_template: Path) -> None:
    """One repetition of every browser and command-line budget gives a time for each."""
    result = budgets.run(1, demo_db_template, queries=False)
    found = budgets.rows(result)
    assert set(found) == set(budgets.BUDGETS) - {"queries"}
    assert all(row.seconds > 0 and row.count == 1 for row, _ in found.values())
    assert set(found["switch"][1]) == {label for label, _ in budgets.WALK}
    assert len(budgets.report(result)) > len(found)
