"""Command line: ``python -m loaders ingest | template | demo | issues-workbook``.

``ingest`` takes files and folders: a folder's returns are loaded in name order, sub-folders
included, and anything that is not a return is skipped with a note. ``--db PATH`` may come
before or after the command.

Exit codes: 0 every file accepted or already loaded; 1 a file was rejected or not saved;
2 wrong arguments (argparse, a path that does not exist, a database that is not a DuckDB file);
3 the database is held by another program (usually the dashboard).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loaders.returns.layouts import RETURN_KINDS
from store.settings import (
    Settings,
    StoreLocationError,
    db_location,
    settings,
    settings_for,
    shown_location,
)

if TYPE_CHECKING:
    import duckdb

    from loaders.ingest.upload import IngestResult

# pandas, DuckDB and the ingest modules are imported by the command that needs them, after
# ``ingest`` has started its parsing process: that process imports its readers meanwhile.

EXIT_BUSY = 3
EXIT_ARGUMENTS = 2
# What a return can be saved as: anything else in a folder is skipped with a note. Old and
# macro-enabled workbooks are still read, so that their refusal says how to save them instead.
RETURN_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
DB_HELP = "DuckDB database file (default: NVCRP_DB or data/nvcrp.duckdb)"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except StoreLocationError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return EXIT_ARGUMENTS
    except LookupError as exc:
        print(str(exc.args[0] if exc.args else exc), file=sys.stderr)
        return 1
    except Exception as exc:
        from store.connection import DatabaseBusy  # imported by then: it raised this

        if not isinstance(exc, DatabaseBusy):
            raise
        print(str(exc), file=sys.stderr)
        return EXIT_BUSY


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m loaders",
                                     description="Load, check and template operation returns.")
    # Text, not Path: Path would fold 'postgresql://…' into 'postgresql:/…' before the check.
    parser.add_argument("--db", default=None, metavar="PATH", help=DB_HELP)
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="check and load return files, or every return in "
                            "folders")
    ingest.add_argument("files", nargs="+", type=Path, metavar="FILE_OR_FOLDER")
    _db_option(ingest)
    ingest.add_argument("--user", default=None, help="name recorded as the uploader")
    ingest.add_argument("--json", action="store_true", help="print one JSON array of results")
    ingest.set_defaults(run=_ingest)

    template = sub.add_parser("template", help="write a blank return template")
    template.add_argument("kind", choices=RETURN_KINDS)
    template.add_argument("--force", metavar="SLUG", help="force code, e.g. south-yorkshire")
    template.add_argument("--operation", metavar="CODE", help="operation code, e.g. OA2025")
    template.add_argument("--out", type=Path, required=True, metavar="FILE")
    _db_option(template)
    template.set_defaults(run=_template)

    demo = sub.add_parser("demo", help="build the demonstration database")
    _db_option(demo)
    demo.add_argument("--force", action="store_true",
                      help="replace a database that already holds uploads")
    demo.set_defaults(run=_demo)

    issues = sub.add_parser("issues-workbook", help="copy of an upload with its problems marked")
    issues.add_argument("upload_id", type=int, metavar="UPLOAD_ID")
    issues.add_argument("--out", type=Path, required=True, metavar="FILE")
    _db_option(issues)
    issues.set_defaults(run=_issues_workbook)
    return parser


def _db_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: left out after the command, it does not hide one given before it.
    parser.add_argument("--db", default=argparse.SUPPRESS, metavar="PATH", help=DB_HELP)


def _settings(db: str | None) -> Settings:
    return settings_for(db_location(db)) if db else settings()


def open_store(config: Settings) -> duckdb.DuckDBPyConnection:
    """Open and migrate the database, load reference data, and fail any interrupted upload."""
    from store.connection import open_db
    from store.reference import load_reference
    from store.submissions import recover_interrupted

    con = open_db(config.db_path)
    load_reference(con)
    recover_interrupted(con)
    return con


def _ingest(args: argparse.Namespace) -> int:
    config = _settings(args.db)
    missing = [str(f) for f in args.files if not f.exists()]
    if missing:
        print(f"No such file or folder: {', '.join(missing)}. Check the path and try again.",
              file=sys.stderr)
        return EXIT_ARGUMENTS
    files, skipped = return_files(args.files)
    for path, why in skipped:
        print(f"Skipped {path}: {why}", file=sys.stderr)
    if not files:
        print("No returns to load: the folders given hold no .xlsx, .csv or other spreadsheet "
              "files.", file=sys.stderr)
        return 1
    from loaders.safety.sandbox import PARSE_PRELOAD, prepare

    # The parsing process starts now and imports its readers while this one imports pandas
    # and DuckDB and opens the store; it is not asked for the issues workbook's openpyxl.
    prepare(PARSE_PRELOAD)
    from loaders.ingest.upload import ingest_file
    from loaders.reference.snapshot import Reference

    con = open_store(config)
    try:
        ref = Reference.from_db(con)
        user = args.user or _login()
        results = [ingest_file(con, f, user=user, settings=config, ref=ref) for f in files]
    finally:
        con.close()
    if args.json:
        print(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2))
    else:
        for result in results:
            print(_summary(result))
    return 0 if all(r.outcome in ("accepted", "duplicate") for r in results) else 1


def return_files(paths: Sequence[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The files to load, in the order given and each folder's in name order (sub-folders
    included), and the files of those folders that are skipped, each with why."""
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        for found in sorted(p for p in path.rglob("*") if p.is_file()):
            why = _not_a_return(found.relative_to(path))
            if why:
                skipped.append((found, why))
            else:
                files.append(found)
    return files, skipped


