"""Charts of one operation's results: by day, by force, by pillar, at ports, against the
previous week of action and against published figures.

Each builder is a plain function of the tables the metrics layer returns (see
``metrics.results`` and ``metrics.stages``) and the chart ``Words``; the title is worked out
from the data. Pages and briefing packs call the same builders.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from metrics import comparison
from metrics.charts.style import (
    CONTEXT,
    LABEL_PX,
    PALETTE,
    SOURCE_ONS,
    ChartSpec,
    Words,
    base_layout,
    label_lines,
    values_beside_bars,
    wrap_categories,
)
from metrics.format import fmt_date, fmt_number, fmt_value

PER_1000 = "per_1000_offences"


def _empty(words: Words, what: str, name: str) -> ChartSpec:
    fig = base_layout(go.Figure(), height=200, legend=False)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return ChartSpec(figure=fig, title=f"No {what} held for this selection",
                     subtitle=words.subtitle(what[0].upper() + what[1:]), source=words.source(),
                     alt=f"No {what} are held for this selection.", data=pd.DataFrame(), name=name)


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if text else text


def _and(labels: list[str]) -> str:
    """'Arrests and stolen vehicles recovered': later labels start lower case."""
    return " and ".join([labels[0], *(_lower_first(x) for x in labels[1:])]) if labels else ""


def _rate_text(value: float) -> str:
    return fmt_number(value, 2)


def by_day_chart(df: pd.DataFrame, words: Words) -> ChartSpec:
    """Bars per day of the week for each measure in ``stages.daily``; 'After the week' hatched."""
    if df.empty:
        return _empty(words, "daily figures", "by-day")
    order = list(dict.fromkeys(df["period"]))
    fig = go.Figure()
    for i, (label, group) in enumerate(df.groupby("label", sort=False)):
        fig.add_bar(
            x=group["period"], y=group["value"], name=str(label),
            marker={"color": PALETTE[i % len(PALETTE)],
                    "pattern": {"shape": ["/" if a else "" for a in group["after"]]}},
            text=[fmt_value(v, "count") for v in group["value"]], textposition="outside",
            hovertemplate="%{x}: %{text} " + _lower_first(str(label)) + "<extra></extra>",
        )
    if bool(df["after"].any()):
        # A key for the hatching: no bar of its own, and it shares the first measure's place
        # in each group so the real bars keep their width.
        fig.add_bar(x=[None], y=[None], name="After the week", offsetgroup="0",
                    marker={"color": "white", "line": {"color": PALETTE[4], "width": 1},
                            "pattern": {"shape": "/", "fgcolor": PALETTE[4]}},
                    hoverinfo="skip", showlegend=True)
        for i, trace in enumerate(fig.data[:-1]):
            trace.offsetgroup = str(i)
    base_layout(fig)
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": 1.08, "x": 0})
    fig.update_xaxes(categoryorder="array", categoryarray=order)
    fig.update_yaxes(title={"text": "Number", "font": {"size": LABEL_PX + 1}})
    # Values over thin bars at their size, not shrunk to the bar's width (a phone's bars).
    fig.update_traces(textfont={"size": LABEL_PX - 1}, constraintext="none",
                      selector={"type": "bar"})
    first = df[(df["measure"] == df["measure"].iloc[0]) & ~df["after"]]
    label = str(df["label"].iloc[0])
    if first.empty:
        title = f"{label} were all recorded after the week"
    else:
        peak = first.loc[first["value"].idxmax()]
        title = f"{label} peaked on {peak['day']:%A} {fmt_date(peak['day'])}"
    after = df[df["after"]]
    days = df[~df["after"]].sort_values("value", ascending=False).head(3)
    alt = "; ".join(f"{r.label}: {fmt_value(r.value, 'count')} on {r.period}"
                    for r in days.itertuples())
    if not after.empty:
        alt += ". After the week: " + ", ".join(
            f"{fmt_value(r.value, 'count')} {_lower_first(r.label)}" for r in after.itertuples())
    return ChartSpec(figure=fig, title=title,
                     subtitle=words.subtitle(_and(list(dict.fromkeys(df["label"]))) + " by day"),
                     source=words.source(), alt=f"Bar chart by day. Highest: {alt}.",
                     data=df[["period", "label", "value", "qualifier", "after"]], name="by-day")


def by_force_chart(df: pd.DataFrame, words: Words, measure_label: str, *,
                   column: str = "value", unit: str = "count") -> ChartSpec:
    """Horizontal bars per reporting force, largest at the top; ``column`` is 'value' or
    'per_1000_offences' (then the ONS source is added)."""
    rate = column == PER_1000
    shown = df[df[column].notna()].sort_values(column, ascending=True)
    if shown.empty:
        return _empty(words, f"{_lower_first(measure_label)} figures", "by-force")
    texts = [_rate_text(v) if rate else fmt_value(v, unit, q)
             for v, q in zip(shown[column], shown["qualifier"], strict=True)]
    fig = go.Figure(go.Bar(x=shown[column], y=shown["force_name"], orientation="h",
                           marker_color=PALETTE[0], text=texts, textposition="outside",
                           cliponaxis=False,
                           hovertemplate="%{y}: %{text}<extra></extra>"))
    base_layout(fig, height=max(260, 24 * len(shown) + 60), legend=False)
    # 'Hampshire and Isle of Wight' on two lines: a half-width chart keeps it whole.
    wrap_categories(fig, shown["force_name"], width=20, size=12)
    values_beside_bars(fig, texts, float(shown[column].max()))
    top = shown.iloc[-1]
    what = _lower_first(measure_label)
    if rate:
        measure = f"{measure_label} per 1,000 recorded vehicle offences"
        title = f"{top['force_name']} had the most {what} for its level of vehicle crime"
        source = words.source(SOURCE_ONS)
    else:
        measure, title, source = measure_label, f"{top['force_name']} had the most {what}", \
            words.source()
    if len(shown) == 1:     # one force chosen: 'the most' would compare it with nothing
        title = f"{top['force_name']}: {texts[-1]} {what}" + (
            " per 1,000 recorded vehicle offences" if rate else "")
    leaders = shown.iloc[::-1].head(3)
    alt = (f"Bar chart of {_lower_first(measure)} for {len(shown)} forces. Highest: "
           + "; ".join(f"{n} {t}" for n, t in zip(leaders["force_name"],
                                                 texts[::-1][:3], strict=True)) + ".")
    data = shown.iloc[::-1][["force_name", column, "qualifier"]].rename(
        columns={"force_name": "force", column: measure})
    return ChartSpec(figure=fig, title=title, subtitle=words.subtitle(measure), source=source,
                     alt=alt, data=data.reset_index(drop=True),
                     name=f"by-force{'-per-1000' if rate else ''}")


def by_pillar_chart(df: pd.DataFrame, words: Words) -> ChartSpec:
    """Count measures added up per pillar (``stages.pillar_activity``), labels from the store."""
    if df.empty or float(df["count_total"].sum()) == 0:
        return _empty(words, "activity by pillar", "by-pillar")
    shown = df.iloc[::-1]
    texts = [fmt_value(v, "count", q) for v, q in zip(shown["count_total"], shown["qualifier"],
                                                       strict=True)]
    fig = go.Figure(go.Bar(x=shown["count_total"], y=shown["label"], orientation="h",
                           marker_color=[PALETTE[0] if v > 0 else CONTEXT
                                         for v in shown["count_total"]],
                           text=texts, textposition="outside", cliponaxis=False,
                           hovertemplate="%{y}: %{text}<extra></extra>"))
    base_layout(fig, height=max(320, 72 * len(shown) + 40), legend=False)
    wrap_categories(fig, shown["label"])
    values_beside_bars(fig, texts, float(df["count_total"].max()))
    top = df.loc[df["count_total"].idxmax()]
    alt = "Bar chart of activity by pillar: " + "; ".join(
        f"{label} {fmt_value(v, 'count', q)}" for label, v, q in
        zip(df["label"], df["count_total"], df["qualifier"], strict=True)) + "."
    return ChartSpec(figure=fig, title=f"Most recorded activity was under {top['label']}",
                     subtitle=words.subtitle("Count measures added together, by pillar"),
                     source=words.source(), alt=alt,
                     data=df[["label", "count_total", "qualifier"]].rename(
                         columns={"label": "pillar", "count_total": "activity"}),
                     name="by-pillar")


def ports_chart(df: pd.DataFrame, words: Words) -> ChartSpec:
    """Containers examined and vehicles recovered per port (``metrics.ports``)."""
    wanted = {"containers_examined": "Containers examined",
              "port_vehicles_recovered": "Vehicles recovered at ports"}
    present = [c for c in wanted if c in df.columns]
    if df.empty or not present:
        return _empty(words, "ports activity", "ports")
    shown = df.iloc[::-1]
    fig = go.Figure()
    for i, column in enumerate(present):
        values = shown[column].fillna(0)
        fig.add_bar(x=values, y=shown["port_name"], orientation="h", name=wanted[column],
                    marker_color=PALETTE[i], text=[fmt_value(v, "count") for v in values],
                    textposition="outside",
                    hovertemplate="%{y}: %{text} " + _lower_first(wanted[column]) + "<extra></extra>")
    base_layout(fig, height=max(280, 70 * len(shown)))
    # Horizontal groups stack the first trace lowest: reverse the legend to read top down.
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": 1.1, "x": 0,
                                               "traceorder": "reversed"})
    wrap_categories(fig, shown["port_name"])
    values_beside_bars(fig, [str(t) for trace in fig.data for t in trace.text],
                       float(max(shown[c].fillna(0).max() for c in present)))
    key = "port_vehicles_recovered" if "port_vehicles_recovered" in present else present[0]
    top = df.loc[df[key].fillna(0).idxmax()]
    alt = "Bar chart by port: " + "; ".join(
        f"{r['port_name']} {fmt_value(r.get('containers_examined'), 'count')} containers examined, "
        f"{fmt_value(r.get('port_vehicles_recovered'), 'count')} vehicles recovered"
        for _, r in df.iterrows()) + "."
    data = df[["port_name", *present]].rename(columns={"port_name": "port", **wanted})
    return ChartSpec(figure=fig, title=f"{top['port_name']} had the most "
                                       f"{_lower_first(wanted[key])}",
                     subtitle=words.subtitle("Containers examined and vehicles recovered, by port"),
                     source=words.source(), alt=alt, data=data, name="ports")


def _paired(rows: list[tuple[str, str, list[tuple[str, float, str]]]], names: list[str],
            ) -> go.Figure:
    """Small multiples: one row per measure, one bar per series, each row on its own scale."""
    fig = make_subplots(rows=len(rows), cols=1,
                        subplot_titles=[label_lines(r[0], 34) for r in rows],
                        vertical_spacing=min(0.5 / len(rows), 0.12))
    for i, (_, _, bars) in enumerate(rows, start=1):
        # Each row on its own scale; the printed values sit in the right margin beside it.
        longest = max((v for _, v, _ in bars), default=0) or 1
        fig.update_xaxes(range=[0, longest * 1.02], row=i, col=1)
        for j, (series, value, text) in enumerate(bars):
            fig.add_bar(x=[value], y=[series], orientation="h", text=[text],
                        textposition="outside", marker_color=PALETTE[j % len(PALETTE)],
                        name=series, showlegend=False, row=i, col=1,
                        hovertemplate=f"{series}: {text}<extra></extra>", cliponaxis=False)
    base_layout(fig, height=90 + 110 * len(rows), legend=False)
    fig.update_layout(margin={"t": 50})
    fig.update_xaxes(showticklabels=False, showgrid=False, ticks="")
    fig.update_yaxes(categoryorder="array", categoryarray=names[::-1])
    wrap_categories(fig, names, width=14)
    values_beside_bars(fig, [text for _, _, bars in rows for _, _, text in bars], None)
    fig.update_annotations(font={"size": LABEL_PX + 1}, x=0, xanchor="left", align="left")
    return fig


def compare_chart(df: pd.DataFrame, words: Words) -> ChartSpec:
    """Two operations' headline measures side by side (``stages.same_stage``)."""
    known = df[df["value"].notna()]
    if known.empty or known["operation"].nunique() < 2:
        return _empty(words, "figures for both operations", "compare")
    names = list(dict.fromkeys(df["operation_name"]))
    rows = []
    for measure, group in df.groupby("measure", sort=False):
        bars = [(str(r.operation_name), 0.0 if pd.isna(r.value) else float(r.value), str(r.text))
                for r in group.itertuples()]
        rows.append((str(group["label"].iloc[0]), str(measure), bars))
    fig = _paired(rows, names)
    old, new = names[0], names[-1]
    # One rule for every comparison (metrics.comparison): what rose, what fell, or mixed.
    title = comparison.title(comparison.of_table(df), new, old)
    alt = "Paired bar charts: " + "; ".join(
        f"{r[0]}: " + ", ".join(f"{s} {t}" for s, _, t in r[2]) for r in rows) + "."
    data = df.pivot(index="label", columns="operation_name", values="text").reset_index()
    return ChartSpec(figure=fig, title=title,
                     subtitle=words.subtitle("Headline measures compared"),
                     source=words.source(), alt=alt, data=data, name="compare")


