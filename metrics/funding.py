"""Grants, their allocations and the spend reported against them, as at a date.

Spend returns belong to a grant recipient and a period, so funding figures use the as-at rule
alone (``current_submissions``): the operation filter applies only to the indicative
cost-effectiveness figures and to the funded local operations. Allocations below a public grant
total are illustrative (``allocation.illustrative``, ``force_bid.illustrative``): the split is
not public.

The NVCRP grants are the headline; other funding is shown apart (issue 9: a third tile for the
2024-25 port enforcement money read as £945,000 of grants against the published "nearly
£700,000 in two grants"). A grant is an NVCRP grant when the partnership allocates it to the
strategy's pillars or receives spend returns against it; money with neither is funding for
related work that the partnership does not manage, and is never added to the grants' total.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from metrics.charts.style import Words
from metrics.derived import derived_values
from metrics.format import NOT_RECORDED, fmt_count, fmt_date, fmt_money
from metrics.query import total_of
from metrics.registry import METRICS
from metrics.scope import (
    AGGREGATE,
    SCOPE,
    Filters,
    Params,
    combine_qualifiers,
    frame,
    params_for,
    statement,
)

# Recipients that are not forces: shown by name, not by code.
RECIPIENT_NAMES = {"opal": "Opal", "navcis": "NaVCIS", "nvcrp": "NVCRP",
                   "police-cpi": "Police CPI"}
ACHIEVED = ("arrests", "vehicles_recovered", "value_recovered_gbp")
CAVEAT = ("Indicative only: grants fund additional costs alone (overtime, equipment, fees), "
          "while results also come from core policing that no grant pays for.")

SPEND = """,
spend AS (
    SELECT l.allocation_ref, s.grant_ref, s.submitter, l.pillar,
           CAST(sum(l.amount_gbp) AS DOUBLE) AS spent
    FROM spend_line l JOIN current_submissions s ON s.id = l.submission_id
    WHERE s.return_kind = 'spend-return'
    GROUP BY ALL
)"""

ALLOCATIONS = """
SELECT a.ref, a.grant_ref, a.purpose, a.recipient, coalesce(f.short_name, a.recipient)
           AS recipient_name, a.pillar, p.name AS pillar_name, p.confirmed, p.sort_order,
       a.operation,
       CAST(a.amount_gbp AS DOUBLE) AS allocated, coalesce(sum(sp.spent), 0) AS spent,
       a.illustrative
FROM allocation a LEFT JOIN force f ON f.code = a.recipient
LEFT JOIN pillar p ON p.code = a.pillar
LEFT JOIN spend sp ON sp.allocation_ref = a.ref
GROUP BY ALL
UNION ALL
SELECT NULL, sp.grant_ref, 'Spend not matched to an allocation', sp.submitter,
       coalesce(f.short_name, sp.submitter), sp.pillar, p.name, p.confirmed, p.sort_order,
       NULL,
       0.0, sum(sp.spent), false
FROM spend sp LEFT JOIN force f ON f.code = sp.submitter LEFT JOIN pillar p ON p.code = sp.pillar
WHERE sp.allocation_ref IS NULL OR sp.allocation_ref NOT IN (SELECT ref FROM allocation)
GROUP BY ALL
ORDER BY grant_ref, ref NULLS LAST"""

GRANTS = """,
allocated AS (
    SELECT grant_ref, CAST(sum(amount_gbp) AS DOUBLE) AS allocated,
           bool_or(illustrative) AS illustrative
    FROM allocation GROUP BY grant_ref
),
spent AS (SELECT grant_ref, sum(spent) AS spent FROM spend GROUP BY grant_ref)
SELECT g.ref, g.name, g.funder, CAST(g.amount_gbp AS DOUBLE) AS amount, g.financial_year,
       g.public_total, g.source, coalesce(a.allocated, 0) AS allocated,
       coalesce(s.spent, 0) AS spent, coalesce(a.illustrative, false) AS illustrative,
       a.grant_ref IS NOT NULL OR s.grant_ref IS NOT NULL AS nvcrp_grant
