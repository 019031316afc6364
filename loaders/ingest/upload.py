"""From a file on disk to an accepted, versioned submission, or a rejected upload with its issues.

bytes → sha256 → duplicate (told only to someone who may submit that return)? → archive → upload row 'in_progress' (committed) → guards →
read and parse in a memory- and time-limited child (or take the parse a check of the same file
kept for its save: ``loaders.ingest.checked``) → store-level checks → either
'rejected' with its issues and nothing in any data table, or ONE transaction that writes the
submission, its figures and detail rows and marks the upload accepted. Every ingest writes one
audit row. An upload left 'in_progress' by a killed process is marked failed at start-up
(``store.submissions.recover_interrupted``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from loaders.ingest.access import may_hear_of
from loaders.ingest.changes import removal_key, removals, unconfirmed
from loaders.ingest.checked import ParsedFiles
from loaders.ingest.plausibility import is_query, queried_sentence, query_key
from loaders.ingest.plausibility import queries as plausibility_queries
from loaders.ingest.plausibility import unconfirmed as unconfirmed_queries
from loaders.ingest.resubmission import CODE as REMOVED
from loaders.ingest.resubmission import (
    accepted_text,
    preview_text,
    previous_and_changes,
    removal_issues,
)
from loaders.ingest.return_names import parsed_name
from loaders.ingest.store_checks import store_issues
from loaders.returns.issues import Issue, error, has_errors
from loaders.returns.records import ParsedReturn
from store import submissions as subs
from store.archive import archive_bytes, display_name, sha256_of
from store.audit import audit
from store.connection import data_version
from store.settings import Settings
from store.writes import is_conflict, transaction

CONFLICT = ("another upload of this return was saved at the same moment; nothing from this "
            "file was saved. Upload it again.")


@dataclass
class IngestResult:
    """What happened to one file. outcome: accepted | duplicate | rejected | failed, or, when
    nothing was meant to be written, checked (a dry run that passed) | needs_confirmation."""

    file: str
    sha256: str
    outcome: str
    upload_id: int | None = None
    return_key: str | None = None
    version: int | None = None
    values: int = 0
    changed: list[dict[str, Any]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    message: str = ""
    return_name: str | None = None    # the return in words: "Kent's force return for …"
    replaces: int | None = None       # the version a new version replaces

    @property
    def removed(self) -> list[dict[str, Any]]:
        """Figures and rows the current version states and this file leaves out
        (``loaders.ingest.changes``)."""
        return removals(self.changed)

    def removal_keys(self) -> frozenset[str]:
        """What to pass back as ``confirm_removals`` once the person has confirmed these."""
        return frozenset(removal_key(c) for c in self.removed)

    @property
    def queries(self) -> list[Issue]:
        """Figures far from what is plausible (``loaders.ingest.plausibility``)."""
        return [i for i in self.issues if is_query(i)]

    def query_keys(self) -> frozenset[str]:
        """What to pass back as ``confirm_queries`` once the person has confirmed these."""
        return frozenset(query_key(i) for i in self.queries)

    def as_dict(self) -> dict[str, Any]:
        """The command line's JSON object for this file."""
        return {
            "file": self.file, "sha256": self.sha256, "outcome": self.outcome,
            "upload_id": self.upload_id, "return_key": self.return_key,
            "return_name": self.return_name, "version": self.version, "replaces": self.replaces,
            "values": self.values, "changed": self.changed, "removed": self.removed,
            "message": self.message,
            "issues": [{"code": i.code, "severity": i.severity, "sheet": i.sheet, "row": i.row,
                        "column": i.column, "header": i.header, "value": i.value,
                        "message": i.message} for i in self.issues],
        }


@dataclass(frozen=True)
class Consent:
    """What the person agreed to: the removals and queries confirmed, and the reason given for
    the queries (with the reference data, for names)."""

    ref: Any
    removals: bool | Collection[str]
    queries: bool | Collection[str]
    reason: str = ""

    def unconfirmed_queries(self, issues: list[Issue]) -> list[Issue]:
        """Queries not confirmed; on the upload page a confirmation counts only with a reason."""
        if self.queries is not True and not self.reason:
            return [i for i in issues if is_query(i)]
        return unconfirmed_queries(issues, self.queries)


class _Conflict(RuntimeError):
    """The same return key and version were committed by another upload in the meantime."""


