"""The chase list: every return still owed for an operation as at a date, and the message to send.

Built from the returns tracker (``metrics.tracker``), so it follows the same rules and reads only
what the cursor may see: a return is owed when the tracker calls it ``missing`` (nothing held as
at the date) or ``rejected`` (a rejected upload with no accepted version since). Each row names
the force, who to write to, how many days the return is overdue and what is owed.

The contact is the one named in the force's most recent return held as at the date (any
operation: ``submission.contact``). The reference data holds no force contacts, so a force that
has never sent a return reads ``NO_CONTACT``.

Chases themselves are audit rows (action ``ACTION``, written by ``exports.chase``); ``chased``
reads them back so the tracker can say "chased on …" beside each force.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pandas as pd

from metrics import tracker
from metrics.format import fmt_date, fmt_date_range
from metrics.scope import Filters, frame

ACTION = "chase"
OWED_STATUSES = ("missing", "rejected")
NO_CONTACT = "no contact held"
# The return an operation's submitters owe, by operation kind (as the upload page offers them).
KIND_FOR_OPERATION = {"ports": "ports-return"}
DEFAULT_KIND = "force-return"
KIND_WORDS = {"force-return": "force return", "ports-return": "ports return"}

COLUMNS = ["operation", "operation_name", "force_code", "force_name", "region_name", "status",
           "return_kind", "owed", "contact", "returns_due", "days_overdue", "rejected_upload",
           "rejected_on"]

OPERATION = """
SELECT code, name, kind, start_date, end_date, returns_due FROM operation WHERE code = $operation"""

# The latest contact each submitter named in a return held as at the date.
CONTACTS = """
SELECT s.submitter AS force_code, arg_max(trim(s.contact), s.received_at) AS contact
FROM submission s JOIN upload u ON u.id = s.upload_id
WHERE u.outcome = 'accepted' AND s.data_as_of <= $as_at
  AND s.contact IS NOT NULL AND trim(s.contact) <> ''
GROUP BY s.submitter"""

REJECTED_ON = """
SELECT id AS rejected_upload, CAST(uploaded_at AS DATE) AS rejected_on FROM upload
WHERE outcome = 'rejected' AND list_contains($ids::BIGINT[], id)"""

# Every chase naming a force of the operation, latest first: detail.forces lists the forces a
# message or a list was made for.
CHASES = """
SELECT f.force AS force_code, max(a.at_time) AS chased_at, arg_max(a.who, a.at_time) AS chased_by
FROM audit a, unnest(CAST(json_extract(a.detail, '$.forces') AS VARCHAR[])) AS f(force)
WHERE a.action = $action AND json_extract_string(a.detail, '$.operation') = $operation
GROUP BY f.force"""


@dataclass(frozen=True)
class Operation:
    """What a chase message says about the operation."""

    code: str
    name: str
    kind: str
    start_date: date
    end_date: date
    returns_due: date | None

    @property
    def return_kind(self) -> str:
        return KIND_FOR_OPERATION.get(self.kind, DEFAULT_KIND)

    @property
    def dates(self) -> str:
        return fmt_date_range(self.start_date, self.end_date)


def operation(con: duckdb.DuckDBPyConnection, code: str) -> Operation | None:
    """The operation the cursor may see, or None (unknown, or restricted and not granted)."""
    found = frame(con, OPERATION, {"operation": code})
    if found.empty:
        return None
    row = found.iloc[0]
    return Operation(code=str(row["code"]), name=str(row["name"]), kind=str(row["kind"]),
                     start_date=_day(row["start_date"]), end_date=_day(row["end_date"]),
                     returns_due=None if pd.isna(row["returns_due"]) else _day(row["returns_due"]))


def _day(value: object) -> date:
    return pd.Timestamp(value).date()  # type: ignore[arg-type]


def days_overdue(returns_due: date | None, as_at: date) -> int:
    """Whole days from the due date to the as-at date; 0 while not yet due (or no due date)."""
    if returns_due is None:
        return 0
    return max(0, (as_at - returns_due).days)


def owed(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Every return owed for ``filters.operation`` as at ``filters.as_at``: COLUMNS, one row per
    force, by force name. Empty when no operation is chosen."""
    op = operation(con, filters.operation) if filters.operation else None
    if op is None:
        return pd.DataFrame(columns=COLUMNS)
    rows = tracker.tracker(con, filters)
    rows = rows[rows["status"].isin(OWED_STATUSES)].copy()
    contacts = frame(con, CONTACTS, {"as_at": filters.as_at})
    rows = rows.merge(contacts, on="force_code", how="left")
    rows["contact"] = rows["contact"].fillna(NO_CONTACT)
    ids = [int(i) for i in rows["rejected_upload"].dropna()]
    rejected = frame(con, REJECTED_ON, {"ids": ids})
    rows = rows.merge(rejected, on="rejected_upload", how="left") if ids else \
        rows.assign(rejected_on=None)
    rows["rejected_on"] = [None if pd.isna(d) else _day(d) for d in rows["rejected_on"]]
    rows["return_kind"] = op.return_kind
    rows["returns_due"] = op.returns_due
    rows["days_overdue"] = days_overdue(op.returns_due, filters.as_at)
    rows["owed"] = [owed_words(op, status, on) for status, on in
                    zip(rows["status"], rows["rejected_on"], strict=True)]
    rows = rows.sort_values("force_name")   # one due date, so every row is as overdue
    return rows[COLUMNS].reset_index(drop=True).astype(
        {"days_overdue": "int64", "rejected_upload": "Int64"})


