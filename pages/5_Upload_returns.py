"""Upload returns: check and load force, ports and spend returns; download blank templates."""

from metrics import query
from ui import downloads, uploads
from ui.connection import writer_cursor
from ui.shell import page_setup

ctx = page_setup("Upload returns", filters=False)

import streamlit as st  # noqa: E402 — page_setup must be the first call of every page

st.title("Upload returns")
st.caption(f"Uploads are recorded under your account, “{uploads.plain(ctx.user.name)}”. "
           "Each file is checked before anything is saved; a file with problems is not loaded, "
           "and a file that replaces an earlier version is saved only after you confirm.")

files = st.file_uploader(
    "Returns to upload (.xlsx, .csv or .ods, up to 25 MB each)", type=uploads.ACCEPTED_TYPES,
    accept_multiple_files=True, max_upload_size=uploads.MAX_UPLOAD_MB, key="files",
    help="Force returns, NaVCIS ports returns and spend returns. Use the templates below.")
for number, uploaded in enumerate(files or [], start=1):
    # Saving needs a writer cursor (every earlier version of the return, tables not views);
    # ingest checks this person's access before anything else.
    uploads.file_panel(writer_cursor(), uploaded, number, len(files), ctx.user)

st.header("Templates", anchor=False)
st.caption("Blank returns with dropdown lists and a README sheet. Fill one in and upload it above.")
operations = ctx.q(query.operations)
forces = ctx.q(query.forces)
if operations.empty:
    st.info("No operations are set up yet, so there are no templates to download.")
    st.stop()

names = dict(zip(operations["code"], operations["name"], strict=False))
force_names = dict(zip(forces["code"], forces["short_name"], strict=False))
ports_ops = list(operations.loc[operations["kind"] == "ports", "code"])
force_ops = list(operations.loc[operations["kind"] != "ports", "code"])
weeks = list(operations.loc[operations["kind"] == "week-of-action", "code"])
chosen = weeks[-1] if weeks else None      # the latest national week, as the other pages do

force_col, ports_col, spend_col = st.columns(3)
with force_col, st.container(border=True):
    st.subheader("Force return", anchor=False)
    op = st.selectbox("Operation", force_ops, index=force_ops.index(chosen) if chosen else
                      len(force_ops) - 1, format_func=lambda c: names.get(c, c), key="tpl_op")
    # An analyst who may submit for some forces only is offered those, the first chosen.
    own = [code for code in ctx.user.forces if code in force_names]
    force = st.selectbox("Force", own or list(force_names), index=0 if own else None,
                         format_func=lambda c: force_names.get(c, c), key="tpl_force",
                         placeholder="Any force (chosen in the file)")
    if op:
        downloads.button(
            "Download force return", uploads.template_bytes(ctx.con, "force-return", ctx.version,
                                                            operation=op, submitter=force),
            file_name=uploads.template_name("force-return", ctx.version, op, force),
            mime=uploads.XLSX_MIME, icon=":material/download:", on_click="ignore",
            key="tpl-force-return")
with ports_col, st.container(border=True):
    st.subheader("NaVCIS ports return", anchor=False)
    if ports_ops:
        port_op = st.selectbox("Ports operation", ports_ops, index=len(ports_ops) - 1,
                               format_func=lambda c: names.get(c, c), key="tpl_ports_op")
        downloads.button(
            "Download ports return", uploads.template_bytes(ctx.con, "ports-return", ctx.version,
                                                            operation=port_op),
            file_name=uploads.template_name("ports-return", ctx.version, port_op),
            mime=uploads.XLSX_MIME, icon=":material/download:", on_click="ignore",
            key="tpl-ports-return")
    else:
        st.info("No ports operation is set up.")
with spend_col, st.container(border=True):
    st.subheader("Spend return", anchor=False)
    st.caption("One grant recipient, one financial year: choose the grant in the file.")
    downloads.button(
        "Download spend return", uploads.template_bytes(ctx.con, "spend-return", ctx.version),
        file_name=uploads.template_name("spend-return", ctx.version),
        mime=uploads.XLSX_MIME, icon=":material/download:", on_click="ignore",
        key="tpl-spend-return")
