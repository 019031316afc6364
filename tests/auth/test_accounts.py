"""Accounts in the store: argon2 hashes, rules on names and passwords, the first admin."""

from __future__ import annotations

import duckdb
import pytest
from auth_kit import PASSWORD, actions

from store import accounts
from store.accounts import AccountError

pytestmark = pytest.mark.slow   # each password hash takes about half a second (argon2id)


def test_password_is_stored_as_a_salted_argon2id_hash(con: duckdb.DuckDBPyConnection) -> None:
    """The stored hash is argon2id, differs between two accounts with the same password, and
    never contains the password."""
    accounts.create_user(con, "a.one", role="viewer", by="test", password=PASSWORD)
    accounts.create_user(con, "b.two", role="viewer", by="test", password=PASSWORD)
    first, second = accounts.stored_hash(con, "a.one"), accounts.stored_hash(con, "b.two")
    assert first.startswith("$argon2id$") and second.startswith("$argon2id$")
    assert first != second
    assert PASSWORD not in first


def test_password_matches_only_the_right_password(con: duckdb.DuckDBPyConnection) -> None:
    """The hash accepts the password it was made from and refuses another."""
    stored = accounts.hash_password(PASSWORD)
    assert accounts.password_matches(stored, PASSWORD)
    assert not accounts.password_matches(stored, PASSWORD + "!")
    assert not accounts.password_matches(None, PASSWORD)


def test_short_password_is_refused(con: duckdb.DuckDBPyConnection) -> None:
    """A password under twelve characters is refused with the count and the minimum."""
    with pytest.raises(AccountError, match="at least 12"):
        accounts.create_user(con, "a.one", role="viewer", by="test", password="short")
    assert accounts.list_users(con) == []


def test_password_containing_the_name_is_refused(con: duckdb.DuckDBPyConnection) -> None:
    """A password that contains the account name is refused."""
    with pytest.raises(AccountError, match="account name"):
        accounts.create_user(con, "jsmith", role="viewer", by="test", password="jsmith-2026-ok")


def test_name_is_normalised_and_checked(con: duckdb.DuckDBPyConnection) -> None:
    """Names are trimmed and lower-cased; names with spaces or markup are refused."""
    assert accounts.normalise_name("  J.Smith ") == "j.smith"
    for bad in ("a b", "<b>x</b>", "", "x"):
        with pytest.raises(AccountError):
            accounts.normalise_name(bad)


def test_unknown_role_and_force_are_refused(con: duckdb.DuckDBPyConnection) -> None:
    """A role or force code that does not exist is refused, naming it."""
    with pytest.raises(AccountError, match="'boss' is not a role"):
        accounts.create_user(con, "a.one", role="boss", by="test", password=PASSWORD)
    with pytest.raises(AccountError, match="narnia"):
        accounts.create_user(con, "a.one", role="analyst", by="test", password=PASSWORD,
                             forces=("narnia",))


def test_duplicate_name_is_refused(con: duckdb.DuckDBPyConnection) -> None:
    """A second account with the same name (any case) is refused."""
    accounts.create_user(con, "a.one", role="viewer", by="test", password=PASSWORD)
    with pytest.raises(AccountError, match="already exists"):
        accounts.create_user(con, "A.One", role="admin", by="test", password=PASSWORD)


def test_analyst_scope_is_stored(con: duckdb.DuckDBPyConnection) -> None:
    """An analyst's forces and NaVCIS flag are kept, forces sorted and lower-cased."""
    made = accounts.create_user(con, "an", role="analyst", by="test", password=PASSWORD,
                                forces=("South-Yorkshire", "kent"), navcis=True)
    assert made.forces == ("kent", "south-yorkshire") and made.navcis


def test_oidc_account_needs_an_email_and_has_no_password(con: duckdb.DuckDBPyConnection) -> None:
    """A single sign-on account is matched by email and stores no password hash."""
    with pytest.raises(AccountError, match="email"):
        accounts.create_user(con, "sso", role="viewer", by="test", auth="oidc")
    accounts.create_user(con, "sso", role="viewer", by="test", auth="oidc",
                         email="Sso.User@Example.police.uk")
    assert accounts.stored_hash(con, "sso") is None
    assert accounts.user_by_email(con, "sso.user@example.POLICE.uk").name == "sso"


def test_account_changes_are_audited(con: duckdb.DuckDBPyConnection) -> None:
    """Adding, disabling, enabling, re-roling and setting a password each write an audit row."""
    accounts.create_user(con, "a.one", role="viewer", by="boss", password=PASSWORD)
    accounts.set_disabled(con, "a.one", True, by="boss")
    accounts.set_disabled(con, "a.one", False, by="boss")
    accounts.set_role(con, "a.one", role="analyst", forces=("kent",), navcis=False, by="boss")
    accounts.set_password(con, "a.one", PASSWORD + " two", by="boss", must_change=True)
    assert actions(con) == ["account_add", "account_disable", "account_enable", "account_role",
                            "password_set"]
    assert accounts.get_user(con, "a.one").role == "analyst"


def test_change_own_password_needs_the_current_one(con: duckdb.DuckDBPyConnection) -> None:
    """Changing your own password checks the current one and clears 'must change'."""
    accounts.create_user(con, "a.one", role="viewer", by="test", password=PASSWORD)
    with pytest.raises(AccountError, match="current password"):
        accounts.change_own_password(con, "a.one", "wrong password!", "another good one")
    changed = accounts.change_own_password(con, "a.one", PASSWORD, "another good one")
    assert not changed.must_change_password
    assert accounts.password_matches(accounts.stored_hash(con, "a.one"), "another good one")


def test_bootstrap_creates_one_admin_who_must_change_password(
        con: duckdb.DuckDBPyConnection) -> None:
    """With no accounts, bootstrap makes 'admin' with a one-time password that works."""
    password = accounts.bootstrap_admin(con)
    assert password and len(password) >= 16
    admin = accounts.get_user(con, "admin")
    assert admin.role == "admin" and admin.must_change_password and admin.created_by == "bootstrap"
    assert accounts.password_matches(accounts.stored_hash(con, "admin"), password)


def test_bootstrap_does_nothing_once_accounts_are_in_use(con: duckdb.DuckDBPyConnection) -> None:
    """When another account exists, bootstrap returns None and changes nothing."""
    accounts.create_user(con, "a.one", role="admin", by="test", password=PASSWORD)
    assert accounts.bootstrap_admin(con) is None
    assert [u.name for u in accounts.list_users(con)] == ["a.one"]


def test_bootstrap_renews_an_unused_one_time_password(con: duckdb.DuckDBPyConnection) -> None:
    """If the first admin never signed in, a restart replaces the lost one-time password."""
    first = accounts.bootstrap_admin(con)
    second = accounts.bootstrap_admin(con)
    assert second and second != first
    stored = accounts.stored_hash(con, "admin")
    assert accounts.password_matches(stored, second) and not accounts.password_matches(stored, first)
