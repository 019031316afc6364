"""Load benchmark (issue 10, point 6): N leads at once, against one dashboard process and
against two processes on the shared PostgreSQL store behind nginx.

Each simulated lead is a fresh context (its own cookies, so its own signed-in session) in one
headless Chromium, driven with Playwright's asyncio API so all N walk at the same time. A lead
opens the dashboard, signs in with its own viewer account, and walks Home → Operation → Forces
→ a change of the as-at date, thinking 1–3 s between steps; starts are spread over the first
three seconds. Think times, starts and dates come from one seeded random generator, so a run
can be repeated. Real browsers make the server run every page in full, as a person's would.

Page times: 'Home' is from the click on 'Sign in' until Home is drawn (the sign-in reloads the
page, so it is timed from Python); the others from the click in the page until the page is done
as ``benchmarks.browser`` defines it, timed in the page. An error is a step that failed or timed
out, or a page showing a Streamlit exception; a lead stops at its first error.

The set-ups (``--setups``):

- ``one``: one ``streamlit run serve.py`` on its own copy of the demo DuckDB database, reached
  directly over HTTP, as ``make run`` serves it;
- ``two``: two such processes with ``NVCRP_DB`` naming one PostgreSQL database (a private server,
  ``store.local_postgres``, durable settings), behind Debian's nginx with deploy/nginx.conf
  (TLS, sticky sessions on the browser cookie), reached over HTTPS as a deployment would be;
- ``one-pg``: one process on PostgreSQL behind the same nginx, to tell the store's and the
  proxy's share from the second process's.

Every N runs against freshly started processes on a fresh copy of the demo data (a DuckDB file
copied, or a PostgreSQL database made from a template holding the demo, which is loaded once per
run by ``python -m loaders demo``), so each starts with cold caches. The browsers run on the same
two cores as the servers: the CPU each side used is reported (the dashboard processes with nginx,
PostgreSQL, and the browser), because on real leads' machines the drawing would not be the
server's.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks import browser as web
from benchmarks import cpu, server

LEADS = (5, 10, 20, 40)
SETUPS = ("one", "two")
SETUP_NAMES = {
    "one": "one process, DuckDB file, direct HTTP",
    "two": "two processes, shared PostgreSQL, nginx (TLS, sticky)",
    "one-pg": "one process, PostgreSQL, nginx (TLS)",
}
PROCESSES = {"one": 1, "two": 2, "one-pg": 1}
THINK_S = (1.0, 3.0)
START_SPREAD_S = 3.0
SEED = 20261201
P95_LIMIT_S = 2.0
# A larger N is not started once a smaller one's p95 is past this, or half its leads failed:
# it could only be slower, and the two shared cores would be held for many minutes.
STOP_P95_S = 30.0
STEP_TIMEOUT_MS = 120_000
PASSWORD = "long walk to the lighthouse"
# The dates a lead may choose: any day between the first week of action and the end of March.
FIRST_DATE, LAST_DATE = date(2024, 9, 23), date(2026, 3, 31)


@dataclass
class Walk:
    """One lead's page times (step name, seconds) and its error, if it stopped at one."""
    lead: str
    times: list[tuple[str, float]] = field(default_factory=list)
    error: str | None = None


@dataclass(frozen=True)
class Plan:
    """What a lead will do: when it starts, how long it thinks, which date it chooses."""
    start_s: float
    think_s: tuple[float, float, float]
    day: str


def plans(count: int, seed: int = SEED) -> list[Plan]:
    rng = random.Random(seed)
    span = (LAST_DATE - FIRST_DATE).days
    return [Plan(rng.uniform(0, START_SPREAD_S),
                 (rng.uniform(*THINK_S), rng.uniform(*THINK_S), rng.uniform(*THINK_S)),
                 (FIRST_DATE + timedelta(days=rng.randrange(span + 1))).isoformat())
            for _ in range(count)]


def lead_names(count: int) -> list[str]:
    return [f"lead-{i:02d}" for i in range(1, count + 1)]


async def _done(page: Any) -> None:
    await page.locator("[data-testid='stMain'] h1").first.wait_for(state="visible")
    await page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for()


