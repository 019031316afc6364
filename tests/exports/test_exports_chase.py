"""Chase files on the demo database: the .eml read back with Python's email parser, its template
opened as a workbook, the list's CSV read back as a spreadsheet would, and the audit rows."""

from __future__ import annotations

import csv
import email
import io
import json
from datetime import date
from email import policy
from email.message import EmailMessage

import duckdb
import pytest
from openpyxl import load_workbook

from exports.chase import eml_bytes, list_csv, record_chase
from exports.context import ExportContext, context_for
from metrics import chase
from metrics.scope import Filters
from ui import uploads

AS_AT = date(2025, 10, 28)
FILTERS = Filters(operation="OA2025", as_at=AS_AT)
MARKING = "OFFICIAL-SENSITIVE"


@pytest.fixture
def ctx(demo_con: duckdb.DuckDBPyConnection) -> ExportContext:
    return context_for(demo_con, FILTERS, "tester")


def dorset_eml(con: duckdb.DuckDBPyConnection, ctx: ExportContext,
               contact: str | None = None) -> EmailMessage:
    """Dorset's OA2025 chase as at 28 October 2025, built as the tracker's button builds it."""
    row = chase.owed(con, FILTERS).set_index("force_code").loc["dorset"]
    row["force_code"] = "dorset"
    if contact is not None:
        row["contact"] = contact
    op = chase.operation(con, "OA2025")
    assert op is not None
    template = uploads.template_bytes(con, "force-return", ctx.version, operation="OA2025",
                                      submitter="dorset")
    name = uploads.template_name("force-return", ctx.version, "OA2025", "dorset")
    data = eml_bytes(chase.message(row, op, AS_AT, ctx.marking), template, name)
    parsed = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_eml_subject_and_body_carry_the_marking(demo_con: duckdb.DuckDBPyConnection,
                                                ctx: ExportContext) -> None:
    """The subject starts with the marking and names Dorset; the body opens and closes with it."""
    mail = dorset_eml(demo_con, ctx)
    assert mail["Subject"] == (f"{MARKING}: Operation Alliances 2025 force return from Dorset, "
                               "1 day overdue")
    body = mail.get_body(("plain",))
    assert body is not None
    lines = body.get_content().strip().splitlines()
    assert lines[0] == lines[-1] == MARKING
    assert mail["X-Unsent"] == "1"


def test_eml_attaches_dorsets_blank_return(demo_con: duckdb.DuckDBPyConnection,
                                           ctx: ExportContext) -> None:
    """The one attachment is an xlsx workbook whose Return sheet names Dorset Police and OA2025."""
    attachments = list(dorset_eml(demo_con, ctx).iter_attachments())
    assert len(attachments) == 1
    part = attachments[0]
    assert part.get_content_type() == ("application/vnd.openxmlformats-officedocument."
                                       "spreadsheetml.sheet")
    assert part.get_filename() == f"force-return_OA2025_dorset_data-v{ctx.version}.xlsx"
    book = load_workbook(io.BytesIO(part.get_content()))
    assert book["Return"]["B4"].value == "OA2025"
    assert book["Return"]["B5"].value == "Dorset Police"


def test_demo_contact_without_an_address_leaves_to_blank(demo_con: duckdb.DuckDBPyConnection,
                                                         ctx: ExportContext) -> None:
    """'Demo data (illustrative)' holds no email address, so the draft has no recipient."""
    assert dorset_eml(demo_con, ctx)["To"] is None


def test_contact_with_an_address_becomes_the_recipient(demo_con: duckdb.DuckDBPyConnection,
                                                       ctx: ExportContext) -> None:
    """'Vehicle crime desk, vc@example.police.uk' is addressed by name and address."""
    mail = dorset_eml(demo_con, ctx, contact="Vehicle crime desk, vc@example.police.uk")
    assert mail["To"].addresses[0].addr_spec == "vc@example.police.uk"
    assert mail["To"].addresses[0].display_name == "Vehicle crime desk"


