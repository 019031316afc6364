"""The registry: one entry per measure in the reference file, plus the derived metrics."""

from __future__ import annotations

import csv

import pytest

from metrics.registry import METRICS, UNITS, markdown_table, max_totalled
from store.settings import REFERENCE_DIR


def _measure_codes() -> list[str]:
    with (REFERENCE_DIR / "measures.csv").open(encoding="utf-8") as handle:
        return [row["code"] for row in csv.DictReader(handle)]


def test_every_measure_is_a_metric() -> None:
    """Each row of measures.csv is in the registry as a measure."""
    for code in _measure_codes():
        assert METRICS[code].kind == "measure"


@pytest.mark.parametrize("name", list(METRICS))
def test_metric_is_described(name: str) -> None:
    """Every metric has a label, a known unit and a description."""
    metric = METRICS[name]
    assert metric.label.strip() and metric.description.strip()
    assert metric.unit in UNITS


def test_derived_metrics_present() -> None:
    """The derived metrics the pages rely on are declared, indicative ones with a caveat."""
    for name in ("value_recovered_per_gbp_spent", "cost_per_arrest", "share_forces_reporting",
                 "forces_reporting", "forces_expected", "prevention_items", "spend_gbp",
                 "published_vs_returns"):
        assert METRICS[name].kind == "derived"
    for metric in METRICS.values():
        if metric.indicative:
            assert metric.caveat


def test_derived_inputs_exist() -> None:
    """Every input a derived metric names is itself a metric."""
    for metric in METRICS.values():
        for name in metric.inputs:
            assert name in METRICS, f"{metric.name} uses unknown {name}"


def test_partner_agencies_is_max_totalled() -> None:
    """Partner agencies combine by the largest return, as measures.csv says."""
    assert max_totalled() == ["partner_agencies"]


def test_markdown_table_lists_every_metric() -> None:
    """The README's table has one row per registry metric."""
    table = markdown_table().splitlines()
    assert len(table) == 2 + len(METRICS)
    assert all(f"| `{name}` |" in "\n".join(table) for name in METRICS)