async def _timed(page: Any, act: Any, **done: Any) -> float:
    await page.evaluate(web.WATCH, {"path": done.get("path"), "asAt": done.get("as_at"),
                                    "text": None, "within": "body", "events": ["pointerdown"]})
    await act()
    ms = await page.evaluate(web.SETTLED, {"hold": web.HOLD_MS, "timeout": STEP_TIMEOUT_MS})
    return float(ms) / 1000


async def _sign_in(page: Any, name: str) -> float:
    await page.get_by_role("textbox", name="Name").fill(name)
    await page.get_by_role("textbox", name="Password").fill(PASSWORD)
    start = time.perf_counter()
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await page.get_by_role("button", name="Sign out").wait_for()
    await _done(page)
    return time.perf_counter() - start


async def _menu(page: Any, label: str, path: str) -> float:
    link = page.get_by_test_id("stSidebar").get_by_role("link", name=label, exact=True)
    return await _timed(page, link.click, path=path)


async def _change_date(page: Any, day: str) -> float:
    year, month, date_of_month = day.split("-")
    await page.get_by_test_id("stSidebar").get_by_role("spinbutton",
                                                       name="day, Figures as at").click()
    await page.keyboard.type(date_of_month + month + year, delay=20)
    return await _timed(page, page.locator("[data-testid='stMain'] h1").first.click, as_at=day)


async def _check(page: Any, step: str) -> None:
    if await page.get_by_test_id("stException").count():
        raise RuntimeError(f"{step}: the page shows an exception")


async def walk(browser: Any, url: str, name: str, plan: Plan) -> Walk:
    """One lead's visit; never raises (an error ends the walk and is recorded)."""
    found, step = Walk(name), "open"
    await asyncio.sleep(plan.start_s)
    # The proxy's certificate is self-signed.
    context = await browser.new_context(viewport=web.VIEWPORT, ignore_https_errors=True)
    try:
        page = await context.new_page()
        page.set_default_timeout(STEP_TIMEOUT_MS)
        await page.goto(f"{url}/")
        steps = (("Home", lambda: _sign_in(page, name)),
                 ("Operation", lambda: _menu(page, "Operation", "/Operation")),
                 ("Forces", lambda: _menu(page, "Forces", "/Forces")),
                 ("date change", lambda: _change_date(page, plan.day)))
        for i, (step, run) in enumerate(steps):
            if i:
                await asyncio.sleep(plan.think_s[i - 1])
            seconds = await run()
            await _check(page, step)
            found.times.append((step, seconds))
    except Exception as exc:   # any failure is this lead's error, reported
        found.error = f"{step}: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
    finally:
        await context.close()
    return found


@dataclass(frozen=True)
class Target:
    """What the leads reach: its address, the processes that serve it (dashboard processes and
    nginx) and PostgreSQL's postmaster (None for the DuckDB file, which is in the process)."""
    url: str
    server_pids: tuple[int, ...]
    store_pid: int | None = None


@dataclass
class Meter:
    """CPU seconds used while the block ran by the servers, the store and the browser (every
    other process this one started, Playwright's driver included)."""
    target: Target
    server: float = 0.0
    store: float = 0.0
    browser: float = 0.0

    def read(self) -> tuple[float, float, float]:
        if not cpu.PROC.exists():
            return 0.0, 0.0, 0.0
        stats = cpu._stats()
        me = os.getpid()
        servers = sum(cpu.tree_seconds(pid, stats) for pid in self.target.server_pids)
        store = (cpu.tree_seconds(self.target.store_pid, stats)
                 if self.target.store_pid is not None else 0.0)
        mine = cpu.tree_seconds(me, stats) - stats.get(me, (0, 0.0))[1]
        for pid in (*self.target.server_pids, self.target.store_pid):
            if pid is not None and _descends(pid, me, stats):
                mine -= cpu.tree_seconds(pid, stats)
        return servers, store, mine


def _descends(pid: int, ancestor: int, stats: dict[int, tuple[int, float]]) -> bool:
    while pid in stats and pid != ancestor:
        pid = stats[pid][0]
    return pid == ancestor


@contextlib.contextmanager
def metered(target: Target) -> Iterator[Meter]:
    meter = Meter(target)
    before = meter.read()
    yield meter
    after = meter.read()
    meter.server, meter.store, meter.browser = (a - b for a, b in zip(after, before, strict=True))


