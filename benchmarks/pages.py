"""Pages benchmark: every page's script time and every metric query on the scale database.

Targets (issue 3): each page under 1 second, each metric query under 100 ms, with over a
million stored values (``benchmarks.scale``).

Pages run through ``streamlit.testing.v1.AppTest`` as a signed-in administrator, for operation
OA2025 as at 2 March 2026: a first run with Streamlit's data cache and the built charts cleared
(cold) and a rerun of the same session (warm, served from the caches keyed on the data
version), median of 5 after a warm-up run that opens the database. AppTest adds its own cost,
so an empty page run the same way is measured too and subtracted; both figures are printed.

Metric queries are called directly (no Streamlit cache) on the connection the pages used:
the queries the issue names, plus every ``ctx.q`` call the pages made during their runs with
the same arguments; median of 7 after a warm-up, the slowest set of arguments per query.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import streamlit as st
from streamlit import logger as streamlit_logger
from streamlit.testing.v1 import AppTest

from benchmarks import scale
from metrics import force_profile, funding, headline, query, sources, tracker
from metrics.scope import Filters
from store.settings import ROOT
from ui import cache

OPERATION, OLDER_WEEK, PORTS_OPERATION = "OA2025", "OA2024", "NPO2025"
AS_AT = date(2026, 3, 2)
PAGE_TARGET_S, QUERY_TARGET_MS = 1.0, 100.0
PAGE_RUNS, QUERY_RUNS = 5, 7
EMPTY_PAGE = 'import streamlit as st\n\nst.title("Empty page")\n'

Call = tuple[Callable[..., Any], tuple[Any, ...]]


def page_files() -> list[str]:
    """dashboard.py and every page, in menu order."""
    return ["dashboard.py"] + sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))


def named_calls(con: duckdb.DuckDBPyConnection) -> list[Call]:
    """The queries issue 3 names, for one recent operation as at a date."""
    ops, ports = Filters(OPERATION, AS_AT), Filters(PORTS_OPERATION, AS_AT)
    force = force_profile.default_force(con, ops) or "south-yorkshire"
    local = funding.local_operation(con)
    calls: list[Call] = [
        (query.totals, (ops,)), (query.by_force, (ops, "arrests")),
        (query.by_region, (ops, "arrests")), (query.by_day, (ops,)), (query.by_pillar, (ops,)),
        (query.coverage, (ops,)), (query.ports, (ports,)),
        (query.published_vs_returns, (ops,)),
        (query.compare_operations, ((OLDER_WEEK, OPERATION), AS_AT)),
        (headline.headline, (OPERATION, AS_AT)), (sources.sources, (ops, "arrests")),
        (tracker.tracker, (ops,)),
        (funding.grants, (AS_AT,)), (funding.funding_flows, (AS_AT,)),
        (funding.spend_against_allocation, (AS_AT, "pillar")),
        (funding.spend_against_allocation, (AS_AT, "recipient")),
        (funding.cost_effectiveness, (ops,)),
        (force_profile.default_force, (ops,)),
        (force_profile.force_operations, (force, AS_AT)),
        (force_profile.force_comparison, (force, OPERATION, AS_AT, "arrests")),
        (force_profile.force_rates, (force, OPERATION, AS_AT)),
        (force_profile.force_returns, (force, AS_AT)),
        (force_profile.rejected_issues, (force, AS_AT)),
    ]
    if local is not None:
        calls.append((funding.local_operations, (AS_AT, local)))
    return calls


def _name(fn: Callable[..., Any]) -> str:
    return f"{fn.__module__.removeprefix('metrics.')}.{fn.__qualname__}"


@contextmanager
def recording(calls: dict[tuple[str, str], Call]) -> Iterator[None]:
    """Note every cached query the pages ask for (function and arguments) while they run."""
    original = cache.cached

    def record(fn: Callable[..., Any], con: duckdb.DuckDBPyConnection, version: int,
               *args: Any, scope: str = "all") -> Any:
        calls.setdefault((_name(fn), repr(args)), (fn, args))
        return original(fn, con, version, *args, scope=scope)

    cache.cached = record  # type: ignore[assignment]
    try:
        yield
    finally:
        cache.cached = original  # type: ignore[assignment]


def _seconds(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def time_query(con: duckdb.DuckDBPyConnection, call: Call) -> float:
    """Median milliseconds of ``fn(con, *args)`` over QUERY_RUNS runs after one warm-up."""
    fn, args = call
    fn(con, *args)
    return statistics.median(_seconds(lambda: fn(con, *args)) for _ in range(QUERY_RUNS)) * 1000


def time_queries(con: duckdb.DuckDBPyConnection, calls: list[Call]) -> dict[str, dict[str, Any]]:
    """Per query: the slowest median over its argument sets, and how many sets were timed."""
    found: dict[str, dict[str, Any]] = {}
    for fn, args in calls:
        ms = time_query(con, (fn, args))
        row = found.setdefault(_name(fn), {"ms": 0.0, "sets": 0, "args": ""})
        row["sets"] += 1
        if ms >= row["ms"]:
            row.update(ms=ms, args=repr(args)[:70])
    return found


def _app(script: Path, page: str | None, session: dict[str, Any] | None) -> AppTest:
    at = AppTest.from_file(str(script), default_timeout=300)
    at.query_params["op"] = OPERATION
    at.query_params["as_at"] = AS_AT.isoformat()
    if session is not None:
        from ui import auth
        at.session_state[auth.SESSION_KEY] = session
    if page is not None:
        at.switch_page(page)
    return at


def _problem(at: AppTest) -> str | None:
    if at.exception:
        return "exception: " + str(at.exception[0].value)[:120]
    if any(t.value == "Sign in" for t in at.title):
        return "stopped at the sign-in form"
    return None


def time_page(script: Path, page: str | None, session: dict[str, Any] | None) -> dict[str, Any]:
    """Median seconds of a first run with the data cache cleared, and of a warm rerun."""
    _app(script, page, session).run()          # warm-up: imports and the shared connection
    cold, warm, problem = [], [], None
    for _ in range(PAGE_RUNS):
        # Outside a script run Streamlit warns on clearing; AppTest resets the level each run.
        streamlit_logger.set_log_level("error")
        st.cache_data.clear()
        cache.clear_charts()
        at = _app(script, page, session)
        cold.append(_seconds(at.run))
        warm.append(_seconds(at.run))
        problem = problem or _problem(at)
    return {"cold_s": statistics.median(cold), "warm_s": statistics.median(warm),
            "problem": problem}


def time_pages(db: Path, session: dict[str, Any] | None,
               calls: dict[tuple[str, str], Call]) -> dict[str, dict[str, Any]]:
    """The empty page (key 'baseline') and every page of the app."""
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty_page.py"
        empty.write_text(EMPTY_PAGE, encoding="utf-8")
        found = {"baseline": time_page(empty, None, None)}
    with recording(calls):
        for page in page_files():
            found[page] = time_page(ROOT / "dashboard.py",
                                    None if page == "dashboard.py" else page, session)
    return found


def _session(db: Path) -> dict[str, Any] | None:
    try:
        from ui import auth
    except ImportError:
        return None
    return auth.session_for(scale.BENCH_USER)


@contextmanager
def store_at(db: Path) -> Iterator[None]:
    """The app's database (NVCRP_DB) is ``db`` while the block runs."""
    previous = os.environ.get("NVCRP_DB")
    os.environ["NVCRP_DB"] = str(db)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("NVCRP_DB", None)
        else:
            os.environ["NVCRP_DB"] = previous


