"""A private PostgreSQL server on this machine, for tests, benchmarks and a one-machine trial.

    with LocalPostgres() as server:                 # initdb + pg_ctl start, a few seconds
        url = server.create_database("trial")       # postgresql://postgres@127.0.0.1:PORT/trial
        ...
    # stopped (pg_ctl stop -m fast), its folder removed if it made one

The server programs are Debian's (``postgresql`` package, /usr/lib/postgresql/<version>/bin;
the highest version installed is used). PostgreSQL refuses to run as root: run as root, the
server's folder is given to the ``postgres`` account and initdb and pg_ctl run as that account
(``su postgres``); run as anyone else, they run as that user. The server listens on 127.0.0.1
only, on a free port, with its socket in its own folder, and trusts every local connection:
it is for one machine and its own user, never for a shared host.

From the command line, for a trial that outlives the command:

    python -m store.local_postgres start DIR [--port PORT]   # prints the URL of database 'nvcrp'
    python -m store.local_postgres stop DIR
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

POSTGRES_ROOT = Path("/usr/lib/postgresql")
SERVER_USER = "postgres"
_DB_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_STATE_FILE = "local_postgres.port"


class PostgresNotInstalled(RuntimeError):
    """Debian's PostgreSQL server programs are not on this machine."""


class PostgresStartError(RuntimeError):
    """initdb or pg_ctl failed; the message carries the end of the server's log."""


def bin_dir() -> Path:
    """The ``bin`` folder of the highest PostgreSQL version installed by Debian's packages."""
    found = []
    for folder in POSTGRES_ROOT.glob("*/bin"):
        version = folder.parent.name
        if re.fullmatch(r"\d+(\.\d+)*", version) and (folder / "initdb").is_file() \
                and (folder / "pg_ctl").is_file():
            found.append((tuple(int(part) for part in version.split(".")), folder))
    if not found:
        raise PostgresNotInstalled(
            f"PostgreSQL's server programs (initdb, pg_ctl) were not found in "
            f"{POSTGRES_ROOT}/<version>/bin: install Debian's postgresql package "
            "(as root: apt-get install postgresql; 'make system' does this).")
    return max(found)[1]


def program(name: str) -> Path:
    """A PostgreSQL program (``pg_dump``, ``pg_restore``, ``psql`` …) from :func:`bin_dir`."""
    path = bin_dir() / name
    if not path.is_file():
        raise PostgresNotInstalled(f"{path} is missing: install Debian's postgresql package.")
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on at this moment."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _running_as_root() -> bool:
    return os.geteuid() == 0


def _server_account() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise PostgresNotInstalled(
            f"There is no '{SERVER_USER}' account, which PostgreSQL runs as when started by "
            "root: install Debian's postgresql package (it creates the account).") from None


