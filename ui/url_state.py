"""The view's state lives in the URL, so a link shows exactly what its sender saw (issue 9).

Two kinds of state:

- **Shared** (``SHARED``): the operation, the as-at date, regions and forces. The sidebar
  filters hold it on every page and every internal link carries it: ``link_params()`` gives
  the query parameters for ``st.page_link``.
- **A page's own choices** (the Forces page's force, the measure shown): kept in that page's
  URL, so a copied address reopens the page as it was.

Which value wins on a run: a URL this session did not write itself (a link followed, a shared
address, the browser's back button) replaces what the session held; otherwise the widget's
value stands, and is written back to the URL. The URL holds codes, not labels
(``?op=OA2025&as_at=2026-03-02&force=kent``): short, and unchanged when a label is reworded;
a name typed by hand (``?focus_force=Kent``) is understood too. The date is always written out,
today's included, so a link copied today still shows today's figures tomorrow.

Streamlit's own ``bind="query-params"`` is not used: it writes labels, it cannot be written
by a link that changes the page, and with it a date typed just before a menu link was clicked
landed twice in the link's URL (``?as_at=2026-03-02&as_at=2025-10-29``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import streamlit as st

from ui import date_keys

SHARED = ("op", "as_at", "region", "force")     # in this order in every link
MULTI = frozenset({"region", "force"})          # repeated in the URL: ?force=kent&force=essex
WRITTEN = "_url_written"      # session key: {parameter: values this session last put in the URL}
UNREADABLE = "_url_unreadable_date"   # session key: True while a link's date could not be read
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")           # ISO as we write it; the UK form typed by hand

Values = tuple[str, ...]


def in_url(key: str, multi: bool = False) -> Values:
    """A parameter's values in the URL; several may be repeated or comma-separated."""
    raw = st.query_params.get_all(key)
    if not multi:
        return tuple(raw[-1:]) if raw and raw[-1] else ()
    return tuple(v for value in raw for v in value.split(",") if v)


def read_date(text: str) -> date | None:
    """A date as written in a URL (2026-03-02, or 02/03/2026 typed by hand), else None."""
    for form in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), form).date()
        except ValueError:
            continue
    return None


def _written() -> dict[str, Values]:
    return st.session_state.setdefault(WRITTEN, {})


def _write(key: str, values: Values) -> None:
    """Put ``values`` in the URL (only if they differ from it) and remember writing them."""
    _written()[key] = values
    if tuple(st.query_params.get_all(key)) == values:
        return
    if values:
        st.query_params[key] = list(values) if len(values) > 1 else values[0]
    elif key in st.query_params:
        del st.query_params[key]


# --- Shared state ---------------------------------------------------------------------------------

def follow_link() -> None:
    """At the start of a run: shared state in the URL that this session did not write wins.

    A link carries the whole view, so a parameter it leaves out means 'none chosen' (all
    regions) or the default (the latest week, today). An address with none of them (a
    bookmark of a bare page) keeps what the session holds.
    """
    url = {key: in_url(key, key in MULTI) for key in SHARED}
    written = _written()
    if not any(url.values()) or all(url[k] == written.get(k, ()) for k in SHARED):
        return
    st.session_state.pop(UNREADABLE, None)
    for key, values in url.items():
        written[key] = values
        if key in MULTI:
            st.session_state[key] = list(values)
        elif key == "as_at":
            chosen = read_date(values[0]) if values else None
            if values and chosen is None:
                st.session_state[UNREADABLE] = True
            st.session_state[key] = chosen or date.today()
            written[key] = _encode(st.session_state[key])
        else:
            st.session_state[key] = values[0] if values else None


def keep_shared(operations: Sequence[str]) -> None:
    """On a page without the filters: keep the shared state in the URL for the next link.

    An operation this person may not see (or that does not exist) is dropped, as the
    filters would drop it, so no link repeats a restricted code.
    """
    for key in SHARED:
        values = _written().get(key, ())
        if key == "op" and not set(values) <= set(operations):
            values = ()
        _write(key, values)