def _not_a_return(relative: Path) -> str | None:
    """Why a file found in a folder is not loaded, or None when it may be a return."""
    if any(part.startswith(".") for part in relative.parts):
        return "a hidden file"
    if relative.name.startswith("~$"):
        return "Excel's lock file for a workbook open in Excel"
    if relative.suffix.lower() not in RETURN_SUFFIXES:
        return (f"not a return ({relative.suffix or 'no extension'}); returns are "
                + ", ".join(RETURN_SUFFIXES[:-1]) + f" or {RETURN_SUFFIXES[-1]} files")
    return None


def _login() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "command line"


def _summary(result: IngestResult) -> str:
    """A readable block per file: outcome, message, changes, removals (a warning listing each
    with its earlier value), then each issue with where it is."""
    from loaders.ingest.resubmission import CODE as REMOVED

    lines = [f"{result.file}: {result.outcome.upper()}", f"  {result.message}"]
    kept = [c for c in result.changed if c["change"] != "removed"]
    for change in kept[:50]:
        lines.append(f"  {change['change']} {_figure(change)}: {_shown(change, 'old')} → "
                     f"{_shown(change, 'new')}")
    if len(kept) > 50:
        lines.append(f"  … and {len(kept) - 50:,} more changes (--json lists them all)")
    if result.removed:
        lines.append(f"  WARNING {len(result.removed):,} removed: stated in version "
                     f"{result.replaces}, blank or missing in this file:")
        lines += [f"    {_figure(c)}: was {_shown(c, 'old')}" for c in result.removed]
    for issue in result.issues:
        if issue.code == REMOVED:
            continue    # listed just above
        place = issue.location or "whole file"
        value = f" [value: {issue.value}]" if issue.value else ""
        lines.append(f"  {issue.severity.upper()} {issue.code} at {place}{value}: {issue.message}")
    return "\n".join(lines)


def _figure(change: dict[str, Any]) -> str:
    """'Arrests (Total)'; the codes when the words are missing."""
    label = change.get("label") or change.get("measure") or change.get("table")
    place = change.get("place") or change.get("day") or change.get("port") or "Total"
    return f"{label} ({place})"


def _shown(change: dict[str, Any], side: str) -> str:
    value, qualifier = change.get(side), change.get(f"{side}_qualifier")
    if value is None:
        if change["table"] == "value":
            return "blank"
        gone = change["change"] == ("added" if side == "old" else "removed")
        return "not listed" if gone else "listed without a value"
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"
    return text if qualifier in (None, "exact") else f"{text} ({qualifier.replace('_', ' ')})"


def _template(args: argparse.Namespace) -> int:
    from loaders.reference.snapshot import Reference
    from loaders.templates.build import write_template

    con = open_store(_settings(args.db))
    try:
        ref = Reference.from_db(con)
    finally:
        con.close()
    path = write_template(args.out, args.kind, ref, operation=args.operation,
                          submitter=args.force)
    print(f"Wrote {args.kind} template to {path}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from loaders.demo.build import build_demo

    config = _settings(args.db)
    try:
        results = build_demo(config.db_path, force=args.force)
    except FileExistsError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    outcomes = Counter(getattr(r, "outcome", "?") for r in results)
    print(f"Demonstration data written to {shown_location(config.db_path)}: "
          + ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items())))
    return 0


def _issues_workbook(args: argparse.Namespace) -> int:
    from loaders.templates.issues_workbook import write_issues_workbook

    config = _settings(args.db)
    con = open_store(config)
    try:
        path = write_issues_workbook(con, args.upload_id, args.out, config, user=_login())
    finally:
        con.close()
    print(f"Wrote the issues workbook for upload {args.upload_id} to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
