"""Backing up a store to a folder, and restoring a backup into a new store.

    python -m store backup  --db LOCATION --out FOLDER
    python -m store restore --db NEW_LOCATION --from FOLDER

A backup folder holds ``manifest.json`` (what was backed up: the kind of store, when, the
schema and data versions, the rows of every table, the upload files), the database itself —
``database/``, a DuckDB ``EXPORT DATABASE`` in Parquet, or ``database.dump``, a PostgreSQL
``pg_dump`` custom-format archive — and ``uploads/``, a copy of the upload archive (every file
as uploaded, under its SHA-256). It holds OFFICIAL-SENSITIVE figures: the folder and its
files are readable by their owner only.

Nothing is ever overwritten. A backup goes into a new (or empty) folder; a restore goes into a
DuckDB file that does not exist yet, or a PostgreSQL database with no tables, and an upload
archive folder that does not exist yet (or is empty). Both are built beside their target and
moved into place only when complete and checked against the manifest, so an interrupted run
leaves no half-made store or backup under the name asked for.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from store.archive import make_private, sha256_of_file
from store.connection import DatabaseBusy, keep_private, open_db
from store.settings import MARKING, StoreLocationError, db_location, settings, settings_for

MANIFEST = "manifest.json"
FORMAT = 1
DUCKDB_EXPORT = "database"
POSTGRES_DUMP = "database.dump"
UPLOADS = "uploads"
DUCKDB = "duckdb"
POSTGRESQL = "postgresql"


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Done:
    """What a backup or restore did: the manifest it wrote or checked, and how long it took."""

    folder: Path
    manifest: dict[str, Any]
    seconds: float


def is_postgres(location: str | Path) -> bool:
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def shown(location: str | Path) -> str:
    """A location fit to print or keep in a manifest: a URL without its password."""
    if not is_postgres(location):
        return str(location)
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(str(location))
    user = f"{params['user']}@" if params.get("user") else ""
    port = f":{params['port']}" if params.get("port") else ""
    return f"postgresql://{user}{params.get('host', '')}{port}/{params.get('dbname', '')}"


# -- backing up ------------------------------------------------------------------------------


def backup(location: str | Path, out: Path, *, archive_dir: Path) -> Done:
    """Back the store at ``location`` (and its upload archive) up into the new folder ``out``."""
    started = time.monotonic()
    out = Path(out).resolve()
    _refuse_existing_folder(out, "backup folder", "Choose a new folder for each backup")
    keep_private()
    partial = _sibling(out, "partial")
    partial.mkdir(mode=0o700, parents=True)
    try:
        if is_postgres(location):
            manifest = _dump_postgres(str(location), partial)
        else:
            manifest = _export_duckdb(Path(location), partial)
        manifest["uploads"] = _copy_archive(archive_dir, partial / UPLOADS, manifest)
        manifest["seconds"] = round(time.monotonic() - started, 3)
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        make_private(partial)
        _move_into_place(partial, out)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return Done(out, manifest, time.monotonic() - started)


def _manifest(kind: str, location: str | Path) -> dict[str, Any]:
    return {"format": FORMAT, "store": kind, "marking": MARKING,
            "made_at": datetime.now().astimezone().isoformat(timespec="seconds"),
            "source": shown(location)}


def _export_duckdb(path: Path, folder: Path) -> dict[str, Any]:
    if not path.is_file():
        raise BackupError(f"There is no database at {path}: nothing to back up. Check --db "
                          "(or NVCRP_DB).")
    try:
        con = open_db(path, read_only=True)
    except DatabaseBusy as exc:
        raise BackupError(f"{exc} A backup reads the whole database at one moment, so it "
                          "needs the database to itself.") from exc
    try:
        manifest = _manifest(DUCKDB, path)
        manifest["database"] = DUCKDB_EXPORT
        manifest["duckdb_version"] = duckdb.__version__
        manifest["tables"] = _duckdb_counts(con)
        manifest.update(_versions(con.execute))
        con.execute(f"EXPORT DATABASE {_literal(folder / DUCKDB_EXPORT)} (FORMAT parquet)")
        manifest["archive_paths"] = _archive_paths(con.execute)
    finally:
        con.close()
    return manifest


def _dump_postgres(url: str, folder: Path) -> dict[str, Any]:
    import psycopg

    from store.local_postgres import program

    pg_dump = program("pg_dump")
    conninfo, env = _client(url)
    manifest = _manifest(POSTGRESQL, url)
    manifest["database"] = POSTGRES_DUMP
    try:
        pg = psycopg.connect(conninfo, connect_timeout=10, **_password(url))
    except psycopg.OperationalError as exc:
        raise BackupError(f"The PostgreSQL store {shown(url)} could not be reached: "
                          f"{_first_line(exc)}") from exc
    with pg:
        # One snapshot for the counts and the dump alike (pg_dump --snapshot), so the
        # manifest describes exactly the rows the dump holds, even while others write.
        pg.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = pg.execute("SELECT pg_export_snapshot()").fetchone()[0]  # type: ignore[index]
        manifest["tables"] = _postgres_counts(pg)
        if not manifest["tables"]:
            raise BackupError(f"The PostgreSQL database {shown(url)} holds no tables: nothing "
                              "to back up. Check --db (or NVCRP_DB).")
        manifest.update(_versions(pg.execute))
        manifest["archive_paths"] = _archive_paths(pg.execute)
        manifest["pg_dump_version"] = _tool_version(pg_dump)
        manifest["server_version"] = pg.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
        _run([str(pg_dump), "--format=custom", f"--snapshot={snapshot}", "--no-password",
              f"--file={folder / POSTGRES_DUMP}", f"--dbname={conninfo}"], env, "pg_dump")
        pg.execute("COMMIT")
    return manifest


def _duckdb_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    names = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND NOT temporary ORDER BY table_name").fetchall()]
    quoted = {name: '"' + name.replace('"', '""') + '"' for name in names}
    return {name: int(con.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (quoted)
                      .fetchall()[0][0]) for name, table in quoted.items()}


def _postgres_counts(pg: Any) -> dict[str, int]:
    from psycopg import sql

    rows = pg.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', "
        "'information_schema') ORDER BY table_schema, table_name").fetchall()
    counts = {}
    for schema, name in rows:
        query = sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema),
                                                             sql.Identifier(name))
        key = name if schema == "public" else f"{schema}.{name}"
        counts[key] = int(pg.execute(query).fetchone()[0])
    return counts


def _versions(execute: Any) -> dict[str, int]:
    """The last migration applied and the data version (the latest upload id)."""
    found = {}
    for key, query in (("schema_version", "SELECT coalesce(max(version), 0) FROM schema_migration"),
                       ("data_version", "SELECT coalesce(max(id), 0) FROM upload")):
        try:
            found[key] = int(execute(query).fetchall()[0][0])
        except Exception:   # a store from before that table: leave the field out
            continue
    return found


def _archive_paths(execute: Any) -> list[str]:
    try:
        rows = execute("SELECT DISTINCT archive_path FROM upload WHERE archive_path IS NOT NULL "
                       "ORDER BY 1").fetchall()
    except Exception:
        return []
    return [r[0] for r in rows]


def _copy_archive(archive_dir: Path, target: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """Copy the upload archive; say which files the uploads name that were not in it."""
    wanted = manifest.pop("archive_paths", [])
    archive_dir = Path(archive_dir)
    if archive_dir.is_dir():
        shutil.copytree(archive_dir, target, symlinks=True,
                        ignore=shutil.ignore_patterns("*.partial"))
    else:
        target.mkdir(mode=0o700)
    files = [p for p in target.rglob("*") if p.is_file()]
    missing = [p for p in wanted if not (target / p).is_file()]
    return {"folder": str(archive_dir), "files": len(files),
            "bytes": sum(p.stat().st_size for p in files), "missing": missing}


# -- restoring -------------------------------------------------------------------------------


def read_manifest(source: Path) -> dict[str, Any]:
    path = Path(source) / MANIFEST
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{source} is not a backup: it has no {MANIFEST}. Give the folder "
                          "'python -m store backup --out' made.") from None
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path} cannot be read: {exc}") from exc
    if manifest.get("format") != FORMAT or manifest.get("store") not in (DUCKDB, POSTGRESQL):
        raise BackupError(f"{path} is not a backup manifest this version understands "
                          f"(format {manifest.get('format')!r}, store {manifest.get('store')!r}).")
    return manifest


def restore(location: str | Path, source: Path, *, archive_dir: Path) -> Done:
    """Restore the backup in ``source`` into a new store at ``location`` and a new upload
    archive at ``archive_dir``; refuse any target that already holds something."""
    started = time.monotonic()
    source = Path(source).resolve()
    manifest = read_manifest(source)
    kind = POSTGRESQL if is_postgres(location) else DUCKDB
    if manifest["store"] != kind:
        other = ("a PostgreSQL database (--db postgresql://USER@HOST:PORT/DATABASE)"
                 if manifest["store"] == POSTGRESQL else "a new DuckDB database file")
        raise BackupError(f"{source} is a backup of a {manifest['store']} store: restore it "
                          f"into {other}.")
    if kind == DUCKDB:
        _refuse_existing_file(Path(location))
    else:
        _refuse_non_empty_postgres(str(location))
    archive_dir = Path(archive_dir).resolve()
    _refuse_existing_folder(archive_dir, "upload archive folder",
                            "Restore into a new store whose upload archive does not exist yet, "
                            "or name another with --archive")
    keep_private()
    staged = _sibling(archive_dir, "restoring")
    try:
        _stage_archive(source / UPLOADS, staged)
        if kind == DUCKDB:
            _restore_duckdb(Path(location).resolve(), source, manifest, staged, archive_dir)
        else:
            _restore_postgres(str(location), source, manifest)
            _move_into_place(staged, archive_dir)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    make_private(archive_dir)
    return Done(source, manifest, time.monotonic() - started)


def _stage_archive(uploads: Path, staged: Path) -> None:
    """Copy the backup's upload files beside their target, checking each against its name."""
    if uploads.is_dir():
        shutil.copytree(uploads, staged, symlinks=False)
    else:
        staged.mkdir(mode=0o700, parents=True)
    for path in staged.rglob("*"):
        if path.is_file() and len(path.name) == 64 and sha256_of_file(path) != path.name:
            raise BackupError(f"The backup's upload file {path.relative_to(staged)} does not "
                              "match its SHA-256: the backup is damaged.")


