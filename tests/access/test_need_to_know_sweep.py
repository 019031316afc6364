"""Need to know, swept: each operation restricted in turn, every page and every download, for
every role without the grant.

The pages are enumerated from the menu (``ui.shell.PAGES``) and from the ``pages/`` folder, and
the downloads from whatever ``st.download_button`` each page draws, so a page or export added
later is swept without touching this file. A link naming the restricted operation
(``?op=CODE``) is followed too, as a colleague who was sent one would.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from tests.access.sweep_kit import Downloads, distinctive_figures, file_text, leaks, tree_text
from tests.conftest import copy_db, signed_in_session
from ui import auth
from ui.shell import PAGES

ROOT = Path(__file__).resolve().parents[2]
ROLES = ("viewer", "analyst", "briefing")     # every role but admin, which sees everything
DEMO_OPERATIONS = ("OA2024", "OA2025", "NPO2025", "LOC2025")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def every_page() -> list[str]:
    listed = [path for path, _, _ in PAGES]
    on_disk = sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))
    return listed + [p for p in on_disk if p not in listed]


def test_sweep_covers_every_page_file() -> None:
    """The sweep's page list holds every page the app could serve, menu or not."""
    pages = every_page()
    assert "dashboard.py" in pages
    assert set(pages) >= {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")}


@pytest.fixture(scope="module")
def restricted_db(demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory,
                  request: pytest.FixtureRequest) -> tuple[Path, str, str, set[str]]:
    code = request.param
    db = copy_db(demo_db_template, tmp_path_factory.mktemp(f"sweep-{code}"))
    con = duckdb.connect(str(db))
    try:
        con.execute("UPDATE operation SET restricted = true WHERE code = ?", [code])
        name = con.execute("SELECT name FROM operation WHERE code = ?", [code]).fetchall()[0][0]
        figures = distinctive_figures(con, code, date.today())
    finally:
        con.close()
    for role in ROLES:
        signed_in_session(db, name=f"{role}.sweep", role=role)
    return db, code, name, figures


@pytest.mark.parametrize("restricted_db", DEMO_OPERATIONS, indirect=True)
@pytest.mark.parametrize("role", ROLES)
def test_restricted_operation_reaches_no_page_or_file(
        restricted_db: tuple[Path, str, str, set[str]], role: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    db, code, name, figures = restricted_db
    monkeypatch.setenv("NVCRP_DB", str(db))
    downloads = Downloads()
    monkeypatch.setattr(streamlit, "download_button", downloads.wrap(streamlit.download_button))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.session_state[auth.SESSION_KEY] = signed_in_session(db, name=f"{role}.sweep", role=role)
    found: dict[str, list[str]] = {}
    opened = 0
    for page in every_page():
        at.query_params["op"] = code          # a shared link naming the operation
        at.switch_page(page)
        at.run()
        assert not at.exception, f"{page} failed for a {role}: {at.exception}"
        opened += 1
        if hit := leaks(tree_text(at), code, name, figures):
            found[page] = hit
    # PNG and chart PDFs carry the same words as the SVG of the same chart; building them
    # too would triple the time for nothing more to read.
    built = 0
    for label, file_name, data in downloads.files(
            skip=lambda n: n.endswith(".png") or ("chart" in n and n.endswith(".pdf"))):
        built += 1
        if hit := leaks(file_name + "\n" + file_text(data, file_name), code, name, figures):
            found[f"download '{label}' ({file_name})"] = hit
    assert not found, f"{code} ({name}) reached a {role} without the grant: {found}"
    assert opened == len(every_page())
    if role == "briefing":
        assert built > 5, "the briefing role should have been offered downloads to sweep"
