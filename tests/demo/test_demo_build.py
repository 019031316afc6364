"""The committed demo files, loaded through the real ingest, give the published figures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from python_calamine import CalamineWorkbook

from loaders.demo.build import build_demo, demo_files, generate
from store.settings import DEMO_DIR

pytestmark = pytest.mark.slow

# The as-at rule written out independently of metrics/: per return key, the latest version
# stated as at the date or earlier; a measure's total is its row with no day and no port.
AS_AT_SQL = """
WITH latest AS (
    SELECT * FROM submission s
    WHERE s.operation = $operation AND s.return_kind = 'force-return'
      AND s.data_as_of <= $as_at
    QUALIFY row_number() OVER (PARTITION BY s.return_key ORDER BY s.version DESC) = 1
)
SELECT CAST(coalesce(sum(v.value), 0) AS DOUBLE),
       count(*) FILTER (WHERE v.qualifier = 'at_least')
FROM value v JOIN latest l ON l.id = v.submission_id
WHERE v.measure = $measure AND v.day IS NULL AND v.port IS NULL
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory,
          ) -> Iterator[tuple[list[Any], duckdb.DuckDBPyConnection]]:
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    results = build_demo(db)
    con = duckdb.connect(str(db), read_only=True)
    yield results, con
    con.close()


def as_at(con: duckdb.DuckDBPyConnection, operation: str, measure: str,
          day: date) -> tuple[float, int]:
    row = con.execute(AS_AT_SQL, {"operation": operation, "measure": measure,
                                  "as_at": day}).fetchone()
    assert row is not None
    return row[0], row[1]


def test_committed_files_are_what_generate_writes(tmp_path: Path) -> None:
    """Regenerating the demo files reproduces the committed files byte for byte."""
    fresh = {p.relative_to(tmp_path): p.read_bytes() for p in generate(tmp_path)}
    committed = {p.relative_to(DEMO_DIR): p.read_bytes() for p in demo_files(DEMO_DIR)}
    # When the template layout changes, rewrite them with: python -m loaders.demo
    assert fresh.keys() == committed.keys()
    assert [n for n in fresh if fresh[n] != committed[n]] == []


def test_every_workbook_is_labelled_illustrative() -> None:
    """Each demo workbook's README opens with the banner and its contact says illustrative."""
    for path in (p for p in demo_files(DEMO_DIR) if p.suffix == ".xlsx"):
        book = CalamineWorkbook.from_path(str(path))
        readme = book.get_sheet_by_name("README").to_python()
        assert str(readme[0][0]).startswith("ILLUSTRATIVE DEMO DATA"), path.name
        first = book.get_sheet_by_name(book.sheet_names[1]).to_python()
        assert any("Demo data (illustrative)" in map(str, row) for row in first), path.name


def test_oa2025_first_results(built: tuple) -> None:
    """As at 29 October 2025: 154 arrests, 95 vehicles, £2,046,250 and 13 dismantling sites."""
    _, con = built
    day = date(2025, 10, 29)
    assert as_at(con, "OA2025", "arrests", day)[0] == 154
    assert as_at(con, "OA2025", "vehicles_recovered", day)[0] == 95
    assert as_at(con, "OA2025", "value_recovered_gbp", day) == (2_046_250, 0)
    assert as_at(con, "OA2025", "dismantling_sites", day)[0] == 13


def test_oa2025_results_in_march_2026(built: tuple) -> None:
    """As at 2 March 2026: more than 365 arrests (one stated 'more than') and over £3.3 million."""
    _, con = built
    arrests, at_least = as_at(con, "OA2025", "arrests", date(2026, 3, 2))
    assert arrests > 365 and at_least >= 1
    assert as_at(con, "OA2025", "value_recovered_gbp", date(2026, 3, 2))[0] > 3_300_000


def test_oa2024_results(built: tuple) -> None:
    """The 2024 week: 180 arrests, 316 vehicles, at least £4 million, from 41 forces."""
    _, con = built
    day = date(2024, 10, 1)
    assert as_at(con, "OA2024", "arrests", day)[0] == 180
    assert as_at(con, "OA2024", "vehicles_recovered", day)[0] == 316
    value, at_least = as_at(con, "OA2024", "value_recovered_gbp", day)
    assert value >= 4_000_000 and at_least == 1
    forces = con.execute("SELECT count(DISTINCT submitter) FROM submission "
                         "WHERE operation = 'OA2024'").fetchone()
    assert forces == (41,)


def test_mistake_files_are_rejected_with_issues(built: tuple) -> None:
    """Every file under rejected/ is refused, with at least one error saved for it."""
    results, con = built
    rejected = [r for r in results if r.outcome == "rejected"]
    expected = {p.name for p in demo_files(DEMO_DIR) if p.parent.name == "rejected"}
    assert {r.file for r in rejected} == expected and len(expected) == 4
    for r in rejected:
        errors = con.execute("SELECT count(*) FROM upload_issue WHERE upload_id = ? "
                             "AND severity = 'error'", [r.upload_id]).fetchone()
        assert errors is not None and errors[0] >= 1, r.file


def test_every_other_file_is_accepted(built: tuple) -> None:
    """Every file outside rejected/ loads as accepted."""
    results, _ = built
    assert all(r.outcome == "accepted" for r in results if r.file not in
               {p.name for p in demo_files(DEMO_DIR) if p.parent.name == "rejected"})


def test_accepted_files_state_their_date(built: tuple) -> None:
    """Every accepted submission's 'Figures as at' date is the one in its file name."""
    _, con = built
    rows = con.execute("SELECT u.original_name, s.data_as_of FROM submission s "
                       "JOIN upload u ON u.id = s.upload_id").fetchall()
    assert rows and all(name[:10] == stated.isoformat() for name, stated in rows)


def test_one_resubmission_changes_nothing(built: tuple) -> None:
    """One later version re-states its return unchanged: 0 figures changed."""
    results, _ = built
    assert any(r.outcome == "accepted" and r.version and r.version > 1 and not r.changed
               for r in results)


def test_spend_totals(built: tuple) -> None:
    """Grant 1 spend is £485,000 on OA2025; grant 2 about £200,000, nearly £700,000 in all."""
    _, con = built
    rows = dict(con.execute(
        "SELECT s.grant_ref, CAST(sum(l.amount_gbp) AS DOUBLE) FROM spend_line l "
        "JOIN submission s ON s.id = l.submission_id GROUP BY s.grant_ref").fetchall())
    assert rows["G1"] == 485_000
    assert 190_000 <= rows["G2"] < 210_000
    oa = con.execute("SELECT CAST(sum(amount_gbp) AS DOUBLE) FROM spend_line "
                     "WHERE operation = 'OA2025'").fetchone()
    assert oa == (485_000,)


def test_build_refuses_a_database_with_uploads(tmp_path: Path) -> None:
    """Building over a database that already holds uploads is refused unless forced."""
    db = tmp_path / "one.duckdb"
    build_demo(db, directory=DEMO_DIR / "rejected")
    with pytest.raises(FileExistsError):
        build_demo(db, directory=DEMO_DIR / "rejected")


def test_build_with_force_starts_afresh(tmp_path: Path) -> None:
    """With force=True an existing demo database is replaced, not added to."""
    db = tmp_path / "one.duckdb"
    build_demo(db, directory=DEMO_DIR / "rejected")
    build_demo(db, force=True, directory=DEMO_DIR / "rejected")
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM upload").fetchone() == (4,)
    finally:
        con.close()
