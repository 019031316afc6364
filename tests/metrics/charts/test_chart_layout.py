"""Chart layout that keeps every label whole and explained (issue 9): the day chart's hatching
has a legend key and its value axis a title; long category labels wrap; value labels have a
margin of their own and are never shrunk. The browser test tests/e2e/test_narrow_screen.py
measures the result at 390 px."""

from __future__ import annotations

from datetime import date

import pandas as pd

from metrics.charts import operation as charts
from metrics.charts.funding import spend_against_allocation
from metrics.charts.style import LABEL_CHARS, Words, label_lines, text_px

WORDS = Words(operation="Operation Alliances 2025", period="13 to 19 October 2025",
              as_at="2 March 2026")
LONG = "P3 Strengthening intelligence and enforcement capability"


def daily(after: bool = True) -> pd.DataFrame:
    rows = [("Mon 13 Oct", date(2025, 10, 13), "arrests", "Arrests", 13.0, False),
            ("Mon 13 Oct", date(2025, 10, 13), "vehicles_recovered",
             "Stolen vehicles recovered", 5.0, False)]
    if after:
        rows += [("After the week", None, "arrests", "Arrests", 214.0, True),
                 ("After the week", None, "vehicles_recovered", "Stolen vehicles recovered",
                  52.0, True)]
    df = pd.DataFrame(rows, columns=["period", "day", "measure", "label", "value", "after"])
    df["qualifier"] = "exact"
    return df


def pillars() -> pd.DataFrame:
    return pd.DataFrame({"label": ["P1 Preventing vehicle crime", LONG],
                         "count_total": [14_050.0, 1_245.0],
                         "qualifier": ["at_least", "exact"]})


def test_day_chart_has_a_legend_key_for_after_the_week() -> None:
    """A hatched 'After the week' entry is in the legend, with no bar of its own."""
    fig = charts.by_day_chart(daily(), WORDS).figure
    key = next(t for t in fig.data if t.name == "After the week")
    assert key.showlegend is True and key.marker.pattern.shape == "/"
    assert [x for x in key.x if x is not None] == []


def test_day_chart_key_leaves_the_bars_their_width() -> None:
    """The key shares the first measure's place, so two measures still make two bars a day."""
    fig = charts.by_day_chart(daily(), WORDS).figure
    groups = {t.name: t.offsetgroup for t in fig.data}
    assert groups["After the week"] == groups["Arrests"]
    assert len(set(groups.values())) == 2


def test_day_chart_has_no_key_when_nothing_came_after_the_week() -> None:
    """Without after-the-week figures there is nothing hatched, so no key."""
    fig = charts.by_day_chart(daily(after=False), WORDS).figure
    assert [t.name for t in fig.data] == ["Arrests", "Stolen vehicles recovered"]


def test_day_chart_value_axis_has_a_title() -> None:
    """The y axis says what it counts."""
    fig = charts.by_day_chart(daily(), WORDS).figure
    assert fig.layout.yaxis.title.text == "Number"


def test_long_labels_wrap_at_spaces() -> None:
    """A pillar name is broken onto lines of at most 16 characters; no word is split."""
    lines = label_lines(LONG).split("<br>")
    assert lines == ["P3 Strengthening", "intelligence and", "enforcement", "capability"]
    assert all(len(line) <= LABEL_CHARS for line in lines)


def test_label_lines_escape_markup() -> None:
    """A name holding '<' is shown as text, not read as Plotly markup."""
    assert label_lines("A <b> force") == "A &lt;b&gt; force"


def test_pillar_chart_shows_wrapped_labels_but_keeps_the_data() -> None:
    """The axis shows wrapped names; the bars and hover keep each name whole."""
    fig = charts.by_pillar_chart(pillars(), WORDS).figure
    assert list(fig.data[0].y) == [LONG, "P1 Preventing vehicle crime"]
    assert list(fig.layout.yaxis.tickvals) == list(fig.data[0].y)
    assert label_lines(LONG) in fig.layout.yaxis.ticktext


def test_value_labels_get_a_right_margin_and_keep_their_size() -> None:
    """'at least 14,050' fits the right margin; the axis ends at the longest bar; no shrinking."""
    fig = charts.by_pillar_chart(pillars(), WORDS).figure
    assert fig.layout.margin.r >= text_px(["at least 14,050"])
    assert fig.layout.xaxis.range[1] == 14_050 * 1.02
    assert fig.data[0].constraintext == "none" and fig.data[0].cliponaxis is False


def test_paired_chart_titles_and_series_wrap() -> None:
    """Published-figure rows: long measure titles and series names wrap onto lines."""
    df = pd.DataFrame({"measure": ["value_recovered_gbp"],
                       "label": ["Value of stolen vehicles recovered"],
                       "stated_on": [pd.Timestamp("2026-03-02")], "unit": ["gbp"],
                       "published_value": [3_300_000.0], "published_qualifier": ["at_least"],
                       "returns_value": [2_557_000.0], "returns_qualifier": ["exact"],
                       "difference": [-743_000.0]})
    fig = charts.published_chart(df, WORDS).figure
    assert fig.layout.annotations[0].text == ("Value of stolen vehicles recovered<br>"
                                              "(published 2 March 2026)")
    assert "Returns as at<br>2 March 2026" in fig.layout.yaxis.ticktext
    assert fig.layout.margin.r >= text_px(["at least £3,300,000"])


def test_spend_chart_names_wrap_and_values_fit() -> None:
    """Spend against allocation: pillar names wrap, money labels have their own margin."""
    rows = pd.DataFrame({"key": ["P3"], "name": [LONG], "allocated": [140_000.0],
                         "spent": [139_150.0], "share_spent": [0.99], "illustrative": [True]})
    fig = spend_against_allocation(rows, WORDS).figure
    assert label_lines(LONG) in fig.layout.yaxis.ticktext
    assert fig.layout.margin.r >= text_px(["£140,000"])
