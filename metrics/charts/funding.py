"""Charts of the money: the NVCRP grants to pillars to spend, and spend against allocation.

Amounts are in full ('£485,000', '£1,234,500'), as on every card and table (README, "Number
style"). Other funding is not drawn here: ``metrics.funding.funding_flows`` leaves it out."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from metrics.charts.style import (
    CONTEXT,
    LABEL_PX,
    PALETTE,
    ChartSpec,
    Words,
    base_layout,
    label_lines,
    values_beside_bars,
    wrap_categories,
)
from metrics.format import fmt_money, fmt_percent

SOURCE_GRANTS = "NVCRP grant and allocation records; spend returns"
FADED = {"allocated": "rgba(18, 67, 109, 0.25)", "spent": "rgba(40, 161, 151, 0.35)",
         "unspent": "rgba(191, 191, 191, 0.5)", "unallocated": "rgba(191, 191, 191, 0.5)"}
GAPS = ("Not yet spent", "Not allocated")


def _node_colour(name: str, grants: set[str]) -> str:
    if name in GAPS:
        return CONTEXT
    if name == "Spent":
        return PALETTE[1]
    return PALETTE[0] if name in grants else PALETTE[2]


def _source(words: Words, illustrative_split: bool) -> str:
    extra = SOURCE_GRANTS + ("; allocations below the public grant totals are illustrative"
                             if illustrative_split else "")
    return words.source(extra)


def funding_sankey(flows: pd.DataFrame, words: Words, *,
                   illustrative_split: bool = False) -> ChartSpec:
    """NVCRP grants → pillars → spent or not yet spent, from ``metrics.funding.funding_flows``."""
    nodes = list(dict.fromkeys([*flows["source"], *flows["target"]]))
    index = {name: i for i, name in enumerate(nodes)}
    grants = set(flows.loc[flows["kind"].isin(["allocated", "unallocated"]), "source"])
    fig = go.Figure(go.Sankey(
        arrangement="snap", valueformat=",.0f",
        textfont={"color": "#0b0c0c", "size": LABEL_PX, "shadow": "none"},
        # Names wrap so a phone-width diagram keeps each whole beside its node.
        node={"label": [label_lines(n) for n in nodes], "pad": 18, "thickness": 16,
              "color": [_node_colour(n, grants) for n in nodes],
              "hovertemplate": "%{label}: £%{value:,.0f}<extra></extra>"},
        link={"source": [index[s] for s in flows["source"]],
              "target": [index[t] for t in flows["target"]],
              "value": list(flows["amount"]),
              "color": [FADED.get(k, FADED["allocated"]) for k in flows["kind"]],
              "hovertemplate": "%{source.label} → %{target.label}: £%{value:,.0f}"
                               "<extra></extra>"}))
    base_layout(fig, height=480, legend=False)
    allocated = float(flows.loc[flows["kind"] == "allocated", "amount"].sum())
    spent = float(flows.loc[flows["kind"] == "spent", "amount"].sum())
    unallocated = float(flows.loc[flows["kind"] == "unallocated", "amount"].sum())
    if allocated:
        title = f"{fmt_money(spent)} of the {fmt_money(allocated)} allocated has been spent"
    else:
        title = "No grant money has been allocated yet"
    alt = (f"Flow diagram from the NVCRP grants to pillars to spend. {fmt_money(allocated)} "
           "allocated, "
           f"{fmt_money(spent)} spent" +
           (f", {fmt_money(unallocated)} of grant money not allocated to a pillar" if unallocated
            else "") + ". " + "; ".join(
               f"{r.source} to {r.target} {fmt_money(r.amount)}" for r in flows.itertuples()) + ".")
    data = flows.rename(columns={"source": "From", "target": "To", "amount": "Amount (£)",
                                 "kind": "Flow"})
    return ChartSpec(figure=fig, title=title,
                     subtitle=words.subtitle("NVCRP grants, allocations and spend"),
                     source=_source(words, illustrative_split), alt=alt, data=data,
                     name="funding-flows")


def spend_against_allocation(rows: pd.DataFrame, words: Words, by: str = "pillar", *,
                             illustrative_split: bool = False) -> ChartSpec:
    """Allocated and spent bars per pillar or recipient, from
    ``metrics.funding.spend_against_allocation``."""
    fig = go.Figure()
    for column, colour in (("allocated", PALETTE[0]), ("spent", PALETTE[1])):
        fig.add_bar(y=list(rows["name"]), x=list(rows[column]), orientation="h",
                    name=column.capitalize(), marker_color=colour,
                    text=[fmt_money(v) for v in rows[column]], textposition="outside",
                    cliponaxis=False, hovertemplate="%{y}: %{text}<extra>" + column + "</extra>")
    height = max(300, 88 * len(rows) + 110)     # room for names wrapped onto lines
    base_layout(fig, height=height)
    fig.update_layout(barmode="group", margin={"l": 10, "r": 90, "t": 10, "b": 10},
                      legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0})
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(title="Pounds", tickprefix="£", tickformat=",.0f")  # GOV.UK: no '50k'
    wrap_categories(fig, rows["name"])
    values_beside_bars(fig, [str(t) for trace in fig.data for t in trace.text],
                       float(rows[["allocated", "spent"]].max().max()))
    funded = rows[rows["allocated"] > 0]
    if funded.empty:
        title = "No allocations are recorded"
    else:
        lowest = funded.sort_values(["share_spent", "allocated"], ascending=[True, False]).iloc[0]
        title = (f"{lowest['name']} has spent the smallest share of its allocation "
                 f"({fmt_percent(lowest['share_spent'])})")
    noun = "pillar" if by == "pillar" else "recipient"
    alt = (f"Bar chart of allocation and spend per {noun}: " + "; ".join(
        f"{r.name} {fmt_money(r.spent)} spent of {fmt_money(r.allocated)}"
        for r in rows.itertuples()) + ".")
    data = rows[["name", "allocated", "spent", "share_spent"]].rename(columns={
        "name": noun.capitalize(), "allocated": "Allocated (£)", "spent": "Spent (£)",
        "share_spent": "Share spent"})
    return ChartSpec(figure=fig, title=title,
                     subtitle=words.subtitle(f"Spend against allocation per {noun}"),
                     source=_source(words, illustrative_split), alt=alt, data=data,
                     name=f"spend-against-allocation-{noun}")
