"""Forces: one force across operations, against its region and the country."""

from metrics import force_profile as fp
from metrics import format as fmt
from metrics import query
from metrics.charts.forces import force_against_averages
from metrics.headline import HEADLINE_NOUNS
from metrics.query import Filters
from metrics.registry import METRICS
from metrics.sources import sources
from ui import url_state
from ui.shell import page_setup
from ui.widgets import card, chart, table

ctx = page_setup("Forces")

import streamlit as st  # noqa: E402 — page_setup must be the first call of every page

VIEWS = {"figures": "Figures", "per-1000": "Per 1,000 recorded vehicle offences"}
st.title("Forces")
as_at = ctx.filters.as_at
forces = ctx.q(query.forces)
if forces.empty:
    st.info("No forces are loaded. An administrator can load the reference data.")
    st.stop()

codes = list(forces["code"])
names = dict(zip(forces["code"], forces["short_name"], strict=True))
default = ctx.q(fp.default_force, ctx.filters)
force = url_state.choose(
    st.selectbox, "Force", codes, key="focus_force", names=names,
    default=default if default in codes else codes[0],
    help="The first force chosen in the sidebar filter, otherwise the force with most arrests.")
name = names.get(force, force)
st.caption(f"Figures as at {fmt.fmt_date(as_at)}. Each return counts at its latest version "
           "stated as at this date or earlier.")

# --- Headline figures in every operation --------------------------------------------------------
st.header(f"{name} in each operation", anchor=False)
operations = ctx.q(fp.force_operations, force, as_at)
if operations.empty:
    st.info(f"{name} took part in no operation held, and sent no return stated as at "
            f"{fmt.fmt_date(as_at)}.")
else:
    cards = fp.headline_cards(operations, ctx.filters.operation)
    if cards:
        st.subheader(ctx.operation_name or "", anchor=False)
        for column, (label, text) in zip(st.columns(len(cards)), cards, strict=True):
            with column:
                card(label, text)
        st.caption(fp.versions_line(operations, ctx.filters.operation))
    table(fp.force_operations_table(operations), key="force-operations", ctx=ctx)

# --- Against the region and the country --------------------------------------------------------
st.header(f"{name} against its region and the country", anchor=False)
if ctx.filters.operation is None:
    st.info("Choose an operation in the sidebar to compare forces.")
else:
    left, right = st.columns(2)
    measure = url_state.choose(left.selectbox, "Measure", list(HEADLINE_NOUNS),
                               key="force_measure", default=next(iter(HEADLINE_NOUNS)),
                               names={m: METRICS[m].label for m in HEADLINE_NOUNS})
    view = url_state.choose(right.radio, "Show", list(VIEWS), key="force_view", names=VIEWS,
                            default="figures", horizontal=True)
    comparison = ctx.q(fp.force_comparison, force, ctx.filters.operation, as_at, measure)
    region = str(comparison.iloc[1]["label"]).removesuffix(" average")
    words = ctx.q(fp.operation_words, ctx.filters.operation, as_at,
                  f"{name}, {region} and England and Wales", ctx.illustrative)
    spec = force_against_averages(comparison, words, METRICS[measure].label,
                                  METRICS[measure].unit, rate=view != "figures")
    chart(spec, key="force-against-averages", ctx=ctx)
    with st.expander("Show sources"):
        cells = ctx.q(sources, Filters(ctx.filters.operation, as_at), measure, force)
        if cells.empty:
            st.text(f"No cell of {name}'s returns holds this figure as at "
                    f"{fmt.fmt_date(as_at)}.")
        else:
            st.dataframe(cells, hide_index=True, width="stretch")

    # --- Per 1,000 recorded vehicle offences ----------------------------------------------------
    st.subheader(f"{name} per 1,000 recorded vehicle offences", anchor=False)
    crime = ctx.q(fp.recorded_crime, force)
    if crime is None:
        st.info(f"No recorded crime figure is held for {name} (for example British Transport "
                "Police, which has no police force area), so no rate can be shown.")
    else:
        rates = ctx.q(fp.force_rates, force, ctx.filters.operation, as_at)
        table(fp.rates_table(rates), key="force-rates", ctx=ctx)
        st.caption(f"{fmt.fmt_count(crime['vehicle_offences'])} vehicle offences recorded in "
                   f"{name}, {crime['period']}. Source: {crime['source']}. Region and national "
                   "rates add the figures of the reporting forces over their recorded offences.")

# --- Returns and open issues --------------------------------------------------------------------
st.header(f"Returns from {name}", anchor=False)
returns = ctx.q(fp.force_returns, force, as_at)
if returns.empty:
    st.info(f"No accepted return from {name} is stated as at {fmt.fmt_date(as_at)} or earlier.")
else:
    table(fp.force_returns_table(returns), key="force-returns", ctx=ctx)

issues = ctx.q(fp.rejected_issues, force, as_at)
open_issues = issues[~issues["resolved"]] if not issues.empty else issues
st.subheader("Open issues in rejected uploads", anchor=False)
if open_issues.empty:
    st.success(f"No open issues: every rejected upload from {name} has been replaced by an "
               "accepted version." if not issues.empty else
               f"No rejected uploads from {name}.")
else:
    st.warning(f"{fmt.fmt_count(len(open_issues))} issues to fix before these returns can be "
               "loaded.")
    table(fp.rejected_issues_table(open_issues), key="force-open-issues", ctx=ctx)
if not issues.empty and len(open_issues) < len(issues):
    with st.expander(f"Issues already resolved ({fmt.fmt_count(len(issues) - len(open_issues))})"):
        table(fp.rejected_issues_table(issues[issues["resolved"]]), key="force-resolved-issues", ctx=ctx)
