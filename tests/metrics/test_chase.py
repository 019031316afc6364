"""The chase list on the demo database: which returns are owed as at a date, with days overdue
worked out by hand from the operations' returns-due dates (OA2025: 27 October 2025; OA2024:
30 September 2024), the contact from each force's last return, and the message."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from metrics import chase
from metrics.scope import Filters
from store.operation_access import scoped

# Demo files are named by their 'Figures as at' date: the OA2025 returns stated on
# 29 October 2025 are the ones not yet held as at 28 October.
LATE_ON_28_OCTOBER = {"dorset", "gloucestershire", "humberside", "north-yorkshire",
                      "south-yorkshire", "suffolk"}
# The three matched rejected demo files (data/demo/rejected), each corrected by 27 October.
REJECTED = {"cleveland": date(2025, 10, 22), "lancashire": date(2025, 10, 23),
            "surrey": date(2025, 10, 23)}
DEMO_CONTACT = "Demo data (illustrative)"


@pytest.fixture
def demo(demo_store: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The demo store, on both stores (tests/metrics/conftest.py)."""
    return demo_store


def owed(con: duckdb.DuckDBPyConnection, operation: str, as_at: date):  # type: ignore[no-untyped-def]
    return chase.owed(con, Filters(operation=operation, as_at=as_at)).set_index("force_code")


def test_six_forces_owe_oa2025_one_day_after_the_due_date(demo: duckdb.DuckDBPyConnection) -> None:
    """As at 28 October 2025 the six forces whose returns are stated on the 29th are owed,
    each 1 day overdue (28 October − 27 October), with nothing rejected."""
    found = owed(demo, "OA2025", date(2025, 10, 28))
    assert set(found.index) == LATE_ON_28_OCTOBER
    assert set(found["days_overdue"]) == {1}
    assert set(found["status"]) == {"missing"}
    assert set(found["owed"]) == {"Force return for Operation Alliances 2025"}
    assert set(found["return_kind"]) == {"force-return"}


def test_owed_forces_match_independent_sql(demo: duckdb.DuckDBPyConnection) -> None:
    """The missing forces are exactly the expected ones with no accepted OA2025 return stated
    by 28 October 2025."""
    expected = {r[0] for r in demo.execute(
        "SELECT force_code FROM operation_force WHERE operation = 'OA2025' AND force_code NOT IN "
        "(SELECT s.submitter FROM submission s JOIN upload u ON u.id = s.upload_id "
        " WHERE s.operation = 'OA2025' AND u.outcome = 'accepted' "
        " AND s.data_as_of <= DATE '2025-10-28')").fetchall()}
    assert set(owed(demo, "OA2025", date(2025, 10, 28)).index) == expected


def test_contact_comes_from_the_forces_last_return(demo: duckdb.DuckDBPyConnection) -> None:
    """Each force owing OA2025 sent an OA2024 return, whose contact is the one named."""
    assert set(owed(demo, "OA2025", date(2025, 10, 28))["contact"]) == {DEMO_CONTACT}


def test_rejected_returns_are_owed_until_corrected(demo: duckdb.DuckDBPyConnection) -> None:
    """As at 24 October 2025 Cleveland, Lancashire and Surrey owe corrected returns (their files
    of 22 and 23 October were rejected); not yet due, so 0 days overdue; 6 of 37 are held."""
    found = owed(demo, "OA2025", date(2025, 10, 24))
    assert len(found) == 37 - 6
    rejected = found[found["status"] == "rejected"]
    assert dict(rejected["rejected_on"]) == REJECTED
    assert rejected["rejected_upload"].notna().all()
    assert rejected["owed"].str.startswith("Corrected force return for Operation Alliances "
                                           "2025 (the file received on 2").all()
    assert set(found["days_overdue"]) == {0}


def test_forces_that_never_returned_count_days_by_hand(demo: duckdb.DuckDBPyConnection) -> None:
    """OA2024 as at 2 March 2026: City of London and North Wales, 518 days overdue (30 September
    2024 to 30 September 2025 is 365 days; to 28 February 2026, 151 more; then 2), and no
    contact held, as neither has sent any return."""
    found = owed(demo, "OA2024", date(2026, 3, 2))
    assert set(found.index) == {"city-of-london", "north-wales"}
    assert set(found["days_overdue"]) == {365 + 151 + 2}
    assert set(found["contact"]) == {chase.NO_CONTACT}


def test_list_is_in_force_name_order(demo: duckdb.DuckDBPyConnection) -> None:
    """Rows come in order of force name (every row of one operation is equally overdue)."""
    found = chase.owed(demo, Filters(operation="OA2025", as_at=date(2025, 10, 24)))
    assert list(found["force_name"]) == sorted(found["force_name"])


def test_nothing_is_owed_once_every_return_is_held(demo: duckdb.DuckDBPyConnection) -> None:
    """As at 2 March 2026 every OA2025 return is held, so the list is empty."""
    assert owed(demo, "OA2025", date(2026, 3, 2)).empty


def test_ports_operation_owes_a_ports_return(demo: duckdb.DuckDBPyConnection) -> None:
    """Before NaVCIS's first ports return (19 December 2025) it owes a ports return, not yet due."""
    found = owed(demo, "NPO2025", date(2025, 12, 1))
    assert list(found.index) == ["navcis"]
    assert found.loc["navcis", "owed"] == "Ports return for NaVCIS ports operation 2025-26"
    assert found.loc["navcis", "days_overdue"] == 0


