"""Home: every operation at a glance."""

from metrics import format as fmt
from metrics import headline as hl
from ui.shell import page_setup

ctx = page_setup("Home")

import streamlit as st  # noqa: E402 — page_setup must be the first call of every page

st.title("Operation results")
if ctx.filters.operation is None:
    st.info("No operations are loaded yet. An analyst can load returns on the Upload returns page.")
else:
    h = ctx.q(hl.headline, ctx.filters.operation, ctx.filters.as_at)
    st.header(h["operation_name"], anchor=False)
    st.caption(f"Figures as at {fmt.fmt_date(ctx.filters.as_at)}")
    for line in h["text"][1:]:
        st.text(line)