def test_contact_cannot_add_headers(demo_con: duckdb.DuckDBPyConnection,
                                    ctx: ExportContext) -> None:
    """A contact typed with a line break and 'Bcc:' stays inside the To header."""
    mail = dorset_eml(demo_con, ctx, contact="Desk\r\nBcc: spy@example.com, desk@example.police.uk")
    assert mail["Bcc"] is None
    assert [a.addr_spec for a in mail["To"].addresses] == ["spy@example.com"]


def test_chase_list_csv_is_marked_and_escaped(demo_con: duckdb.DuckDBPyConnection,
                                              ctx: ExportContext) -> None:
    """The first line is the marking and title; a contact typed as a formula is written with a
    leading apostrophe, so a spreadsheet shows it as text; days overdue stay numbers."""
    demo_con.execute("UPDATE submission SET contact = '=HYPERLINK(\"http://x\",\"desk\")' "
                     "WHERE submitter = 'suffolk'")
    try:
        listed = chase.chase_list(chase.owed(demo_con, FILTERS),
                                  chase.chased(demo_con, "OA2025"))
        text = list_csv(listed, ctx).decode("utf-8-sig")
    finally:
        demo_con.execute("UPDATE submission SET contact = 'Demo data (illustrative)' "
                         "WHERE submitter = 'suffolk'")
    first, rest = text.split("\r\n", 1)
    assert first == (f"# {MARKING}; Chase list: returns owed for Operation Alliances 2025, as at "
                     f"28 October 2025; data version {ctx.version}; illustrative demo data")
    rows = {r["Force"]: r for r in csv.DictReader(io.StringIO(rest))}
    assert set(rows) == {"Dorset", "Gloucestershire", "Humberside", "North Yorkshire",
                         "South Yorkshire", "Suffolk"}
    contact = "Contact (from the force's last return)"
    assert rows["Suffolk"][contact] == "'=HYPERLINK(\"http://x\",\"desk\")"
    assert rows["Dorset"][contact] == "Demo data (illustrative)"
    assert rows["Dorset"]["Days overdue"] == "1"
    assert rows["Dorset"]["Returns due by"] == "27 October 2025"
    assert ',1,"27 October 2025",' in rest


def test_each_chase_writes_an_audit_row(demo_con: duckdb.DuckDBPyConnection,
                                        ctx: ExportContext) -> None:
    """A message and a list each write one 'chase' row naming the forces, operation, as-at
    date and marking; the tracker then reads 'chased on <today>' for those forces."""
    before = demo_con.execute("SELECT max(id) FROM audit").fetchall()[0][0] or 0
    record_chase(demo_con, ctx, what="message", forces=["dorset"], file_name="d.eml")
    record_chase(demo_con, ctx, what="list", forces=["suffolk", "dorset"], file_name="l.csv")
    rows = demo_con.execute("SELECT who, action, detail, marking, data_version FROM audit "
                            "WHERE id > ? ORDER BY id", [before]).fetchall()
    assert [(r[0], r[1], r[3], r[4]) for r in rows] == [("tester", "chase", MARKING, ctx.version)] * 2
    details = [json.loads(r[2]) for r in rows]
    assert [(d["what"], d["forces"], d["operation"], d["as_at"]) for d in details] == [
        ("message", ["dorset"], "OA2025", "2025-10-28"),
        ("list", ["dorset", "suffolk"], "OA2025", "2025-10-28")]
    listed = chase.chase_list(chase.owed(demo_con, FILTERS),
                              chase.chased(demo_con, "OA2025")).set_index("force_code")
    today = f"chased on {date.today().day} {date.today():%B %Y}"
    assert listed.loc["dorset", "chased"] == listed.loc["suffolk", "chased"] == today
    assert listed.loc["humberside", "chased"] == ""


def test_unknown_chase_file_is_refused(demo_con: duckdb.DuckDBPyConnection,
                                       ctx: ExportContext) -> None:
    """Only a message or a list is a chase; anything else is an error, not a silent row."""
    with pytest.raises(ValueError, match="message, list"):
        record_chase(demo_con, ctx, what="pack", forces=["dorset"], file_name="x")
