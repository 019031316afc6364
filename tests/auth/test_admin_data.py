"""Reference data edits and the audit log queries behind the admin and audit pages."""

from __future__ import annotations

import json
from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest

from metrics import audit_log
from store.audit import audit
from store.reference_edits import ReferenceEditError, current, save_table
from ui import admin
from ui.auth import User

BOSS = User("boss", "admin")


def _operations(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return current(con, "operation")


def test_marking_an_operation_restricted_is_saved_and_audited(
        con: duckdb.DuckDBPyConnection) -> None:
    """Ticking 'restricted' saves that one change and the audit row names the operation."""
    edited = _operations(con)
    edited.loc[edited["code"] == "LOC2025", "restricted"] = True
    assert save_table(con, "operation", edited, by="boss") == {
        "added": [], "removed": [], "changed": ["LOC2025"]}
    assert con.execute("SELECT restricted FROM operation WHERE code = 'LOC2025'").fetchall() == [
        (True,)]
    detail = con.execute("SELECT detail FROM audit WHERE action = 'reference_edit'").fetchall()
    assert json.loads(detail[0][0])["changed"] == ["LOC2025"]


def test_unchanged_table_writes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    """Saving the table as it is changes nothing and writes no audit row."""
    assert not any(save_table(con, "pillar", current(con, "pillar"), by="boss").values())
    assert con.execute("SELECT count(*) FROM audit").fetchall() == [(0,)]


@pytest.mark.parametrize(("change", "message"), [
    (lambda df: df.assign(name=[None] + list(df["name"][1:])), "Row 1, column 'name'"),
    (lambda df: pd.concat([df, df.iloc[[0]]]), "repeats the key"),
    (lambda df: df.assign(kind="party"), "column 'kind'"),
    (lambda df: df.assign(end_date=df["start_date"] - timedelta(days=1)), "end date is before"),
    (lambda df: df.iloc[0:0], "would be empty"),
])
def test_bad_edits_are_refused_whole(con: duckdb.DuckDBPyConnection, change, message: str) -> None:
    """A blank required cell, a repeated key, an unknown kind, reversed dates or an empty
    table is refused with the row and column, and nothing is written."""
    before = _operations(con)
    with pytest.raises(ReferenceEditError, match=message):
        save_table(con, "operation", change(before.copy()), by="boss")
    pd.testing.assert_frame_equal(_operations(con), before)


def test_allocation_must_name_a_known_grant(con: duckdb.DuckDBPyConnection) -> None:
    """An allocation pointing at a grant that does not exist is refused."""
    edited = current(con, "allocation")
    edited.loc[0, "grant_ref"] = "G99"
    with pytest.raises(ReferenceEditError, match="'G99' is not in the grant fund table"):
        save_table(con, "allocation", edited, by="boss")


def test_non_admin_cannot_save_reference_data(con: duckdb.DuckDBPyConnection) -> None:
    """ui.admin refuses a non-administrator and audits the attempt."""
    with pytest.raises(admin.AdminError):
        admin.save_reference(con, User("vic", "viewer"), "pillar", current(con, "pillar"))
    assert con.execute("SELECT action FROM audit").fetchall() == [("denied",)]


def test_audit_entries_filter_by_action_person_and_date(con: duckdb.DuckDBPyConnection) -> None:
    """Entries narrow by action, by person and by an inclusive date range, newest first."""
    audit(con, "amy", "export", {"n": 1})
    audit(con, "bob", "export", {"n": 2})
    audit(con, "bob", "denied", {"n": 3})
    latest = audit_log.latest_id(con)
    assert list(audit_log.entries(con, latest)["id"]) == [3, 2, 1]
    assert list(audit_log.entries(con, latest, ("export",), ("bob",))["id"]) == [2]
    today = date.today()
    assert len(audit_log.entries(con, latest, start=today, end=today)) == 3
    assert audit_log.entries(con, latest, end=today - timedelta(days=1)).empty
    assert audit_log.entries(con, 2)["id"].max() == 2     # rows after 'latest' are left out


def test_audit_csv_escapes_formulas_and_names_the_last_row(con: duckdb.DuckDBPyConnection) -> None:
    """The download escapes formula-like text and its file name carries the last row id."""
    audit(con, "=HYPERLINK(\"x\")", "sign_in_failed", {})
    frame = audit_log.entries(con, 1)
    assert b"'=HYPERLINK" in admin.audit_csv(frame)
    name = admin.audit_file_name(date(2026, 3, 1), date(2026, 3, 2), 812)
    assert name == "audit-log_2026-03-01_to_2026-03-02_upto-812.csv"


def test_audit_download_is_itself_audited(con: duckdb.DuckDBPyConnection) -> None:
    """Downloading the log writes an 'export' row naming the file, with the marking."""
    admin.record_audit_download(con, BOSS, "audit-log.csv", 3)
    who, action, detail, marking = con.execute(
        "SELECT who, action, detail, marking FROM audit").fetchall()[0]
    assert (who, action, marking) == ("boss", "export", "OFFICIAL-SENSITIVE")
    assert json.loads(detail) == {"what": "audit log", "file_name": "audit-log.csv", "rows": 3}