def _restore_duckdb(target: Path, source: Path, manifest: dict[str, Any], staged: Path,
                    archive_dir: Path) -> None:
    """IMPORT DATABASE into a file beside the target, check it, then put the upload archive
    and the file in place; the file is linked, never renamed, so an existing one is kept."""
    target.parent.mkdir(parents=True, exist_ok=True)
    building = _sibling(target, "restoring")
    try:
        con = duckdb.connect(str(building))
        try:
            con.execute(f"IMPORT DATABASE {_literal(source / manifest['database'])}")
            _check_counts(manifest, _duckdb_counts(con), str(target))
            con.execute("CHECKPOINT")
        finally:
            con.close()
        _move_into_place(staged, archive_dir)
        try:
            os.link(building, target)   # fails, rather than replaces, if the target appeared
        except FileExistsError:
            shutil.rmtree(archive_dir, ignore_errors=True)
            raise BackupError(f"{target} appeared while restoring: it was left alone.") from None
        except OSError:   # a file system without hard links: rename, having checked again
            _refuse_existing_file(target)
            os.rename(building, target)
    finally:
        for leftover in (building, building.with_name(building.name + ".wal")):
            leftover.unlink(missing_ok=True)
    make_private(target)


def _restore_postgres(url: str, source: Path, manifest: dict[str, Any]) -> None:
    import psycopg

    from store.local_postgres import program

    dump = source / manifest["database"]
    if not dump.is_file():
        raise BackupError(f"The backup has no {manifest['database']}: it is incomplete.")
    conninfo, env = _client(url)
    # One transaction: a failure leaves the database as empty as it was.
    _run([str(program("pg_restore")), "--no-owner", "--no-acl", "--exit-on-error",
          "--single-transaction", "--no-password", f"--dbname={conninfo}", str(dump)],
         env, "pg_restore")
    with psycopg.connect(conninfo, connect_timeout=10, **_password(url)) as pg:
        _check_counts(manifest, _postgres_counts(pg), shown(url))