def published_chart(df: pd.DataFrame, words: Words) -> ChartSpec:
    """Each published national figure beside the sum of the returns (``published_vs_returns``)."""
    if df.empty:
        return _empty(words, "published figures", "published")
    series = ["Published", f"Returns as at {words.as_at}"]
    rows = []
    for r in df.itertuples():
        stated = fmt_date(pd.Timestamp(r.stated_on).date())
        rows.append((f"{r.label} (published {stated})", str(r.measure), [
            (series[0], float(r.published_value),
             fmt_value(r.published_value, r.unit, r.published_qualifier)),
            (series[1], float(r.returns_value),
             fmt_value(r.returns_value, r.unit, r.returns_qualifier))]))
    fig = _paired(rows, series)
    behind = df[df["difference"] < 0]
    title = ("The returns now show at least as much as every published figure" if behind.empty
             else f"The returns are still below {len(behind)} published figure"
                  f"{'s' if len(behind) > 1 else ''}")
    alt = "Paired bar charts: " + "; ".join(
        f"{r[0]}: " + ", ".join(f"{s} {t}" for s, _, t in r[2]) for r in rows) + "."
    data = pd.DataFrame({"measure": df["label"], "published on": df["stated_on"],
                         "published": [b[2][0][2] for b in rows],
                         "returns": [b[2][1][2] for b in rows]})
    return ChartSpec(figure=fig, title=title,
                     subtitle=words.subtitle("Published national figures and sum of returns"),
                     source=words.source("NPCC press releases"), alt=alt, data=data,
                     name="published")
