"""Funding charts: the grants → pillars → spend diagram and spend against allocation."""

from __future__ import annotations

import pandas as pd

from metrics.charts.funding import funding_sankey, spend_against_allocation
from metrics.charts.style import Words

WORDS = Words("NVCRP grants", "financial years 2024-25 and 2025-26", "31 March 2026",
              illustrative=True)

FLOWS = pd.DataFrame([
    ("Grant 1", "P1 Prevent", 90_000.0, "allocated"),
    ("Grant 1", "P2 Disrupt", 210_000.0, "allocated"),
    ("P1 Prevent", "Spent", 80_000.0, "spent"),
    ("P1 Prevent", "Not yet spent", 10_000.0, "unspent"),
    ("P2 Disrupt", "Spent", 210_000.0, "spent"),
    ("Port grant", "Not allocated", 250_000.0, "unallocated"),
], columns=["source", "target", "amount", "kind"])

PILLARS = pd.DataFrame({
    "key": ["P1", "P2"], "name": ["P1 Prevent", "P2 Disrupt"],
    "allocated": [90_000.0, 210_000.0], "spent": [80_000.0, 210_000.0],
    "share_spent": [80 / 90, 1.0], "illustrative": [True, True],
})


def test_sankey_title_states_spend_of_allocation() -> None:
    """The title adds up spent and allocated links: £290,000 of £300,000."""
    spec = funding_sankey(FLOWS, WORDS)
    assert spec.title == "£290,000 of the £300,000 allocated has been spent"


def test_sankey_links_point_at_named_nodes() -> None:
    """Every link joins the right nodes with its amount."""
    sankey = funding_sankey(FLOWS, WORDS).figure.data[0]
    labels = list(sankey.node.label)
    pairs = [(labels[s], labels[t], v) for s, t, v in
             zip(sankey.link.source, sankey.link.target, sankey.link.value, strict=True)]
    assert pairs == [tuple(r[:3]) for r in FLOWS.itertuples(index=False)]


def test_sankey_alt_and_illustrative_source() -> None:
    """The alt text gives the totals; the source says allocations are illustrative."""
    spec = funding_sankey(FLOWS, WORDS, illustrative_split=True)
    assert "£300,000 allocated, £290,000 spent" in spec.alt
    assert "£250,000 of grant money not allocated" in spec.alt
    assert "allocations below the public grant totals are illustrative" in spec.source


def test_sankey_with_nothing_allocated() -> None:
    """With only unallocated money the title says nothing has been allocated."""
    spec = funding_sankey(FLOWS[FLOWS["kind"] == "unallocated"], WORDS)
    assert spec.title == "No grant money has been allocated yet"


def test_bars_name_the_smallest_share() -> None:
    """The pillar with the smallest share spent is named, with its percentage."""
    spec = spend_against_allocation(PILLARS, WORDS)
    assert spec.title == "P1 Prevent has spent the smallest share of its allocation (89%)"


def test_bars_hold_allocated_and_spent() -> None:
    """Two bar traces, allocated then spent, with money labels."""
    fig = spend_against_allocation(PILLARS, WORDS).figure
    assert [t.name for t in fig.data] == ["Allocated", "Spent"]
    assert list(fig.data[1].x) == [80_000.0, 210_000.0]
    assert list(fig.data[0].text) == ["£90,000", "£210,000"]


def test_bars_per_recipient_words_and_data() -> None:
    """Per recipient, the subtitle, alt text and data table say 'recipient'."""
    spec = spend_against_allocation(PILLARS, WORDS, "recipient")
    assert "per recipient" in spec.subtitle
    assert spec.alt.startswith("Bar chart of allocation and spend per recipient")
    assert list(spec.data.columns) == ["Recipient", "Allocated (£)", "Spent (£)", "Share spent"]


def test_sankey_title_gives_amounts_in_full() -> None:
    """Millions are written in full, as on the cards: no '£1.2 million' beside '£485,000'."""
    big = pd.DataFrame([("Grant 1", "P1 Prevent", 2_000_000.0, "allocated"),
                        ("P1 Prevent", "Spent", 1_234_500.0, "spent")],
                       columns=["source", "target", "amount", "kind"])
    assert funding_sankey(big, WORDS).title == ("£1,234,500 of the £2,000,000 allocated has "
                                                "been spent")
