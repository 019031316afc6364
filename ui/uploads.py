"""The upload page's link to the loaders: ingest under the write lock, tables, downloads.

Pages reach the loaders only through here. Everything a file sent us (its name, cell values,
messages quoting them) is shown as plain text: ``plain()`` escapes Markdown before any label.
"""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from loaders.ingest.checked import ParsedFiles
from loaders.ingest.upload import IngestResult, ingest_bytes
from loaders.reference.snapshot import Reference
from loaders.templates.build import build_template
from loaders.templates.issues_workbook import write_issues_workbook
from store.operation_access import scope_key
from store.settings import settings
from ui import downloads
from ui.connection import WRITE_LOCK
from ui.upload_changes import changes_table, plain, queries_confirmed, removals_confirmed

ACCEPTED_TYPES = ["xlsx", "csv", "ods"]
MAX_UPLOAD_MB = 25
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ISSUE_COLUMNS = ["Severity", "Sheet", "Row", "Column", "Header", "Value", "Message"]
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_-]+")


def ingest_upload(con: duckdb.DuckDBPyConnection, data: bytes, name: str, *,
                  confirm: bool, person: Any,
                  removals: frozenset[str] = frozenset(), queries: frozenset[str] = frozenset(),
                  reason: str = "", kept: ParsedFiles | None = None) -> IngestResult:
    """Check and store one file under the write lock, as the signed-in ``person``.

    The upload is recorded under their account name, and refused (audited) when they may not
    submit for that force or operation (SECURITY.md row 8).

    ``confirm=False`` saves a first version straight away but stops at 'needs_confirmation'
    when the file would replace an earlier version; call again with ``confirm=True`` to save.
    Even then, nothing the current version states is removed unless it is among ``removals``
    (``IngestResult.removal_keys`` of what the person saw and confirmed): otherwise the
    outcome is 'needs_confirmation' again, listing the removals. Likewise no figure queried
    as implausible is saved, first version or not, unless it is among ``queries``
    (``IngestResult.query_keys``) and ``reason`` is given; the reason is audited.

    ``kept``: where a check that stops at 'needs_confirmation' leaves its parse, so that the
    save after it does not read the file again (``loaders.ingest.checked``); the save still
    checks everything against the store as it is then.
    """
    # ``con`` must be a writer cursor (ui.connection.writer_cursor): saving writes to tables
    # a person's reading cursor shows only as narrowed views, and must see every earlier
    # version of the return. Ingest checks the uploader's access itself.
    with WRITE_LOCK:
        return ingest_bytes(con, data, name, user=person.name, settings=settings(),
                            confirm_replace=confirm, submitter=person,
                            confirm_removals=removals, confirm_queries=queries,
                            query_reason=reason, kept=kept)


def issues_table(result: IngestResult) -> pd.DataFrame:
    """A result's issues for display: severity, sheet, Excel row, column letter, header, value."""
    rows = [[i.severity, i.sheet, i.row, i.column, i.header, i.value, i.message]
            for i in result.issues]
    found = pd.DataFrame(rows, columns=ISSUE_COLUMNS, dtype=object)
    return found.astype({"Row": "Int64"}) if not found.empty else found


def error_workbook(con: duckdb.DuckDBPyConnection, upload_id: int) -> bytes:
    """The uploaded file with every problem cell marked, plus an Issues sheet, as bytes."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "issues.xlsx"
        write_issues_workbook(con, upload_id, out, settings())
        return out.read_bytes()


def download_stem(name: str) -> str:
    """A file name's stem reduced to letters, digits, '-' and '_' (SECURITY.md row 36)."""
    stem = Path(name.replace("\\", "/")).name.rsplit(".", 1)[0]
    cleaned = _UNSAFE_NAME.sub("_", stem).strip("_-")[:60]
    return cleaned or "upload"


def error_workbook_name(original: str, upload_id: int) -> str:
    return f"{download_stem(original)}_issues_upload-{upload_id}.xlsx"


def template_name(kind: str, version: int, operation: str | None = None,
                  submitter: str | None = None) -> str:
    """'force-return_OA2025_south-yorkshire_data-v154.xlsx': the data version in the name
    means a changed file never shares a download id with an old one (SECURITY.md trap 2)."""
    parts = [kind, operation, submitter, f"data-v{version}"]
    return "_".join(download_stem(p) for p in parts if p) + ".xlsx"


@st.cache_data(show_spinner=False, max_entries=64)
def _template(kind: str, operation: str | None, submitter: str | None, version: int,
              scope: str, _con: duckdb.DuckDBPyConnection) -> bytes:
    # ``scope``: the template's lists name only the operations the cursor may read.
    ref = Reference.from_db(_con)
    buffer = io.BytesIO()
    build_template(kind, ref, operation=operation, submitter=submitter).save(buffer)
    return buffer.getvalue()


def template_bytes(con: duckdb.DuckDBPyConnection, kind: str, version: int, *,
                   operation: str | None = None, submitter: str | None = None) -> bytes:
    """A blank return template built in memory, cached on the data version."""
    return _template(kind, operation, submitter, version, scope_key(con), _con=con)


def outcome_text(result: IngestResult) -> str:
    """One plain sentence for the outcome; the file's own name is escaped."""
    return plain(result.message or f"{result.file}: {result.outcome}")


def result_record(con: duckdb.DuckDBPyConnection, result: IngestResult) -> dict[str, Any]:
    """What the page keeps for a file between reruns: the result and its error workbook."""
    workbook = None
    if result.outcome == "rejected" and result.upload_id is not None:
        workbook = error_workbook(con, result.upload_id)
    return {"result": result, "workbook": workbook}


# --- the per-file panel -----------------------------------------------------------------------