FROM grant_fund g LEFT JOIN allocated a ON a.grant_ref = g.ref
LEFT JOIN spent s ON s.grant_ref = g.ref
ORDER BY g.financial_year DESC, g.ref"""

LOCAL = """,
local_spend AS (
    SELECT s.submitter, CAST(sum(l.amount_gbp) AS DOUBLE) AS spent
    FROM spend_line l JOIN current_submissions s ON s.id = l.submission_id
    WHERE s.return_kind = 'spend-return' AND l.operation = $local_op
    GROUP BY s.submitter
),
achieved AS (
    SELECT s.submitter, v.measure,"""

LOCAL_TAIL = """
    FROM value v JOIN current_submissions s ON s.id = v.submission_id
    WHERE s.return_kind = 'force-return' AND s.operation = $local_op
      AND v.day IS NULL AND v.port IS NULL AND list_contains($measures::VARCHAR[], v.measure)
    GROUP BY s.submitter, v.measure
),
wide AS (
    SELECT submitter,
        any_value(value) FILTER (WHERE measure = 'arrests') AS arrests,
        any_value(qualifier) FILTER (WHERE measure = 'arrests') AS arrests_qualifier,
        any_value(value) FILTER (WHERE measure = 'vehicles_recovered') AS vehicles_recovered,
        any_value(qualifier) FILTER (WHERE measure = 'vehicles_recovered')
            AS vehicles_recovered_qualifier,
        any_value(value) FILTER (WHERE measure = 'value_recovered_gbp') AS value_recovered_gbp,
        any_value(qualifier) FILTER (WHERE measure = 'value_recovered_gbp')
            AS value_recovered_gbp_qualifier
    FROM achieved GROUP BY submitter
)
SELECT b.force_code, f.short_name AS force_name, b.grant_ref, b.operation,
       CAST(b.amount_bid_gbp AS DOUBLE) AS bid, CAST(b.amount_awarded_gbp AS DOUBLE) AS awarded,
       coalesce(ls.spent, 0) AS spent, w.submitter IS NOT NULL AS reported,
       w.arrests, coalesce(w.arrests_qualifier, 'not_recorded') AS arrests_qualifier,
       w.vehicles_recovered,
       coalesce(w.vehicles_recovered_qualifier, 'not_recorded') AS vehicles_recovered_qualifier,
       w.value_recovered_gbp,
       coalesce(w.value_recovered_gbp_qualifier, 'not_recorded') AS value_recovered_gbp_qualifier,
       b.illustrative
