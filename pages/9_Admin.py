"""Administration: accounts, who may see restricted operations, and reference data."""

import streamlit as st

from metrics import query
from ui import admin, auth, roles, widgets
from ui.shell import page_setup
from ui.uploads import plain

ctx = page_setup("Administration", filters=False)
user = auth.gate("pages/9_Admin.py", ctx.con)
ROLE_NAMES = list(roles.ROLE_ACTIONS)

st.title("Administration", anchor=False)
st.caption("Every change here is recorded in the audit log with your name.")
forces = ctx.q(query.forces)
force_names = dict(zip(forces["code"], forces["short_name"], strict=False))
operations = ctx.q(query.operations)
op_names = dict(zip(operations["code"], operations["name"], strict=False))


def outcome(action, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Run one change, showing its result or the reason it was refused."""
    # Messages may quote what was typed: escaped so it shows as text, never as Markdown.
    try:
        st.success(plain(action(ctx.con, user, *args, **kwargs)))
    except admin.AdminError as exc:
        st.error(plain(exc))


accounts_tab, access_tab, reference_tab = st.tabs(
    ["Accounts", "Restricted operations", "Reference data"])

with accounts_tab:
    # The table is drawn after the forms below have made their change, in this slot above
    # them: drawn first, it showed an added account only after a reload (issue 9).
    accounts_slot = st.container()
    with st.form("add_account", clear_on_submit=True):
        st.markdown("**Add an account**")
        left, right = st.columns(2)
        name = left.text_input("Sign-in name", key="new_name", help="e.g. j.smith")
        display = right.text_input("Full name", key="new_display")
        role = left.selectbox("Role", ROLE_NAMES, format_func=roles.ROLE_LABELS.get,
                              key="new_role")
        method = right.radio("Signs in with", ["local", "oidc"], key="new_auth", horizontal=True,
                             format_func={"local": "Name and password",
                                          "oidc": "Organisation account (single sign-on)"}.get)
        chosen_forces = left.multiselect("Analyst: may submit only for these forces",
                                         list(force_names), format_func=force_names.get,
                                         key="new_forces", placeholder="Any force")
        navcis = right.checkbox("Analyst: may submit NaVCIS returns", key="new_navcis")
        email = left.text_input("Email (single sign-on)", key="new_email")
        password = right.text_input("First password (name and password)", type="password",
                                    key="new_password",
                                    help="They must choose their own at first sign-in.")
        if st.form_submit_button("Add the account", type="primary"):
            outcome(admin.add_account, name=name, display_name=display, role=role,
                    forces=tuple(chosen_forces), navcis=navcis, auth=method, email=email,
                    password=password)
    with st.form("change_account"):
        st.markdown("**Change an account**")
        target = st.selectbox("Account", admin.account_names(ctx.con), key="target")
        left, right = st.columns(2)
        new_role = left.selectbox("New role", ROLE_NAMES, key="target_role",
                                  format_func=roles.ROLE_LABELS.get)
        new_forces = left.multiselect("Forces", list(force_names), format_func=force_names.get,
                                      key="target_forces", placeholder="Any force")
        new_navcis = left.checkbox("NaVCIS", key="target_navcis")
        temporary = right.text_input("Temporary password", type="password", key="target_pw")
        buttons = st.columns(4)
        set_role = buttons[0].form_submit_button("Change role")
        reset = buttons[1].form_submit_button("Reset password")
        disable = buttons[2].form_submit_button("Disable")
        enable = buttons[3].form_submit_button("Enable")
    if target and set_role:
        outcome(admin.change_role, target, new_role, tuple(new_forces), new_navcis)
    if target and reset:
        outcome(admin.reset_password, target, temporary)
    if target and (disable or enable):
        outcome(admin.set_disabled, target, bool(disable))
    with accounts_slot:
        widgets.table(admin.accounts_table(ctx.con), key="accounts", column_config={
            "Last sign-in": st.column_config.DatetimeColumn(format="D MMMM YYYY, HH:mm")})

with access_tab:
    st.caption("A restricted operation (tick 'restricted' under Reference data, Operations) is "
               "seen only by administrators and the roles and accounts listed here.")
    grants_slot = st.container()     # filled after the form's change, as accounts_slot
    with st.form("grant"):
        op = st.selectbox("Operation", list(op_names), format_func=op_names.get, key="grant_op")
        kind = st.radio("Give access to", ["role", "user"], horizontal=True, key="grant_kind",
                        format_func={"role": "Everyone with a role", "user": "One account"}.get)
        grantee = st.text_input("Role or account name", key="grant_who",
                                help=f"Roles: {', '.join(ROLE_NAMES)}")
        give, withdraw = st.columns(2)
        if give.form_submit_button("Give access", type="primary"):
            outcome(admin.add_grant, op, kind, grantee)
        if withdraw.form_submit_button("Withdraw access"):
            outcome(admin.remove_grant, op, kind, grantee)
    with grants_slot:
        grants = admin.grants_table(ctx.con)
        if grants.empty:
            st.info("No one has been given access to a restricted operation yet.")
        else:
            widgets.table(grants, key="grants")

with reference_tab:
    table = st.selectbox("Table", list(admin.REFERENCE_TABLES),
                         format_func=admin.REFERENCE_TABLES.get, key="ref_table")
    st.caption("Edit cells, add rows at the bottom or delete rows, then save. The whole table "
               "is checked before anything is saved.")
    edited = st.data_editor(admin.reference_table(ctx.con, table), num_rows="dynamic",
                            hide_index=True, key=f"ref_{table}", width="stretch")
    if st.button("Save changes", type="primary", key="ref_save"):
        outcome(admin.save_reference, table, edited)
