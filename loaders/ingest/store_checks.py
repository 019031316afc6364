"""Checks a parsed return must pass against the store: its operation or grant exists, and its
submitter is expected to send it. They run in the parent process, which holds the connection."""

from __future__ import annotations

from typing import Any

import duckdb

from loaders.ingest.return_names import KIND_WORDS, operation_name, submitter_name
from loaders.returns.issues import Issue, error, has_errors
from loaders.returns.layouts import LAYOUTS
from loaders.returns.records import ParsedReturn


def store_issues(con: duckdb.DuckDBPyConnection, parsed: ParsedReturn, name: str,
                 ref: Any | None = None) -> list[Issue]:
    """Checks against the store: the operation or grant exists and the submitter is expected.

    ``ref`` (``loaders.reference.snapshot.Reference``) names forces and operations in words."""
    if parsed.return_key is None or parsed.kind not in LAYOUTS:
        if has_errors(parsed.issues):
            return []  # the parser has already said what is missing
        return [error("return_unknown", f"{name}: could not tell which return this is (operation, "
                      "force or grant missing). Start from the template for your return and fill "
                      "in its header fields.")]
    where = {"sheet": LAYOUTS[parsed.kind].tables[0].sheet}
    if parsed.kind == "spend-return":
        if _exists(con, "SELECT 1 FROM grant_fund WHERE ref = ?", parsed.grant_ref):
            return []
        return [error("unknown_grant", f"{name}: grant {parsed.grant_ref!r} is not one we know. "
                      "Use the grant reference from your allocation letter (for example G2).",
                      header="Grant", value=parsed.grant_ref, **where)]
    if not _exists(con, "SELECT 1 FROM operation WHERE code = ?", parsed.operation):
        return [error("unknown_operation", f"{name}: operation {parsed.operation!r} is not one we "
                      "know. Choose the operation from the list in the template.",
                      header="Operation", value=parsed.operation, **where)]
    expected = {r[0] for r in con.execute(
        "SELECT force_code FROM operation_force WHERE operation = ?", [parsed.operation]).fetchall()}
    if parsed.kind == "ports-return":
        expected = {"navcis"}
    # An operation with no list of expected forces cannot be checked here; the list is reference data.
    if expected and parsed.submitter not in expected:
        return [error("submitter_not_expected", f"{name}: {submitter_name(ref, parsed.submitter)} "
                      f"is not expected to send a {KIND_WORDS.get(parsed.kind, 'return')} for "
                      f"{operation_name(ref, parsed.operation)}. Check the operation and the "
                      "force in the header, or ask the operation lead to add your force.",
                      header="Force", value=parsed.submitter, **where)]
    return []


def _exists(con: duckdb.DuckDBPyConnection, sql: str, value: object) -> bool:
    return con.execute(sql, [value]).fetchone() is not None