def _reachable_by(account: pwd.struct_passwd, folder: Path) -> bool:
    """Whether ``account`` may pass through every folder above ``folder`` (search permission)."""
    for parent in folder.resolve().parents:
        info = parent.stat()
        if info.st_uid == account.pw_uid:
            bit = stat.S_IXUSR
        elif info.st_gid == account.pw_gid:
            bit = stat.S_IXGRP
        else:
            bit = stat.S_IXOTH
        if not info.st_mode & bit:
            return False
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A process that has exited but not been reaped is not running.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class LocalPostgres:
    """One private PostgreSQL server: ``start()`` (or ``with``) it, ``stop()`` it.

    ``folder`` holds the cluster (``data/``), the socket and ``server.log``; without one (or,
    run as root, when the ``postgres`` account cannot reach it, unless ``strict_folder``) a
    temporary folder is made and removed again by ``stop()``. ``durable=False`` turns off
    fsync and synchronous commit: quicker for tests, never for data that matters.
    """

    def __init__(self, folder: str | Path | None = None, *, port: int | None = None,
                 durable: bool = True, strict_folder: bool = False) -> None:
        self._requested_folder = Path(folder).resolve() if folder is not None else None
        self.strict_folder = strict_folder
        self._requested_port = port
        self.durable = durable
        self.folder: Path | None = None
        self.port: int | None = None
        self.pid: int | None = None
        self._made_folder = False
        self._bin = bin_dir()
        self._as_user = _server_account() if _running_as_root() else None

    # -- life cycle -------------------------------------------------------------------------

    def __enter__(self) -> LocalPostgres:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    @property
    def data_dir(self) -> Path:
        if self.folder is None:
            raise RuntimeError("The server has not been started.")
        return self.folder / "data"

    @property
    def running(self) -> bool:
        return self.pid is not None and _alive(self.pid)

    def start(self) -> LocalPostgres:
        """initdb (once per folder) and start the server; returns when it accepts connections."""
        if self.pid is not None:
            return self
        self.folder = self._prepare_folder()
        try:
            if not (self.data_dir / "PG_VERSION").exists():
                self._run(["initdb", "-D", str(self.data_dir), "-A", "trust", "-U", SERVER_USER,
                           "-E", "UTF8", "--locale=C", "--no-sync"], "initdb")
            ports = [self._requested_port] if self._requested_port else [free_port()
                                                                         for _ in range(3)]
            for attempt, port in enumerate(ports, start=1):
                try:
                    self._start_on(port)
                    break
                except PostgresStartError:
                    # Another program may have taken the free port between probe and start.
                    if attempt == len(ports):
                        raise
        except BaseException:
            self._remove_folder()
            raise
        return self

    def _prepare_folder(self) -> Path:
        folder = self._requested_folder
        if folder is not None and self._as_user is not None \
                and not _reachable_by(self._as_user, folder):
            # pytest's and many private temporary folders are 0700 root: the postgres account
            # could not reach a server folder inside them, so it gets one of its own in /tmp.
            if self.strict_folder:
                raise PostgresStartError(
                    f"The '{SERVER_USER}' account, which runs the server when root starts it, "
                    f"cannot reach {folder}: choose a folder it can pass through, e.g. under "
                    "/tmp or /srv.")
            folder = None
        if folder is None:
            folder = Path(tempfile.mkdtemp(prefix="nvcrp-postgres-"))
            self._made_folder = True
        folder.mkdir(parents=True, exist_ok=True)
        if self._as_user is not None:
            for path in [folder, *folder.rglob("*")]:
                os.chown(path, self._as_user.pw_uid, self._as_user.pw_gid, follow_symlinks=False)
        os.chmod(folder, 0o700)
        return folder

    def _start_on(self, port: int) -> None:
        assert self.folder is not None
        options = f"-p {port} -k {self.folder} -c listen_addresses=127.0.0.1"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(["pg_ctl", "-D", str(self.data_dir), "-l", str(self.folder / "server.log"),
                   "-o", options, "-w", "-t", "60", "start"], "pg_ctl start")
        self.port = port
        self.pid = self._postmaster_pid()
        (self.folder / _STATE_FILE).write_text(str(port), encoding="ascii")
        if self._as_user is not None:
            os.chown(self.folder / _STATE_FILE, self._as_user.pw_uid, self._as_user.pw_gid)

    def _postmaster_pid(self) -> int | None:
        try:
            first = (self.data_dir / "postmaster.pid").read_text(encoding="ascii").split("\n", 1)[0]
            return int(first)
        except (OSError, ValueError):
            return None

    def stop(self) -> None:
        """Stop the server this object started (fast shutdown); kill its postmaster if that
        fails. Safe to call twice. A folder it made itself is removed."""
        if self.folder is None:
            return
        if self.pid is not None:
            # A failed fast stop is not an error here: the postmaster is killed just below.
            with contextlib.suppress(PostgresStartError, OSError, subprocess.SubprocessError):
                self._run(["pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "30",
                           "stop"], "pg_ctl stop")
            self._kill_if_alive(self.pid)
            self.pid = None
        self._remove_folder()

    @staticmethod
    def _kill_if_alive(pid: int) -> None:
        # SIGQUIT is PostgreSQL's immediate shutdown; SIGKILL if even that is ignored.
        for sig, wait in ((signal.SIGQUIT, 10.0), (signal.SIGKILL, 10.0)):
            if not _alive(pid):
                return
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                return
            deadline = time.monotonic() + wait
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)

    def _remove_folder(self) -> None:
        if self._made_folder and self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self._made_folder = False

    # -- databases --------------------------------------------------------------------------

    def url(self, dbname: str = "postgres") -> str:
        """The connection URL of one database on this server."""
        if self.port is None:
            raise RuntimeError("The server has not been started.")
        return f"postgresql://{SERVER_USER}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str) -> str:
        """Create an empty database; returns its URL."""
        from psycopg import sql

        with self._admin() as con:
            con.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(_checked(name))))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database (if it exists), ending any connection still open to it first."""
        from psycopg import sql

        with self._admin() as con:
            con.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid()", [_checked(name)])
            con.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                        .format(sql.Identifier(name)))

    def databases(self) -> list[str]:
        """The names of the databases on this server, templates left out."""
        with self._admin() as con:
            rows = con.execute("SELECT datname FROM pg_database WHERE NOT datistemplate "
                               "ORDER BY datname").fetchall()
        return [row[0] for row in rows]

    def _admin(self):  # type: ignore[no-untyped-def]
        import psycopg

        return psycopg.connect(self.url("postgres"), autocommit=True, connect_timeout=10)

    # -- running the server's programs ------------------------------------------------------

    def _run(self, command: list[str], what: str) -> None:
        assert self.folder is not None
        argv = [str(self._bin / command[0]), *command[1:]]
        if self._as_user is not None:
            argv = ["su", SERVER_USER, "-s", "/bin/sh", "-c", shlex.join(argv)]
        done = subprocess.run(argv, cwd=self.folder, capture_output=True, text=True,
                              timeout=120, check=False)
        if done.returncode != 0:
            raise PostgresStartError(
                f"{what} failed (exit {done.returncode}): {(done.stderr or done.stdout).strip()}"
                f"{self._log_tail()}")

    def _log_tail(self) -> str:
        assert self.folder is not None
        try:
            lines = (self.folder / "server.log").read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\nServer log (last lines):\n" + "\n".join(lines[-15:]) if lines else ""

    # -- a server left running by the command line ------------------------------------------

    @classmethod
    def attach(cls, folder: str | Path) -> LocalPostgres:
        """The server ``python -m store.local_postgres start`` left running in ``folder``."""
        server = cls(folder)
        server.folder = Path(folder).resolve()
        try:
            server.port = int((server.folder / _STATE_FILE).read_text(encoding="ascii"))
        except (OSError, ValueError):
            raise PostgresStartError(f"No server started by this module in {folder}.") from None
        server.pid = server._postmaster_pid()
        return server


def _checked(name: str) -> str:
    if not _DB_NAME.match(name):
        raise ValueError(f"{name!r} is not a plain database name: use lower-case letters, "
                         "digits and underscores, starting with a letter or underscore.")
    return name


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m store.local_postgres",
                                     description="A private PostgreSQL server for a trial.")
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("start", help="start a server in DIR (created if need be)")
    start.add_argument("folder", metavar="DIR")
    start.add_argument("--port", type=int)
    start.add_argument("--database", default="nvcrp", help="database to create (default nvcrp)")
    commands.add_parser("stop", help="stop the server started in DIR").add_argument(
        "folder", metavar="DIR")
    args = parser.parse_args(argv)
    try:
        if args.command == "stop":
            server = LocalPostgres.attach(args.folder)
            was_running = server.running
            server.stop()
            print(f"Stopped the PostgreSQL server in {server.folder}." if was_running
                  else f"No PostgreSQL server was running in {server.folder}.")
            return 0
        with contextlib.suppress(PostgresStartError):
            running = LocalPostgres.attach(args.folder)
            if running.running:
                print(f"PostgreSQL is already running in {running.folder}: "
                      f"{running.url(args.database)}")
                return 0
        port = args.port
        if port is None:   # the port it had last time, so the trial's URL stays the same
            with contextlib.suppress(OSError, ValueError):
                port = int((Path(args.folder) / _STATE_FILE).read_text(encoding="ascii"))
        started = time.monotonic()
        server = LocalPostgres(args.folder, port=port, strict_folder=True).start()
        if args.database not in server.databases():
            server.create_database(args.database)
        print(f"PostgreSQL is running ({time.monotonic() - started:.1f} s to start): "
              f"{server.url(args.database)}")
        print(f"Stop it with: python -m store.local_postgres stop {args.folder}")
        return 0
    except (PostgresNotInstalled, PostgresStartError, ValueError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
