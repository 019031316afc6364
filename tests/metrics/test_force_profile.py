"""Force profile queries on the demo database, each checked against a separate SQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from metrics import force_profile as fp
from metrics.query import Filters

AS_AT = date(2026, 3, 31)
FIRST_WEEK = date(2025, 10, 31)

# The as-at rule written independently: the highest accepted version stated by the date.
CURRENT = """
SELECT s.* FROM submission s JOIN upload u ON u.id = s.upload_id
WHERE u.outcome = 'accepted' AND s.data_as_of <= $d
  AND s.version = (SELECT max(s2.version) FROM submission s2 JOIN upload u2 ON u2.id = s2.upload_id
                   WHERE u2.outcome = 'accepted' AND s2.return_key = s.return_key
                     AND s2.data_as_of <= $d)"""

PER_FORCE = f"""
SELECT c.submitter, f.region, sum(v.value) AS value, max(r.vehicle_offences) AS offences
FROM value v JOIN ({CURRENT}) c ON c.id = v.submission_id JOIN force f ON f.code = c.submitter
LEFT JOIN recorded_crime r ON r.force_code = c.submitter
WHERE c.operation = $op AND c.return_kind = 'force-return' AND v.measure = $m AND v.day IS NULL
GROUP BY c.submitter, f.region"""


@pytest.fixture
def con(demo_store: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The demo store, on both stores (tests/metrics/conftest.py)."""
    return demo_store


def _per_force(con: duckdb.DuckDBPyConnection, op: str, measure: str) -> list[tuple]:
    return con.execute(PER_FORCE, {"d": AS_AT, "op": op, "m": measure}).fetchall()


def test_force_operations_figures_and_versions(con: duckdb.DuckDBPyConnection) -> None:
    """South Yorkshire's OA2025 arrests and versions received match a separate count."""
    rows = {r[0]: r for r in _per_force(con, "OA2025", "arrests")}
    versions = con.execute(
        "SELECT count(*) FROM submission s JOIN upload u ON u.id = s.upload_id WHERE "
        "u.outcome = 'accepted' AND s.return_key = 'OA2025:south-yorkshire:force-return' "
        "AND s.data_as_of <= ?", [AS_AT]).fetchall()[0][0]
    found = fp.force_operations(con, "south-yorkshire", AS_AT).set_index("operation")
    assert found.loc["OA2025", "arrests"] == float(rows["south-yorkshire"][2])
    assert found.loc["OA2025", "versions"] == versions > 1


def test_force_operations_lists_every_operation_taken_part_in(con: duckdb.DuckDBPyConnection) -> None:
    """The operations are those the force was expected in or sent a return for."""
    expected = {r[0] for r in con.execute(
        "SELECT operation FROM operation_force WHERE force_code = 'kent' UNION "
        "SELECT operation FROM submission WHERE submitter = 'kent' AND operation IS NOT NULL"
    ).fetchall()}
    assert set(fp.force_operations(con, "kent", AS_AT)["operation"]) == expected


def test_earlier_date_holds_fewer_versions(con: duckdb.DuckDBPyConnection) -> None:
    """As at 31 October 2025 fewer versions of South Yorkshire's OA2025 return are held."""
    early = fp.force_operations(con, "south-yorkshire", FIRST_WEEK).set_index("operation")
    late = fp.force_operations(con, "south-yorkshire", AS_AT).set_index("operation")
    assert early.loc["OA2025", "versions"] < late.loc["OA2025", "versions"]


def test_region_and_national_averages(con: duckdb.DuckDBPyConnection) -> None:
    """Kent's region average is the mean of the Eastern forces' arrests; national of all."""
    rows = _per_force(con, "OA2025", "arrests")
    region = con.execute("SELECT region FROM force WHERE code = 'kent'").fetchall()[0][0]
    eastern = [float(r[2]) for r in rows if r[1] == region]
    found = fp.force_comparison(con, "kent", "OA2025", AS_AT, "arrests").set_index("scope")
    assert found.loc["region", "value"] == pytest.approx(sum(eastern) / len(eastern))
    assert found.loc["national", "value"] == pytest.approx(sum(float(r[2]) for r in rows) / len(rows))
    assert found.loc["national", "forces"] == len(rows)


def test_rates_pool_figures_over_offences(con: duckdb.DuckDBPyConnection) -> None:
    """The national rate is all arrests over all recorded offences of the reporting forces."""
    rows = [r for r in _per_force(con, "OA2025", "arrests") if r[3]]
    expected = sum(float(r[2]) for r in rows) * 1000 / sum(r[3] for r in rows)
    found = fp.force_comparison(con, "kent", "OA2025", AS_AT, "arrests").set_index("scope")
    assert found.loc["national", "per_1000"] == pytest.approx(expected)
    kent = [r for r in rows if r[0] == "kent"][0]
    assert found.loc["force", "per_1000"] == pytest.approx(float(kent[2]) * 1000 / kent[3])