class _Unconfirmed(RuntimeError):
    """Saving would remove figures the person has not confirmed (changed since they looked)."""


class _AlreadySaved(RuntimeError):
    """The same bytes were accepted by another upload after this one was checked."""

    def __init__(self, earlier: dict[str, Any]) -> None:
        super().__init__("already saved")
        self.earlier = earlier


def ingest_file(
    con: duckdb.DuckDBPyConnection, path: Path, *, user: str, settings: Settings,
    ref: Any | None = None, confirm_replace: bool = True, dry_run: bool = False,
    received_at: datetime | None = None, submitter: Any | None = None,
    confirm_removals: bool | Collection[str] = True,
    confirm_queries: bool | Collection[str] = True, query_reason: str | None = None,
    kept: ParsedFiles | None = None,
) -> IngestResult:
    """Check the file at ``path`` and, unless ``dry_run``, record it (see the module docstring).

    ``dry_run`` runs every check and computes ``changed`` against the current version without
    writing anything. ``confirm_replace=False`` behaves the same when the file would replace an
    earlier version (outcome 'needs_confirmation'); a first version is saved straight away.

    ``confirm_removals`` (``loaders.ingest.resubmission``): True saves whatever the new version
    removes, warning about each removal (the command line); False stops at
    'needs_confirmation' if anything would be removed; a set of ``removal_key``s saves only if
    every removal is one of them (what the person saw and confirmed on the upload page).

    ``confirm_queries`` (``loaders.ingest.plausibility``) works the same for figures queried
    as implausible: True saves them, listed as issues of severity 'query' (the command line);
    a set of ``query_key``s saves only if every query is one of them and ``query_reason`` is
    given (the upload page). A reason given is audited as 'query_confirmed'.
    """
    path = Path(path)
    return ingest_bytes(con, path.read_bytes(), path.name, user=user, settings=settings, ref=ref,
                        confirm_replace=confirm_replace, dry_run=dry_run, received_at=received_at,
                        submitter=submitter, confirm_removals=confirm_removals,
                        confirm_queries=confirm_queries, query_reason=query_reason, kept=kept)


def ingest_bytes(
    con: duckdb.DuckDBPyConnection, data: bytes, name: str, *, user: str, settings: Settings,
    ref: Any | None = None, confirm_replace: bool = True, dry_run: bool = False,
    received_at: datetime | None = None, submitter: Any | None = None,
    confirm_removals: bool | Collection[str] = True,
    confirm_queries: bool | Collection[str] = True, query_reason: str | None = None,
    kept: ParsedFiles | None = None,
) -> IngestResult:
    """As ``ingest_file`` for bytes already in memory (the upload page's file).

    ``submitter`` is the signed-in person (anything with name, role, forces, navcis): a return
    for a force or operation they may not submit for is rejected and audited (SECURITY.md row 8).
    The command line, run by an operator on the server, passes none.

    ``received_at`` (default now) is when the return arrived; only the demo data sets it.

    ``kept`` (``loaders.ingest.checked``): a file that stops at 'needs_confirmation' leaves its
    parse there, and the next call for the same bytes, name and ``submitter`` takes it instead
    of reading the file again; every other check still runs against the store as it is then.
    """
    from loaders.safety.sandbox import prepare

    prepare()  # the parsing child's server starts now, while the upload is recorded and checked
    shown = display_name(name)
    result = IngestResult(file=shown, sha256=sha256_of(data), outcome="")
    earlier = subs.accepted_upload_for(con, result.sha256)
    if earlier and may_hear_of(con, earlier["id"], submitter):
        return _duplicate(con, result, earlier, data, user, settings, record=not dry_run)
    # Not told of an earlier upload they may not submit: the file is checked as any other, so
    # the access check refuses it (audited) without a word about the upload already loaded.
    if ref is None:
        from loaders.reference.snapshot import Reference
        ref = Reference.from_db(con)
    if submitter is not None:
        # An operation the person may not see is checked as one that does not exist: no
        # "did you mean" suggestion, no word that it is restricted.
        from loaders.ingest.access import reference_for
        ref = reference_for(con, ref, submitter)
    if dry_run:
        parsed = _check(con, data, shown, settings, ref, result, submitter, kept)
        return _preview(con, parsed, result, "checked", ref) if parsed else _rejected(result)
    try:
        archived = _archive(data, settings)
    except OSError as exc:  # disk full or no permission: record the attempt, save nothing
        result.upload_id = subs.start_upload(con, sha=result.sha256, name=shown, size=len(data),
                                             user=user, archive_path=None)
        _finish_failed(con, result, user, settings, _failure_text(exc))
        return result
    result.upload_id = subs.start_upload(con, sha=result.sha256, name=shown, size=len(data),
                                         user=user, archive_path=archived, at=received_at)
    try:
        parsed = _check(con, data, shown, settings, ref, result, submitter, kept)
        if parsed is None:
            return _reject(con, result, user, settings)
        keep = _Keep(kept, submitter, ref)
        if not confirm_replace and subs.latest_submission(con, parsed.return_key or ""):
            return _wait(con, parsed, result, user, settings, ref, keep)
        consent = Consent(ref, confirm_removals, confirm_queries, (query_reason or "").strip())
        return _save_with_retry(con, parsed, result, user, settings, consent, keep)
    except Exception as exc:  # noqa: BLE001 - any failure must leave the upload marked failed
        _finish_failed(con, result, user, settings, _failure_text(exc))
        return result


