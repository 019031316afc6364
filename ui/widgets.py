"""Reusable page widgets: a chart with its words and a table view, a headline card, sources.

Text that came from a file is shown through ``st.dataframe`` or ``st.text`` — never as Markdown
or HTML (SECURITY.md row 21).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from metrics.charts.style import ChartSpec
from ui.export_menu import export_chart, export_table

PLOTLY_CONFIG = {
    "displaylogo": False,
    # The image button makes an unmarked picture; marked exports come from the export menu.
    "modeBarButtonsToRemove": ["toImage", "lasso2d", "select2d"],
}


def chart(spec: ChartSpec, *, key: str, ctx: Any = None) -> None:
    """Title, subtitle, the chart (or its table), source line and alt text.

    Given the page's context, also the chart's marked downloads for those who may export.
    """
    st.subheader(spec.title, anchor=False)
    st.caption(spec.subtitle)
    as_table = st.toggle("Show as table", key=f"{key}-table",
                         help="The same figures as a table, for screen readers and copying.")
    if as_table:
        st.dataframe(spec.data, hide_index=True, width="stretch")
    else:
        st.plotly_chart(spec.figure, width="stretch", config=PLOTLY_CONFIG, key=key,
                        alt=spec.alt)
    st.caption(spec.source)
    with st.expander("Describe this chart"):
        st.text(spec.alt)
    if ctx is not None:
        export_chart(spec, ctx, key=f"{key}-export")


def card(label: str, value: str, *, help: str | None = None, note: str | None = None) -> None:
    """A headline figure already formatted in GOV.UK style ('more than 365')."""
    st.metric(label, value, help=help, border=True)
    if note:
        st.caption(note)


def table(df: pd.DataFrame, *, key: str, column_config: dict | None = None,  # type: ignore[type-arg]
          ctx: Any = None, name: str | None = None) -> None:
    """A table; given the page's context, also its CSV and Excel downloads (named ``name``)."""
    st.dataframe(df, hide_index=True, width="stretch", key=key, column_config=column_config)
    if ctx is not None:
        export_table(df, ctx, name or key, key=f"{key}-export", screen=column_config)
