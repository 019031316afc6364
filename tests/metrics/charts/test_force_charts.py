"""The force-against-averages chart, built from a hand-made comparison table."""

from __future__ import annotations

import pandas as pd

from metrics.charts.forces import force_against_averages
from metrics.charts.style import SOURCE_ONS, Words

WORDS = Words("Operation Alliances 2025", "13 to 19 October 2025", "2 March 2026",
              geography="Kent, Eastern and England and Wales")


def _rows(force: float | None, region: float, national: float,
          national_qualifier: str = "exact") -> pd.DataFrame:
    return pd.DataFrame([
        {"scope": "force", "label": "Kent", "value": force,
         "qualifier": "exact" if force is not None else "not_recorded", "forces": 1,
         "vehicle_offences": 8000.0, "per_1000": None if force is None else force / 8},
        {"scope": "region", "label": "Eastern average", "value": region, "qualifier": "exact",
         "forces": 7, "vehicle_offences": 40000.0, "per_1000": 1.5},
        {"scope": "national", "label": "National average", "value": national,
         "qualifier": national_qualifier, "forces": 37, "vehicle_offences": 300000.0,
         "per_1000": 1.1},
    ])


def test_title_says_above_both_averages() -> None:
    """A force above its region and the country says so in the title."""
    spec = force_against_averages(_rows(26, 8.14, 9.95), WORDS, "Arrests")
    assert spec.title == "Kent is above the Eastern and national averages for arrests"


def test_title_for_mixed_comparison() -> None:
    """Above the region but below the country reads as two clauses."""
    spec = force_against_averages(_rows(9, 8, 10), WORDS, "Arrests")
    assert spec.title == ("Kent is above the Eastern average and below the national average "
                          "for arrests")


def test_bar_values_labels_and_focus_colour() -> None:
    """Three bars in order, the force highlighted, averages to one decimal place."""
    spec = force_against_averages(_rows(26, 8.14, 9.96), WORDS, "Arrests")
    bar = spec.figure.data[0]
    assert list(bar.y) == ["Kent", "Eastern average", "National average"]
    assert list(bar.x) == [26, 8.14, 9.96]
    assert list(bar.text) == ["26", "8.1", "10.0"]
    assert bar.marker.color[0] != bar.marker.color[1]


def test_at_least_average_rounds_down() -> None:
    """An 'at least' average of 9.96 reads 'at least 9.9', never 10.0 nor 'more than'."""
    spec = force_against_averages(_rows(26, 8, 9.96, "at_least"), WORDS, "Arrests")
    assert spec.figure.data[0].text[2] == "at least 9.9"


def test_rate_view_cites_ons() -> None:
    """Per 1,000 offences, the subtitle names the rate and the source line cites the ONS."""
    spec = force_against_averages(_rows(26, 8, 10), WORDS, "Arrests", rate=True)
    assert "per 1,000 recorded vehicle offences" in spec.subtitle
    assert SOURCE_ONS in spec.source
    assert list(spec.figure.data[0].x) == [3.25, 1.5, 1.1]


def test_money_bars_and_alt_text() -> None:
    """Money bars read as pounds, and the alt text lists each bar and the forces reporting."""
    spec = force_against_averages(_rows(463500, 107642.9, 90345.4), WORDS,
                                  "Value of stolen vehicles recovered", "gbp")
    assert list(spec.figure.data[0].text) == ["£463,500", "£107,643", "£90,345"]
    assert "Kent £463,500" in spec.alt and "37 forces" in spec.alt


def test_force_without_figure() -> None:
    """A force with no return says so in the title and shows 'not recorded'."""
    spec = force_against_averages(_rows(None, 8, 10), WORDS, "Arrests")
    assert spec.title == "Kent has no arrests figure held for this operation"
    assert spec.figure.data[0].text[0] == "not recorded"
    assert list(spec.data.columns[:2]) == ["Compared with", "Arrests"]