def _archive(data: bytes, settings: Settings) -> str | None:
    if len(data) > settings.max_upload_bytes:
        return None  # never keep a file too large to accept
    return archive_bytes(settings.archive_dir, data)[1]


def read_and_parse(data: bytes, name: str, fmt: str, ref: Any,
                   markup: dict[str, Any] | None = None) -> ParsedReturn:
    """Read and parse in one call (``loaders.safety.workbook.read_and_parse``, which the child
    runs).

    ``markup``: what the guards read from each worksheet part
    (``loaders.safety.guards.preflight``)."""
    from loaders.safety.workbook import read_and_parse as read_then_parse

    return read_then_parse(data, name, fmt, ref, markup)


@dataclass(frozen=True)
class _Keep:
    """Where a file waiting for confirmation leaves its parse for the save (may be nowhere)."""

    kept: ParsedFiles | None
    submitter: Any
    ref: Any

    def __call__(self, result: IngestResult, parsed: ParsedReturn) -> None:
        if self.kept is not None:
            self.kept.keep(result.sha256, result.file, self.submitter, self.ref, parsed)


def _check(
    con: duckdb.DuckDBPyConnection, data: bytes, name: str, settings: Settings, ref: Any,
    result: IngestResult, submitter: Any | None = None, kept: ParsedFiles | None = None,
) -> ParsedReturn | None:
    """Guards, sandboxed parse and store-level checks; None (issues in ``result``) on any error.

    The parse is taken from ``kept`` when the same bytes, name and person were checked against
    the same reference data and left waiting for confirmation; the guards and every check
    against the store run all the same."""
    from loaders.safety.guards import preflight
    from loaders.safety.sandbox import ParseFailed, prepare, run_limited
    from loaders.safety.workbook import read_and_parse as read_then_parse

    prepare()  # already running when called from ingest_bytes; this call costs nothing then
    markup: dict[str, Any] = {}   # read once by the guards, reused by the reader
    fmt, issues = preflight(data, name, max_bytes=settings.max_upload_bytes, markup=markup)
    result.issues = list(issues)
    if fmt is None or has_errors(issues):
        return None
    parsed = kept.take(result.sha256, name, submitter, ref) if kept is not None else None
    try:
        if parsed is None:
            parsed = run_limited(read_then_parse, data, name, fmt, ref, markup,
                                 memory_bytes=settings.parse_memory_limit,
                                 timeout_s=settings.parse_timeout_s)
    except ParseFailed as exc:
        result.issues.append(error(
            "parse_failed", f"{name} could not be read: {exc}. Save it again from Excel as a "
            "plain .xlsx workbook (or split a very large file) and upload it again."))
        return None
    access: list[Issue] = []
    if submitter is not None:
        from loaders.ingest.access import check_submission
        access = check_submission(con, parsed, submitter, name)
    result.issues = _merged(result.issues, parsed.issues, store_issues(con, parsed, name, ref),
                            access)
    result.return_key = parsed.return_key
    if has_errors(result.issues):
        return None
    visible = None
    if submitter is not None:
        from store.operation_access import visible_operations
        visible = visible_operations(con, submitter.role, submitter.name)
    result.issues += plausibility_queries(con, parsed, ref, visible)
    return parsed