async def _crowd(target: Target, count: int, seed: int) -> tuple[list[Walk], Meter]:
    """Every lead's walk, and the CPU the servers, the store and the browser used meanwhile
    (read while the browser is still open, so its processes are counted)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=web.CHROMIUM, headless=True,
                                          args=web.CHROMIUM_ARGS)
        try:
            with metered(target) as used:
                walks = await asyncio.gather(*(
                    walk(browser, target.url, name, plan)
                    for name, plan in zip(lead_names(count), plans(count, seed), strict=True)))
            return list(walks), used
        finally:
            await browser.close()


class Postgres:
    """One private PostgreSQL server for a run, with the demo loaded once into a template
    database; ``fresh()`` gives each N a database of its own copied from it."""

    TEMPLATE = "load_demo"

    def __init__(self, folder: Path) -> None:
        from store.local_postgres import LocalPostgres

        self.server = LocalPostgres(folder)
        self.loaded = False

    def __enter__(self) -> Postgres:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    def _load_demo(self) -> None:
        url = self.server.create_database(self.TEMPLATE)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "loaders", "demo", "--db", url],
                              cwd=server.ROOT, capture_output=True, text=True,
                              env={**os.environ, "NVCRP_DB": url})
        if done.returncode != 0:
            raise RuntimeError(f"loading the demo into PostgreSQL failed: {done.stderr[-2000:]}")
        print(f"demo loaded into PostgreSQL in {time.perf_counter() - start:.0f} s")
        self.loaded = True

    def fresh(self, name: str) -> str:
        import psycopg
        from psycopg import sql

        if not self.loaded:
            self._load_demo()
        with psycopg.connect(self.server.url("postgres"), autocommit=True) as con:
            con.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(self.TEMPLATE)))
        return self.server.url(name)

    @property
    def pid(self) -> int | None:
        return self.server.pid


@contextlib.contextmanager
def serving(setup: str, demo: Path, workdir: Path, names: list[str],
            postgres: Postgres | None) -> Iterator[Target]:
    """The set-up's processes on fresh demo data with the leads' viewer accounts; stopped (by
    PID) when the block ends."""
    workdir.mkdir(parents=True, exist_ok=True)
    if setup == "one":
        db = server.prepared_copy(demo, workdir)
        server.add_accounts(db, names, "viewer", PASSWORD)
        with server.running_server(db, workdir) as srv:
            yield Target(srv.url, (srv.pid,))
        return
    from deploy.local import running_nginx

    assert postgres is not None
    url = postgres.fresh(f"load_{setup.replace('-', '_')}_{workdir.name.replace('-', '_')}")
    server.add_accounts(url, names, "viewer", PASSWORD)   # type: ignore[arg-type]
    with contextlib.ExitStack() as running:
        apps = []
        for i in range(1, PROCESSES[setup] + 1):
            (workdir / f"app-{i}").mkdir()
            apps.append(running.enter_context(server.running_server(url, workdir / f"app-{i}")))  # type: ignore[arg-type]
        proxy = running.enter_context(
            running_nginx(workdir / "nginx", [urlsplit(app.url).netloc for app in apps]))
        yield Target(proxy.url, (*(app.pid for app in apps), proxy.pid), postgres.pid)


def percentile(values: list[float], pct: int) -> float:
    """The ``pct``th percentile, interpolated between the closest ranks."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def run_one(demo: Path, workdir: Path, count: int, seed: int = SEED, setup: str = "one",
            postgres: Postgres | None = None) -> dict[str, Any]:
    """``count`` leads at once against freshly started processes of ``setup``; page times,
    errors and CPU used."""
    load_before = os.getloadavg()[0]
    with serving(setup, demo, workdir, lead_names(count), postgres) as target:
        start = time.perf_counter()
        walks, used = asyncio.run(_crowd(target, count, seed))
        wall = time.perf_counter() - start
    times = [seconds for w in walks for _, seconds in w.times]
    by_step: dict[str, list[float]] = {}
    for w in walks:
        for step, seconds in w.times:
            by_step.setdefault(step, []).append(seconds)
    return {
        "setup": setup, "leads": count, "pages": len(times), "wall_s": wall,
        "p50_s": percentile(times, 50) if times else None,
        "p95_s": percentile(times, 95) if times else None,
        "steps": {step: {"p50_s": percentile(v, 50), "p95_s": percentile(v, 95), "n": len(v)}
                  for step, v in by_step.items()},
        "errors": [f"{w.lead} {w.error}" for w in walks if w.error],
        "server_cpu_s": used.server, "store_cpu_s": used.store, "browser_cpu_s": used.browser,
        "load_before": load_before, "load_after": os.getloadavg()[0],
    }


