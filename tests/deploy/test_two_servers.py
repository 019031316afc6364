"""Two dashboard processes on one PostgreSQL store behind nginx: the README's Deployment section,
followed (issue 10, point 4).

Once per module: a PostgreSQL database on the session's private server, the illustrative demo
loaded into it by ``python -m loaders demo``, a viewer added by ``python -m store users add``,
two ``streamlit run serve.py`` processes with ``NVCRP_DB`` set to the database's URL, and
Debian's nginx with deploy/nginx.conf (rendered onto free local ports, a self-signed certificate
and a private folder) in front of them. Every process is stopped by its PID at the end, also
after a failure. nginx names the process that answered in ``X-NVCRP-Upstream`` (app-1, app-2).
The last test stops app-1 to see its browsers carry on with app-2.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import secrets
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import openpyxl
import pytest

from benchmarks.browser import chromium
from benchmarks.server import running_server
from deploy.local import Proxy, running_nginx

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]
VIEWER = "duty-lead"
FIRST_PASSWORD = "amber kettle on the quay"     # given on the command line; changed at sign-in
PASSWORD = "long walk to the lighthouse"
RETURN_SOURCE = ROOT / "data" / "demo" / "2026-02-27_OA2025_south-yorkshire_force-return.xlsx"
MORE_RECOVERED = 3      # vehicles the command line's new version adds to South Yorkshire's
CLI_TIMEOUT_S = 900


@dataclass
class Deployment:
    url: str                       # https://127.0.0.1:PORT, nginx
    http_url: str                  # http://127.0.0.1:PORT, which only redirects
    db: str                        # postgresql://…
    proxy: Proxy
    upstreams: dict[str, str]      # 'app-1' → 'http://127.0.0.1:PORT'
    pids: dict[str, int]           # 'app-1' → the process's PID
    tls: ssl.SSLContext            # trusts the proxy's self-signed certificate only
    password: str = FIRST_PASSWORD
    pinned: dict[str, str] = field(default_factory=dict)   # 'app-1' → an nvcrp_browser value


def _cli(db: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, input=stdin, capture_output=True,
                          text=True, timeout=CLI_TIMEOUT_S, env={**os.environ, "NVCRP_DB": db})


@pytest.fixture(scope="module")
def deployment(postgres_server: Any, tmp_path_factory: pytest.TempPathFactory
               ) -> Iterator[Deployment]:
    name = f"deploy_two_servers_{uuid.uuid4().hex[:8]}"
    db = postgres_server.create_database(name)
    work = tmp_path_factory.mktemp("deploy")
    try:
        demo = _cli(db, "-m", "loaders", "demo", "--db", db)
        assert demo.returncode == 0, f"loaders demo failed:\n{demo.stdout[-2000:]}{demo.stderr[-3000:]}"
        added = _cli(db, "-m", "store", "users", "add", VIEWER, "--role", "viewer",
                     "--password-stdin", "--db", db, stdin=FIRST_PASSWORD + "\n")
        assert added.returncode == 0, added.stderr
        with contextlib.ExitStack() as running:
            apps = {}
            for app in ("app-1", "app-2"):
                (work / app).mkdir()
                apps[app] = running.enter_context(running_server(db, work / app))  # type: ignore[arg-type]
            proxy = running.enter_context(running_nginx(
                work / "nginx", [urlsplit(server.url).netloc for server in apps.values()]))
            tls = ssl.create_default_context(cafile=str(proxy.folder / "proxy.crt"))
            yield Deployment(proxy.url, proxy.http_url, db, proxy,
                             {app: server.url for app, server in apps.items()},
                             {app: server.pid for app, server in apps.items()}, tls)
    finally:
        postgres_server.drop_database(name)


def _get(deployment: Deployment, path: str, cookie: str | None = None
         ) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(deployment.url + path,
                                     headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, context=deployment.tls, timeout=30) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def _served_by(deployment: Deployment, browser_cookie: str) -> str:
    status, headers, _ = _get(deployment, "/", cookie=f"nvcrp_browser={browser_cookie}")
    assert status == 200
    return str(headers["X-NVCRP-Upstream"])


def _pinned(deployment: Deployment, app: str) -> str:
    """An ``nvcrp_browser`` value that nginx sends to ``app``."""
    for _ in range(64):
        if app in deployment.pinned:
            break
        token = secrets.token_urlsafe(32)
        deployment.pinned.setdefault(_served_by(deployment, token), token)
    return deployment.pinned[app]


def test_the_health_route_answers_through_the_proxy_over_tls_only(deployment: Deployment) -> None:
    """/_stcore/health answers 'ok' through nginx over TLS; plain HTTP only redirects to HTTPS."""
    status, headers, body = _get(deployment, "/_stcore/health")
    assert (status, body) == (200, b"ok")
    assert headers["X-NVCRP-Upstream"] in deployment.upstreams
    assert "max-age=" in headers["Strict-Transport-Security"]
    assert headers["X-Frame-Options"] == "DENY"     # the app's own headers pass through

    plain = urlsplit(deployment.http_url)
    connection = http.client.HTTPConnection(plain.hostname, plain.port, timeout=10)
    try:
        connection.request("GET", "/Operation?op=OA2025")
        answer = connection.getresponse()
        assert answer.status == 301
        assert answer.getheader("Location") == f"{deployment.url}/Operation?op=OA2025"
    finally:
        connection.close()


def test_both_processes_serve_and_each_browser_keeps_to_one(deployment: Deployment) -> None:
    """Browsers with different cookies reach both processes; one browser always the same one.
    A first page load gets its browser cookie marked Secure, as the app sees https."""
    seen: dict[str, str] = {}
    for _ in range(16):
        token = secrets.token_urlsafe(32)
        answers = {_served_by(deployment, token) for _ in range(3)}
        assert len(answers) == 1, f"one browser cookie reached {answers}"
        seen[token] = answers.pop()
    assert set(seen.values()) == set(deployment.upstreams)

    status, headers, body = _get(deployment, "/")
    assert status == 200 and b'id="root"' in body
    [cookie] = [c for c in headers.get_all("Set-Cookie") or [] if c.startswith("nvcrp_browser=")]
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Strict" in cookie


def _context(browser: Any, deployment: Deployment, app: str | None = None) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  ignore_https_errors=True)
    if app is not None:
        context.add_cookies([{"name": "nvcrp_browser", "value": _pinned(deployment, app),
                              "url": deployment.url + "/", "httpOnly": True, "secure": True,
                              "sameSite": "Strict"}])
    return context


def _signed_in(page: Any) -> None:
    page.get_by_role("button", name="Sign out").wait_for(timeout=90_000)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        timeout=90_000)


def _sign_in(page: Any, deployment: Deployment) -> None:
    """Sign in as the viewer; the first time, choose a new password as the form asks."""
    page.get_by_role("button", name="Sign in", exact=True).wait_for(timeout=90_000)
    page.get_by_role("textbox", name="Name").fill(VIEWER)
    page.get_by_role("textbox", name="Password").fill(deployment.password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    save = page.get_by_role("button", name="Save the new password")
    save.or_(page.get_by_role("button", name="Sign out")).first.wait_for(timeout=90_000)
    if save.count():
        page.get_by_role("textbox", name="Current password").fill(deployment.password)
        page.get_by_role("textbox", name="New password", exact=True).fill(PASSWORD)
        page.get_by_role("textbox", name="New password again").fill(PASSWORD)
        save.click()
        deployment.password = PASSWORD
    _signed_in(page)


def _stream_upstreams(deployment: Deployment, skip_bytes: int, at_least: int) -> list[str]:
    """The process of each WebSocket in nginx's access log after ``skip_bytes`` (a WebSocket's
    line is written when it closes, so wait a little for them)."""
    log = deployment.proxy.folder / "logs" / "access.log"
    found: list[str] = []
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        text = log.read_bytes()[skip_bytes:].decode(errors="replace")
        found = re.findall(r'"GET /_stcore/stream[^"]*" \d+ .* upstream=(\S+)', text)
        if len(found) >= at_least:
            break
        time.sleep(0.3)
    return found


def test_a_signed_in_session_survives_reloads_on_its_process(deployment: Deployment,
                                                             browser: Any) -> None:
    """Signed in through the proxy, a browser stays signed in over reloads, every page and every
    WebSocket on one process; its session cookie is Secure, HttpOnly and SameSite=Strict."""
    log = deployment.proxy.folder / "logs" / "access.log"
    log_start = log.stat().st_size
    context = _context(browser, deployment)
    try:
        page = context.new_page()
        page.goto(deployment.url + "/")
        _sign_in(page, deployment)
        served = []
        for _ in range(3):
            response = page.reload()
            served.append(response.headers["x-nvcrp-upstream"])
            _signed_in(page)
            assert page.get_by_role("button", name="Sign in", exact=True).count() == 0
        assert len(set(served)) == 1 and served[0] in deployment.upstreams, served
        again = context.request.get(deployment.url + "/Operation")
        assert again.headers["x-nvcrp-upstream"] == served[0]
        cookies = {c["name"]: c for c in context.cookies()}
        session = cookies["nvcrp_session"]
        assert session["secure"] and session["httpOnly"] and session["sameSite"] == "Strict"
        assert cookies["nvcrp_browser"]["secure"]
    finally:
        context.unroute_all(behavior="ignoreErrors")
        context.close()
    streams = _stream_upstreams(deployment, log_start, at_least=4)
    address = urlsplit(deployment.upstreams[served[0]]).netloc
    assert len(streams) >= 4 and set(streams) == {address}, streams


def _new_version(folder: Path) -> Path:
    """South Yorkshire's OA2025 return again, as at 1 March 2026, with ``MORE_RECOVERED`` more
    stolen vehicles recovered after the week (and in its total)."""
    workbook = openpyxl.load_workbook(RETURN_SOURCE)
    sheet = workbook["Return"]
    changed = 0
    for row in sheet.iter_rows(min_row=1, max_row=80):
        if row[0].value == "Figures as at":
            row[1].value = date(2026, 3, 1)
        if row[0].value == "vehicles_recovered":
            after_the_week, total = row[11], row[12]     # columns L and M
            after_the_week.value = (after_the_week.value or 0) + MORE_RECOVERED
            total.value = int(total.value) + MORE_RECOVERED
            changed += 1
    assert changed == 1
    path = folder / "2026-03-01_OA2025_south-yorkshire_force-return.xlsx"
    workbook.save(path)
    return path


def _recovered(page: Any) -> int:
    """The first OA2025 card on Home, stolen vehicles recovered, as a number."""
    card = page.locator(".st-key-op-OA2025 [data-testid='stMetric']").first
    label = card.get_by_test_id("stMetricLabel").inner_text()
    assert "recovered" in label.lower(), label
    return int(re.sub(r"[^\d]", "", card.get_by_test_id("stMetricValue").inner_text()))


def test_the_command_line_loads_a_return_while_both_serve_and_both_show_it(
        deployment: Deployment, browser: Any, tmp_path: Path) -> None:
    """With both processes serving, ``python -m loaders ingest`` saves a new version straight
    away (no 'database is busy'); then both processes show the same, new figure."""
    pages, contexts = {}, []
    try:
        for app in deployment.upstreams:
            context = _context(browser, deployment, app)
            contexts.append(context)
            page = context.new_page()
            response = page.goto(deployment.url + "/")
            assert response.headers["x-nvcrp-upstream"] == app
            _sign_in(page, deployment)
            pages[app] = page
        before = {app: _recovered(page) for app, page in pages.items()}
        assert len(set(before.values())) == 1, before

        loaded = _cli(deployment.db, "-m", "loaders", "ingest", str(_new_version(tmp_path)),
                      "--user", "A Analyst", "--json", "--db", deployment.db)
        said = loaded.stdout + loaded.stderr
        assert loaded.returncode == 0, said
        assert "busy" not in said.lower() and '"outcome": "accepted"' in said, said

        after = {}
        for app, page in pages.items():
            response = page.reload()
            assert response.headers["x-nvcrp-upstream"] == app
            _signed_in(page)
            after[app] = _recovered(page)
        assert after == {app: before[app] + MORE_RECOVERED for app in pages}, (before, after)
    finally:
        for context in contexts:
            context.unroute_all(behavior="ignoreErrors")
            context.close()
    for app, url in deployment.upstreams.items():     # both still healthy, directly
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as answer:
            assert answer.read() == b"ok", app


def test_when_a_process_stops_its_browsers_carry_on_signed_in_on_the_other(
        deployment: Deployment, browser: Any) -> None:
    """Stopping one process (the last test here: it leaves one running) sends its browsers to
    the other, where a reload finds them still signed in: sessions live in the store."""
    context = _context(browser, deployment, "app-1")
    try:
        page = context.new_page()
        assert page.goto(deployment.url + "/").headers["x-nvcrp-upstream"] == "app-1"
        _sign_in(page, deployment)
        os.kill(deployment.pids["app-1"], signal.SIGTERM)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:      # until app-1 no longer answers
            try:
                urllib.request.urlopen(f"{deployment.upstreams['app-1']}/_stcore/health",
                                       timeout=2).close()
            except OSError:
                break
            time.sleep(0.3)
        response = page.reload()
        assert response.status == 200 and response.headers["x-nvcrp-upstream"] == "app-2"
        _signed_in(page)
        assert page.get_by_role("button", name="Sign in", exact=True).count() == 0
        assert page.get_by_test_id("stException").count() == 0
    finally:
        context.unroute_all(behavior="ignoreErrors")
        context.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:      # Debian's Chromium with the flags every browser test uses
        yield launched
