"""A new version of a return: what it changes, what it removes, and the sentences that say so.

The rule (issue 9; the template's README sheet and the project README say the same): a new file
replaces the whole return. A figure the current version states and the new file leaves blank
(or 'not recorded') is **removed**, and so is a detail row that is no longer there. Nothing is
removed silently: the upload page lists the removals with their earlier values and saves only
when the person confirms them (to keep a figure, they put it back in the file); the command
line saves, warns and lists them. A saved removal is kept as a 'figure-removed' warning on the
upload, so the record shows what was taken away and from which version.
"""

from __future__ import annotations

from typing import Any

import duckdb

from loaders.ingest.changes import NOUNS, changes_between, changes_summary, removals
from loaders.ingest.return_names import parsed_name
from loaders.returns.issues import Issue, warning
from loaders.returns.layouts import LAYOUTS
from loaders.returns.records import ParsedReturn
from store import submissions as subs

CODE = "figure-removed"
RULE = ("A new file replaces the whole return: send every figure again, not only those that "
        "changed. A figure left blank (or 'not recorded') that an earlier version stated is "
        "removed, and so is a spend line, vehicle or container row no longer listed. The upload "
        "page lists such removals with their earlier values and saves only when you confirm "
        "them; to keep a figure, put it back in the file and upload it again.")


def previous_and_changes(
    con: duckdb.DuckDBPyConnection, parsed: ParsedReturn, ref: Any,
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The current version of the return (None for a first version) and what the file changes."""
    previous = subs.latest_submission(con, parsed.return_key or "")
    if previous is None:
        return None, []
    return previous, changes_between(con, previous["id"], parsed, ref)


def removal_issues(parsed: ParsedReturn, changes: list[dict[str, Any]],
                   previous_version: int) -> list[Issue]:
    """One warning per removal saved, naming the figure, its earlier value and the version."""
    sheets = {t.name: t.sheet for t in LAYOUTS[parsed.kind].tables} if parsed.kind in LAYOUTS else {}
    found = []
    for change in removals(changes):
        what = f"{change.get('label', change.get('measure'))} ({change.get('place', '')})"
        if change["table"] == "value":
            text = (f"{what} was {_figure(change)} in version {previous_version} and is blank in "
                    "this file, so this version no longer states it.")
        else:
            text = (f"{what}, listed in version {previous_version}, is not in this file, so this "
                    "version no longer lists it.")
        found.append(warning(CODE, text + " To restore it, upload a corrected file with it in.",
                             sheet=sheets.get(change["table"]), value=_figure(change) or None))
    return found


def _figure(change: dict[str, Any]) -> str:
    old = change.get("old")
    if old is None:
        return ""
    text = f"{old:,}" if isinstance(old, int) else f"{old:,.2f}"
    qualifier = change.get("old_qualifier")
    return f"{text} ({qualifier.replace('_', ' ')})" if qualifier not in (None, "exact") else text


def removed_things(changes: list[dict[str, Any]]) -> str:
    """'2 figures', '1 spend line', '3 figures and 1 container': what the removals are."""
    gone = removals(changes)
    counts = {t: sum(1 for c in gone if c["table"] == t) for t in dict.fromkeys(
        c["table"] for c in gone)}
    return " and ".join(f"{n:,} {NOUNS[t][0] if n == 1 else NOUNS[t][1]}"
                        for t, n in counts.items())


def removed_sentence(changes: list[dict[str, Any]], previous_version: int, *, saved: bool) -> str:
    """'' when nothing is removed; else a sentence saying how many and what happens next."""
    n = len(removals(changes))
    if not n:
        return ""
    things, are = removed_things(changes), "is" if n == 1 else "are"
    if saved:
        return (f" Warning: {things} stated in version {previous_version} {are} blank or "
                f"missing in this file and {'was' if n == 1 else 'were'} removed (listed below).")
    return (f" {things} stated in version {previous_version} {are} blank or missing in this "
            "file and would be removed: confirm the removals, or put them back in the file.")


def preview_text(file: str, parsed: ParsedReturn, ref: Any, values: int,
                 previous: dict[str, Any] | None, changes: list[dict[str, Any]]) -> str:
    """What saving would do, in words, without saving."""
    if previous is None:
        return (f"{file} passed every check: {values:,} figures for "
                f"{parsed_name(ref, parsed)}. Nothing has been saved yet.")
    return (f"{file} passed every check: it would replace version {previous['version']} of "
            f"{parsed_name(ref, parsed)} as version {previous['version'] + 1}, "
            f"{changes_summary(changes, parsed.kind)}."
            f"{removed_sentence(changes, previous['version'], saved=False)} "
            "Nothing has been saved yet.")


def accepted_text(file: str, parsed: ParsedReturn, ref: Any, version: int, values: int,
                  previous: dict[str, Any] | None, changes: list[dict[str, Any]]) -> str:
    """'sy.xlsx was saved as Kent's force return for Operation Alliances 2025, version 3,
    replacing version 2 (which is kept): 7 figures changed (5 altered, 2 removed). Warning: …'"""
    if previous is None:
        return f"{file} was saved as the first version of {parsed_name(ref, parsed)}: {values:,} figures."
    return (f"{file} was saved as {parsed_name(ref, parsed, version)}, replacing version {previous['version']} (which is "
            f"kept): {changes_summary(changes, parsed.kind)}."
            f"{removed_sentence(changes, previous['version'], saved=True)}")
