"""Who single sign-on lets in (``ui.auth_forms.sso_refusal``), on accounts made in a real store.

The browser test (tests/e2e/test_single_sign_on.py) proves the whole path through a real
identity provider; these pin each rule on its own.
"""

from __future__ import annotations

import duckdb
import pytest

from store import accounts
from ui.auth_forms import SSO_REFUSALS, sso_refusal


@pytest.fixture
def kim(con: duckdb.DuckDBPyConnection) -> accounts.Account:
    return accounts.create_user(con, "kim.lead", role="analyst", by="test", auth="oidc",
                                email="kim.lead@kent.police.uk")


def test_an_allowed_email_gets_in(con: duckdb.DuckDBPyConnection, kim: accounts.Account) -> None:
    """An email an administrator added, in any case, finds its account and is let in."""
    account = accounts.user_by_email(con, "Kim.Lead@Kent.Police.UK")
    assert account is not None and account.name == "kim.lead"
    assert sso_refusal("Kim.Lead@Kent.Police.UK", None, account) is None


def test_an_email_nobody_added_is_refused(con: duckdb.DuckDBPyConnection,
                                          kim: accounts.Account) -> None:
    """An address with no single sign-on account is 'not on the allow-list'."""
    email = "stranger@elsewhere.example"
    assert sso_refusal(email, True, accounts.user_by_email(con, email)) == "unknown"
    assert SSO_REFUSALS["unknown"][0] == "not on the allow-list"


def test_a_disabled_account_is_refused(con: duckdb.DuckDBPyConnection,
                                       kim: accounts.Account) -> None:
    """Switching the account off closes single sign-on for it too."""
    accounts.set_disabled(con, "kim.lead", True, by="test")
    account = accounts.user_by_email(con, "kim.lead@kent.police.uk")
    assert sso_refusal("kim.lead@kent.police.uk", None, account) == "disabled"


def test_a_local_account_with_the_same_name_is_not_an_allow_list_entry(
        con: duckdb.DuckDBPyConnection) -> None:
    """Only accounts made for single sign-on count: a password account named like an email
    does not let that email in."""
    accounts.create_user(con, "jo@kent.police.uk", role="admin", by="test",
                         password="a long test passphrase", must_change=False)
    assert accounts.user_by_email(con, "jo@kent.police.uk") is None


def test_no_email_from_the_provider_is_refused_saying_which_claim_is_missing() -> None:
    """A provider that sends no email cannot be matched; the message names the 'email' claim."""
    assert sso_refusal("", True, None) == "no-email"
    assert "'email' claim" in SSO_REFUSALS["no-email"][1]


@pytest.mark.parametrize("verified", [False, "false", "False"])
def test_an_email_the_provider_calls_unverified_is_refused(
        con: duckdb.DuckDBPyConnection, kim: accounts.Account, verified: object) -> None:
    """email_verified false (as a boolean or as text) is refused even for an allowed address."""
    assert sso_refusal("kim.lead@kent.police.uk", verified, kim) == "unverified"


@pytest.mark.parametrize("verified", [True, "true", None])
def test_a_provider_that_does_not_say_is_believed(kim: accounts.Account,
                                                  verified: object) -> None:
    """Entra ID sends no email_verified at all: only an explicit 'false' refuses."""
    assert sso_refusal("kim.lead@kent.police.uk", verified, kim) is None
