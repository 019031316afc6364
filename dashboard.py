"""Home: every operation at a glance, the two national weeks side by side, the latest uploads."""

import streamlit as st

from metrics import format as fmt
from metrics import overview as ov
from ui import roles, url_state, widgets
from ui.export_menu import briefing_pack
from ui.shell import PAGES, ROOT, page_setup

ctx = page_setup("Home")

STATUS_COLOURS = {"Final": "green", "Provisional": "orange"}
as_at = ctx.filters.as_at
narrowed = ctx.filters.regions or ctx.filters.forces

st.title("Operation results", anchor=False)
st.caption(f"Figures as at {fmt.fmt_date(as_at)}: each return counts at its latest version "
           "stated as at this date or earlier. Change the date in the sidebar.")
briefing_pack(ctx)
if narrowed:
    st.caption("Figures are narrowed to the regions and forces chosen in the sidebar.")
if ctx.version == 0:
    st.info("No returns have been loaded yet, so every figure below is 'not recorded'. An "
            "analyst can load returns on the Upload returns page.")

# Only the operations this person may see: restricted ones stay out of every query below.
visible = tuple(sorted(ctx.user.operations))
summaries = ctx.q(ov.operation_summaries, as_at, ctx.filters.regions, ctx.filters.forces, visible)
st.header("Operations", anchor=False)     # each operation's box is an h3 under it
if not summaries:
    st.info("No operations are set up yet, or none is open to you.")

for summary in summaries:
    with st.container(border=True, key=f"op-{summary.code}"):
        st.subheader(summary.name, anchor=False)
        st.caption(f"{summary.period} · figures as at {summary.as_at} · {summary.coverage}")
        st.badge(summary.status, color=STATUS_COLOURS.get(summary.status, "gray"))
        st.caption(summary.reason)
        for column, item in zip(st.columns(len(summary.cards)), summary.cards, strict=True):
            with column:
                widgets.card(item.label, item.value)
        if (ROOT / "pages/1_Operation.py").exists():
            st.page_link("pages/1_Operation.py", label=f"{summary.name} in detail",
                         icon=":material/arrow_forward:",
                         query_params=url_state.link_params(op=summary.code))

earlier = ctx.q(ov.earlier_operations, visible)
if not earlier.empty:
    with st.expander(f"Earlier operations ({len(earlier)})"):
        st.caption("Choose one in the sidebar to see its figures.")
        widgets.table(earlier, key="earlier-operations")

weeks = ctx.q(ov.week_comparison, as_at, ctx.filters.regions, ctx.filters.forces, visible)
if weeks is not None:
    st.header(f"{weeks.earlier_name} against {weeks.later_name}", anchor=False)
    st.caption(f"The same measures for both national weeks, as at {fmt.fmt_date(as_at)}.")
    # What rose and what fell, by the one rule every comparison uses (metrics.comparison).
    st.markdown(f"**{weeks.title}.**")
    side_by_side = weeks.table[["label", "earlier_text", "later_text", "change_text"]].rename(
        columns={"label": "Measure", "earlier_text": weeks.earlier_name,
                 "later_text": weeks.later_name, "change_text": "Change"})
    widgets.table(side_by_side, key="weeks", ctx=ctx, name="weeks-compared")

st.header("Latest uploads", anchor=False)
st.caption("The ten most recent files offered, whatever the as-at date and outcome.")
uploads = ctx.q(ov.recent_uploads, 10, visible)
if uploads.empty:
    st.info("No files have been uploaded yet.")
else:
    widgets.table(
        uploads[["file", "force", "operation", "outcome", "uploaded_at", "uploaded_by", "message"]],
        key="uploads",
        column_config={
            "file": "File", "force": "Force", "operation": "Operation", "outcome": "Outcome",
            "uploaded_at": st.column_config.DatetimeColumn("When", format="D MMMM YYYY, HH:mm"),
            "uploaded_by": "By whom", "message": "What happened",
        })

st.header("Pages", anchor=False)
for path, label, icon in PAGES[1:]:
    # Pages are added one by one, and some are for some roles only: link only to those open.
    if (ROOT / path).exists() and roles.can_open(ctx.user.role, path):
        st.page_link(path, label=label, icon=icon, query_params=url_state.link_params())
