"""Command line: ``python -m exports briefing --operation OA2025 --as-at 2026-03-02 --format pptx
--out pack.pptx [--db PATH]``; ``--format docx`` writes the ministerial note (Word) instead."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date
from pathlib import Path

from exports.images import RendererUnavailable, stop_renderer
from exports.note import NOTE_FORMAT, build_note
from exports.pack import PACK_FORMATS, build_briefing
from metrics.headline import UnknownOperation
from store.connection import DatabaseBusy, existing_store, open_db
from store.settings import StoreLocationError


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-03-02") from exc


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m exports",
                                     description="Marked exports of operation results.")
    commands = parser.add_subparsers(dest="command", required=True)
    pack = commands.add_parser("briefing", help="write a marked briefing pack (PPTX or PDF) "
                                                "or ministerial note (DOCX)")
    pack.add_argument("--operation", required=True, help="operation code, e.g. OA2025")
    pack.add_argument("--as-at", type=_iso_date, default=None,
                      help="figures as at this date (YYYY-MM-DD); default today")
    pack.add_argument("--format", choices=(*PACK_FORMATS, NOTE_FORMAT), required=True,
                      help="pptx or pdf: the briefing pack; docx: the ministerial note in Word")
    pack.add_argument("--out", type=Path, required=True,
                      help="file to write; a folder gets the standard file name")
    pack.add_argument("--db", default=None, help="database file or postgresql:// URL "
                      "(default: NVCRP_DB or data/nvcrp.duckdb)")
    return parser


def _briefing(args: argparse.Namespace) -> int:
    try:
        db = existing_store(args.db)
    except StoreLocationError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        con = open_db(db)
    except DatabaseBusy as exc:  # a PostgreSQL server out of reach included
        print(exc, file=sys.stderr)
        return 3
    as_at, who = args.as_at or date.today(), f"command line ({getpass.getuser()})"
    try:
        if args.format == NOTE_FORMAT:
            name, data = build_note(con, args.operation, as_at, who)
        else:
            name, data = build_briefing(con, args.operation, as_at, args.format, who=who)
    finally:
        con.close()
        stop_renderer()
    out = args.out / name if args.out.is_dir() else args.out
    out.write_bytes(data)
    what = "Ministerial note" if args.format == NOTE_FORMAT else "Briefing pack"
    print(f"{what} written to {out} ({len(data):,} bytes; suggested name {name}).")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _briefing(args)
    except (UnknownOperation, DatabaseBusy, RendererUnavailable) as exc:
        print(str(exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
