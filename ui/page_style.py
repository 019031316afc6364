"""The few style rules every page needs beyond the theme in .streamlit/config.toml.

Each rule is here because a measurement found a problem the theme cannot fix (issue 9):
axe-core's WCAG 2.2 target-size rule, and headline figures cut short on a 390 px phone.
"""

from __future__ import annotations

import streamlit as st

# WCAG 2.2 (2.5.8 target size): the date boxes' day and month segments measured 18 × 20 px;
# every spin button of a date box is made at least 24 × 24 px.
DATE_SEGMENTS = ("[data-testid='stDateInputField'] [role='spinbutton']"
                 "{display:inline-block;min-width:24px;min-height:24px;line-height:24px;"
                 "text-align:center;}")
# A headline figure such as 'at least £4,126,500' wraps inside its card instead of ending
# in an ellipsis, and its size follows the card's width (cqi: 1% of the card), so four cards
# in a row beside the sidebar keep '£2,557,000' whole. The selectors name the card twice to
# outrank Streamlit's own 'nowrap' rule for the paragraph inside.
_CARD = "[data-testid='stMetric']"
CARD_VALUES = (f"{_CARD}{{container-type:inline-size;}}"
               f"{_CARD} [data-testid='stMetricValue']"
               "{font-size:clamp(1rem,11cqi,1.75rem);line-height:1.25;}"
               f"{_CARD} [data-testid='stMetricLabel'] p"
               "{font-size:clamp(0.75rem,7.5cqi,0.875rem);}"
               f"{_CARD} [data-testid='stMetricValue'] *,{_CARD} [data-testid='stMetricLabel'] *"
               "{white-space:normal;overflow:visible;text-overflow:clip;}")


def apply() -> None:
    """Add the rules to the page (our own constants: nothing here comes from a file)."""
    st.html(f"<style>{DATE_SEGMENTS}{CARD_VALUES}</style>")
