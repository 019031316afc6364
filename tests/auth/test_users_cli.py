"""``python -m store users …`` run as a real process, passwords on standard input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from auth_kit import PASSWORD

from store import accounts
from store.connection import open_db

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow   # each run starts Python and hashes a password


def _cli(db: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NVCRP_DB": str(db)}
    return subprocess.run([sys.executable, "-m", "store", "users", *args], input=stdin,
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)


def test_add_with_password_on_stdin_then_list(tmp_path: Path) -> None:
    """An analyst added with forces and NaVCIS appears in the list; the password works."""
    db = tmp_path / "cli.duckdb"
    added = _cli(db, "add", "an.alyst", "--role", "analyst", "--force", "kent", "essex",
                 "--navcis", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert PASSWORD not in added.stdout + added.stderr
    listed = _cli(db, "list")
    line = next(x for x in listed.stdout.splitlines() if x.startswith("an.alyst"))
    assert line.split("\t")[1:7] == ["analyst", "local", "essex,kent", "yes", "no", "yes"]
    con = open_db(db)
    assert accounts.password_matches(accounts.stored_hash(con, "an.alyst"), PASSWORD)
    con.close()


def test_bad_input_fails_with_a_message_and_no_account(tmp_path: Path) -> None:
    """A short password and an unknown force each exit 1 with a plain message."""
    db = tmp_path / "cli.duckdb"
    short = _cli(db, "add", "x.one", "--role", "viewer", "--password-stdin", stdin="short\n")
    force = _cli(db, "add", "x.two", "--role", "analyst", "--force", "narnia",
                 "--password-stdin", stdin=PASSWORD + "\n")
    assert short.returncode == 1 and "at least 12" in short.stderr
    assert force.returncode == 1 and "narnia" in force.stderr
    assert "Traceback" not in short.stderr + force.stderr
    assert _cli(db, "list").stdout.count("\n") == 1   # the header line only


def test_disable_and_set_password(tmp_path: Path) -> None:
    """disable marks the account; set-password replaces it and forces a change at sign-in;
    enable lets it sign in again."""
    db = tmp_path / "cli.duckdb"
    _cli(db, "add", "v.one", "--role", "viewer", "--password-stdin", stdin=PASSWORD + "\n")
    assert _cli(db, "disable", "v.one").returncode == 0
    reset = _cli(db, "set-password", "v.one", "--password-stdin", stdin="a brand new secret\n")
    assert reset.returncode == 0, reset.stderr
    con = open_db(db)
    account = accounts.get_user(con, "v.one")
    assert account.disabled and account.must_change_password
    assert accounts.password_matches(accounts.stored_hash(con, "v.one"), "a brand new secret")
    con.close()
    assert _cli(db, "enable", "v.one").returncode == 0
    con = open_db(db)
    assert not accounts.get_user(con, "v.one").disabled
    con.close()


def test_busy_database_is_reported_plainly(tmp_path: Path) -> None:
    """While another process holds the database, the command says so and exits 2."""
    db = tmp_path / "cli.duckdb"
    holder = open_db(db)
    try:
        result = _cli(db, "list")
    finally:
        holder.close()
    assert result.returncode == 2 and "in use by another program" in result.stderr


def test_bootstrap_command_prints_a_working_one_time_password(tmp_path: Path) -> None:
    """`users bootstrap` (run by `make run`) prints the admin's password to stderr, renewed
    while unused, and says no password is needed once accounts are in use."""
    from store import accounts
    from store.connection import open_db

    db = tmp_path / "boot.duckdb"
    command = [sys.executable, "-m", "store", "--db", str(db), "users", "bootstrap"]
    first = subprocess.run(command, capture_output=True, text=True, check=True)
    second = subprocess.run(command, capture_output=True, text=True, check=True)
    passwords = [r.stderr.split("One-time password: ")[1].split()[0] for r in (first, second)]
    assert passwords[0] != passwords[1] and first.stdout == ""
    con = open_db(db)
    try:
        assert accounts.password_matches(accounts.stored_hash(con, "admin"), passwords[1])
        con.execute("UPDATE user_account SET last_sign_in = now()")
    finally:
        con.close()
    third = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "One-time password" not in third.stderr and "no one-time password" in third.stdout


def test_unlock_lets_a_refused_browser_sign_in_at_once(tmp_path: Path) -> None:
    """`users unlock NAME` clears the waits after wrong passwords (audited as the command
    line); the browser that was refused signs in straight after."""
    from datetime import datetime, timedelta

    from store.sign_in import sign_in

    db = tmp_path / "cli.duckdb"
    _cli(db, "add", "boss", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    con = open_db(db)
    start = datetime.now() - timedelta(minutes=1)
    for i in range(5):
        sign_in(con, "boss", "not the password", session_id="tab",
                now=start + timedelta(seconds=10 * i), wait=lambda _: None)
    assert sign_in(con, "boss", PASSWORD, session_id="tab").outcome == "throttled"
    con.close()
    unlocked = _cli(db, "unlock", "Boss")
    assert unlocked.returncode == 0, unlocked.stderr
    assert "Cleared the waits after wrong passwords for 'boss'" in unlocked.stdout
    con = open_db(db)
    try:
        assert sign_in(con, "boss", PASSWORD, session_id="tab").ok
        who = con.execute("SELECT who FROM audit WHERE action = 'sign_in_unlock'").fetchall()
        assert who == [("command line",)]
    finally:
        con.close()


def test_common_password_is_refused_on_the_command_line(tmp_path: Path) -> None:
    """'password1234' and twelve spaces are refused with exit 1 and a plain message."""
    db = tmp_path / "cli.duckdb"
    common = _cli(db, "add", "x.one", "--role", "viewer", "--password-stdin",
                  stdin="password1234\n")
    blank = _cli(db, "add", "x.one", "--role", "viewer", "--password-stdin", stdin=" " * 12 + "\n")
    assert common.returncode == 1 and "common passwords" in common.stderr
    assert blank.returncode == 1 and "only spaces" in blank.stderr
    assert "Traceback" not in common.stderr + blank.stderr


def test_db_may_follow_the_command_words(tmp_path: Path) -> None:
    """'users add NAME … --db PATH' and 'users --db PATH list' use that database, as
    '--db PATH users …' does."""
    db = tmp_path / "after.duckdb"
    run = [sys.executable, "-m", "store", "users", "add", "late.db", "--role", "viewer",
           "--password-stdin", "--db", str(db)]
    added = subprocess.run(run, input=PASSWORD + "\n", capture_output=True, text=True,
                           cwd=ROOT, timeout=120)
    assert added.returncode == 0, added.stderr
    listed = subprocess.run([sys.executable, "-m", "store", "users", "--db", str(db), "list"],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert "late.db\tviewer" in listed.stdout


def test_a_postgresql_url_is_refused_plainly(tmp_path: Path) -> None:
    """--db with a URL of another kind exits 2 saying what is accepted; a PostgreSQL URL whose
    server cannot be reached exits 2 saying so. No folder named after the URL is made."""
    for location, said in (("mysql://nvcrp@db.example:3306/nvcrp",
                            "neither a DuckDB database file path nor a PostgreSQL URL"),
                           ("postgresql://nvcrp@db.example.invalid:5432/nvcrp",
                            "could not be reached")):
        run = subprocess.run([sys.executable, "-m", "store", "users", "list", "--db", location],
                             capture_output=True, text=True, cwd=tmp_path,
                             env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
        assert run.returncode == 2 and "Traceback" not in run.stderr
        assert said in run.stderr
        assert list(tmp_path.iterdir()) == []