def test_days_overdue_is_zero_until_the_due_date() -> None:
    """On and before the due date nothing is overdue; the day after is 1; no date means 0."""
    due = date(2025, 10, 27)
    assert [chase.days_overdue(due, d) for d in
            (date(2025, 10, 1), due, date(2025, 10, 28), date(2025, 11, 27))] == [0, 0, 1, 31]
    assert chase.days_overdue(None, date(2026, 1, 1)) == 0


def test_message_is_marked_and_says_what_is_owed(demo: duckdb.DuckDBPyConnection) -> None:
    """Dorset's message: marked subject, body opening and closing with the marking, the
    operation and its dates, the due date and the days overdue."""
    found = chase.owed(demo, Filters(operation="OA2025", as_at=date(2025, 10, 28)))
    op = chase.operation(demo, "OA2025")
    assert op is not None
    row = found[found["force_code"] == "dorset"].iloc[0]
    message = chase.message(row, op, date(2025, 10, 28), "OFFICIAL-SENSITIVE")
    assert message.subject == ("OFFICIAL-SENSITIVE: Operation Alliances 2025 force return from "
                               "Dorset, 1 day overdue")
    lines = message.body.splitlines()
    assert lines[0] == lines[-1] == "OFFICIAL-SENSITIVE"
    assert ("As at 28 October 2025 we have not received the force return for Operation "
            "Alliances 2025 (13 to 19 October 2025) from Dorset.") in lines
    assert ("The return was due by 27 October 2025: as at 28 October 2025 it is 1 day "
            "overdue.") in lines
    assert any("blank force return for Dorset" in line for line in lines)


def test_rejected_message_asks_for_a_corrected_return(demo: duckdb.DuckDBPyConnection) -> None:
    """Cleveland's message names the file received on 22 October 2025 and asks for it again."""
    found = chase.owed(demo, Filters(operation="OA2025", as_at=date(2025, 10, 24)))
    op = chase.operation(demo, "OA2025")
    assert op is not None
    row = found[found["force_code"] == "cleveland"].iloc[0]
    message = chase.message(row, op, date(2025, 10, 24), "OFFICIAL-SENSITIVE")
    assert "from Cleveland that we received on 22 October 2025 could not be loaded" in message.body
    assert "The return is due by 27 October 2025." in message.body
    assert message.subject.endswith("force return from Cleveland")


def test_restricted_operation_is_never_listed(demo_db_template: Path, tmp_path: Path) -> None:
    """On a cursor that may not see OA2024, OA2024 gives no list and no operation, and the
    contacts its returns named are not used for OA2025."""
    path = tmp_path / "restricted.duckdb"
    path.write_bytes(demo_db_template.read_bytes())
    con = duckdb.connect(str(path))
    try:
        con.execute("UPDATE operation SET restricted = true WHERE code = 'OA2024'")
        visible = frozenset({"OA2025", "NPO2025", "LOC2025"})
        cur = scoped(con, visible, "viewer")
        assert chase.operation(cur, "OA2024") is None
        assert chase.owed(cur, Filters(operation="OA2024", as_at=date(2026, 3, 2))).empty
        found = owed(cur, "OA2025", date(2025, 10, 28))
        assert set(found.index) == LATE_ON_28_OCTOBER
        assert set(found["contact"]) == {chase.NO_CONTACT}
    finally:
        con.close()


def test_chased_reads_the_latest_chase_of_each_force(demo_db_template: Path,
                                                     tmp_path: Path) -> None:
    """Audit rows of action 'chase' naming a force give 'chased on <date>' and who chased;
    another operation's chase and other actions are ignored."""
    path = tmp_path / "chased.duckdb"
    path.write_bytes(demo_db_template.read_bytes())
    con = duckdb.connect(str(path))
    try:
        rows = [("2025-10-29 09:00", "ann", "chase", '{"operation": "OA2025", "forces": ["dorset"]}'),
                ("2025-10-30 09:00", "bob", "chase",
                 '{"operation": "OA2025", "forces": ["dorset", "suffolk"]}'),
                ("2025-11-02 09:00", "cat", "chase", '{"operation": "OA2024", "forces": ["suffolk"]}'),
                ("2025-11-03 09:00", "dan", "export", '{"operation": "OA2025", "forces": ["humberside"]}')]
        for at_time, who, action, detail in rows:
            con.execute("INSERT INTO audit (id, at_time, who, action, detail) "
                        "VALUES (nextval('audit_id_seq'), ?, ?, ?, ?)", [at_time, who, action, detail])
        listed = chase.chase_list(chase.owed(con, Filters(operation="OA2025",
                                                          as_at=date(2025, 10, 28))),
                                  chase.chased(con, "OA2025")).set_index("force_code")
        assert listed.loc["dorset", "chased"] == "chased on 30 October 2025"
        assert listed.loc["dorset", "chased_by"] == "bob"
        assert listed.loc["suffolk", "chased"] == "chased on 30 October 2025"
        assert listed.loc["humberside", "chased"] == ""
    finally:
        con.close()
