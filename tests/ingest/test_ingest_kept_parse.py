"""The upload page's check and save parse a file once (loaders.ingest.checked, issue 10).

A check that stops at 'needs_confirmation' keeps its parse for the save that follows, keyed by
the file's SHA-256, its name and the person, with the reference data it was read against. The
save takes it instead of reading the file again in the parsing child; every check against the
store — duplicates, the current version, removals, plausibility queries, access — still runs at
save time against the store as it is then.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from ingest_kit import FIGURES, force_return

import loaders.ingest.upload as upload
import loaders.safety.sandbox as sandbox
from loaders.ingest.checked import ParsedFiles
from loaders.ingest.upload import IngestResult, ingest_bytes, ingest_file
from loaders.reference.snapshot import Reference
from store.settings import Settings
from ui.auth import User

ANN = User(name="ann", role="analyst")
FULL = {**FIGURES, "charged": 3, "anpr_deployments": 11}
ONLY_CHANGED = {"arrests": 40, "vehicles_recovered": 9, "value_recovered_gbp": 120000}


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every file read in the parsing child."""
    found: list[str] = []
    real = sandbox.run_limited

    def counted(func: Any, *args: Any, **limits: Any) -> Any:
        found.append(args[1])
        return real(func, *args, **limits)

    monkeypatch.setattr(sandbox, "run_limited", counted)
    return found


def _page(con: duckdb.DuckDBPyConnection, config: Settings, ref: Reference, path: Path,
          kept: ParsedFiles, *, confirm: bool, person: User = ANN,
          removals: frozenset[str] = frozenset()) -> IngestResult:
    """As the upload page calls ingest: check first, then save what the person confirmed."""
    return ingest_bytes(con, path.read_bytes(), path.name, user=person.name, settings=config,
                        ref=ref, confirm_replace=confirm, submitter=person, kept=kept,
                        confirm_removals=removals, confirm_queries=frozenset())


def _version_one(con: duckdb.DuckDBPyConnection, config: Settings, ref: Reference,
                 tmp_path: Path) -> None:
    first = ingest_file(con, force_return(tmp_path / "v1.xlsx", ref, FULL), user="demo",
                        settings=config, ref=ref)
    assert first.outcome == "accepted", first.issues


def _second(tmp_path: Path, ref: Reference) -> Path:
    return force_return(tmp_path / "v2.xlsx", ref, ONLY_CHANGED, as_of=date(2026, 3, 2))


def test_check_then_save_reads_the_file_once(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path,
        parses: list[str]) -> None:
    """A replacement checked, shown and confirmed is parsed once, saved as the check said,
    and nothing is left kept afterwards."""
    _version_one(con, config, ref, tmp_path)
    parses.clear()
    kept = ParsedFiles()
    path = _second(tmp_path, ref)
    checked = _page(con, config, ref, path, kept, confirm=False)
    assert (checked.outcome, checked.version, len(kept)) == ("needs_confirmation", 2, 1)
    saved = _page(con, config, ref, path, kept, confirm=True, removals=checked.removal_keys())
    assert (saved.outcome, saved.version, saved.values) == ("accepted", 2, 3)
    assert saved.changed == checked.changed
    assert parses == ["v2.xlsx"]
    assert len(kept) == 0


def test_a_version_saved_meanwhile_is_compared_at_save_time(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path,
        parses: list[str]) -> None:
    """Another version saved between the check and the save: the save compares with it, so a
    removal confirmed against the older version does not cover the newer one's, and the file
    waits for confirmation again (still without being read a second time)."""
    _version_one(con, config, ref, tmp_path)
    kept = ParsedFiles()
    path = _second(tmp_path, ref)
    checked = _page(con, config, ref, path, kept, confirm=False)
    meanwhile = ingest_file(con, force_return(tmp_path / "other.xlsx", ref,
                                              {**FULL, "warrants": 8}, as_of=date(2026, 3, 1)),
                            user="bob", settings=config, ref=ref)
    assert (meanwhile.outcome, meanwhile.version) == ("accepted", 2)
    parses.clear()
    again = _page(con, config, ref, path, kept, confirm=True, removals=checked.removal_keys())
    assert (again.outcome, again.version, again.replaces) == ("needs_confirmation", 3, 2)
    assert {c["measure"]: c["old"] for c in again.removed}["warrants"] == 8
    saved = _page(con, config, ref, path, kept, confirm=True, removals=again.removal_keys())
    assert (saved.outcome, saved.version) == ("accepted", 3)
    assert parses == []


def test_the_same_file_saved_meanwhile_is_a_duplicate(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """The same bytes accepted by another upload between the check and the save: the save
    says so and saves nothing."""
    _version_one(con, config, ref, tmp_path)
    kept = ParsedFiles()
    path = _second(tmp_path, ref)
    checked = _page(con, config, ref, path, kept, confirm=False)
    assert ingest_file(con, path, user="bob", settings=config, ref=ref).outcome == "accepted"
    saved = _page(con, config, ref, path, kept, confirm=True, removals=checked.removal_keys())
    assert saved.outcome == "duplicate"


def test_store_checks_run_again_at_save(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The store-level checks and the plausibility queries run at the save too."""
    _version_one(con, config, ref, tmp_path)
    calls: list[str] = []
    for name in ("store_issues", "plausibility_queries"):
        real = getattr(upload, name)
        monkeypatch.setattr(upload, name, lambda *a, _real=real, _name=name, **k:
                            calls.append(_name) or _real(*a, **k))
    kept = ParsedFiles()
    path = _second(tmp_path, ref)
    checked = _page(con, config, ref, path, kept, confirm=False)
    _page(con, config, ref, path, kept, confirm=True, removals=checked.removal_keys())
    assert calls == ["store_issues", "plausibility_queries"] * 2


def test_kept_only_for_the_same_person_and_reference_data(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path,
        parses: list[str]) -> None:
    """Another person's save, or a save after the reference data changed, reads the file
    again; a cancelled check leaves nothing kept."""
    _version_one(con, config, ref, tmp_path)
    path = _second(tmp_path, ref)
    kept = ParsedFiles()
    parses.clear()
    _page(con, config, ref, path, kept, confirm=False)
    bob = User(name="bob", role="analyst")
    assert _page(con, config, ref, path, kept, confirm=False, person=bob).outcome \
        == "needs_confirmation"
    assert len(parses) == 2
    changed = replace(ref, ports={**ref.ports, "nowhere-test": "Port of Nowhere"})
    assert not changed.same_data(ref) and Reference.from_db(con).same_data(ref)
    _page(con, config, changed, path, kept, confirm=False)
    assert len(parses) == 3
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    kept.discard(digest, ANN)
    kept.discard(digest, bob)
    assert len(kept) == 0


def test_the_kept_parse_is_a_copy() -> None:
    """What the caller does with its own parse afterwards does not reach the save."""
    from loaders.returns.records import ParsedReturn

    kept = ParsedFiles(limit=1)
    parsed = ParsedReturn(kind="force-return", operation="OA2025", submitter="kent")
    kept.keep("abc", "f.xlsx", ANN, None, parsed)
    parsed.operation = "changed"
    taken = kept.take("abc", "f.xlsx", ANN, None)
    assert taken is not None and taken.operation == "OA2025"
    assert kept.take("abc", "f.xlsx", ANN, None) is None        # used once
    kept.keep("a", "f.xlsx", ANN, None, parsed)
    kept.keep("b", "f.xlsx", ANN, None, parsed)
    assert len(kept) == 1 and kept.take("a", "f.xlsx", ANN, None) is None   # the oldest went
