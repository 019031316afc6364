"""The forms ``ui.auth`` draws: sign in, choose a new password, and single sign-on hand-over."""

from __future__ import annotations

from typing import Any

import duckdb
import streamlit as st

from store import accounts, sign_in
from store.accounts import AccountError
from store.audit import audit
from store.password_rules import MIN_PASSWORD
from ui import auth


def sign_in_form(con: duckdb.DuckDBPyConnection) -> None:
    """Name and password (and a single sign-on button when configured); signs in on submit."""
    st.title("Sign in", anchor=False)
    # Kept until the next sign-in, so it survives moving between pages.
    notice = st.session_state.get(auth.NOTICE_KEY)
    if notice:
        st.info(notice)
    if auth.oidc_configured():
        st.button("Sign in with your organisation's account", key="sign_in_sso",
                  on_click=st.login, args=_provider(), icon=":material/badge:")
        st.caption("Or sign in with a name and password given to you by an administrator.")
    with st.form("sign_in", clear_on_submit=False, enter_to_submit=True):
        name = st.text_input("Name", key="sign_in_name", autocomplete="username")
        password = st.text_input("Password", type="password", key="sign_in_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if not submitted:
        return
    # After wrong passwords for a name an attempt may be held a few seconds before checking.
    with st.spinner("Checking…"):
        result = sign_in.sign_in(con, name, password, session_id=auth.session_id(),
                                 address=auth.client_address(), now=_now())
    if not result.ok:
        st.error(result.message, icon=":material/lock:")
        return
    st.session_state[auth.SESSION_KEY] = auth.session_for(result.account.name)  # type: ignore[union-attr]
    st.session_state.pop(auth.NOTICE_KEY, None)
    st.rerun()


def _provider() -> tuple[Any, ...]:
    """st.login's argument: the named provider when [auth] lists them, else the default."""
    section = auth.auth_secrets() or {}
    named = [key for key, value in section.items() if isinstance(value, dict)
             or hasattr(value, "items")]
    return (named[0],) if named and not section.get("client_id") else ()


def _now() -> Any:
    from datetime import datetime

    return datetime.fromtimestamp(auth.clock())


def change_password_form(con: duckdb.DuckDBPyConnection, user: auth.User, *,
                         first: bool) -> None:
    """Replace a password; after a one-time password nothing else opens until this is done."""
    st.title("Choose a new password", anchor=False)
    if first:
        st.info("You signed in with a one-time password. Choose your own password to carry "
                f"on: at least {MIN_PASSWORD} characters, not a common password and not your "
                "name. Three or four unrelated words make a good one.")
    with st.form("change_password"):
        old = st.text_input("Current password", type="password", key="pw_old",
                            autocomplete="current-password")
        new = st.text_input("New password", type="password", key="pw_new",
                            autocomplete="new-password")
        again = st.text_input("New password again", type="password", key="pw_again",
                              autocomplete="new-password")
        submitted = st.form_submit_button("Save the new password", type="primary")
    if not submitted:
        return
    if new != again:
        st.error("The two new passwords are different. Type the same password in both boxes.")
        return
    try:
        accounts.change_own_password(con, user.name, old, new)
    except AccountError as exc:
        st.error(str(exc))
        return
    st.success("Your new password is saved.")
    st.rerun()


def adopt_single_sign_on(con: duckdb.DuckDBPyConnection) -> None:
    """A person signed in at the identity provider becomes signed in here if allowed.

    Only accounts on the allow-list (auth 'oidc', matched by email, not disabled) get in; the
    session's age counts from the provider's sign-in time when it reports one ('iat').
    """
    if not st.user.get("is_logged_in", False):
        return
    email = str(st.user.get("email") or "")
    account = accounts.user_by_email(con, email) if email else None
    if account is None or account.disabled:
        audit(con, email or "(no email)", "denied", {"what": "single sign-on",
                                                    "reason": "not on the allow-list"
                                                    if account is None else "account disabled"})
        st.error("Your organisation account is not allowed to use this dashboard. Ask an "
                 "administrator to add your email address.", icon=":material/block:")
        st.button("Sign out", key="sso_refused_sign_out", on_click=st.logout)
        st.stop()
    session = auth.session_for(account.name, "oidc")
    issued = st.user.get("iat")
    if isinstance(issued, (int, float)):
        session["started_at"] = min(float(issued), session["started_at"])
    sign_in.record_sso_sign_in(con, account.name, auth.session_id(), email, now=_now())
    st.session_state[auth.SESSION_KEY] = session
    st.session_state.pop(auth.NOTICE_KEY, None)