def _connection(db: Path) -> duckdb.DuckDBPyConnection:
    from ui.connection import shared_connection

    streamlit_logger.set_log_level("error")
    return shared_connection(str(db)).cursor()


def _stored_values(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT count(*) FROM value").fetchall()[0][0])


def run(db: Path | None = None) -> dict[str, Any]:
    """Build (or reuse) the scale database, time every page, then every metric query."""
    db = db or scale.scale_db()
    with store_at(db):
        calls: dict[tuple[str, str], Call] = {}
        pages = time_pages(db, _session(db), calls)
        con = _connection(db)
        values = _stored_values(con)
        queries = time_queries(con, named_calls(con) + list(calls.values()))
    result = {"values": values, "pages": pages, "queries": queries}
    (scale.RESULTS / "pages.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


def run_queries(db: Path | None = None) -> dict[str, Any]:
    """Every metric query of ``run`` timed the same way, without timing the pages: each page
    runs once (AppTest) only to note the queries it asks for."""
    db = db or scale.scale_db()
    with store_at(db):
        calls: dict[tuple[str, str], Call] = {}
        session, problems = _session(db), []
        streamlit_logger.set_log_level("error")
        with recording(calls):
            for page in page_files():
                at = _app(ROOT / "dashboard.py", None if page == "dashboard.py" else page,
                          session)
                at.run()
                streamlit_logger.set_log_level("error")   # AppTest resets it each run
                problem = _problem(at)
                if problem:
                    problems.append(f"{page}: {problem}")
        con = _connection(db)
        values = _stored_values(con)
        queries = time_queries(con, named_calls(con) + list(calls.values()))
    return {"values": values, "queries": queries, "problems": problems}


def _verdict(worst: float, target: float, unit: str) -> str:
    if worst < target:
        return f"True (target {target:g} {unit}; {target - worst:.2f} {unit} to spare)"
    return f"False (target {target:g} {unit}; misses by {worst - target:.2f} {unit})"


def page_table(pages: dict[str, dict[str, Any]]) -> list[str]:
    base = pages["baseline"]
    lines = [f"  {'page':<36}{'first run s':>12}{'rerun s':>10}{'first-base':>12}"
             f"{'rerun-base':>12}  problem"]
    for page, row in pages.items():
        lines.append(f"  {page:<36}{row['cold_s']:>12.3f}{row['warm_s']:>10.3f}"
                     f"{row['cold_s'] - base['cold_s']:>12.3f}"
                     f"{row['warm_s'] - base['warm_s']:>12.3f}  {row['problem'] or ''}")
    return lines


def query_table(queries: dict[str, dict[str, Any]]) -> list[str]:
    lines = [f"  {'metric query':<44}{'median ms':>10}{'arg sets':>9}  slowest arguments"]
    for name, row in sorted(queries.items(), key=lambda item: -item[1]["ms"]):
        flag = " *" if row["ms"] >= QUERY_TARGET_MS else ""
        lines.append(f"  {name:<44}{row['ms']:>10.1f}{row['sets']:>9}  {row['args']}{flag}")
    return lines


def report(result: dict[str, Any]) -> list[str]:
    """The tables and the summary lines, with each target met or missed and by how much."""
    pages, queries = result["pages"], result["queries"]
    base = pages["baseline"]
    real = {p: r for p, r in pages.items() if p != "baseline"}
    cold_page = max(real, key=lambda p: real[p]["cold_s"])
    warm_page = max(real, key=lambda p: real[p]["warm_s"])
    cold = real[cold_page]["cold_s"] - base["cold_s"]
    warm = real[warm_page]["warm_s"] - base["warm_s"]
    slowest = max(queries, key=lambda q: queries[q]["ms"])
    over = [q for q, r in queries.items() if r["ms"] >= QUERY_TARGET_MS]
    problems = [f"{p}: {r['problem']}" for p, r in real.items() if r["problem"]]
    return [
        f"pages benchmark: scale database with {result['values']:,} stored values; "
        f"{OPERATION} as at {AS_AT.isoformat()}; medians of {PAGE_RUNS} page runs "
        f"and {QUERY_RUNS} query runs",
        *page_table(pages), *query_table(queries),
        f"pages_scale_values={result['values']}",
        f"pages_appTest_baseline_s={base['cold_s']:.3f} (rerun {base['warm_s']:.3f})",
        f"pages_max_script_s={cold:.3f} ({cold_page}, first run, baseline subtracted; "
        f"{real[cold_page]['cold_s']:.3f} with AppTest)",
        f"pages_max_script_warm_s={warm:.3f} ({warm_page}, rerun, baseline subtracted; "
        f"{real[warm_page]['warm_s']:.3f} with AppTest)",
        f"pages_within_target={_verdict(cold, PAGE_TARGET_S, 's')}",
        f"pages_warm_within_target={_verdict(warm, PAGE_TARGET_S, 's')}",
        f"pages_problems={'; '.join(problems) or 'none'}",
        f"metric_query_max_ms={queries[slowest]['ms']:.1f} ({slowest})",
        f"metric_query_within_target={_verdict(queries[slowest]['ms'], QUERY_TARGET_MS, 'ms')}"
        f"; {len(over)} of {len(queries)} over: {', '.join(sorted(over)) or 'none'}",
    ]


if __name__ == "__main__":
    for line in report(run()):
        print(line)
