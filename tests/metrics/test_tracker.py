"""Returns tracker queries against the demo database (checked with independent SQL and the demo
README's facts) and against a fresh database filled through the real ingest."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from loaders.ingest.changes import changed_figures
from loaders.ingest.upload import ingest_bytes
from loaders.reference.snapshot import Reference
from loaders.templates.build import Fill, MeasureFill, build_template
from metrics import tracker
from metrics.scope import Filters
from store.connection import open_db
from store.reference import load_reference
from store.settings import DEMO_DIR, settings_for
from store.submissions import submission_values

TODAY = date.today()
HERTS = "OA2025:hertfordshire:force-return"
REJECTED_OA2025 = {"cleveland", "lancashire", "surrey"}


@pytest.fixture
def demo(demo_store: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The demo store, on both stores (tests/metrics/conftest.py)."""
    return demo_store


@pytest.fixture
def fresh(empty_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_db(empty_db)
    load_reference(con)
    yield con
    con.close()


def force_return_bytes(con: duckdb.DuckDBPyConnection, force: str, arrests: int,
                       as_of: date = date(2025, 10, 27)) -> bytes:
    """A filled OA2025 force return made from the product's own template."""
    import io

    fill = Fill(data_as_of=as_of, operation="OA2025", force=force, contact="Test desk",
                values={"arrests": MeasureFill(total=arrests),
                        "vehicles_recovered": MeasureFill(total=3),
                        "value_recovered_gbp": MeasureFill(total=45000)})
    buffer = io.BytesIO()
    build_template("force-return", Reference.from_db(con), fill=fill).save(buffer)
    return buffer.getvalue()


def ingest(con: duckdb.DuckDBPyConnection, db: Path, data: bytes, name: str):  # type: ignore[no-untyped-def]
    return ingest_bytes(con, data, name, user="analyst", settings=settings_for(db))


def _status(found, force: str) -> str:  # type: ignore[no-untyped-def]
    return str(found.loc[found["force_code"] == force, "status"].iloc[0])


def test_oa2024_holds_41_of_43_returns(demo: duckdb.DuckDBPyConnection) -> None:
    """As at today OA2024 expects 43 forces and holds 41 returns (demo README)."""
    counts = tracker.status_counts(demo, Filters(operation="OA2024", as_at=TODAY))
    assert (counts["expected"], counts["held"], counts["missing"]) == (43, 41, 2)


def test_missing_forces_match_independent_sql(demo: duckdb.DuckDBPyConnection) -> None:
    """The forces marked missing are exactly the expected forces with no OA2024 submission."""
    found = tracker.tracker(demo, Filters(operation="OA2024", as_at=TODAY))
    expected = {r[0] for r in demo.execute(
        "SELECT force_code FROM operation_force WHERE operation = 'OA2024' AND force_code NOT IN "
        "(SELECT submitter FROM submission WHERE operation = 'OA2024')").fetchall()}
    assert set(found.loc[found["status"] == "missing", "force_code"]) == expected
    assert expected == {"city-of-london", "north-wales"}


def test_late_follows_first_receipt_against_returns_due(demo: duckdb.DuckDBPyConnection) -> None:
    """A held return is late exactly when its first version was received after returns_due."""
    found = tracker.tracker(demo, Filters(operation="OA2024", as_at=TODAY))
    late = {r[0] for r in demo.execute(
        "SELECT s.submitter FROM submission s JOIN operation o ON o.code = s.operation "
        "WHERE s.operation = 'OA2024' GROUP BY s.submitter, o.returns_due "
        "HAVING CAST(min(s.received_at) AS DATE) > o.returns_due").fetchall()}
    assert set(found.loc[found["status"] == "late", "force_code"]) == late


def test_earlier_as_at_date_holds_fewer_returns(demo: duckdb.DuckDBPyConnection) -> None:
    """As at 27 September 2024 only the 11 returns stated by then are held."""
    counts = tracker.status_counts(demo, Filters(operation="OA2024", as_at=date(2024, 9, 27)))
    assert counts["held"] == 11
    assert counts["missing"] == 32


def test_rejected_demo_files_show_as_rejected(demo: duckdb.DuckDBPyConnection) -> None:
    """Before their corrected versions are stated, the three matched rejected demo files are open."""
    found = tracker.tracker(demo, Filters(operation="OA2025", as_at=date(2025, 10, 24)))
    rejected = found[found["status"] == "rejected"]
    assert set(rejected["force_code"]) == REJECTED_OA2025
    ids = {r[0] for r in demo.execute(
        "SELECT id FROM upload WHERE outcome = 'rejected' AND return_key IS NOT NULL").fetchall()}
    assert set(rejected["rejected_upload"].astype(int)) == ids


def test_a_later_accepted_version_closes_a_rejection(demo: duckdb.DuckDBPyConnection) -> None:
    """As at today each rejected demo return has an accepted version after it, so none is open."""
    found = tracker.tracker(demo, Filters(operation="OA2025", as_at=TODAY))
    for force in REJECTED_OA2025:
        assert _status(found, force) in ("received", "late")
    assert (found.loc[found["force_code"].isin(REJECTED_OA2025), "rejected_uploads"] == 1).all()


def test_rejected_return_lists_its_issues(demo: duckdb.DuckDBPyConnection) -> None:
    """Cleveland's rejected OA2025 file shows its four located number problems."""
    found = tracker.issues(demo, "OA2025:cleveland:force-return")
    assert len(found) == 4
    assert set(found["code"]) == {"bad-number"}
    assert set(zip(found["row"], found["column"], strict=True)) == {
        (18, "G"), (18, "M"), (21, "G"), (21, "M")}


def test_unknown_force_upload_is_listed_as_unmatched(demo: duckdb.DuckDBPyConnection) -> None:
    """The misspelt-force demo file has no return key and is listed on its own."""
    found = tracker.unmatched_rejections(demo)
    assert list(found["original_name"]) == [
        "2025-10-22_OA2025_nottinghamshire_misspelt-force.xlsx"]


def test_hertfordshire_has_three_versions(demo: duckdb.DuckDBPyConnection) -> None:
    """Hertfordshire's OA2025 return has versions 1 to 3, each with its file and uploader."""
    found = tracker.versions(demo, HERTS, TODAY)
    assert list(found["version"]) == [1, 2, 3]
    assert found["original_name"].str.contains("hertfordshire").all()
    assert set(found["uploaded_by"]) == {"demo"}


def test_versions_flag_those_stated_after_the_as_at_date(demo: duckdb.DuckDBPyConnection) -> None:
    """As at 1 December 2025 only version 1 of Hertfordshire's return is stated."""
    found = tracker.versions(demo, HERTS, date(2025, 12, 1))
    assert list(found["stated_by_as_at"]) == [True, False, False]


def test_third_hertfordshire_version_changes_nothing(demo: duckdb.DuckDBPyConnection) -> None:
    """Version 3 restates version 2: 0 figures changed."""
    assert tracker.changes(demo, HERTS, 2, 3).empty


def test_changes_match_the_loaders_comparison(demo: duckdb.DuckDBPyConnection) -> None:
    """Version 1 to 2 changes the same figures, to the same values, as
    loaders.ingest.changes finds."""
    ids = dict(demo.execute("SELECT version, id FROM submission WHERE return_key = ?",
                            [HERTS]).fetchall())
    expected = changed_figures(demo, HERTS, submission_values(demo, ids[2]), ids[1])
    found = tracker.changes(demo, HERTS, 1, 2)
    assert len(found) == len(expected) > 0
    assert list(found["new_value"]) == [float(c["new"]) for c in expected]
    assert list(found["measure"]) == [c["measure"] for c in expected]


def test_changes_are_formatted_with_labels(demo: duckdb.DuckDBPyConnection) -> None:
    """A money measure's change reads in pounds under its registry label."""
    found = tracker.changes(demo, HERTS, 1, 2).set_index("measure")
    assert found.loc["value_recovered_gbp", "new"].startswith("£")
    assert found.loc["arrests", "label"] == "Arrests"


def test_matrix_puts_each_operation_in_a_column(demo: duckdb.DuckDBPyConnection) -> None:
    """All operations: one row per force, a status per operation, blank where none expected."""
    wide = tracker.matrix(demo, Filters(operation=None, as_at=TODAY)).set_index("force_name")
    assert {"OA2024", "OA2025", "NPO2025", "LOC2025"} <= set(wide.columns)
    assert wide.loc["City of London", "OA2024"] == "missing"
    assert wide.loc["NaVCIS", "NPO2025"] in ("received", "late")
    assert wide["OA2024"].notna().sum() == 43


def test_region_filter_narrows_expected_forces(demo: duckdb.DuckDBPyConnection) -> None:
    """Filtering to Southern Wales leaves its three forces for OA2024."""
    f = Filters(operation="OA2024", as_at=TODAY, regions=("southern-wales",))
    found = tracker.tracker(demo, f)
    assert set(found["force_code"]) == {"dyfed-powys", "gwent", "south-wales"}


def test_fresh_database_upload_moves_missing_to_held(fresh: duckdb.DuckDBPyConnection,
                                                     empty_db: Path) -> None:
    """A first accepted return turns its force from missing to held; nothing else changes."""
    f = Filters(operation="OA2025", as_at=TODAY)
    before = tracker.status_counts(fresh, f)
    result = ingest(fresh, empty_db, force_return_bytes(fresh, "south-yorkshire", 32), "sy.xlsx")
    assert result.outcome == "accepted", result.issues
    after = tracker.status_counts(fresh, f)
    assert (before["held"], after["held"]) == (0, 1)
    assert after["missing"] == before["missing"] - 1


def test_return_received_before_due_date_is_on_time(fresh: duckdb.DuckDBPyConnection,
                                                    empty_db: Path) -> None:
    """With the due date still ahead, a received return is 'received', not 'late'."""
    fresh.execute("UPDATE operation SET returns_due = ? WHERE code = 'OA2025'",
                  [date(2099, 1, 1)])
    ingest(fresh, empty_db, force_return_bytes(fresh, "wiltshire", 5), "w.xlsx")
    found = tracker.tracker(fresh, Filters(operation="OA2025", as_at=TODAY))
    assert _status(found, "wiltshire") == "received"


def test_rejected_upload_then_correction(fresh: duckdb.DuckDBPyConnection, empty_db: Path) -> None:
    """A rejected file shows as rejected until an accepted version follows it."""
    bad = next((DEMO_DIR / "rejected").glob("*cleveland_negative-and-fractional.xlsx"))
    assert ingest(fresh, empty_db, bad.read_bytes(), bad.name).outcome == "rejected"
    f = Filters(operation="OA2025", as_at=TODAY)
    assert _status(tracker.tracker(fresh, f), "cleveland") == "rejected"
    ingest(fresh, empty_db, force_return_bytes(fresh, "cleveland", 4), "fixed.xlsx")
    assert _status(tracker.tracker(fresh, f), "cleveland") in ("received", "late")