def owed_words(op: Operation, status: str, rejected_on: object = None) -> str:
    """'Force return for Operation Alliances 2025', or a corrected one after a rejected file."""
    what = f"{KIND_WORDS[op.return_kind]} for {op.name}"
    if status != "rejected":
        return what[0].upper() + what[1:]
    when = "" if rejected_on is None or pd.isna(rejected_on) else \
        f" (the file received on {fmt_date(_day(rejected_on))} was rejected)"
    return f"Corrected {what}{when}"


def chased(con: duckdb.DuckDBPyConnection, operation_code: str) -> pd.DataFrame:
    """The latest chase of each force for the operation: force_code, chased_at, chased_by.

    Not cached: chases are audit rows, which do not move the data version.
    """
    return frame(con, CHASES, {"action": ACTION, "operation": operation_code})


def chase_list(owed_rows: pd.DataFrame, chases: pd.DataFrame) -> pd.DataFrame:
    """The owed returns with 'chased on 3 March 2026' (or blank) and who chased, beside each."""
    found = owed_rows.merge(chases, on="force_code", how="left")
    found["chased"] = [chased_words(at) for at in found["chased_at"]]
    found["chased_by"] = found["chased_by"].fillna("")
    return found.drop(columns=["chased_at"])


def chased_words(at: object) -> str:
    if at is None or pd.isna(at):
        return ""
    when = at if isinstance(at, datetime) else pd.Timestamp(at).to_pydatetime()  # type: ignore[arg-type]
    return f"chased on {fmt_date(when.date())}"


@dataclass(frozen=True)
class Message:
    """A chase message ready to send: the subject and the plain-text body."""

    force_code: str
    force_name: str
    contact: str
    subject: str
    body: str


def due_words(days: int, returns_due: date | None, as_at: date) -> str:
    """'The return was due by 27 October 2025: as at 28 October 2025 it is 1 day overdue.'"""
    if returns_due is None:
        return "No date has been set for returns: please send it as soon as you can."
    if days == 0:
        return f"The return is due by {fmt_date(returns_due)}."
    return (f"The return was due by {fmt_date(returns_due)}: as at {fmt_date(as_at)} it is "
            f"{days} day{'s' if days != 1 else ''} overdue.")


def message(row: pd.Series, op: Operation, as_at: date, marking: str) -> Message:
    """The chase message for one row of ``owed``: marked in the subject and at the top and
    bottom of the body, naming what is owed, since when, and that the template is attached."""
    days, force, kind = int(row["days_overdue"]), str(row["force_name"]), KIND_WORDS[op.return_kind]
    late = f", {days} day{'s' if days != 1 else ''} overdue" if days else ""
    subject = f"{marking}: {op.name} {kind} from {force}{late}"
    if row["status"] == "rejected":
        on = row["rejected_on"]
        when = "" if on is None or pd.isna(on) else f" on {fmt_date(_day(on))}"
        opening = (f"The {kind} for {op.name} ({op.dates}) from {force} that we received{when} "
                   "could not be loaded, and no corrected version has been received since. The "
                   "problems found in it are listed on the NVCRP returns tracker: please correct "
                   "them and send the whole return again.")
    else:
        opening = (f"As at {fmt_date(as_at)} we have not received the {kind} for {op.name} "
                   f"({op.dates}) from {force}.")
    body = "\n".join([
        marking, "",
        "Dear colleague,", "",
        opening, "",
        due_words(days, op.returns_due, as_at), "",
        f"A blank {kind} for {force} and {op.name} is attached. Please fill it in (enter 0 "
        "where there were none, and leave a figure blank only if it was not recorded) and send "
        "it back to the NVCRP returns team.", "",
        f"This message and the return are {marking}: handle them accordingly.", "",
        "With thanks,", "NVCRP returns team", "",
        marking])
    return Message(force_code=str(row["force_code"]), force_name=force,
                   contact=str(row["contact"]), subject=subject, body=body)
