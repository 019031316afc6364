"""Need to know on the wire: with Operation Alliances 2024 restricted and granted to nobody, the
bytes the server sends a viewer and a briefing user over the WebSocket never carry its code,
its name or its distinctive figures — not in a chart's hover text, a table's data or a widget's
options — on the pages that compare operations, even when the link names it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from store import accounts
from store.connection import open_db
from tests.access.sweep_kit import distinctive_figures, leaks
from tests.conftest import copy_db
from tests.e2e.conftest import page_url, running_server, sign_in, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "a long test passphrase"
HIDDEN = "OA2024"
PAGES = ("dashboard.py", "pages/1_Operation.py", "pages/2_Forces.py",
         "pages/3_Pillars_and_funding.py", "pages/4_Returns_tracker.py")


@pytest.fixture(scope="module")
def hidden_server(demo_db_template: Path,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, set[str]]]:
    workdir = tmp_path_factory.mktemp("frames")
    db = copy_db(demo_db_template, workdir)
    con = open_db(db)
    try:
        for name, role in (("lead", "viewer"), ("brief", "briefing")):
            accounts.create_user(con, name, role=role, by="test", password=PASSWORD,
                                 must_change=False)
        con.execute("UPDATE operation SET restricted = true WHERE code = ?", [HIDDEN])
        name = con.execute("SELECT name FROM operation WHERE code = ?", [HIDDEN]).fetchall()[0][0]
    finally:
        con.close()
    reader = duckdb.connect(str(db), read_only=True)
    try:
        figures = distinctive_figures(reader, HIDDEN, date.today())
    finally:
        reader.close()
    with running_server(db, workdir) as url:
        yield url, name, figures


@pytest.mark.parametrize("person", ["lead", "brief"])
def test_websocket_frames_never_carry_the_restricted_operation(browser, hidden_server,  # type: ignore[no-untyped-def]
                                                                person: str) -> None:
    url, name, figures = hidden_server
    assert figures, "the sweep needs some distinctive figures to look for"
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    frames: list[bytes] = []

    def listen(ws) -> None:  # type: ignore[no-untyped-def]
        ws.on("framereceived", lambda payload: frames.append(
            payload if isinstance(payload, bytes) else payload.encode("utf-8")))

    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.on("websocket", listen)
        found: dict[str, list[str]] = {}
        for path in PAGES:
            start = len(frames)
            page.goto(page_url(url, path) + f"?op={HIDDEN}")
            sign_in(page, person, PASSWORD)
            wait_for_app(page)
            page.wait_for_timeout(1500)         # the last deltas of the run
            sent = b"".join(frames[start:]).decode("utf-8", "replace")
            assert len(sent) > 1000, f"no frames captured on {path}"
            if hit := leaks(sent, HIDDEN, name, figures):
                found[path] = hit
        assert not found, f"{HIDDEN} reached {person} over the WebSocket: {found}"
    finally:
        context.close()
