"""Command line: ``python -m metrics headline --operation OA2025 [--as-at 2026-03-02] [--json]``.

Exit codes: 0 done, 2 bad request (unknown operation, no database, bad date), 3 the database is
held by another program (usually the running dashboard).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from metrics.headline import UnknownOperation, headline
from metrics.registry import METRICS, markdown_table
from store.connection import DatabaseBusy, existing_store, open_db
from store.settings import StoreLocationError


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date: write it as YYYY-MM-DD, for example 2026-03-02."
        ) from exc


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m metrics", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    head = commands.add_parser("headline", help="an operation's headline figures as at a date")
    head.add_argument("--operation", required=True, help="operation code, e.g. OA2025")
    head.add_argument("--as-at", type=_iso_date, default=date.today(),
                      help="figures as at this date (YYYY-MM-DD); default today")
    head.add_argument("--db", help="database file or postgresql:// URL (default: NVCRP_DB or "
                      "data/nvcrp.duckdb)")
    head.add_argument("--json", action="store_true", help="print JSON instead of text")
    listing = commands.add_parser("list", help="every metric in the registry with its unit and label")
    listing.add_argument("--markdown", action="store_true", help="print a Markdown table")
    return parser


def _list_metrics(markdown: bool) -> int:
    if markdown:
        print(markdown_table())
        return 0
    for metric in METRICS.values():
        flag = " (indicative)" if metric.indicative else ""
        print(f"{metric.name:32} {metric.unit:8} {metric.pillar or '-':3} {metric.label}{flag}")
    return 0


def _headline(args: argparse.Namespace) -> int:
    try:
        path = existing_store(args.db)
    except StoreLocationError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        con = open_db(path, read_only=True)
    except DatabaseBusy as exc:  # a PostgreSQL server out of reach included
        print(exc, file=sys.stderr)
        return 3
    try:
        figures = headline(con, args.operation, args.as_at)
    except UnknownOperation as exc:
        print(exc, file=sys.stderr)
        return 2
    finally:
        con.close()
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print("\n".join(figures["text"]))
        print(f"Data version {figures['data_version']} (latest upload id seen).")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "list":
        return _list_metrics(args.markdown)
    return _headline(args)


if __name__ == "__main__":
    sys.exit(main())