def _check_counts(manifest: dict[str, Any], found: dict[str, int], where: str) -> None:
    expected = manifest.get("tables", {})
    wrong = {name: (rows, found.get(name)) for name, rows in expected.items()
             if found.get(name) != rows}
    if wrong:
        listed = "; ".join(f"{name}: {want} rows backed up, {got} restored"
                           for name, (want, got) in sorted(wrong.items())[:10])
        raise BackupError(f"The restore into {where} does not match the backup ({listed}); "
                          "nothing was kept.")


# -- refusing to overwrite -------------------------------------------------------------------


def _refuse_existing_folder(folder: Path, what: str, advice: str) -> None:
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise BackupError(f"The {what} {folder} already exists and is not a folder: nothing "
                          f"is ever overwritten. {advice}.")
    if folder.is_dir() and any(folder.iterdir()):
        raise BackupError(f"The {what} {folder} already exists and is not empty: nothing is "
                          f"ever overwritten. {advice}.")


def _refuse_existing_file(path: Path) -> None:
    for existing in (path, path.with_name(path.name + ".wal")):
        if existing.exists() or existing.is_symlink():
            raise BackupError(f"{existing} already exists: a restore never overwrites a "
                              "database. Name a new database file with --db (the restored "
                              "store can then be moved into place by hand, the old one "
                              "stopped and kept).")


