"""May this person submit this return? (SECURITY.md row 8: REJECT, audited as an access violation.)

An analyst may be limited to named forces, to NaVCIS, or both; a limited analyst may submit
only returns whose submitter is one of theirs. Nobody may submit for an operation they cannot
see (a restricted operation not granted to them). The check runs after parsing, before any
write: an issue here rejects the whole file. It also runs before the duplicate check
(``may_hear_of``): only someone who may submit a return is told it is already loaded.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Protocol

import duckdb

from loaders.returns.issues import Issue, error
from loaders.returns.layouts import LAYOUTS
from loaders.returns.records import ParsedReturn
from store.audit import audit
from store.operation_access import visible_operations
from store.submissions import submission_of_upload

CODE = "not-permitted"
NAVCIS = "navcis"


class Submitter(Protocol):
    """What the check needs to know about a person: ``ui.auth.User`` and ``Account`` fit."""

    name: str
    role: str
    forces: tuple[str, ...]
    navcis: bool


def is_limited(person: Submitter) -> bool:
    """An administrator, or an analyst given no forces and not NaVCIS, may submit for anyone."""
    return person.role != "admin" and (bool(person.forces) or person.navcis)


def may_submit_for(person: Submitter, submitter: str | None) -> bool:
    if not is_limited(person) or submitter is None:
        return True
    if submitter == NAVCIS:
        return person.navcis
    return submitter in person.forces


def _where(kind: str | None, key: str) -> tuple[str | None, str | None]:
    """The sheet and label where a return states its submitter or operation."""
    layout = LAYOUTS.get(kind or "")
    if layout is None:
        return None, None
    label = next((f.label for f in layout.fields if f.key == key), None)
    return layout.tables[0].sheet, label


def _allowed_text(person: Submitter) -> str:
    named = list(person.forces) + (["NaVCIS"] if person.navcis else [])
    return ", ".join(named)


def access_issues(parsed: ParsedReturn, person: Submitter, file_name: str,
                  visible: frozenset[str] | None = None) -> list[Issue]:
    """Issues (code 'not-permitted') for a return this person may not submit; [] if they may.

    ``visible`` is the set of operation codes the person may see; None skips that check.
    """
    found: list[Issue] = []
    if not may_submit_for(person, parsed.submitter):
        key = "force" if parsed.kind == "force-return" else "recipient"
        sheet, label = _where(parsed.kind, key)
        found.append(error(
            CODE, f"{file_name}: your account ({person.name}) may submit returns only for "
            f"{_allowed_text(person)}, but this return is for {parsed.submitter!r}. Nothing from "
            "this file was saved. Ask the force's own analyst to upload it, or ask an "
            "administrator to add the force to your account.",
            sheet=sheet, header=label, value=parsed.submitter))
    if visible is not None and parsed.operation and parsed.operation not in visible:
        sheet, label = _where(parsed.kind, "operation")
        # Worded as for an operation that does not exist (loaders.ingest.store_checks): a restricted
        # operation is as absent to this person as one never created.
        found.append(error(
            CODE, f"{file_name}: operation {parsed.operation!r} is not one we know. Choose the "
            "operation from the list in the template.",
            sheet=sheet, header=label, value=parsed.operation))
    return found


def reference_for(con: duckdb.DuckDBPyConnection, ref: Any, person: Submitter) -> Any:
    """The reference data as this person may see it: operations they may not see left out, so
    a return naming one is read as naming an unknown operation (with no suggestion of it)."""
    visible = visible_operations(con, person.role, person.name)
    return replace(ref, operations={code: row for code, row in ref.operations.items()
                                    if code in visible})


def may_hear_of(con: duckdb.DuckDBPyConnection, upload_id: int,
                person: Submitter | None) -> bool:
    """May this person be told that an accepted upload exists (who sent it and when)?

    Only if they may submit that return themselves: the access check comes before the
    duplicate check, so a Kent analyst offering Essex's file already loaded is refused as for
    any Essex file, and learns nothing about the earlier upload (issue 8)."""
    if person is None:
        return True
    stored = submission_of_upload(con, upload_id)
    if stored is None:
        return False
    known = ParsedReturn(kind=stored["kind"], operation=stored["operation"],
                         submitter=stored["submitter"])
    return not access_issues(known, person, "", visible_operations(con, person.role, person.name))


def check_submission(con: duckdb.DuckDBPyConnection, parsed: ParsedReturn,
                     person: Submitter, file_name: str) -> list[Issue]:
    """``access_issues`` against the store's restricted operations, auditing any refusal."""
    visible = visible_operations(con, person.role, person.name)
    issues = access_issues(parsed, person, file_name, visible)
    # Parsed against ``reference_for`` the person, an operation they may not see reads as
    # unknown: the file is refused as for a mistyped code, and the attempt is still audited.
    hidden = _hidden_operations_named(con, parsed, visible)
    if issues or hidden:
        audit(con, person.name, "denied", {
            "what": "submit return", "file": file_name, "kind": parsed.kind,
            "operation": parsed.operation or (hidden[0] if hidden else None),
            "submitter": parsed.submitter, "reason": "access violation",
            "codes": [i.code for i in issues] or ["unknown-operation"]})
    return issues


def _hidden_operations_named(con: duckdb.DuckDBPyConnection, parsed: ParsedReturn,
                             visible: frozenset[str]) -> list[str]:
    """Operations that exist but are hidden from this person, named in the file's cells."""
    named = {str(i.value).strip().upper() for i in parsed.issues
             if i.code == "unknown-operation" and i.value is not None}
    if not named:
        return []
    rows = con.execute("SELECT code FROM operation WHERE list_contains(?, code)",
                       [sorted(named)]).fetchall()
    return sorted(r[0] for r in rows if r[0] not in visible)