FROM force_bid b JOIN force f ON f.code = b.force_code
LEFT JOIN local_spend ls ON ls.submitter = b.force_code
LEFT JOIN wide w ON w.submitter = b.force_code
WHERE b.grant_ref = (SELECT parent FROM operation WHERE code = $local_op)
ORDER BY f.short_name"""


def _params(as_at: date) -> Params:
    # Funding figures follow the as-at rule alone: no operation, force or region narrows them.
    return params_for(Filters(operation=None, as_at=as_at))


def allocation_spend(con: duckdb.DuckDBPyConnection, as_at: date) -> pd.DataFrame:
    """One row per allocation with the spend reported against it, plus unmatched spend.

    Columns: ref, grant_ref, purpose, recipient, recipient_name, pillar, pillar_name,
    confirmed, sort_order, operation, allocated, spent, illustrative, pillar_label.
    """
    found = frame(con, statement(SCOPE, SPEND, ALLOCATIONS), _params(as_at))
    found["pillar_label"] = [pillar_label(c, n, k) for c, n, k in
                             zip(found["pillar"], found["pillar_name"], found["confirmed"],
                                 strict=True)]
    named = found["recipient"].map(RECIPIENT_NAMES)
    found["recipient_name"] = named.fillna(found["recipient_name"])
    return found


def grants(con: duckdb.DuckDBPyConnection, as_at: date) -> pd.DataFrame:
    """Each grant: ref, name, funder, amount, financial_year, public_total, source, allocated,
    spent, illustrative (its allocations are an invented split), nvcrp_grant (allocated to
    pillars or reported on in spend returns; otherwise other funding)."""
    return frame(con, statement(SCOPE, SPEND, GRANTS), _params(as_at))


def nvcrp_grants(found_grants: pd.DataFrame) -> pd.DataFrame:
    """Only the NVCRP grants of a ``grants`` table."""
    return found_grants[found_grants["nvcrp_grant"].astype(bool)]


OTHER_FUNDING = ("Funding for related work that the NVCRP does not allocate to the strategy's "
                 "pillars or track with spend returns. It is not part of the NVCRP grants and "
                 "is not added to their total.")


@dataclass(frozen=True)
class Tile:
    """One figure of the funding page, in words."""

    label: str
    value: str                        # GOV.UK style, in full: '£485,000'
    note: str = ""
    help: str = ""


@dataclass(frozen=True)
class FundingTiles:
    total: Tile | None                # the NVCRP grants together (None when there are none)
    grants: tuple[Tile, ...]          # each NVCRP grant
    unpublished: str                  # why an amount that is not published on its own is shown
    other: tuple[Tile, ...]           # other funding, shown apart


def _first_lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def funding_tiles(found_grants: pd.DataFrame) -> FundingTiles:
    """The grants as tiles: the NVCRP grants' total, each grant, then other funding apart.

    A grant whose amount is not published on its own (``public_total`` false) keeps its
    amount, and the reason it is known is said once beside the grants, from its source."""
    ours = nvcrp_grants(found_grants)
    others = found_grants[~found_grants["nvcrp_grant"].astype(bool)]
    tiles = tuple(Tile(_short(g.name), fmt_money(g.amount),
                       f"{fmt_money(g.allocated)} allocated, {fmt_money(g.spent)} spent",
                       f"{g.name}. Funder: {g.funder}. Financial year {g.financial_year}. "
                       f"Source: {g.source}.")
                  for g in ours.itertuples())
    total = None
    if len(ours):
        names = [t.label for t in tiles]
        total = Tile("NVCRP grants", fmt_money(float(ours["amount"].sum())),
                     f"{' and '.join(names) if len(names) < 3 else f'{len(names)} grants'} "
                     "together",
                     "The grants the NVCRP allocates to the strategy's pillars and tracks with "
                     "spend returns. " + " ".join(f"{t.label}: {s}." for t, s in
                                                   zip(tiles, ours["source"], strict=True)))
    unpublished = " ".join(f"{_short(g.name)}'s amount is not published on its own: "
                           f"{_first_lower(str(g.source))}."
                           for g in ours.itertuples() if not g.public_total)
    other = tuple(Tile(str(g.name), fmt_money(g.amount),
                       f"{g.funder}, {g.financial_year}. Not an NVCRP grant.",
                       f"Source: {g.source}. {OTHER_FUNDING}")
                  for g in others.itertuples())
    return FundingTiles(total, tiles, unpublished, other)


def spend_against_allocation(con: duckdb.DuckDBPyConnection, as_at: date,
                             by: str = "pillar") -> pd.DataFrame:
    """Allocated and spent per pillar or per recipient: key, name, allocated, spent, share_spent,
    illustrative."""
    rows = allocation_spend(con, as_at)
    key, name = ("pillar", "pillar_label") if by == "pillar" else ("recipient", "recipient_name")
    if rows.empty:
        return pd.DataFrame(columns=["key", "name", "allocated", "spent", "share_spent",
                                     "illustrative"])
    rows["order"] = rows["sort_order"] if by == "pillar" else -rows["allocated"]
    grouped = rows.groupby([key, name], dropna=False, as_index=False).agg(
        allocated=("allocated", "sum"), spent=("spent", "sum"),
        illustrative=("illustrative", "any"), order=("order", "min"))
    grouped = grouped.rename(columns={key: "key", name: "name"}).sort_values("order")
    share = grouped["spent"] / grouped["allocated"].where(grouped["allocated"] > 0)
    grouped["share_spent"] = share
    return grouped.drop(columns=["order"]).reset_index(drop=True)


def pillar_label(code: str, name: Any, confirmed: Any) -> str:
    """'P2 Disrupting organised criminal networks'; an unconfirmed pillar 'P5 (to be confirmed)'."""
    if name is None or pd.isna(name):
        return str(code)
    if not pd.isna(confirmed) and not confirmed:
        return f"{code} ({str(name)[0].lower()}{str(name)[1:]})"
    return f"{code} {name}"


def _short(name: str) -> str:
    """'Grant 1: week of action, …' → 'Grant 1'."""
    return name.split(":", 1)[0].strip()


def funding_flows(con: duckdb.DuckDBPyConnection, as_at: date) -> pd.DataFrame:
    """Links for a grants → pillars → spend diagram: source, target, amount, kind.

    kind is 'allocated' (grant to pillar), 'unallocated' (grant total not yet allocated),
    'spent' or 'unspent' (pillar to spend). Over-spent pillars have no 'unspent' link.
    """
    # Only the NVCRP grants flow through the pillars: other funding is shown apart.
    found_grants = nvcrp_grants(grants(con, as_at))
    rows = allocation_spend(con, as_at)
    names = {r.ref: _short(r.name) for r in found_grants.itertuples()}
    links: list[dict[str, Any]] = []
    if not rows.empty:
        rows = rows.sort_values(["grant_ref", "sort_order"], kind="stable")
        for (grant, pillar), part in rows.groupby(["grant_ref", "pillar_label"], sort=False):
            if part["allocated"].sum() > 0:
                links.append({"source": names.get(grant, grant), "target": pillar,
                              "amount": float(part["allocated"].sum()), "kind": "allocated"})
        by_pillar = rows.groupby("pillar_label", sort=False)[["allocated", "spent"]].sum()
        for pillar, sums in by_pillar.iterrows():
            links.append({"source": pillar, "target": "Spent", "amount": float(sums["spent"]),
                          "kind": "spent"})
            links.append({"source": pillar, "target": "Not yet spent",
                          "amount": float(max(sums["allocated"] - sums["spent"], 0.0)),
                          "kind": "unspent"})
    for grant in found_grants.itertuples():
        links.append({"source": names[grant.ref], "target": "Not allocated",
                      "amount": float(max(grant.amount - grant.allocated, 0.0)),
                      "kind": "unallocated"})
    flows = pd.DataFrame(links, columns=["source", "target", "amount", "kind"])
    return flows[flows["amount"] > 0].reset_index(drop=True)


def local_operation(con: duckdb.DuckDBPyConnection) -> str | None:
    """The most recent funded local operation's code, or None."""
    rows = con.execute("SELECT code FROM operation WHERE kind = 'local' "
                       "ORDER BY start_date DESC, code LIMIT 1").fetchall()
    return str(rows[0][0]) if rows else None