def _refuse_non_empty_postgres(url: str) -> None:
    import psycopg

    try:
        pg = psycopg.connect(_client(url)[0], connect_timeout=10, autocommit=True,
                             **_password(url))
    except psycopg.OperationalError as exc:
        raise BackupError(
            f"The PostgreSQL database {shown(url)} could not be reached: {_first_line(exc)}. "
            "Create an empty database to restore into first (createdb, or CREATE DATABASE).") \
            from exc
    with pg:
        held = pg.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND n.nspname NOT IN "
            "('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' "
            "AND n.nspname NOT LIKE 'pg_temp%'").fetchone()[0]  # type: ignore[index]
    if held:
        raise BackupError(f"The PostgreSQL database {shown(url)} is not empty ({held} tables, "
                          "views or sequences): a restore never overwrites a store. Create a "
                          "new, empty database and restore into that.")


# -- helpers ---------------------------------------------------------------------------------


def _sibling(path: Path, what: str) -> Path:
    return path.with_name(f".{path.name}.{what}-{os.getpid()}")


def _move_into_place(built: Path, target: Path) -> None:
    """Rename a finished folder onto its target, which may only be missing or empty."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(built, target)   # replaces an empty folder, never a non-empty one
    except OSError as exc:
        raise BackupError(f"{target} could not be put in place ({exc.strerror}): it was "
                          "left as it was.") from exc


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _client(url: str) -> tuple[str, dict[str, str]]:
    """A connection string without the password, and the environment for pg_dump and
    pg_restore, which get any password through PGPASSWORD, never on their command line."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = {k: v for k, v in conninfo_to_dict(url).items() if v is not None}
    password = params.pop("password", None)
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = str(password)
    return make_conninfo("", **params), env


def _password(url: str) -> dict[str, Any]:
    from psycopg.conninfo import conninfo_to_dict

    password = conninfo_to_dict(url).get("password")
    return {"password": password} if password else {}


