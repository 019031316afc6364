"""Operation: what an operation achieved, as at a date."""

from metrics import format as fmt
from metrics import query, results, stages
from metrics.charts import map as maps
from metrics.charts import operation as charts
from metrics.registry import METRICS
from ui import url_state
from ui.cache import asked, built
from ui.export_menu import briefing_pack
from ui.shell import page_setup
from ui.widgets import card, chart, table

ctx = page_setup("Operation")

import streamlit as st  # noqa: E402 — page_setup must be the first call of every page

f = ctx.filters
st.title(ctx.operation_name or "Operation results")
if f.operation is None:
    st.info("No operations are loaded yet. An analyst can load returns on the Upload returns "
            "page, or an administrator can load the reference data.")
    st.stop()

info = ctx.q(results.operation_info, f.operation)
kind = str(info["kind"]) if info else None
words = ctx.q(results.words, f)
state = ctx.q(results.status, f)
st.caption(f"{words.period} · {words.geography} · figures as at {words.as_at}. Each return "
           "counts at its latest version stated as at this date or earlier.")
briefing_pack(ctx)

# --- Headline figures ---------------------------------------------------------------------------
cards = ctx.q(results.cards, f, kind)
if cards["value"].isna().all():
    st.info(f"No returns for {words.operation} in {words.geography} are held as at "
            f"{words.as_at}. Choose a later date, another operation, or clear the region and "
            "force filters.")
    st.stop()

left, right = st.columns(2)
with left:
    card("Status", state.label, help=results.status_help(state))
with right:
    card("Coverage", state.coverage_text,
         help="Forces expected to send a return for this operation (within the region and "
              "force filters) and how many of them have a return held as at the date chosen.")
if state.missing_names:
    st.text("No return yet from: " + ", ".join(state.missing_names))

st.header("Headline figures", anchor=False)
sources = ctx.q(results.cards_sources, f, kind)     # every card's cells, in one query
for start in range(0, len(cards), 4):
    for column, row in zip(st.columns(4), cards.iloc[start:start + 4].itertuples(), strict=False):
        with column:
            card(row.label, row.text, help=METRICS[row.key].description)
            with st.expander("Show sources"):
                cells = sources[row.key]
                if cells.empty:
                    st.text("No return in this selection states this figure.")
                else:
                    st.dataframe(cells, hide_index=True, width="stretch")

# --- By day and by pillar -----------------------------------------------------------------------
daily = ctx.q(stages.daily, f)
if not daily.empty:     # ports operations and some local ones report no daily figures
    st.header("By day of the week", anchor=False)
    chart(built(ctx, charts.by_day_chart, asked(stages.daily, f), asked(results.words, f)),
          key="by-day", ctx=ctx)
    st.caption(stages.after_week_text(daily, f.as_at))

st.header("By pillar", anchor=False)
chart(built(ctx, charts.by_pillar_chart, asked(stages.pillar_activity, f),
            asked(results.words, f)), key="by-pillar", ctx=ctx)
st.caption("Each pillar's count measures added together (arrests, items given out, visits and "
           "so on): a rough guide to where activity went, not a like-for-like total.")

# --- By force -----------------------------------------------------------------------------------
if kind != "ports":     # a ports operation has no force returns
    st.header("By force", anchor=False)
    choices = [m.name for m in METRICS.values() if m.return_kind == "force-return"]
    left, right = st.columns([2, 1])
    measure = url_state.choose(left.selectbox, "Measure", choices, key="op_measure",
                               names={m: METRICS[m].label for m in choices}, default="arrests")
    rate = url_state.switch(right.toggle, "Per 1,000 recorded vehicle offences",
                            key="op_per_1000",
                            help="Each force's figure divided by its recorded vehicle offences "
                                 "in the year ending June 2025 (ONS), times 1,000.")
    label = METRICS[measure].label
    column = "per_1000_offences" if rate else "value"
    per_force = ctx.q(results.forces_for_map, f, measure)
    left, right = st.columns(2)
    with left:
        chart(built(ctx, charts.by_force_chart, asked(results.forces_for_map, f, measure),
                    asked(results.words, f), label, column=column, unit=METRICS[measure].unit),
              key="by-force", ctx=ctx)
    with right:
        value_label = f"{label} per 1,000 recorded vehicle offences" if rate else label
        chart(built(ctx, maps.force_map, asked(results.forces_for_map, f, measure),
                    asked(results.words, f), value_label, column=column),
              key="force-map", ctx=ctx)
    table(per_force[["force_name", "region_name", "value", "text", "vehicle_offences",
                     "per_1000_offences"]],
          key="by-force-table",
          column_config={
              "force_name": "Force", "region_name": "Region",
              "value": st.column_config.NumberColumn(label, format="localized"),
              "text": "As stated",
              "vehicle_offences": st.column_config.NumberColumn(
                  "Recorded vehicle offences (ONS)", format="localized"),
              "per_1000_offences": st.column_config.NumberColumn(
                  "Per 1,000 offences", format="%.2f"),
          }, ctx=ctx)

# --- Ports --------------------------------------------------------------------------------------
ports = ctx.q(query.ports, f)
if not ports.empty or kind == "ports":
    st.header("Ports", anchor=False)
    if ports.empty:
        st.info(f"No NaVCIS ports return is held as at {words.as_at}.")
    else:
        chart(built(ctx, charts.ports_chart, asked(query.ports, f), asked(results.words, f)),
              key="ports", ctx=ctx)
        table(ports[[c for c in ("port_name", "containers_examined", "port_vehicles_recovered",
                                 "port_value_recovered_gbp", "destinations")
                     if c in ports.columns]],
              key="ports-table",
              column_config={
                  "port_name": "Port",
                  "containers_examined": st.column_config.NumberColumn(
                      "Containers examined", format="localized"),
                  "port_vehicles_recovered": st.column_config.NumberColumn(
                      "Vehicles recovered", format="localized"),
                  "port_value_recovered_gbp": st.column_config.NumberColumn(
                      "Value recovered (£)", format="localized"),
                  "destinations": "Declared destinations",
              }, ctx=ctx)

# --- Published figures --------------------------------------------------------------------------
st.header("Published figures and the returns", anchor=False)
published = ctx.q(query.published_vs_returns, f)
if published.empty:
    st.info(f"No national figure for {words.operation} was published on or before "
            f"{words.as_at}.")
else:
    chart(built(ctx, charts.published_chart, asked(query.published_vs_returns, f),
                asked(results.words, f)), key="published", ctx=ctx)
    for _, row in published.iterrows():
        st.markdown(f"- {stages.published_text(row)}")
    if f.regions or f.forces:
        st.caption("Published figures are national, so this section ignores the region and "
                   "force filters.")

# --- Previous week of action --------------------------------------------------------------------
previous = ctx.q(stages.previous_operation, f.operation)
if previous is not None:
    compared = ctx.q(stages.same_stage, f, previous)
    st.header("Against the previous operation", anchor=False)
    st.caption(stages.same_stage_text(compared))
    chart(built(ctx, charts.compare_chart, asked(stages.same_stage, f, previous),
                asked(results.words, f)), key="compare", ctx=ctx)

st.caption(f"Data version {ctx.version} · figures as at {fmt.fmt_date(f.as_at)}")
