"""Operation chart builders: titles state the message, alt text names the top values, the data
table is what is plotted."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from metrics.charts import operation as charts
from metrics.charts.style import SOURCE_ONS, Words

WORDS = Words(operation="Operation Alliances 2025", period="13 to 19 October 2025",
              as_at="2 March 2026")


def _daily() -> pd.DataFrame:
    rows = [
        ("Mon 13 Oct", date(2025, 10, 13), "arrests", "Arrests", 13.0, False),
        ("Tue 14 Oct", date(2025, 10, 14), "arrests", "Arrests", 31.0, False),
        ("Wed 15 Oct", date(2025, 10, 15), "arrests", "Arrests", 32.0, False),
        ("Mon 13 Oct", date(2025, 10, 13), "vehicles_recovered", "Stolen vehicles recovered",
         5.0, False),
        ("After the week", None, "arrests", "Arrests", 214.0, True),
    ]
    df = pd.DataFrame(rows, columns=["period", "day", "measure", "label", "value", "after"])
    df["qualifier"] = "exact"
    return df


def _forces() -> pd.DataFrame:
    return pd.DataFrame({
        "force_code": ["south-yorkshire", "kent", "wiltshire", "dorset"],
        "force_name": ["South Yorkshire", "Kent", "Wiltshire", "Dorset"],
        "value": [32.0, 26.0, 20.0, None],
        "qualifier": ["exact", "exact", "at_least", None],
        "per_1000_offences": [2.0, 3.5, 1.0, None],
    })


def test_by_day_title_names_the_peak_day() -> None:
    """The title names the day with most of the first measure, not the after-the-week bar."""
    spec = charts.by_day_chart(_daily(), WORDS)
    assert spec.title == "Arrests peaked on Wednesday 15 October 2025"


def test_by_day_after_the_week_is_hatched_and_described() -> None:
    """The after-the-week bar is hatched and the alt text gives its size."""
    spec = charts.by_day_chart(_daily(), WORDS)
    arrests = next(t for t in spec.figure.data if t.name == "Arrests")
    assert list(arrests.marker.pattern.shape) == ["", "", "", "/"]
    assert "After the week: 214 arrests" in spec.alt
    assert "Arrests: 32 on Wed 15 Oct" in spec.alt


def test_by_day_data_matches_input() -> None:
    """The chart's table holds the input rows in order."""
    spec = charts.by_day_chart(_daily(), WORDS)
    assert list(spec.data["value"]) == [13.0, 31.0, 32.0, 5.0, 214.0]


def test_by_force_title_and_order() -> None:
    """Forces are sorted largest at the top; forces with no figure are left out."""
    spec = charts.by_force_chart(_forces(), WORDS, "Arrests")
    assert spec.title == "South Yorkshire had the most arrests"
    assert list(spec.figure.data[0].y) == ["Wiltshire", "Kent", "South Yorkshire"]
    assert list(spec.data["force"]) == ["South Yorkshire", "Kent", "Wiltshire"]
    assert "South Yorkshire 32" in spec.alt and "Wiltshire at least 20" in spec.alt


def test_by_force_rate_uses_the_ons_source() -> None:
    """Per 1,000 offences, the leader changes and the ONS source line is added."""
    spec = charts.by_force_chart(_forces(), WORDS, "Arrests", column="per_1000_offences")
    assert spec.title.startswith("Kent had the most arrests")
    assert SOURCE_ONS in spec.source
    assert list(spec.figure.data[0].text) == ["1.00", "2.00", "3.50"]


def test_by_pillar_labels_come_from_the_table() -> None:
    """Pillar labels (including 'P5 (to be confirmed)') come from the input, top first."""
    df = pd.DataFrame({"pillar": ["P1", "P2", "P5"],
                       "label": ["P1 Preventing vehicle crime",
                                 "P2 Disrupting organised criminal networks",
                                 "P5 (to be confirmed)"],
                       "count_total": [100.0, 300.0, 0.0],
                       "qualifier": ["exact", "at_least", "exact"]})
    spec = charts.by_pillar_chart(df, WORDS)
    assert spec.title == "Most recorded activity was under P2 Disrupting organised criminal networks"
    assert "P5 (to be confirmed)" in list(spec.figure.data[0].y)
    assert "at least 300" in spec.alt


