"""Roles in a real browser (issue 5): what a viewer, a force analyst and an administrator can
reach, on a server whose funded local operations (LOC2025) are marked restricted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from loaders.reference.snapshot import Reference
from loaders.templates.build import Fill, MeasureFill, write_template
from store import accounts
from store.connection import open_db
from tests.conftest import copy_db
from tests.e2e.conftest import page_url, running_server, sign_in, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "a long test passphrase"
UPLOAD_PAGE = "pages/5_Upload_returns.py"


@pytest.fixture(scope="module")
def roles_server(demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo data with a viewer, an analyst for Kent only, an administrator, and LOC2025
    restricted (granted to nobody)."""
    workdir = tmp_path_factory.mktemp("roles")
    db = copy_db(demo_db_template, workdir)
    con = open_db(db)
    try:
        for name, role, forces in (("lead", "viewer", ()), ("kent-desk", "analyst", ("kent",)),
                                   ("boss", "admin", ())):
            accounts.create_user(con, name, role=role, by="test", password=PASSWORD,
                                 forces=forces, must_change=False)
        con.execute("UPDATE operation SET restricted = true WHERE code = 'LOC2025'")
    finally:
        con.close()
    with running_server(db, workdir) as url:
        yield url


@pytest.fixture
def visit(browser, roles_server):  # type: ignore[no-untyped-def]
    """visit(person, path) → a signed-in page at that page file (a fresh browser each time)."""
    contexts = []

    def go(person: str, path: str = "dashboard.py", query: str = "") -> Page:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(page_url(roles_server, path) + query)
        sign_in(page, person, PASSWORD)
        return page

    yield go
    for context in contexts:
        context.close()


def test_viewer_cannot_reach_the_upload_page_or_its_file_input(visit) -> None:  # type: ignore[no-untyped-def]
    """No menu link for a viewer; the page's own address shows a refusal and no file input."""
    home = visit("lead")
    wait_for_app(home)
    expect(home.get_by_test_id("stSidebar").get_by_role("link", name="Operation")).to_be_visible()
    expect(home.get_by_test_id("stSidebar").get_by_role("link", name="Upload returns")).to_have_count(0)
    page = visit("lead", UPLOAD_PAGE)
    expect(page.get_by_text("Your account cannot open this page")).to_be_visible()
    expect(page.get_by_test_id("stFileUploaderDropzoneInput")).to_have_count(0)


def test_analyst_can_upload_but_not_for_another_force(visit, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Kent's analyst has the file input, and South Yorkshire's return is refused, saying why."""
    fill = Fill(data_as_of=date(2026, 3, 1), operation="OA2025", force="south-yorkshire",
                contact="Browser test", values={"arrests": MeasureFill(total=40),
                                                "vehicles_recovered": MeasureFill(total=9),
                                                "value_recovered_gbp": MeasureFill(total=1000)})
    path = write_template(tmp_path / "sy.xlsx", "force-return", Reference.from_files(), fill=fill)
    page = visit("kent-desk", UPLOAD_PAGE)
    wait_for_app(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    panel = page.locator(".st-key-upload-1")
    expect(panel.get_by_text("Rejected", exact=False).first).to_be_visible(timeout=60_000)
    expect(panel.get_by_test_id("stDataFrame")).to_contain_text("may submit returns only for")


def test_restricted_operation_never_appears_for_a_viewer(visit) -> None:  # type: ignore[no-untyped-def]
    """The viewer's home page and operation list leave LOC2025 out; the administrator's don't."""
    lead = visit("lead", query="?as_at=2026-03-02")
    wait_for_app(lead)
    expect(lead.locator(".st-key-op-OA2025")).to_be_visible()
    expect(lead.locator(".st-key-op-LOC2025")).to_have_count(0)
    expect(lead.get_by_text("Funded local operations 2025-26")).to_have_count(0)
    linked = visit("lead", "pages/1_Operation.py", "?op=LOC2025&as_at=2026-03-02")
    wait_for_app(linked)
    expect(linked.get_by_role("heading", name="Funded local operations 2025-26")).to_have_count(0)
    boss = visit("boss", query="?as_at=2026-03-02")
    wait_for_app(boss)
    expect(boss.locator(".st-key-op-LOC2025")).to_be_visible()