_STATE = "upload_results"
_PARSED = "upload_parsed"
_LOOK = {"accepted": ("complete", ":material/check_circle:"),
         "duplicate": ("complete", ":material/content_copy:"),
         "needs_confirmation": ("complete", ":material/compare_arrows:"),
         "rejected": ("error", ":material/error:"), "failed": ("error", ":material/error:"),
         "cancelled": ("complete", ":material/block:")}
_HEADLINE = {"accepted": "Accepted", "duplicate": "Already loaded", "rejected": "Rejected",
             "failed": "Not saved", "needs_confirmation": "Check the changes, then confirm",
             "cancelled": "Not saved: you cancelled the replacement"}


def kept_parses() -> ParsedFiles:
    """This browser session's parses kept between a check and its save."""
    return st.session_state.setdefault(_PARSED, ParsedFiles())


def file_panel(con: duckdb.DuckDBPyConnection, uploaded: Any, number: int, total: int,
               person: Any) -> None:
    """Check one uploaded file once (kept across reruns), then show its outcome."""
    records = st.session_state.setdefault(_STATE, {})
    key = str(uploaded.file_id)
    if key not in records:
        with st.status(f"File {number} of {total}: checking…", expanded=True) as box:
            st.text(uploaded.name)
            result = ingest_upload(con, uploaded.getvalue(), uploaded.name, confirm=False,
                                   person=person, kept=kept_parses())
            records[key] = result_record(con, result)
            state, _ = _LOOK.get(result.outcome, ("error", ""))
            box.update(label=f"File {number} of {total}: {_HEADLINE.get(result.outcome, 'done')}",
                       state=state, expanded=False)  # type: ignore[arg-type]
    _outcome(con, records, key, uploaded, number, person)


def _outcome(con: duckdb.DuckDBPyConnection, records: dict[str, Any], key: str, uploaded: Any,
             number: int, person: Any) -> None:
    record = records[key]
    result: IngestResult = record["result"]
    outcome = "cancelled" if record.get("cancelled") else result.outcome
    _, icon = _LOOK.get(outcome, ("error", ":material/error:"))
    with st.container(border=True, key=f"upload-{number}"):
        st.markdown(f"**{_HEADLINE.get(outcome, outcome)}** · upload "
                    f"{result.upload_id if result.upload_id is not None else '–'}")
        message = outcome_text(result)
        if outcome == "accepted":
            st.success(message, icon=icon)
            if result.changed or (result.version or 0) > 1:
                st.dataframe(changes_table(result.changed), hide_index=True, width="stretch")
        elif outcome == "cancelled":
            st.info("You cancelled the replacement: nothing was saved and the current version "
                    "stays in use." if result.replaces is not None else
                    "You cancelled: nothing from this file was saved.", icon=icon)
        elif outcome == "duplicate":
            st.info(message, icon=icon)
        elif outcome == "needs_confirmation":
            _confirmation(con, records, key, uploaded, result, person)
        else:
            st.error(message, icon=icon)
        if result.issues:
            _issues(result, record.get("workbook"))


def _issues(result: IngestResult, workbook: bytes | None) -> None:
    errors = sum(1 for i in result.issues if i.severity == "error")
    queried = len(result.queries)
    warnings = len(result.issues) - errors - queried
    st.caption(f"{errors} problem{'s' if errors != 1 else ''} to fix, "
               f"{warnings} warning{'s' if warnings != 1 else ''}"
               + (f", {queried} figure{'s' if queried != 1 else ''} queried" if queried else ""))
    st.dataframe(issues_table(result), hide_index=True, width="stretch",
                 column_config={"Message": st.column_config.TextColumn(width="large")})
    if workbook and result.upload_id is not None:
        downloads.button("Download the file with its problems marked", workbook,
                         file_name=error_workbook_name(result.file, result.upload_id),
                         mime=XLSX_MIME, icon=":material/download:", on_click="ignore",
                         key=f"issues-{result.upload_id}")


def _confirmation(con: duckdb.DuckDBPyConnection, records: dict[str, Any], key: str,
                  uploaded: Any, result: IngestResult, person: Any) -> None:
    """A replacement, or a file with figures queried: show what would change and save only when
    the analyst confirms, confirming by name any figure the new file would remove
    (loaders.ingest.resubmission) and, with a reason, any figure queried as implausible
    (loaders.ingest.plausibility)."""
    st.warning(outcome_text(result), icon=":material/compare_arrows:")
    confirmed = removals_confirmed(result, key)
    others = [c for c in result.changed if c["change"] != "removed"]
    if (result.replaces is not None) and (others or not result.removed):
        st.caption("Figures added or altered" if result.removed else "What changes")
        st.dataframe(changes_table(others), hide_index=True, width="stretch",
                     key=f"changes-{key}")
    queries_ok, reason = queries_confirmed(result, key)
    ready = confirmed and queries_ok
    save, cancel = st.columns(2)
    if save.button(f"Save as version {result.version}", type="primary", key=f"confirm-{key}",
                   disabled=not ready,
                   help=None if ready else "Confirm the removals and queried figures above "
                                           "first; a queried figure needs a reason."):
        with st.spinner("Saving…"):
            records[key] = result_record(con, ingest_upload(
                con, uploaded.getvalue(), uploaded.name, confirm=True, person=person,
                removals=result.removal_keys(), queries=result.query_keys(), reason=reason,
                kept=kept_parses()))
        st.rerun()
    keep = ("Cancel: keep the current version" if result.replaces is not None
            else "Cancel: do not save this file")
    if cancel.button(keep, key=f"cancel-{key}"):
        records[key] = {**records[key], "cancelled": True}
        kept_parses().discard(result.sha256, person)
        st.rerun()
