"""The force-area map: 43 areas drawn offline, coloured by value, missing returns in grey."""

from __future__ import annotations

import pandas as pd

from metrics.charts.map import ATTRIBUTION, NO_RETURN, NO_RETURN_COLOUR, OUTSIDE, force_map
from metrics.charts.style import Words

WORDS = Words(operation="Operation Alliances 2025", period="13 to 19 October 2025",
              as_at="2 March 2026")


def _df() -> pd.DataFrame:
    return pd.DataFrame({
        "force_code": ["south-yorkshire", "kent", "wiltshire", "dorset"],
        "force_name": ["South Yorkshire", "Kent", "Wiltshire", "Dorset"],
        "value": [32.0, 26.0, 4.0, None],
        "per_1000_offences": [2.0, 3.5, 1.0, None],
    })


def test_map_draws_43_areas_as_plain_polygons() -> None:
    """One filled x/y trace per police force area; no geo map that needs the internet."""
    spec = force_map(_df(), WORDS, "Arrests")
    assert len(spec.figure.data) == 43
    assert {t.type for t in spec.figure.data} == {"scatter"}
    assert all(t.fill == "toself" for t in spec.figure.data)
    assert len(spec.data) == 43


def test_map_greys_a_force_without_a_return() -> None:
    """A listed force with no value is grey, hovers 'no return' and sits under 'No return'."""
    spec = force_map(_df(), WORDS, "Arrests")
    dorset = next(t for t in spec.figure.data if t.text.startswith("Dorset"))
    assert dorset.fillcolor == NO_RETURN_COLOUR
    assert dorset.name == NO_RETURN
    assert dorset.text == "Dorset: no return"
    assert "Dorset" in spec.alt


def test_map_sets_apart_areas_outside_the_selection() -> None:
    """Areas with no row at all are 'not taking part or filtered out', not 'no return'."""
    spec = force_map(_df(), WORDS, "Arrests")
    groups = [t.name for t in spec.figure.data]
    assert groups.count(OUTSIDE) == 39
    assert groups.count(NO_RETURN) == 1


def test_map_hover_and_colour_follow_the_values() -> None:
    """Hover text gives the name and value; the largest value gets the darkest colour."""
    spec = force_map(_df(), WORDS, "Arrests")
    by_name = {t.text.split(":")[0]: t for t in spec.figure.data}
    assert by_name["South Yorkshire"].text == "South Yorkshire: 32"
    assert by_name["South Yorkshire"].fillcolor == "#12436D"
    assert by_name["Wiltshire"].fillcolor != by_name["South Yorkshire"].fillcolor


def test_map_legend_shows_each_group_once() -> None:
    """Each colour band and 'No return' appear once in the legend."""
    spec = force_map(_df(), WORDS, "Arrests")
    shown = [t.name for t in spec.figure.data if t.showlegend]
    assert len(shown) == len(set(shown))
    assert NO_RETURN in shown


def test_map_words_state_message_and_attribution() -> None:
    """Title names the highest area; alt text lists the top values; source credits OS and ONS."""
    spec = force_map(_df(), WORDS, "Arrests")
    assert spec.title == "Arrests by police force area: highest in South Yorkshire"
    assert "South Yorkshire 32; Kent 26; Wiltshire 4" in spec.alt
    assert ATTRIBUTION in spec.source


def test_map_rate_column_formats_two_places() -> None:
    """Per 1,000 offences, hover text shows two decimal places and the leader changes."""
    spec = force_map(_df(), WORDS, "Arrests per 1,000 recorded vehicle offences",
                     column="per_1000_offences")
    kent = next(t for t in spec.figure.data if t.text.startswith("Kent"))
    assert kent.text == "Kent: 3.50"
    assert spec.title.endswith("highest in Kent")


def test_map_with_no_values_is_all_grey() -> None:
    """No figures at all: every listed area grey and a title that says so."""
    empty = _df().assign(value=None)
    spec = force_map(empty, WORDS, "Arrests")
    assert spec.title == "No force has a return for this selection"
    assert sum(t.name == NO_RETURN for t in spec.figure.data) == 4