def _run(argv: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip()
        raise BackupError(f"{what} failed (exit {done.returncode}): {message[-2000:]}")


def _tool_version(path: Path) -> str:
    return subprocess.run([str(path), "--version"], capture_output=True, text=True,
                          check=False).stdout.strip()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# -- the command line (python -m store backup | restore) -------------------------------------


def add_commands(areas: Any, db: argparse.ArgumentParser) -> None:
    """The ``backup`` and ``restore`` command words of ``python -m store``."""
    archive_help = ("upload archive folder (default: the one the store uses: beside a DuckDB "
                    "file, NVCRP_ARCHIVE or data/shared_uploads for PostgreSQL)")
    back = areas.add_parser(
        "backup", parents=[db], help="back the store and its upload archive up into a new folder",
        description="Back up the store (--db, or NVCRP_DB) and its upload archive into a new "
                    "folder; an existing, non-empty folder is refused.")
    back.add_argument("--out", required=True, type=Path, metavar="FOLDER",
                      help="new folder for the backup")
    back.add_argument("--archive", type=Path, metavar="FOLDER", help=archive_help)
    back.add_argument("--json", action="store_true", help="print the manifest as JSON")
    put = areas.add_parser(
        "restore", parents=[db], help="restore a backup into a new store",
        description="Restore a backup into a new store: --db names a DuckDB file that does not "
                    "exist yet, or an empty PostgreSQL database. Nothing is overwritten.")
    put.add_argument("--from", dest="source", required=True, type=Path, metavar="FOLDER",
                     help="a folder 'python -m store backup' made")
    put.add_argument("--archive", type=Path, metavar="FOLDER",
                     help="upload archive folder for the new store, which must not exist yet "
                          "(default: beside a DuckDB file; NVCRP_ARCHIVE or "
                          "data/shared_uploads for PostgreSQL)")
    put.add_argument("--json", action="store_true", help="print the manifest as JSON")


def _archive_of(location: str | Path, given: Path | None) -> Path:
    """The upload archive of the store at ``location``: the folder given, else the one this
    process is configured with (NVCRP_ARCHIVE) if any, else the store's default."""
    if given is not None:
        return given
    try:
        current = settings()
        if current.archive_dir != settings_for(current.db_path).archive_dir:
            return current.archive_dir
    except StoreLocationError:
        pass
    return settings_for(location).archive_dir


def run_command(args: argparse.Namespace) -> int:
    """Carry out ``backup`` or ``restore``: exit 0 done, 1 refused or failed, 2 usage."""
    try:
        if args.area == "restore" and not args.db:
            raise StoreLocationError("Name the new store to restore into with --db: a DuckDB "
                                     "file that does not exist yet, or an empty PostgreSQL "
                                     "database.")
        location = db_location(args.db) if args.db else settings().db_path
    except StoreLocationError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    archive = _archive_of(location, args.archive)
    try:
        if args.area == "backup":
            done = backup(location, args.out, archive_dir=archive)
        else:
            done = restore(location, args.source, archive_dir=archive)
    except BackupError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(done.manifest, indent=2))
        return 0
    m = done.manifest
    rows = sum(m.get("tables", {}).values())
    files = m.get("uploads", {}).get("files", 0)
    if args.area == "backup":
        print(f"Backed up {shown(location)} to {done.folder} in {done.seconds:.1f} s: "
              f"{len(m.get('tables', {}))} tables, {rows:,} rows, {files} upload files "
              f"(data version {m.get('data_version', '?')}). {MARKING}: keep it as safe as "
              "the store.")
        for path in m.get("uploads", {}).get("missing", []):
            print(f"Warning: the upload file {path} was not in {archive}.", file=sys.stderr)
    else:
        print(f"Restored the backup made {m.get('made_at')} of {m.get('source')} into "
              f"{shown(location)} in {done.seconds:.1f} s: {rows:,} rows and {files} upload "
              f"files, in {archive} (data version {m.get('data_version', '?')}).")
    return 0