def _merged(*groups: list[Issue]) -> list[Issue]:
    """Issues in order found, each once (the parser may repeat the reader's)."""
    seen: dict[Issue, None] = {}
    for group in groups:
        for issue in group:
            seen.setdefault(issue, None)
    return list(seen)


def _wait(con: duckdb.DuckDBPyConnection, parsed: ParsedReturn, result: IngestResult, user: str,
          settings: Settings, ref: Any, keep: _Keep) -> IngestResult:
    """Nothing saved: the person is shown what would change (and be removed) and confirms.
    The parse is kept for the save that follows (``loaders.ingest.checked``)."""
    _finish_failed(con, result, user, settings, "not saved: waiting for confirmation")
    keep(result, parsed)
    return _preview(con, parsed, result, "needs_confirmation", ref)


def _save_with_retry(
    con: duckdb.DuckDBPyConnection, parsed: ParsedReturn, result: IngestResult, user: str,
    settings: Settings, consent: Consent, keep: _Keep,
) -> IngestResult:
    """Write the submission; on a clash with a concurrent upload re-read the version once."""
    for attempt in (1, 2):
        try:
            return _save(con, parsed, result, user, settings, consent)
        except _Unconfirmed:
            return _wait(con, parsed, result, user, settings, consent.ref, keep)
        except _AlreadySaved as saved:
            return _duplicate(con, result, saved.earlier, b"", user, settings, record=True)
        except _Conflict:
            if attempt == 2:
                break
        earlier = subs.accepted_upload_for(con, result.sha256)
        if earlier:  # the same bytes were saved by the other upload
            return _duplicate(con, result, earlier, b"", user, settings, record=True)
    _finish_failed(con, result, user, settings, CONFLICT)
    return result


def _save(
    con: duckdb.DuckDBPyConnection, parsed: ParsedReturn, result: IngestResult, user: str,
    settings: Settings, consent: Consent,
) -> IngestResult:
    """ONE transaction: submission, figures, detail rows, warnings, queries, upload accepted,
    audit (and the queries' confirmation, when given with a reason)."""
    key = parsed.return_key or ""
    ref, confirmed = consent.ref, consent.removals
    if consent.unconfirmed_queries(result.issues):
        raise _Unconfirmed("queries not confirmed")
    try:
        with transaction(con):
            # Checked again inside the transaction: the same file offered twice at once must not
            # become two versions when the other upload committed after this one's first check.
            earlier = subs.accepted_upload_for(con, result.sha256)
            if earlier:
                raise _AlreadySaved(earlier)
            # Compared with the version current now, inside the transaction: a removal confirmed
            # against an older version does not cover one a newer version brought.
            previous, changed = previous_and_changes(con, parsed, ref)
            if unconfirmed(changed, confirmed):
                raise _Unconfirmed("removals not confirmed")
            version = previous["version"] + 1 if previous else 1
            # A retry after a clash compares afresh: earlier removal warnings are replaced.
            result.issues = [i for i in result.issues if i.code != REMOVED] + (
                removal_issues(parsed, changed, previous["version"]) if previous else [])
            submission_id = subs.insert_submission(
                con, upload_id=_uid(result), return_key=key, parsed=parsed, version=version,
                supersedes=previous["id"] if previous else None,
                data_as_of=parsed.data_as_of or date.today())
            stored = subs.insert_values(con, submission_id, parsed.values)
            subs.insert_details(con, submission_id, parsed.details)
            subs.insert_issues(con, _uid(result), [i.as_dict() for i in result.issues])
            result.version, result.values, result.changed = version, stored, changed
            result.replaces = previous["version"] if previous else None
            result.return_name = parsed_name(ref, parsed, version)
            result.outcome = "accepted"
            result.message = accepted_text(result.file, parsed, ref, version, stored, previous,
                                           changed) + queried_sentence(
                result.issues, saved=True, reason=consent.reason or None)
            subs.finish_upload(con, _uid(result), "accepted", message=result.message,
                               return_kind=parsed.kind, return_key=key, rows_read=parsed.rows_read,
                               values_stored=stored)
            _audit(con, result, user, settings)
            if result.queries and consent.reason:
                _audit_queries(con, result, user, settings, consent.reason)
    except Exception as exc:
        if is_conflict(exc):
            raise _Conflict(str(exc)) from exc
        raise
    return result


def _uid(result: IngestResult) -> int:
    if result.upload_id is None:
        raise RuntimeError("the upload row was not recorded")
    return result.upload_id