def link_params(**changes: str | Sequence[str] | date | None) -> dict[str, list[str]]:
    """Query parameters for an internal link: the shared state, with ``changes`` on top.

    ``st.page_link(page, query_params=link_params(op="OA2024"))`` opens ``page`` on
    Operation Alliances 2024 with the same date, regions and forces.
    """
    values = {key: _written().get(key, ()) for key in SHARED}
    for key, value in changes.items():
        values[key] = _encode(value)
    return {key: list(found) for key, found in values.items() if found}


def _encode(value: object) -> Values:
    if value is None or value is False:
        return ()
    if value is True:
        return ("true",)
    if isinstance(value, date):
        return (value.isoformat(),)
    if isinstance(value, str):
        return (value,) if value else ()
    return tuple(str(v) for v in value)  # type: ignore[attr-defined]


# --- Widgets ------------------------------------------------------------------------------------

def choose(widget: Callable[..., Any], label: str, options: Sequence[str], *, key: str,
           names: Mapping[str, str] | None = None, default: str | None = None,
           multi: bool = False, **kwargs: Any) -> Any:
    """A choice shown by name and kept in the URL by code, under ``key``.

    ``widget`` is ``st.selectbox``, ``st.radio`` or ``st.multiselect`` (or the same method of
    a column or the sidebar); ``kwargs`` go to it. Returns what the widget returns.
    """
    shown = dict(names or {})
    _follow_choice(key, multi)
    st.session_state[key] = _valid(st.session_state.get(key), options, shown, multi, default)
    value = widget(label, options, format_func=lambda c: shown.get(c, c), key=key, **kwargs)
    _write(key, _encode(value))
    return value


def switch(widget: Callable[..., Any], label: str, *, key: str, **kwargs: Any) -> bool:
    """An on/off choice (``st.toggle`` or ``st.checkbox``): ``?key=true`` when on."""
    _follow_choice(key, multi=False)
    current = st.session_state.get(key)
    st.session_state[key] = (current in ("true", "yes", "1") if isinstance(current, str)
                             else bool(current))
    value = bool(widget(label, key=key, **kwargs))
    _write(key, _encode(value))
    return value


def date_field(label: str, *, key: str = "as_at", **kwargs: Any) -> date:
    """The as-at date box: DD/MM/YYYY on screen, ISO in the URL; Tab and Enter send it."""
    if not isinstance(st.session_state.get(key), date):
        earlier = _written().get(key)
        st.session_state[key] = (read_date(earlier[0]) if earlier else None) or date.today()
    value = st.date_input(label, format="DD/MM/YYYY", key=key, persist_state="session",
                          **kwargs)
    date_keys.install()
    chosen = value if isinstance(value, date) else date.today()
    if _written().get(key) != _encode(chosen):
        st.session_state.pop(UNREADABLE, None)     # a date has been chosen since the link
    if st.session_state.get(UNREADABLE):
        # Not quoted: text from a URL is never put through Markdown (SECURITY.md row 21).
        st.warning("The date in the link could not be read, so the figures are as at today. "
                   f"Dates in links are written like {chosen.isoformat()}.",
                   icon=":material/event_busy:")
    _write(key, _encode(chosen))
    return chosen


def _follow_choice(key: str, multi: bool) -> None:
    """A page's own choice: a URL value this session did not write wins (shared state
    follows links in ``follow_link``); a choice made earlier in the session comes back when
    the page is opened without one."""
    url = in_url(key, multi)
    written = _written().get(key)
    if key not in SHARED and url and url != written:
        st.session_state[key] = list(url) if multi else url[0]
    elif key not in st.session_state and written:
        st.session_state[key] = list(written) if multi else written[0]


def _valid(current: Any, options: Sequence[str], names: Mapping[str, str], multi: bool,
           default: str | None) -> Any:
    """``current`` narrowed to what is offered now (filters, access); names map to codes."""
    by_name = {str(name).casefold(): code for code, name in names.items()}

    def code(value: Any) -> str | None:
        if value in options:
            return str(value)
        found = by_name.get(str(value).casefold())
        return found if found in options else None

    if multi:
        picked = [code(v) for v in (current or [])]
        return list(dict.fromkeys(c for c in picked if c is not None))
    return (code(current) if current is not None else None) or default
