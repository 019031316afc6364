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


# Why someone the identity provider has signed in is not let in: the audit's reason, and what
# the person is told (each says what to do next).
SSO_REFUSALS = {
    "no-email": ("no email from the identity provider",
                 "Your organisation's sign-in did not say which email address is yours, so "
                 "this dashboard cannot tell who you are. Ask an administrator to check the "
                 "single sign-on settings: the identity provider must send the 'email' claim."),
    "unverified": ("email not verified by the identity provider",
                   "Your organisation's sign-in says your email address is not verified, so "
                   "it cannot be used here. Ask your organisation's IT service to verify it."),
    "unknown": ("not on the allow-list",
                "Your organisation account is not allowed to use this dashboard. Ask an "
                "administrator to add your email address."),
    "disabled": ("account disabled",
                 "Your organisation account is not allowed to use this dashboard: its account "
                 "here has been switched off. Ask an administrator if you think this is wrong."),
}
SSO_REFUSED_KEY = "nvcrp_sso_refused"     # the email already audited as refused in this session


def sso_refusal(email: str, verified: object, account: accounts.Account | None) -> str | None:
    """Why a person signed in at the identity provider may not come in (a key of
    ``SSO_REFUSALS``), or None when they may: the allow-list is the accounts an administrator
    made for single sign-on, matched by email, that are not disabled."""
    if not email:
        return "no-email"
    # Only a provider that says so is believed: Entra ID sends no email_verified at all.
    if verified is False or str(verified).lower() == "false":
        return "unverified"
    if account is None:
        return "unknown"
    return "disabled" if account.disabled else None


def adopt_single_sign_on(con: duckdb.DuckDBPyConnection) -> None:
    """A person signed in at the identity provider becomes signed in here if allowed; anyone
    else is refused (audited) and the script stops.

    The session's age counts from the provider's sign-in time when it reports one ('iat').
    """
    if not st.user.get("is_logged_in", False):
        return
    email = str(st.user.get("email") or "").strip()
    account = accounts.user_by_email(con, email) if email else None
    refusal = sso_refusal(email, st.user.get("email_verified"), account)
    if refusal is not None or account is None:
        _refuse_single_sign_on(con, email, refusal or "unknown")
        return
    session = auth.session_for(account.name, "oidc")
    issued = st.user.get("iat")
    if isinstance(issued, (int, float)):
        session["started_at"] = min(float(issued), session["started_at"])
    sign_in.record_sso_sign_in(con, account.name, auth.session_id(), email, now=_now())
    st.session_state[auth.SESSION_KEY] = session
    st.session_state.pop(auth.NOTICE_KEY, None)
    st.session_state.pop(SSO_REFUSED_KEY, None)


def _refuse_single_sign_on(con: duckdb.DuckDBPyConnection, email: str, refusal: str) -> None:
    """Say why, offer a way out (signing out at the provider too), audit once per session."""
    reason, message = SSO_REFUSALS[refusal]
    if st.session_state.get(SSO_REFUSED_KEY) != email:
        audit(con, email or "(no email)", "denied", {
            "what": "single sign-on", "reason": reason, "email": email,
            "session": auth.session_id()[:12], "address": auth.client_address()})
        st.session_state[SSO_REFUSED_KEY] = email
    st.title("Sign in", anchor=False)
    st.error(message, icon=":material/block:")
    if email:
        st.text(f"Organisation account used: {email}")   # text, never Markdown
    st.button("Sign out", key="sso_refused_sign_out", on_click=st.logout,
              icon=":material/logout:")
    st.stop()