def test_ports_chart_names_the_leading_port() -> None:
    """The port with most vehicles recovered is in the title; both measures are plotted."""
    df = pd.DataFrame({"port": ["felixstowe", "tilbury"],
                       "port_name": ["Port of Felixstowe", "Port of Tilbury"],
                       "containers_examined": [36.0, 20.0],
                       "port_vehicles_recovered": [3.0, 8.0]})
    spec = charts.ports_chart(df, WORDS)
    assert spec.title == "Port of Tilbury had the most vehicles recovered at ports"
    assert [t.name for t in spec.figure.data] == ["Containers examined",
                                                  "Vehicles recovered at ports"]
    assert list(spec.data["Containers examined"]) == [36.0, 20.0]


def _compare(new_arrests: float) -> pd.DataFrame:
    rows = []
    for code, name, arrests, vehicles in (("OA2024", "Operation Alliances 2024", 180.0, 316.0),
                                          ("OA2025", "Operation Alliances 2025", new_arrests,
                                           147.0)):
        for measure, label, value in (("arrests", "Arrests", arrests),
                                      ("vehicles_recovered", "Stolen vehicles recovered",
                                       vehicles)):
            rows.append({"operation": code, "operation_name": name, "measure": measure,
                         "label": label, "unit": "count", "value": value, "qualifier": "exact",
                         "text": f"{value:,.0f}"})
    return pd.DataFrame(rows)


@pytest.mark.parametrize(("arrests", "title"), [
    (368.0, "Mixed results in Operation Alliances 2025 against Operation Alliances 2024 at the "
            "same stage: arrests up; stolen vehicles recovered down"),
    (100.0, "All figures compared fell in Operation Alliances 2025 against Operation Alliances "
            "2024 at the same stage"),
])
def test_compare_title_states_the_overall_picture(arrests: float, title: str) -> None:
    """More arrests but fewer vehicles is 'mixed', not 'more arrests' (issue 9); both down 'fell'."""
    spec = charts.compare_chart(_compare(arrests), WORDS)
    assert spec.title == title


def test_compare_plots_each_measure_on_its_own_row() -> None:
    """One pair of bars per measure, values as given."""
    spec = charts.compare_chart(_compare(368.0), WORDS)
    assert [t.x[0] for t in spec.figure.data] == [180.0, 368.0, 316.0, 147.0]
    assert "Arrests: Operation Alliances 2024 180, Operation Alliances 2025 368" in spec.alt


def test_published_chart_sets_published_beside_returns() -> None:
    """Each published figure sits beside the returns; the title says whether returns lag."""
    df = pd.DataFrame({"measure": ["arrests", "vehicles_recovered"],
                       "label": ["Arrests", "Stolen vehicles recovered"], "unit": ["count"] * 2,
                       "stated_on": [pd.Timestamp("2026-03-02"), pd.Timestamp("2025-10-29")],
                       "published_value": [365.0, 95.0],
                       "published_qualifier": ["at_least", "exact"],
                       "returns_value": [368.0, 90.0], "returns_qualifier": ["at_least", "exact"],
                       "difference": [3.0, -5.0]})
    spec = charts.published_chart(df, WORDS)
    assert spec.title == "The returns are still below 1 published figure"
    assert list(spec.data["published"]) == ["at least 365", "95"]
    assert list(spec.data["returns"]) == ["at least 368", "90"]


def test_empty_input_gives_a_plain_message() -> None:
    """No rows: the title says nothing is held, rather than raising."""
    spec = charts.by_force_chart(_forces().iloc[0:0], WORDS, "Arrests")
    assert spec.title.startswith("No arrests figures held")


def test_by_force_one_force_states_its_figure() -> None:
    """With one force there is nothing to rank: the title states its figure."""
    spec = charts.by_force_chart(_forces().iloc[[2]], WORDS, "Arrests")
    assert spec.title == "Wiltshire: at least 20 arrests"