def _duplicate(
    con: duckdb.DuckDBPyConnection, result: IngestResult, earlier: dict[str, Any], data: bytes,
    user: str, settings: Settings, *, record: bool,
) -> IngestResult:
    when = earlier["uploaded_at"]
    result.outcome, result.return_key = "duplicate", earlier["return_key"]
    result.message = (f"{result.file} is already loaded as upload {earlier['id']} on "
                      f"{when.day} {when:%B %Y} by {earlier['uploaded_by']}; nothing was changed.")
    if not record:
        return result
    if result.upload_id is None:
        result.upload_id = subs.start_upload(
            con, sha=result.sha256, name=result.file, size=len(data), user=user,
            archive_path=None, outcome="duplicate", message=result.message)
    else:
        subs.finish_upload(con, _uid(result), "duplicate", message=result.message)
    _audit(con, result, user, settings)
    return result


def _rejected(result: IngestResult) -> IngestResult:
    errors = sum(1 for i in result.issues if i.severity == "error")
    result.outcome = "rejected"
    result.message = (f"{result.file} was not loaded: {errors} problem"
                      f"{'' if errors == 1 else 's'} to fix first. Nothing from it was saved.")
    return result


def _reject(
    con: duckdb.DuckDBPyConnection, result: IngestResult, user: str, settings: Settings
) -> IngestResult:
    """Mark the upload rejected with all its issues; no data table is touched."""
    _rejected(result)
    with transaction(con):
        subs.insert_issues(con, _uid(result), [i.as_dict() for i in result.issues])
        subs.finish_upload(con, _uid(result), "rejected", message=result.message,
                           return_key=result.return_key)
        _audit(con, result, user, settings)
    return result


def _preview(
    con: duckdb.DuckDBPyConnection, parsed: ParsedReturn, result: IngestResult, outcome: str,
    ref: Any,
) -> IngestResult:
    """What saving would do, without saving: the version it would become and what changes."""
    previous, result.changed = previous_and_changes(con, parsed, ref)
    result.version = previous["version"] + 1 if previous else 1
    result.replaces = previous["version"] if previous else None
    result.return_name = parsed_name(ref, parsed, result.version)
    result.values = 0 if parsed.values is None else len(parsed.values)
    result.outcome = outcome
    result.message = preview_text(result.file, parsed, ref, result.values, previous,
                                  result.changed)
    if result.queries:
        # "Nothing has been saved yet." stays the last sentence.
        head, tail = result.message.rsplit(" Nothing has been saved yet.", 1)
        result.message = (head + queried_sentence(result.issues, saved=False, reason=None)
                          + " Nothing has been saved yet." + tail)
    return result


def _finish_failed(
    con: duckdb.DuckDBPyConnection, result: IngestResult, user: str, settings: Settings, why: str
) -> None:
    result.outcome = "failed"
    result.message = f"{result.file} was not saved: {why}"
    try:
        subs.finish_upload(con, _uid(result), "failed", message=result.message)
        _audit(con, result, user, settings)
    except duckdb.Error:
        pass  # left 'in_progress': recover_interrupted marks it failed at the next start


def _failure_text(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return f"the computer could not write the file ({exc.strerror or exc}). Nothing was saved; try again later."
    return f"an unexpected error stopped the upload ({type(exc).__name__}). Nothing was saved; try again, and report it if it happens again."


def _audit(
    con: duckdb.DuckDBPyConnection, result: IngestResult, user: str, settings: Settings
) -> None:
    detail = {"file": result.file, "sha256": result.sha256, "outcome": result.outcome,
              "upload_id": result.upload_id, "return_key": result.return_key,
              "version": result.version, "values": result.values,
              "changed": len(result.changed), "removed": len(result.removed),
              "issues": len(result.issues),
              "at": datetime.now()}
    audit(con, user, "upload", detail, marking=settings.marking, data_version=data_version(con))


def _audit_queries(con: duckdb.DuckDBPyConnection, result: IngestResult, user: str,
                   settings: Settings, reason: str) -> None:
    """The person's confirmation of the queried figures, with their reason (issue 11)."""
    detail = {"upload_id": result.upload_id, "return_key": result.return_key,
              "version": result.version, "reason": reason,
              "queries": [{k: v for k, v in i.as_dict().items() if k != "severity"}
                          for i in result.queries]}
    audit(con, user, "query_confirmed", detail, marking=settings.marking,
          data_version=data_version(con))
