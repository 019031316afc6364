"""Audit log (administrators): every upload, export, sign-in, refusal and change, filterable."""

from datetime import date, timedelta

import streamlit as st

from metrics import audit_log
from metrics import format as fmt
from ui import admin, auth, downloads, widgets
from ui.shell import page_setup

ctx = page_setup("Audit log", filters=False)
user = auth.gate("pages/8_Audit.py", ctx.con)

st.title("Audit log", anchor=False)
st.caption("Every upload, export, sign-in, refusal and change to accounts, access or reference "
           "data, newest first. Rows are only ever added, never changed.")
latest = audit_log.latest_id(ctx.con)
if latest == 0:
    st.info("Nothing has been recorded yet.")
    st.stop()

today = date.today()
with st.container(border=True):
    left, middle, right = st.columns(3)
    chosen_actions = left.multiselect("Actions", ctx.q(audit_log.actions, latest),
                                      key="audit_action", placeholder="All actions")
    chosen_people = middle.multiselect("People", ctx.q(audit_log.people, latest),
                                       key="audit_who", placeholder="Everyone")
    dates = right.date_input("Dates", value=(today - timedelta(days=30), today),
                             format="DD/MM/YYYY", key="audit_dates")
picked = tuple(dates) if isinstance(dates, (tuple, list)) else (dates,)
start = picked[0] if picked else None
end = picked[1] if len(picked) > 1 else start

log = ctx.q(audit_log.entries, latest, tuple(chosen_actions), tuple(chosen_people), start, end)
period = (f"{fmt.fmt_date(start)} to {fmt.fmt_date(end)}" if start and end else "all dates")
st.header(f"{fmt.fmt_count(len(log))} rows, {period}", anchor=False)
if log.empty:
    st.info("No audit rows match these filters. Widen the dates or clear the filters.")
    st.stop()
if len(log) >= audit_log.LIMIT:
    st.warning(f"Only the newest {fmt.fmt_count(audit_log.LIMIT)} rows are shown: narrow the "
               "dates to see older ones.")
widgets.table(log, key="audit_table", column_config={
    "id": st.column_config.NumberColumn("Row", format="%d"),
    "at_time": st.column_config.DatetimeColumn("When", format="D MMMM YYYY, HH:mm:ss"),
    "who": "Who", "action": "Action", "detail": "Detail", "marking": "Marking",
    "data_version": st.column_config.NumberColumn("Data version", format="%d"),
})
file_name = admin.audit_file_name(start, end, latest)
downloads.button("Download these rows as CSV", data=admin.audit_csv(log), file_name=file_name,
                 mime="text/csv", key="audit_csv", icon=":material/download:",
                 on_click=admin.record_audit_download,
                 args=(ctx.con, user, file_name, len(log)))

st.header("Rows by action", anchor=False)
widgets.table(ctx.q(audit_log.counts_by_action, latest, start, end), key="audit_counts",
              column_config={"action": "Action", "rows": "Rows"})
