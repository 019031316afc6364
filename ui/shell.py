"""``page_setup()``: the first call of every page.

It sets the page up, opens the cached connection, draws the protective-marking banner, signs
the person in (or stops at the sign-in form) and checks their role may open the page, draws a
menu of the pages that role may use and the sidebar filters (kept in the URL by
``ui.url_state``, so the menu's links and a copied address show the same view), and hands the
page a ``PageContext`` holding everything it needs to ask the metrics layer for figures —
within what that person may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from metrics import query
from metrics.query import Filters
from store.connection import data_version
from store.settings import ROOT, settings
from ui import auth, cache, page_style, roles, url_state
from ui.connection import cursor, person_cursor

# (file, label, icon) — the menu, in order. Every file here calls page_setup first.
PAGES = (
    ("dashboard.py", "Home", ":material/home:"),
    ("pages/1_Operation.py", "Operation", ":material/local_police:"),
    ("pages/2_Forces.py", "Forces", ":material/map:"),
    ("pages/3_Pillars_and_funding.py", "Pillars and funding", ":material/account_balance:"),
    ("pages/4_Returns_tracker.py", "Returns tracker", ":material/fact_check:"),
    ("pages/5_Upload_returns.py", "Upload returns", ":material/upload_file:"),
    ("pages/8_Audit.py", "Audit log", ":material/policy:"),
    ("pages/9_Admin.py", "Administration", ":material/admin_panel_settings:"),
)


@dataclass(frozen=True)
class PageContext:
    con: duckdb.DuckDBPyConnection
    filters: Filters
    version: int                      # the data version: latest upload id
    illustrative: bool                # the database holds demo data
    operation_name: str | None
    user: auth.User                   # the signed-in person: role, forces, visible operations

    def q(self, fn, *args):  # type: ignore[no-untyped-def]
        """A cached metric query: ``ctx.q(query.by_force, ctx.filters, "arrests")``.

        Cached per access scope, so nobody is served a result computed for someone who may
        see more (restricted operations).
        """
        return cache.cached(fn, self.con, self.version, *args, scope=self.user.scope())


def page_setup(title: str, *, filters: bool = True) -> PageContext:
    # Our own drawing, sent inline as SVG: a material icon as favicon is fetched from Google's
    # font host, and nothing may be fetched from outside (issue 9).
    st.set_page_config(page_title=f"{title} · NVCRP operation results", layout="wide",
                       page_icon=ROOT / "ui" / "page_icon.svg")
    raw = cursor()
    version = data_version(raw)
    _marking_banner()
    page_style.apply()   # date box target size, cards that wrap (issue 9)
    user = auth.gate(auth.current_page_file(), raw)
    # From here on the page reads only what this person may see: restricted operations they
    # have not been granted are absent from every query (store.operation_access.scoped).
    con = person_cursor(user.role, user.operations, user.name)
    menu = st.sidebar.container()     # drawn once the filters are known: its links carry them
    auth.sign_out_button(user, con)
    ops = cache.cached(query.operations, con, version)
    illustrative = bool(cache.cached(query.is_illustrative, con, version))
    url_state.follow_link()
    chosen = _sidebar_filters(ops, con, version) if filters else _no_filters(ops)
    _menu(menu, user)
    if illustrative:
        st.warning("Illustrative demo data: these figures are invented for demonstration and "
                   "are not real operational results.", icon=":material/science:")
    name = None
    if chosen.operation is not None and not ops.empty:
        match = ops.loc[ops["code"] == chosen.operation, "name"]
        name = str(match.iloc[0]) if len(match) else None
    return PageContext(con=con, filters=chosen, version=version, illustrative=illustrative,
                       operation_name=name, user=user)


def _marking_banner() -> None:
    marking = settings().marking
    # Our own constant, not user input, so HTML here cannot carry anything from a file.
    st.html(
        f'<div role="note" aria-label="Protective marking" style="background:#0b0c0c;'
        f'color:#fff;font-weight:700;text-align:center;padding:4px 0;letter-spacing:.08em;">'
        f"{marking}</div>"
    )


def _menu(menu, user: auth.User) -> None:  # type: ignore[no-untyped-def]
    with menu:
        st.markdown("**NVCRP operation results**")
        for path, label, icon in PAGES:
            if not (ROOT / path).exists() or not roles.can_open(user.role, path):
                continue   # a page not installed, or one this role may not use
            try:
                # The link carries the operation, date, regions and forces (issue 9).
                st.page_link(path, label=label, icon=icon,
                             query_params=url_state.link_params())
            except StreamlitPageNotFoundError:
                # A page run on its own as the entry file (as tests do) has no multipage
                # app around it to link to; the page itself still works.
                continue
        st.divider()


def _sidebar_filters(ops, con, version) -> Filters:  # type: ignore[no-untyped-def]
    """The operation, date, regions and forces: shown by name, kept in the URL by code."""
    codes = list(ops["code"]) if not ops.empty else []
    names = dict(zip(ops["code"], ops["name"], strict=False)) if codes else {}
    with st.sidebar:
        st.markdown("**Filters**")
        op = url_state.choose(st.selectbox, "Operation", codes, key="op", names=names,
                              default=_default_operation(ops), persist_state="session",
                              placeholder="No operations loaded")
        as_at = url_state.date_field("Figures as at",
                                     help="Each return counts at its latest version stated as "
                                          "at this date or earlier.")
        regions = cache.cached(query.regions, con, version)
        region_names = dict(zip(regions["code"], regions["name"], strict=False))
        chosen_regions = url_state.choose(st.multiselect, "Regions", list(region_names),
                                          key="region", names=region_names, multi=True,
                                          persist_state="session", placeholder="All regions")
        forces = cache.cached(query.forces, con, version)
        if chosen_regions:
            forces = forces[forces["region"].isin(chosen_regions)]
        force_names = dict(zip(forces["code"], forces["short_name"], strict=False))
        chosen_forces = url_state.choose(st.multiselect, "Forces", list(force_names),
                                         key="force", names=force_names, multi=True,
                                         persist_state="session", placeholder="All forces")
    return Filters(operation=op, as_at=as_at, regions=tuple(chosen_regions),
                   forces=tuple(chosen_forces))


def _no_filters(ops) -> Filters:  # type: ignore[no-untyped-def]
    """A page without the filters still keeps them in its URL, for the menu's links."""
    url_state.keep_shared(list(ops["code"]) if not ops.empty else [])
    return Filters(operation=None, as_at=date.today())


def _default_operation(ops) -> str | None:  # type: ignore[no-untyped-def]
    """The most recent national week of action, else the most recent operation."""
    if ops.empty:
        return None
    weeks = ops[ops["kind"] == "week-of-action"]
    pool = weeks if not weeks.empty else ops
    return str(pool.sort_values("start_date").iloc[-1]["code"])
