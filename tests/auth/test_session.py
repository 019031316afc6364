"""Session limits with an injected clock, start-up checks and the one-time admin password."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from auth_kit import PASSWORD

from store import accounts
from store.settings import settings
from ui import auth

HOUR = 3600
SSO = {"redirect_uri": "http://localhost:8502/oauth2callback", "cookie_secret": "x" * 32,
       "client_id": "abc", "client_secret": "def",
       "server_metadata_url": "https://id.example/.well-known/openid-configuration"}


def test_defaults_are_eight_hours_and_thirty_minutes() -> None:
    """The settings give an 8-hour session and a 30-minute idle limit."""
    limits = settings()
    assert (limits.session_max_age_s, limits.idle_timeout_s) == (8 * HOUR, 30 * 60)


@pytest.mark.parametrize(("age", "idle", "expected"), [
    (0, 0, None), (8 * HOUR - 1, 60, None), (8 * HOUR + 1, 60, "max-age"),
    (HOUR, 30 * 60 - 1, None), (HOUR, 30 * 60 + 1, "idle"), (9 * HOUR, 31 * 60, "max-age")])
def test_session_problem(age: int, idle: int, expected: str | None) -> None:
    """A session ends at 8 hours old or 30 minutes idle, whichever comes first."""
    now = 1_000_000.0
    session = {"started_at": now - age, "last_seen": now - idle}
    assert auth.session_problem(session, now, 8 * HOUR, 30 * 60) == expected


def test_session_for_uses_the_injected_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new session starts and is last seen at the clock's time."""
    monkeypatch.setattr(auth, "clock", lambda: 123.0)
    assert auth.session_for("boss") == {"name": "boss", "method": "local", "started_at": 123.0,
                                        "last_seen": 123.0}


def test_user_can_follows_the_policy() -> None:
    """A User's can() answers from the role policy."""
    assert auth.User("b", "briefing").can("export")
    assert not auth.User("v", "viewer").can("export")


def test_oidc_needs_a_complete_auth_section() -> None:
    """Single sign-on counts as configured only with redirect URI, cookie secret and a client."""
    assert auth.oidc_configured(SSO)
    assert not auth.oidc_configured({k: v for k, v in SSO.items() if k != "cookie_secret"})
    assert auth.oidc_configured({"redirect_uri": "u", "cookie_secret": "c",
                                 "microsoft": {"client_id": "x"}})
    assert not auth.oidc_configured({})


def test_no_admin_is_a_start_up_problem(con: duckdb.DuckDBPyConnection) -> None:
    """With no administrator able to sign in, start-up names the command that adds one."""
    assert "python -m store users add" in auth.startup_problems(con, {})[0]
    accounts.create_user(con, "boss", role="admin", by="t", password=PASSWORD)
    assert auth.startup_problems(con, {}) == []


def test_sso_accounts_without_auth_section_is_a_problem(con: duckdb.DuckDBPyConnection) -> None:
    """Single sign-on accounts need a configured [auth] section; an SSO-only admin does not count."""
    accounts.create_user(con, "boss", role="admin", by="t", auth="oidc", email="b@x.uk")
    problems = auth.startup_problems(con, {})
    assert len(problems) == 2 and "[auth]" in problems[1]


def test_production_refuses_to_start_without_sign_in(con: duckdb.DuckDBPyConnection,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """NVCRP_MODE=production raises when nobody could sign in; development only warns."""
    monkeypatch.setenv("NVCRP_MODE", "production")
    with pytest.raises(auth.SignInNotConfigured, match="production"):
        auth.enforce_startup(con, {})
    monkeypatch.setenv("NVCRP_MODE", "development")
    auth.enforce_startup(con, {})


def test_one_time_password_goes_to_the_terminal_only(con: duckdb.DuckDBPyConnection,
                                                     capsys: pytest.CaptureFixture[str],
                                                     tmp_path: Path) -> None:
    """announce_bootstrap prints the password that works to stderr, and nothing the second
    time once the admin has signed in."""
    assert auth.announce_bootstrap(con)
    printed = capsys.readouterr()
    password = printed.err.split("One-time password: ")[1].split()[0]
    assert printed.out == ""
    assert accounts.password_matches(accounts.stored_hash(con, "admin"), password)
    con.execute("UPDATE user_account SET last_sign_in = now()")
    assert not auth.announce_bootstrap(con)
    assert capsys.readouterr().err == ""
