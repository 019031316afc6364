"""``python -m store users …``: accounts from the command line.

    python -m store users add NAME --role ROLE [--force SLUG ...] [--navcis] --password-stdin
    python -m store users add NAME --role ROLE --oidc EMAIL
    python -m store users list
    python -m store users disable NAME        (and: enable NAME)
    python -m store users set-password NAME --password-stdin
    python -m store users unlock NAME         (clear the waits after wrong passwords)
    python -m store backup --out FOLDER       (the store and its upload archive, to a new folder)
    python -m store restore --from FOLDER --db NEW_LOCATION   (into a new store only)
    python -m store copy --to postgresql://USER@HOST:PORT/DB   (a DuckDB store into an empty
                                                                shared PostgreSQL store)

Passwords are read from standard input only (never an argument: it would be in the shell's
history and the process list). The database is the one ``NVCRP_DB`` names, or ``--db PATH``
(before or after the command words). While the dashboard holds the database, use its Admin page
instead (SECURITY.md trap 7).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import duckdb

from store import accounts, backup, sign_in
from store.accounts import AccountError
from store.connection import DatabaseBusy, open_db
from store.reference import load_reference
from store.settings import StoreLocationError, db_location, settings

BY = "command line"
DB_HELP = ("DuckDB database file or postgresql://USER@HOST:PORT/DB (default: NVCRP_DB or "
           "data/nvcrp.duckdb)")


def _db_option() -> argparse.ArgumentParser:
    """``--db`` for every command word, so it may come anywhere on the line; given nowhere,
    it stays unset (SUPPRESS) instead of hiding a value given earlier."""
    option = argparse.ArgumentParser(add_help=False)
    option.add_argument("--db", default=argparse.SUPPRESS, metavar="PATH", help=DB_HELP)
    return option


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m store", description="Manage the store.")
    parser.add_argument("--db", default=None, metavar="PATH", help=DB_HELP)
    db = _db_option()
    areas = parser.add_subparsers(dest="area", required=True)
    users = areas.add_parser(
        "users", help="accounts", parents=[db]).add_subparsers(dest="command", required=True)
    backup.add_commands(areas, db)
    move = areas.add_parser("copy", parents=[db], help="copy this DuckDB store (--db) into an "
                            "empty shared PostgreSQL store")
    move.add_argument("--to", required=True, metavar="URL",
                      help="the PostgreSQL store, postgresql://USER@HOST:PORT/DB")
    add = users.add_parser("add", help="add an account", parents=[db])
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=accounts.ROLES)
    add.add_argument("--display-name")
    add.add_argument("--force", nargs="+", default=[], metavar="SLUG",
                     help="analyst: limit submissions to these force codes")
    add.add_argument("--navcis", action="store_true", help="analyst: may submit NaVCIS returns")
    how = add.add_mutually_exclusive_group(required=True)
    how.add_argument("--password-stdin", action="store_true",
                     help="read a first password from standard input (changed at first sign-in)")
    how.add_argument("--oidc", metavar="EMAIL", help="single sign-on account for this email")
    users.add_parser("list", help="list accounts", parents=[db])
    users.add_parser("bootstrap", help="first start: create 'admin' and print a one-time "
                     "password (renewed while it is unused)", parents=[db])
    for verb in ("disable", "enable"):
        users.add_parser(verb, help=f"{verb} an account", parents=[db]).add_argument("name")
    setpw = users.add_parser("set-password", help="set a new password (changed at sign-in)",
                             parents=[db])
    setpw.add_argument("name")
    setpw.add_argument("--password-stdin", action="store_true", required=True)
    users.add_parser("unlock", help="clear the waits imposed after wrong passwords for a name "
                     "(every browser and address)", parents=[db]).add_argument("name")
    return parser


def _read_password() -> str:
    """The first line of standard input, without its line ending."""
    line = sys.stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        raise AccountError("No password was given on standard input. Pipe it in, e.g. "
                           "'printf %s \"$PASSWORD\" | python -m store users …'.")
    return password


def _list(con: duckdb.DuckDBPyConnection) -> None:
    print("name\trole\tauth\tforces\tnavcis\tdisabled\tmust_change\tlast_sign_in")
    for u in accounts.list_users(con):
        print("\t".join([u.name, u.role, u.auth, ",".join(u.forces) or "-", _yes(u.navcis),
                         _yes(u.disabled), _yes(u.must_change_password),
                         f"{u.last_sign_in:%Y-%m-%d %H:%M}" if u.last_sign_in else "never"]))


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _run(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> str:
    """Carry out one command; returns the line to print."""
    if args.command == "list":
        _list(con)
        return ""
    if args.command == "bootstrap":
        password = accounts.bootstrap_admin(con)
        if password is None:
            return "Accounts are in use: no one-time password is needed."
        print(accounts.bootstrap_message(password), file=sys.stderr, flush=True)
        return ""
    if args.command == "add":
        account = accounts.create_user(
            con, args.name, role=args.role, by=BY, display_name=args.display_name,
            forces=tuple(args.force), navcis=args.navcis,
            password=None if args.oidc else _read_password(),
            auth="oidc" if args.oidc else "local", email=args.oidc)
        return f"Added {account.name} ({account.role})."
    if args.command == "unlock":
        waiting = sign_in.unlock(con, args.name, by=BY)
        clients = "1 browser or address was" if waiting == 1 else f"{waiting} were"
        return (f"Cleared the waits after wrong passwords for '{args.name.strip().lower()}' "
                f"({clients} waiting): signing in with that name works again at once.")
    if args.command in ("disable", "enable"):
        account = accounts.set_disabled(con, args.name, args.command == "disable", by=BY)
        return f"{account.name} is now {'disabled' if account.disabled else 'enabled'}."
    account = accounts.set_password(con, args.name, _read_password(), by=BY, must_change=True)
    return f"Password set for {account.name}; they must choose a new one at sign-in."


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.area in ("backup", "restore"):
        return backup.run_command(args)
    if args.area == "copy":
        return _copy(args)
    try:
        con = open_db(db_location(args.db) if args.db else settings().db_path)
    except StoreLocationError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    except DatabaseBusy as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        load_reference(con)   # force codes given with --force are checked against it
        message = _run(con, args)
    except AccountError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    finally:
        con.close()
    if message:
        print(message)
    return 0


def _copy(args: argparse.Namespace) -> int:
    from store.copy import CopyRefused, copy_store
    from store.postgres import StoreUnreachable
    from store.settings import is_postgres, shown_location

    try:
        source, target = (db_location(args.db) if args.db else settings().db_path,
                          db_location(args.to))
    except StoreLocationError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    if is_postgres(source) or not is_postgres(target):
        print("Error: copy moves a DuckDB database file (--db) into a PostgreSQL store "
              "(--to postgresql://…).", file=sys.stderr)
        return 2
    try:
        con = open_db(source, read_only=True)
        copied = copy_store(con, str(target))
    except (DatabaseBusy, StoreUnreachable, CopyRefused) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    print(f"Copied {sum(copied.values()):,} rows in {len(copied)} tables into "
          f"{shown_location(target)}. Copy the upload archive folder too (NVCRP_ARCHIVE).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
