"""The tracker's chase buttons: a ready message per force (text and ``.eml``) and the list as CSV.

Only people who may load returns or export figures (``ui.roles``: analysts, briefing users and
administrators) get the buttons; everyone else sees the list. Files are built on click
(``ui.downloads.button``) on a cursor that reads only what the person may see; the click itself
writes the audit row (``exports.chase.record_chase``) before the page reruns, so the list says
"chased on …" at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from exports.chase import CSV_MIME, EML_MIME, eml_bytes, list_csv, record_chase
from exports.context import ExportContext
from metrics import chase
from metrics.scope import Filters
from store.settings import settings
from ui import downloads, uploads
from ui.connection import person_cursor

CHASE_ACTIONS = ("upload", "export")


def may_chase(user: Any, operation: str | None) -> bool:
    """Analysts, briefing users and administrators, for an operation they may see."""
    return any(user.can(a) for a in CHASE_ACTIONS) and operation is not None \
        and user.may_see(operation)


def _context(ctx: Any, filters: Filters) -> ExportContext:
    return ExportContext(filters=filters, version=ctx.version, who=str(ctx.user.name),
                         marking=settings().marking, illustrative=ctx.illustrative,
                         operation_name=ctx.operation_name)


def _cursor_maker(ctx: Any) -> Callable[[], Any]:
    """Builds and clicks run outside this script run: each takes its own narrowed cursor."""
    role, operations, name = ctx.user.role, ctx.user.operations, ctx.user.name
    return lambda: person_cursor(role, operations, name)


def _record(cursor: Callable[[], Any], ectx: ExportContext, what: str, forces: list[str],
            file_name: str) -> None:
    record_chase(cursor(), ectx, what=what, forces=forces, file_name=file_name)


def message_text(message: chase.Message) -> str:
    """The message as it reads when copied into a mail: who to, subject, then the body."""
    return f"To: {message.contact}\nSubject: {message.subject}\n\n{message.body}"


def panel(ctx: Any, filters: Filters, listed: pd.DataFrame) -> None:
    """The list's CSV button, then one expander per force with its message and ``.eml``."""
    if not may_chase(ctx.user, filters.operation):
        st.caption("Making chase messages needs the analyst, briefing or administrator role: "
                   "ask an administrator.")
        return
    op = chase.operation(ctx.con, str(filters.operation))
    if op is None:
        return
    ectx, cursor = _context(ctx, filters), _cursor_maker(ctx)
    list_name = ectx.file_name("chase-list", "csv")
    downloads.button("Chase list (CSV)", lambda: list_csv(listed, ectx), file_name=list_name,
                     mime=CSV_MIME, key="chase-list", icon=":material/download:",
                     on_click=_record, args=(cursor, ectx, "list",
                                             list(listed["force_code"]), list_name))
    st.caption(f"Messages are marked {ectx.marking} and carry the force's blank return. Nothing "
               "is sent from here: open the .eml file in your mail client, check it and send it.")
    for _, row in listed.iterrows():
        _force(row, op, ectx, cursor, ctx.version)


def _force(row: pd.Series, op: chase.Operation, ectx: ExportContext,
           cursor: Callable[[], Any], version: int) -> None:
    message = chase.message(row, op, ectx.as_at, ectx.marking)
    days = int(row["days_overdue"])
    force = uploads.plain(row["force_name"])   # reference text in a Markdown label
    label = f"{force} · " + (f"{days} day{'s' if days != 1 else ''} overdue"
                                         if days else "not yet overdue")
    if row["chased"]:
        label += f" · {row['chased']}"
    code = str(row["force_code"])
    submitter = code if op.return_kind == "force-return" else None
    name = ectx.file_name(f"chase-{code}", "eml")

    def build() -> bytes:
        template = uploads.template_bytes(cursor(), op.return_kind, version,
                                          operation=op.code, submitter=submitter)
        return eml_bytes(message, template, uploads.template_name(
            op.return_kind, version, op.code, submitter))

    with st.expander(label):
        st.code(message_text(message), language=None, wrap_lines=True)
        downloads.button(f"Message to {force} (.eml)", build, file_name=name,
                         mime=EML_MIME, key=f"chase-{code}", icon=":material/mail:",
                         on_click=_record, args=(cursor, ectx, "message", [code], name))
