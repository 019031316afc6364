"""SECURITY.md row 8: a return for a force or operation the uploader may not submit for is
refused with a located 'not-permitted' issue and audited as an access violation."""

from __future__ import annotations

import json

import duckdb
import pytest

from loaders.ingest.access import CODE, access_issues, check_submission, may_submit_for
from loaders.ingest.upload import read_and_parse
from loaders.reference.snapshot import Reference
from loaders.returns.records import ParsedReturn
from store.settings import DEMO_DIR
from ui.auth import User

KENT_FILE = "2025-10-26_OA2025_kent_force-return.xlsx"


@pytest.fixture
def kent_return(con: duckdb.DuckDBPyConnection) -> ParsedReturn:
    """Kent's real OA2025 force return from the demo files, parsed."""
    data = (DEMO_DIR / KENT_FILE).read_bytes()
    parsed = read_and_parse(data, KENT_FILE, "xlsx", Reference.from_db(con))
    assert parsed.submitter == "kent" and parsed.operation == "OA2025"
    return parsed


def _analyst(forces: tuple[str, ...] = (), navcis: bool = False) -> User:
    return User("an.alyst", "analyst", forces=forces, navcis=navcis)


def test_analyst_limited_to_another_force_is_refused(con: duckdb.DuckDBPyConnection,
                                                    kent_return: ParsedReturn) -> None:
    """An analyst for Essex submitting Kent's return gets one located 'not-permitted' error."""
    issues = access_issues(kent_return, _analyst(("essex",)), KENT_FILE)
    assert [(i.code, i.severity, i.sheet, i.header, i.value) for i in issues] == [
        (CODE, "error", "Return", "Force", "kent")]
    assert KENT_FILE in issues[0].message and "essex" in issues[0].message


def test_refusal_is_audited_as_an_access_violation(con: duckdb.DuckDBPyConnection,
                                                   kent_return: ParsedReturn) -> None:
    """check_submission writes one 'denied' audit row naming the file and the reason."""
    issues = check_submission(con, kent_return, _analyst(("essex",)), KENT_FILE)
    rows = con.execute("SELECT who, action, detail FROM audit").fetchall()
    assert issues and len(rows) == 1
    who, action, detail = rows[0]
    assert (who, action) == ("an.alyst", "denied")
    assert json.loads(detail)["reason"] == "access violation"
    assert json.loads(detail)["file"] == KENT_FILE


def test_analyst_for_the_force_may_submit(con: duckdb.DuckDBPyConnection,
                                          kent_return: ParsedReturn) -> None:
    """An analyst for Kent submitting Kent's return passes, and nothing is audited."""
    assert check_submission(con, kent_return, _analyst(("kent", "essex")), KENT_FILE) == []
    assert con.execute("SELECT count(*) FROM audit").fetchall()[0][0] == 0


def test_unlimited_analyst_and_admin_may_submit_for_anyone(kent_return: ParsedReturn) -> None:
    """An analyst with no forces and no NaVCIS, and an administrator, are not limited."""
    assert access_issues(kent_return, _analyst(), KENT_FILE) == []
    assert access_issues(kent_return, User("boss", "admin", forces=("essex",)), KENT_FILE) == []


def test_navcis_returns_need_the_navcis_flag() -> None:
    """Only an analyst with the NaVCIS flag (or an unlimited one) may submit NaVCIS returns."""
    assert may_submit_for(_analyst(navcis=True), "navcis")
    assert not may_submit_for(_analyst(("kent",)), "navcis")
    assert not may_submit_for(_analyst(navcis=True), "kent")
    ports = ParsedReturn(kind="ports-return", operation="NPO2025", submitter="navcis")
    issue = access_issues(ports, _analyst(("kent",)), "ports.xlsx")[0]
    assert (issue.code, issue.sheet) == (CODE, "Ports")


def test_restricted_operation_not_granted_is_refused(con: duckdb.DuckDBPyConnection,
                                                     kent_return: ParsedReturn) -> None:
    """A return for a restricted operation the uploader cannot see is refused, naming it."""
    con.execute("UPDATE operation SET restricted = TRUE WHERE code = 'OA2025'")
    issues = check_submission(con, kent_return, _analyst(("kent",)), KENT_FILE)
    assert [(i.code, i.header, i.value) for i in issues] == [(CODE, "Operation", "OA2025")]
