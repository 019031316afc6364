"""Every page (the home page and whatever is in pages/) runs, calls page_setup first, and
holds layout only: no SQL and no imports beyond the page rooms."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGE_FILES = [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py"))]
PAGE_IDS = [p.relative_to(ROOT).as_posix() for p in PAGE_FILES]
ALLOWED_IMPORTS = {"ui", "metrics", "exports", "streamlit", "pandas", "datetime", "plotly",
                   "__future__"}
SQL_MARKERS = ("SELECT", "duckdb", ".execute(")


def _run(page: Path) -> AppTest:
    """Run ``page`` the way the real app does: dashboard.py is the entry, pages are switched to
    (a page run as its own entry cannot link back to the home page)."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    if page.name != "dashboard.py":
        at.switch_page(page.relative_to(ROOT).as_posix())
        at.run()
    return at


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGE_FILES, ids=PAGE_IDS)
def test_page_runs_on_an_empty_database(page: Path, empty_db: Path) -> None:
    """A page on a database with no returns says so instead of raising."""
    at = _run(page)
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGE_FILES, ids=PAGE_IDS)
def test_page_runs_on_the_demo_database(page: Path, demo_db: Path) -> None:
    """A page on the demo database runs through without an exception and labels the data."""
    at = _run(page)
    assert not at.exception, [e.value for e in at.exception]
    assert any("Illustrative demo data" in w.value for w in at.warning)


def _first_statement(tree: ast.Module) -> ast.stmt:
    body = list(tree.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]    # the module docstring
    rest = [node for node in body if not isinstance(node, ast.Import | ast.ImportFrom)]
    assert rest, "the page does nothing"
    return rest[0]


def _calls_page_setup(node: ast.stmt) -> bool:
    value = node.value if isinstance(node, ast.Assign | ast.Expr) else None
    return (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
            and value.func.id == "page_setup")


@pytest.mark.parametrize("page", PAGE_FILES, ids=PAGE_IDS)
def test_page_setup_is_the_first_call(page: Path) -> None:
    """After the imports, a page's first statement is page_setup(...) (sign-in, marking, filters)."""
    first = _first_statement(ast.parse(page.read_text(encoding="utf-8")))
    assert _calls_page_setup(first), f"{page.name} line {first.lineno}: {ast.unparse(first)}"


def test_first_statement_check_catches_a_late_page_setup() -> None:
    """The check above fails a page that draws something before page_setup."""
    late = ast.parse('"""Doc."""\nimport streamlit as st\nst.title("x")\nctx = page_setup("X")\n')
    early = ast.parse('"""Doc."""\nfrom ui.shell import page_setup\nctx = page_setup("X")\n')
    assert not _calls_page_setup(_first_statement(late))
    assert _calls_page_setup(_first_statement(early))


@pytest.mark.parametrize("page", PAGE_FILES, ids=PAGE_IDS)
def test_page_holds_no_sql(page: Path) -> None:
    """Pages never build SQL or touch DuckDB: queries live in metrics/."""
    text = page.read_text(encoding="utf-8")
    found = [marker for marker in SQL_MARKERS if marker in text]
    assert not found, f"{page.name} contains {found}"


def _imported_roots(tree: ast.Module) -> set[str]:
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            roots.add("." if node.level else (node.module or "").split(".")[0])
    return roots


@pytest.mark.parametrize("page", PAGE_FILES, ids=PAGE_IDS)
def test_page_imports_only_page_rooms(page: Path) -> None:
    """Pages import only ui, metrics, exports, streamlit, pandas, datetime and plotly."""
    roots = _imported_roots(ast.parse(page.read_text(encoding="utf-8")))
    assert roots <= ALLOWED_IMPORTS, f"{page.name} imports {sorted(roots - ALLOWED_IMPORTS)}"


def test_import_check_catches_store_and_duckdb() -> None:
    """The import check above rejects a page reaching into store or duckdb."""
    roots = _imported_roots(ast.parse("import duckdb\nfrom store.connection import open_db\n"))
    assert roots - ALLOWED_IMPORTS == {"duckdb", "store"}
