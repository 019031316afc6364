"""Pillars and funding: grants to allocations to spend, value for money, funded local operations."""

from metrics import format as fmt
from metrics import funding
from metrics.charts.funding import funding_sankey, spend_against_allocation
from metrics.query import Filters
from metrics.spend import spend_lines
from ui import url_state
from ui.shell import page_setup
from ui.widgets import card, chart, table

ctx = page_setup("Pillars and funding")

import streamlit as st  # noqa: E402 — page_setup must be the first call of every page

st.title("Pillars and funding")
as_at = ctx.filters.as_at
grants = ctx.q(funding.grants, as_at)
if grants.empty:
    st.info("No grants are recorded. An administrator can add them to the grants reference data.")
    st.stop()

st.caption(f"Spend as at {fmt.fmt_date(as_at)}: each spend return counts at its latest version "
           "stated as at this date or earlier. Funding figures cover every operation; the "
           "operation chosen in the sidebar applies to value for money below.")
ILLUSTRATIVE = ("Only the grant totals are public. Allocations marked illustrative are an "
                "invented split that adds up to the public totals, for demonstration.")
illustrative_split = bool(grants["illustrative"].any())

# --- Grants ---------------------------------------------------------------------------------------
# The NVCRP grants are the headline; other funding is shown apart and never added to them.
tiles = funding.funding_tiles(grants)
st.header("NVCRP grants", anchor=False)
if tiles.total is None:
    st.info("No NVCRP grant is recorded: no grant has allocations or spend returns yet.")
else:
    shown = [tiles.total, *tiles.grants]
    for column, tile in zip(st.columns(len(shown)), shown, strict=True):
        with column:
            card(tile.label, tile.value, help=tile.help, note=tile.note)
    if tiles.unpublished:
        st.caption(tiles.unpublished)
if illustrative_split:
    st.caption(ILLUSTRATIVE)

words = funding.funding_words(grants, as_at, ctx.illustrative)
flows = ctx.q(funding.funding_flows, as_at)
if flows.empty:
    st.info("No grant money is recorded yet.")
else:
    chart(funding_sankey(flows, words, illustrative_split=illustrative_split), key="funding-flows", ctx=ctx)

if tiles.other:
    st.header("Other funding", anchor=False)
    st.caption(funding.OTHER_FUNDING)
    for column, tile in zip(st.columns(len(tiles.other)), tiles.other, strict=True):
        with column:
            card(tile.label, tile.value, help=tile.help, note=tile.note)

# --- Spend against allocation -------------------------------------------------------------------
st.header("Spend against allocation", anchor=False)
by = url_state.choose(st.radio, "Per", ["pillar", "recipient"], key="funding_by",
                     names={"pillar": "Pillar", "recipient": "Recipient"}, default="pillar",
                     horizontal=True)
rows = ctx.q(funding.spend_against_allocation, as_at, by)
if rows.empty:
    st.info("No allocations are recorded, so there is nothing to compare spend with.")
else:
    chart(spend_against_allocation(rows, words, by, illustrative_split=illustrative_split),
          key=f"spend-against-allocation-{by}", ctx=ctx)
    with st.expander("Show sources"):
        table(funding.spend_sources_table(ctx.q(spend_lines, Filters(None, as_at))),
              key="spend-sources", ctx=ctx)

# --- Value for money (indicative) ---------------------------------------------------------------
st.header("Value for money (indicative)", anchor=False)
if ctx.filters.operation is None:
    st.info("Choose an operation in the sidebar to see its indicative value for money.")
else:
    value = ctx.q(funding.cost_effectiveness, ctx.filters)
    st.caption(f"{ctx.operation_name}: reported spend against the results in its returns, as at "
               f"{fmt.fmt_date(as_at)}.")
    a, b = st.columns(2)
    with a:
        card("Value recovered per £1 spent (indicative)",
             value["text"]["value_recovered_per_gbp_spent"], help=value["caveats"][0])
    with b:
        card("Spend per arrest (indicative)", value["text"]["cost_per_arrest"],
             help=value["caveats"][1])
    c, d, e = st.columns(3)
    with c:
        card("Spend reported", value["text"]["spend"])
    with d:
        card("Value recovered", value["text"]["value_recovered_gbp"])
    with e:
        card("Arrests", value["text"]["arrests"])
    st.warning(value["caveat"], icon=":material/info:")

# --- Funded local operations --------------------------------------------------------------------
local = ctx.q(funding.local_operation)
st.header("Funded local operations", anchor=False)
if local is None:
    st.info("No funded local operation is recorded.")
else:
    bids = ctx.q(funding.local_operations, as_at, local)
    if bids.empty:
        st.info("No force bids are recorded for the local operations grant.")
    else:
        total = funding.local_operations_total(bids)
        st.caption(
            f"{fmt.fmt_count(total['forces_bidding'])} forces bid, "
            f"{fmt.fmt_count(total['forces_awarded'])} were awarded money and "
            f"{fmt.fmt_count(total['forces_reporting'])} have sent a return for the local "
            "operation. Spent is each force's spend lines for the operation; results come from "
            "its force return.")
        table(funding.local_operations_table(bids), key="local-operations", ctx=ctx)
        if bool(bids["illustrative"].any()):
            st.caption("Bids and awards marked illustrative are invented for demonstration: the "
                       "awards add up to the local operations allocation, which is itself "
                       "illustrative.")
