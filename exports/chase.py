"""Chase files: one ``.eml`` message per force with its blank return attached, and the list as CSV.

Nothing is sent from here: the analyst opens the ``.eml`` in their own mail client (Outlook
opens it as an unsent draft, ``X-Unsent: 1``), checks it and sends it. Every chase file made is
an audit row (action ``metrics.chase.ACTION``), which is what the tracker's "chased on …" reads.
"""

from __future__ import annotations

import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP

import duckdb
import pandas as pd

from exports.context import ExportContext
from exports.tables import csv_bytes, one_line
from metrics.chase import ACTION, Message
from metrics.format import fmt_date
from store.audit import audit

EML_MIME = "message/rfc822"
CSV_MIME = "text/csv"
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
WHATS = ("message", "list")
# Long lines kept whole (RFC 5322 allows 998): a folded subject reads back with a stray space,
# and a plain body stays readable in the raw file instead of quoted-printable.
POLICY = SMTP.clone(max_line_length=998)
_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")

# The chase list's columns as a spreadsheet shows them, in order (metrics.chase.COLUMNS names).
LIST_HEADINGS = {
    "force_name": "Force", "region_name": "Region", "owed": "What is owed",
    "status": "Status", "days_overdue": "Days overdue", "returns_due": "Returns due by",
    "contact": "Contact (from the force's last return)", "rejected_upload": "Rejected upload",
    "rejected_on": "Rejected file received on", "chased": "Chased",
    "chased_by": "Chased by", "operation": "Operation code", "force_code": "Force code",
}
STATUS_WORDS = {"missing": "Missing", "rejected": "Rejected: no accepted version since"}


def recipient(contact: str) -> Address | None:
    """The first email address in a contact line ('Vehicle crime desk, vc@x.police.uk'), with
    the words before it as the display name; None when the line holds no address."""
    found = _EMAIL.search(contact)
    if found is None:
        return None
    name = one_line(contact[:found.start()]).strip(" ,;:<>()\"'")
    try:
        return Address(display_name=name, addr_spec=found.group(0))
    except (ValueError, IndexError):   # an address the header parser cannot take: leave To blank
        return None


def eml_bytes(message: Message, template: bytes, template_name: str) -> bytes:
    """The message as an ``.eml`` file: subject, plain-text body, the blank return attached.

    Text from uploaded files (the contact) is put on one line before it reaches a header, so
    it cannot add headers of its own.
    """
    mail = EmailMessage(policy=POLICY)
    mail["Subject"] = one_line(message.subject)
    to = recipient(message.contact)
    if to is not None:
        mail["To"] = to
    mail["X-Unsent"] = "1"
    mail.set_content(message.body + "\n")
    mail.add_attachment(template, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1],
                        filename=template_name)
    return mail.as_bytes()


def list_frame(chase_list: pd.DataFrame) -> pd.DataFrame:
    """The chase list with headings and values in words, for the CSV."""
    shown = chase_list.assign(
        status=chase_list["status"].map(lambda s: STATUS_WORDS.get(s, s)),
        returns_due=chase_list["returns_due"].map(_date_words),
        rejected_on=chase_list["rejected_on"].map(_date_words))
    columns = [c for c in LIST_HEADINGS if c in shown.columns]
    return shown[columns].rename(columns=LIST_HEADINGS)


def _date_words(day: object) -> str:
    return "" if day is None or pd.isna(day) else fmt_date(pd.Timestamp(day).date())  # type: ignore[arg-type]


def list_csv(chase_list: pd.DataFrame, ctx: ExportContext) -> bytes:
    """The whole chase list as CSV: the marking and title on the first line, text cells made
    safe for spreadsheets (``exports.tables.csv_bytes``)."""
    title = f"Chase list: returns owed for {ctx.operation_name or ctx.operation}, as at " \
            f"{ctx.as_at_text}"
    return csv_bytes(list_frame(chase_list), ctx, marking_line=True, title=title)


def record_chase(con: duckdb.DuckDBPyConnection, ctx: ExportContext, *, what: str,
                 forces: list[str], file_name: str) -> int:
    """Append the audit row for one chase file (a force's message or the whole list)."""
    if what not in WHATS:
        raise ValueError(f"Unknown chase file {what!r}: use one of {', '.join(WHATS)}.")
    detail = {"what": what, "operation": ctx.operation, "as_at": ctx.as_at,
              "forces": sorted(forces), "file_name": file_name,
              "illustrative": ctx.illustrative}
    return audit(con, ctx.who, ACTION, detail, marking=ctx.marking, data_version=ctx.version)