@pytest.mark.parametrize(("force", "operation"), [("kent", "OA2025"), ("cleveland", "LOC2025"),
                                                 ("south-yorkshire", "OA2024")])
def test_rates_are_each_measures_comparison(con: duckdb.DuckDBPyConnection, force: str,
                                            operation: str) -> None:
    """force_rates (one query for every measure) gives, for each headline measure, exactly the
    force, region and national figures force_comparison gives for that measure alone."""
    rates = fp.force_rates(con, force, operation, AS_AT).set_index("measure")
    assert list(rates.index) == list(fp.HEADLINE)
    for measure in fp.HEADLINE:
        alone = fp.force_comparison(con, force, operation, AS_AT, measure).set_index("scope")
        row = rates.loc[measure]
        for got, want in ((row["value"], alone.loc["force", "value"]),
                          (row["per_1000"], alone.loc["force", "per_1000"]),
                          (row["region_per_1000"], alone.loc["region", "per_1000"]),
                          (row["national_per_1000"], alone.loc["national", "per_1000"])):
            assert (pd.isna(got) and pd.isna(want)) or got == want
        assert row["qualifier"] == alone.loc["force", "qualifier"]


def test_force_without_a_return_has_no_figure(con: duckdb.DuckDBPyConnection) -> None:
    """Cleveland sent no LOC2025 return: its row is not recorded, but its offences are shown."""
    found = fp.force_comparison(con, "cleveland", "LOC2025", AS_AT, "arrests").set_index("scope")
    assert found.loc["force", "qualifier"] == "not_recorded"
    assert found.loc["force", "vehicle_offences"] > 0


def test_returns_mark_the_version_that_counts(con: duckdb.DuckDBPyConnection) -> None:
    """Of Lancashire's two OA2025 versions only the later one counts."""
    found = fp.force_returns(con, "lancashire", AS_AT)
    oa = found[found["return_key"] == "OA2025:lancashire:force-return"]
    assert oa.sort_values("version")["counts"].tolist() == [False, True]


def test_rejected_upload_issues_are_resolved_by_a_later_version(
        con: duckdb.DuckDBPyConnection) -> None:
    """Cleveland's rejected OA2025 file has four issues, all resolved by its accepted upload."""
    found = fp.rejected_issues(con, "cleveland", date.today())
    expected = con.execute(
        "SELECT count(*) FROM upload_issue i JOIN upload u ON u.id = i.upload_id "
        "WHERE u.outcome = 'rejected' AND u.return_key = 'OA2025:cleveland:force-return'"
    ).fetchall()[0][0]
    assert len(found) == expected == 4
    assert found["resolved"].all()


def test_rejected_upload_without_a_fix_stays_open(demo_db: Path) -> None:
    """A rejected upload with no later accepted version keeps its issues open."""
    con = duckdb.connect(str(demo_db))
    new_id = con.execute("SELECT max(id) + 1 FROM upload").fetchall()[0][0]
    con.execute("INSERT INTO upload (id, sha256, original_name, size_bytes, uploaded_by, "
                "uploaded_at, return_kind, return_key, outcome) VALUES (?, 'x', 'late.xlsx', 1, "
                "'analyst', now(), 'force-return', 'LOC2025:cleveland:force-return', 'rejected')",
                [new_id])
    con.execute("INSERT INTO upload_issue VALUES (?, 1, 'bad-number', 'error', 'Return', 18, "
                "'M', 'Total', '-1', 'Negative')", [new_id])
    found = fp.rejected_issues(con, "cleveland", date.today())
    con.close()
    open_issues = found[~found["resolved"]]
    assert open_issues["original_name"].tolist() == ["late.xlsx"]


def test_default_force_is_first_filtered_force(con: duckdb.DuckDBPyConnection) -> None:
    """With forces chosen in the sidebar, the first of them is the default."""
    assert fp.default_force(con, Filters("OA2025", AS_AT, forces=("wiltshire", "kent"))) == "kent"


def test_default_force_has_most_arrests(con: duckdb.DuckDBPyConnection) -> None:
    """With no forces chosen, the default is the force with most OA2025 arrests."""
    rows = sorted(_per_force(con, "OA2025", "arrests"), key=lambda r: -float(r[2]))
    assert fp.default_force(con, Filters("OA2025", AS_AT)) == rows[0][0]
    assert float(rows[0][2]) > float(rows[1][2])


def test_headline_cards_for_chosen_operation(con: duckdb.DuckDBPyConnection) -> None:
    """The cards show the chosen operation's figures, and none for an operation not taken part in."""
    rows = fp.force_operations(con, "kent", AS_AT)
    cards = dict(fp.headline_cards(rows, "OA2025"))
    arrests = rows.set_index("operation").loc["OA2025", "arrests"]
    assert cards["Arrests"] == f"{arrests:,.0f}"
    assert fp.headline_cards(rows, "NPO2025") == []
