"""The scenario of issue 11 on the demo data: Kent's latest Operation Alliances 2025 return sent
again with its arrests row typed ten times too large (26 → 260, the days likewise).

Before, it was accepted as version 4 with no issue at all. Now the upload page stops at a
query and saves nothing; the command line saves it and lists the query in ``--json``; the
issues workbook colours the cell as a query; the demo's own queried figure is kept.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
from ingest_kit import kent_typo

from loaders.ingest.upload import ingest_bytes
from loaders.templates.issues_workbook import (
    PROBLEM_FILL,
    QUERY_FILL,
    WARNING_FILL,
    write_issues_workbook,
)
from metrics.query import total_of
from metrics.scope import Filters
from store.settings import settings_for
from ui.auth import User

ROOT = Path(__file__).resolve().parents[2]
ANALYST = User(name="analyst", role="analyst", forces=())
MESSAGE = (
    "260 arrests is more than 5 times Kent's largest earlier figure at the same stage (6 in "
    "Operation Alliances 2024, 137 days in). It is 30.8 per 1,000 vehicle offences recorded in "
    "Kent, more than 3 times the highest rate of the other 36 forces in Operation Alliances "
    "2025 (3.7, South Yorkshire). Check for a typing slip; if the figure is right, confirm it "
    "with a reason.")


def _arrests(con: duckdb.DuckDBPyConnection) -> tuple[float | None, str]:
    return total_of(con, Filters(operation="OA2025", as_at=date(2026, 3, 2)), "arrests")


def test_browser_path_queries_the_typo_and_saves_nothing(demo_db: Path, tmp_path: Path) -> None:
    """As the upload page sends it: 'needs_confirmation' with one query on cell M18, Kent's
    return stays at version 3 and the national arrests figure does not move."""
    con = duckdb.connect(str(demo_db))
    try:
        before = _arrests(con)
        data = kent_typo(tmp_path / "kent.xlsx").read_bytes()
        result = ingest_bytes(con, data, "kent.xlsx", user=ANALYST.name,
                              settings=settings_for(demo_db), confirm_replace=False,
                              submitter=ANALYST, confirm_removals=frozenset(),
                              confirm_queries=frozenset())
        assert result.outcome == "needs_confirmation" and result.version == 4
        [query] = result.queries
        assert (query.sheet, query.row, query.column, query.header, query.value) == (
            "Return", 18, "M", "Total", "260")
        assert query.message == MESSAGE
        assert con.execute("SELECT max(version) FROM submission WHERE return_key = "
                           "'OA2025:kent:force-return'").fetchall() == [(3,)]
        assert _arrests(con) == before
    finally:
        con.close()


def test_command_line_saves_it_with_the_query_in_json(demo_db: Path, tmp_path: Path) -> None:
    """`ingest --json` saves version 4 and lists the query with severity 'query' (exit 0);
    the issues workbook then colours M18 as a query, apart from errors and warnings."""
    path = kent_typo(tmp_path / "kent.xlsx")
    run = subprocess.run([sys.executable, "-m", "loaders", "ingest", str(path), "--db",
                          str(demo_db), "--json", "--user", "ann"], capture_output=True,
                         text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr
    [result] = json.loads(run.stdout)
    assert (result["outcome"], result["version"]) == ("accepted", 4)
    queries = [i for i in result["issues"] if i["severity"] == "query"]
    assert [(q["code"], q["row"], q["column"], q["value"], q["message"]) for q in queries] == [
        ("implausible-figure", 18, "M", "260", MESSAGE)]
    out = tmp_path / "issues.xlsx"
    con = duckdb.connect(str(demo_db))
    try:
        write_issues_workbook(con, result["upload_id"], out, settings_for(demo_db))
    finally:
        con.close()
    book = openpyxl.load_workbook(out)
    cell = book["Return"]["M18"]
    assert cell.fill.fgColor.rgb.endswith(QUERY_FILL.fgColor.rgb[-6:])
    assert cell.comment.text.startswith("Query (implausible-figure): 260 arrests")
    colours = {PROBLEM_FILL.fgColor.rgb, WARNING_FILL.fgColor.rgb, QUERY_FILL.fgColor.rgb}
    assert len(colours) == 3
    key = {book["Issues"].cell(r, 10).value: book["Issues"].cell(r, 10).fill.fgColor.rgb
           for r in range(2, 5)}
    assert key == {"Error": PROBLEM_FILL.fgColor.rgb, "Warning": WARNING_FILL.fgColor.rgb,
                   "Query": QUERY_FILL.fgColor.rgb}


def test_demo_keeps_one_confirmed_query(demo_db_template: Path) -> None:
    """The demo's one plausible-but-unusual figure, South Yorkshire's 'over 900' people given
    prevention advice in 2025 against 149 in 2024, is queried once and confirmed."""
    con = duckdb.connect(str(demo_db_template), read_only=True)
    try:
        rows = con.execute(
            "SELECT u.return_key, i.value, i.message FROM upload_issue i JOIN upload u "
            "ON u.id = i.upload_id WHERE i.severity = 'query'").fetchall()
        assert [(k, v) for k, v, _ in rows] == [("OA2025:south-yorkshire:force-return", "901")]
        assert rows[0][2].startswith(
            "at least 901 people given prevention advice is more than 5 times South "
            "Yorkshire's largest earlier figure at the same stage (149 in Operation Alliances "
            "2024, 16 days in).")
        assert con.execute("SELECT count(*) FROM audit WHERE action = 'query_confirmed'"
                           ).fetchall() == [(1,)]
    finally:
        con.close()