def local_operations(con: duckdb.DuckDBPyConnection, as_at: date,
                     operation: str) -> pd.DataFrame:
    """Every force that bid for the local operation's grant: bid, awarded, spent, what it achieved.

    Spent is the force's spend lines for the operation; achieved is its force return for the
    operation (arrests, vehicles_recovered, value_recovered_gbp with qualifiers).
    """
    params = _params(as_at)
    params.update(local_op=operation, measures=list(ACHIEVED))
    return frame(con, statement(SCOPE, LOCAL, AGGREGATE, LOCAL_TAIL), params)


def local_operations_total(rows: pd.DataFrame) -> dict[str, Any]:
    """Totals of the local operations table: money summed; results with the qualifier rule."""
    total: dict[str, Any] = {name: float(rows[name].sum()) for name in ("bid", "awarded", "spent")}
    total["forces_bidding"] = len(rows)
    total["forces_awarded"] = int((rows["awarded"] > 0).sum())
    total["forces_reporting"] = int(rows["reported"].sum())
    for measure in ACHIEVED:
        known = rows[rows[measure].notna()]
        total[measure] = float(known[measure].sum()) if len(known) else None
        total[f"{measure}_qualifier"] = combine_qualifiers(rows[f"{measure}_qualifier"])
    return total


def local_operations_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The local operations as text for a table, GOV.UK style, with a closing Total row."""
    def line(force: str, r: Any) -> dict[str, str]:
        # A force with no award ran no funded operation; one awarded but silent owes a return.
        gap = "no award" if not r["awarded"] else "no return yet"
        achieved = {
            "Arrests": fmt_count(r["arrests"], r["arrests_qualifier"]),
            "Vehicles recovered": fmt_count(r["vehicles_recovered"],
                                            r["vehicles_recovered_qualifier"]),
            "Value recovered": fmt_money(r["value_recovered_gbp"],
                                         r["value_recovered_gbp_qualifier"]),
        }
        return {
            "Force": force, "Bid": fmt_money(r["bid"]), "Awarded": fmt_money(r["awarded"]),
            "Spent": fmt_money(r["spent"]),
            **{k: gap if v == NOT_RECORDED else v for k, v in achieved.items()},
            "Illustrative": "yes" if r["illustrative"] else "no",
        }

    lines = [line(str(r["force_name"]), r) for _, r in rows.iterrows()]
    if len(rows):
        total = local_operations_total(rows)
        total["illustrative"] = bool(rows["illustrative"].any())
        lines.append(line("Total", total))
    return pd.DataFrame(lines, columns=["Force", "Bid", "Awarded", "Spent", "Arrests",
                                        "Vehicles recovered", "Value recovered", "Illustrative"])


def cost_effectiveness(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, Any]:
    """Indicative value recovered per £1 spent and spend per arrest for the chosen operation.

    Returns spend, value recovered and arrests with qualifiers, the two ratios with theirs,
    and the caveats to print beside them.
    """
    derived = derived_values(con, filters).set_index("metric")
    result: dict[str, Any] = {"spend": total_spend_figure(derived)}
    for name in ("value_recovered_gbp", "arrests"):
        result[name] = total_of(con, filters, name)
    for name in ("value_recovered_per_gbp_spent", "cost_per_arrest"):
        value = derived.loc[name, "value"] if name in derived.index else None
        qualifier = derived.loc[name, "qualifier"] if name in derived.index else "not_recorded"
        result[name] = (None if value is None or pd.isna(value) else float(value),
                        str(qualifier))
    if not result["spend"][0]:
        # No spend reported for the operation: a 'cost' of £0 per arrest would mislead.
        result["cost_per_arrest"] = (None, "not_recorded")
    result["text"] = {
        "spend": fmt_money(*result["spend"]) if result["spend"][0] else "none reported",
        "value_recovered_gbp": fmt_money(*result["value_recovered_gbp"]),
        "arrests": fmt_count(*result["arrests"]),
        "value_recovered_per_gbp_spent": _pounds(result["value_recovered_per_gbp_spent"], 2),
        "cost_per_arrest": _pounds(result["cost_per_arrest"], 0),
    }
    result["caveat"] = CAVEAT
    result["caveats"] = tuple(METRICS[n].caveat for n in ("value_recovered_per_gbp_spent",
                                                          "cost_per_arrest"))
    return result


def total_spend_figure(derived: pd.DataFrame) -> tuple[float | None, str]:
    """(spend, qualifier) from a derived-values table; spend lines are always exact."""
    if "spend_gbp" not in derived.index or pd.isna(derived.loc["spend_gbp", "value"]):
        return None, "not_recorded"
    return float(derived.loc["spend_gbp", "value"]), "exact"


def funding_words(found_grants: pd.DataFrame, as_at: date, illustrative: bool) -> Words:
    """Chart words for the NVCRP grants: their financial years and the as-at date."""
    ours = nvcrp_grants(found_grants) if "nvcrp_grant" in found_grants else found_grants
    years = sorted(set(ours["financial_year"])) if len(ours) else []
    period = "financial years " + " and ".join(years) if years else "no grants recorded"
    return Words(operation="NVCRP grants", period=period, as_at=fmt_date(as_at),
                 illustrative=illustrative)


def _pounds(figure: tuple[float | None, str], places: int) -> str:
    """A ratio in pounds: '£6.89' per £1 spent, 'about £1,318' per arrest."""
    value, qualifier = figure
    if value is None:
        return NOT_RECORDED
    return fmt_money(round(value, places) if places else round(value), qualifier)


def spend_sources_table(lines: pd.DataFrame) -> pd.DataFrame:
    """The spend lines behind the figures, located by file, sheet and row."""
    return pd.DataFrame({
        "Recipient": lines["submitter"].map(RECIPIENT_NAMES).fillna(lines["submitter"]),
        "File": lines["original_name"].astype(str),
        "Version": lines["version"].astype(str),
        "Sheet": lines["sheet"].astype(str),
        "Row": lines["row"].astype(str),
        "Pillar": lines["pillar"].astype(str),
        "Operation": lines["operation"].fillna("").astype(str),
        "Category": lines["category"].astype(str),
        "Amount": [fmt_money(v) for v in lines["amount_gbp"]],
    })