def overwhelmed(row: dict[str, Any]) -> bool:
    """Whether a larger N than this row's would only be slower and hold the machine longer."""
    return (row["p95_s"] is None or row["p95_s"] > STOP_P95_S
            or len(row["errors"]) * 2 > row["leads"])


def run(leads: tuple[int, ...] = LEADS, demo: Path | None = None, seed: int = SEED,
        setups: tuple[str, ...] = SETUPS) -> list[dict[str, Any]]:
    """One row per set-up and number of leads, smallest first; a row ``{"setup": S, "leads": N,
    "skipped": why}`` for each N not started because a smaller one was overwhelmed."""
    unknown = set(setups) - set(SETUP_NAMES)
    if unknown:
        raise ValueError(f"unknown set-ups {sorted(unknown)}: choose from {list(SETUP_NAMES)}")
    demo = demo or server.demo_db()
    found: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="nvcrp-load-") as tmp, contextlib.ExitStack() as pg:
        postgres = (pg.enter_context(Postgres(Path(tmp) / "postgres"))
                    if set(setups) - {"one"} else None)
        for setup in setups:
            rows: list[dict[str, Any]] = []
            for count in sorted(leads):
                if rows and "skipped" in rows[-1]:
                    rows.append({"setup": setup, "leads": count, "skipped": rows[-1]["skipped"]})
                elif rows and overwhelmed(rows[-1]):
                    rows.append({"setup": setup, "leads": count, "skipped": f"{rows[-1]['leads']} "
                                 f"leads already had p95 {rows[-1]['p95_s'] or 0:.1f} s and "
                                 f"{len(rows[-1]['errors'])} errors"})
                else:
                    rows.append(run_one(demo, Path(tmp) / f"{setup}-{count}", count, seed,
                                        setup, postgres))
            found.extend(rows)
    return found


def largest_within(rows: list[dict[str, Any]], limit: float = P95_LIMIT_S) -> int | None:
    """The largest N whose p95 page time is under ``limit`` with no errors."""
    good = [r["leads"] for r in rows if "skipped" not in r
            and r["p95_s"] is not None and r["p95_s"] < limit and not r["errors"]]
    return max(good) if good else None


def report(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["load benchmark: N leads at once, headless Chromium contexts on the same 2 cores "
             "as the servers"]
    for setup in dict.fromkeys(r.get("setup", "one") for r in rows):
        mine = [r for r in rows if r.get("setup", "one") == setup]
        lines.append(f" {setup}: {SETUP_NAMES.get(setup, setup)}")
        lines.append(f"  {'N':>3}{'pages':>7}{'p50 s':>8}{'p95 s':>8}{'errors':>8}{'wall s':>8}"
                     f"{'server CPU s':>14}{'store CPU s':>13}{'browser CPU s':>15}{'load':>12}"
                     "   p50/p95 per step")
        for r in mine:
            if "skipped" in r:
                lines.append(f"  {r['leads']:>3}  not run: {r['skipped']}")
                continue
            steps = "; ".join(f"{step} {v['p50_s']:.2f}/{v['p95_s']:.2f}"
                              for step, v in r["steps"].items())
            p50 = f"{r['p50_s']:.2f}" if r["p50_s"] is not None else "-"
            p95 = f"{r['p95_s']:.2f}" if r["p95_s"] is not None else "-"
            lines.append(f"  {r['leads']:>3}{r['pages']:>7}{p50:>8}{p95:>8}{len(r['errors']):>8}"
                         f"{r['wall_s']:>8.0f}{r['server_cpu_s']:>14.1f}"
                         f"{r.get('store_cpu_s', 0.0):>13.1f}{r['browser_cpu_s']:>15.1f}"
                         f"{r['load_before']:>6.1f}→{r['load_after']:<5.1f}  {steps}")
            lines.extend(f"      error: {e}" for e in r["errors"][:5])
        best = largest_within(mine)
        lines.append(f"load_largest_n_with_p95_under_{P95_LIMIT_S:g}s[{setup}]="
                     f"{best if best is not None else 'none of those run'}")
    return lines


if __name__ == "__main__":
    for line in report(run()):
        print(line)
