"""Returns tracker: which forces' returns are held, late, rejected or missing, and each return's history."""

from metrics import chase, tracker
from metrics import format as fmt
from metrics.scope import Filters
from ui import chase as chase_files
from ui import upload_changes, url_state
from ui.shell import page_setup

ctx = page_setup("Returns tracker")

import streamlit as st  # noqa: E402 — page_setup must be the first call of every page

COLOURS = [tracker.STATUS_COLOURS[status] for status in tracker.STATUSES]
STATUS = st.column_config.MultiselectColumn(
    "Status", options=list(tracker.STATUSES), color=COLOURS,
    format_func=lambda s: tracker.STATUS_LABELS.get(s, s), width="medium")
DATE = "D MMMM YYYY"
WHEN = "D MMMM YYYY, HH:mm"

st.title("Returns tracker")
every = url_state.switch(st.toggle, "All operations", key="all_ops",
                         help="Every force against every operation, instead of the operation "
                              "chosen in the sidebar.")
f = ctx.filters
if every or f.operation is None:
    f = Filters(operation=None, as_at=f.as_at, regions=f.regions, forces=f.forces)
scope = "All operations" if f.operation is None else (ctx.operation_name or f.operation)
st.caption(f"{scope} · figures as at {fmt.fmt_date(f.as_at)}")

counts = ctx.q(tracker.status_counts, f)
if counts["expected"] == 0:
    st.info("No returns are expected for this choice: no operation is set up, or the region "
            "and force filters leave no force.")
    st.stop()

cards = st.columns(5)
cards[0].metric("Returns held", f"{fmt.fmt_count(counts['held'])} of "
                f"{fmt.fmt_count(counts['expected'])}", border=True,
                help="Expected returns with a version stated as at the chosen date.")
for col, status in zip(cards[1:], tracker.STATUSES, strict=True):
    col.metric(tracker.STATUS_LABELS[status], fmt.fmt_count(counts[status]), border=True)
st.caption("Late: the first version arrived after the operation's returns-due date. "
           "Rejected: the latest upload was rejected and no accepted version came after it.")

selected_key = None
if f.operation is not None:
    rows = ctx.q(tracker.tracker, f)
    due = rows["returns_due"].dropna()
    if not due.empty:
        st.caption(f"Returns due by {fmt.fmt_date(due.iloc[0].date())}. "
                   "Select a row to see that return's versions, changes and issues.")
    view = rows[["force_name", "region_name", "status", "version", "data_as_of", "received_at",
                 "first_received_at", "rejected_uploads", "return_key"]]
    picked = st.dataframe(
        view.assign(status=view["status"].map(lambda s: [s])), hide_index=True, width="stretch",
        key="tracker", on_select="rerun", selection_mode="single-row",
        column_config={
            "force_name": "Force", "region_name": "Region", "status": STATUS,
            "version": st.column_config.NumberColumn("Version", format="%d"),
            "data_as_of": st.column_config.DateColumn("Figures as at", format=DATE),
            "received_at": st.column_config.DatetimeColumn("Received", format=WHEN),
            "first_received_at": st.column_config.DatetimeColumn("First received", format=WHEN),
            "rejected_uploads": st.column_config.NumberColumn("Rejected uploads", format="%d"),
            "return_key": None})
    chosen_rows = picked.selection.rows if picked is not None else []
    if chosen_rows:
        selected_key = view.iloc[chosen_rows[0]]["return_key"]
else:
    wide = ctx.q(tracker.matrix, f)
    codes = [c for c in wide.columns if c not in ("force_name", "region_name")]
    st.caption("Each force against each operation; blank where no return was expected.")
    st.dataframe(
        wide.assign(**{c: wide[c].map(lambda s: [s] if isinstance(s, str) else []) for c in codes}),
        hide_index=True, width="stretch", key="matrix",
        column_config={"force_name": "Force", "region_name": "Region",
                       **{c: st.column_config.MultiselectColumn(
                           c, options=list(tracker.STATUSES), color=COLOURS,
                           format_func=lambda s: tracker.STATUS_LABELS.get(s, s)) for c in codes}})

unmatched = ctx.q(tracker.unmatched_rejections)
if not unmatched.empty:
    with st.expander(f"Rejected uploads not matched to a return ({len(unmatched)})"):
        st.caption("The loader could not tell whose return these were (for example, an unknown "
                   "force name). Their issues say what to fix.")
        st.dataframe(unmatched, hide_index=True, width="stretch", column_config={
            "upload_id": "Upload", "original_name": "File", "uploaded_by": "Uploaded by",
            "uploaded_at": st.column_config.DatetimeColumn("Uploaded", format=WHEN),
            "message": "Message"})

# --- Chase list (issue 11): returns still owed, a message per force, the list as CSV ---------
if f.operation is not None:
    st.header("Chase list", anchor=False)
    listed = chase.chase_list(ctx.q(chase.owed, f), chase.chased(ctx.con, f.operation))
    if listed.empty:
        st.success(f"Nothing to chase: every return expected for {scope} is held as at "
                   f"{fmt.fmt_date(f.as_at)}.")
    else:
        st.caption("Every expected return not held as at the chosen date, and every return "
                   "whose latest file was rejected with no accepted version since. The contact "
                   "is the one named in the force's last return.")
        st.dataframe(listed, hide_index=True, width="stretch", key="chase", column_config={
            "force_name": "Force", "owed": "What is owed",
            "days_overdue": st.column_config.NumberColumn("Days overdue", format="%d",
                                                          width="small"),
            "contact": "Contact", "chased": st.column_config.TextColumn("Chased", width="medium"),
            "chased_by": "Chased by"},
            column_order=["force_name", "owed", "days_overdue", "contact", "chased",
                          "chased_by"])
        chase_files.panel(ctx, f, listed)

st.header("One return", anchor=False)
choices = ctx.q(tracker.return_choices, f)
if choices.empty:
    st.info("No return has been received yet for this choice.")
    st.stop()
labels = dict(zip(choices["return_key"], choices["label"], strict=True))
keys = list(labels)
if selected_key in labels and st.session_state.get("picked_key") != selected_key:
    st.session_state["picked_key"] = selected_key
    st.session_state["return_key"] = selected_key
key = url_state.choose(st.selectbox, "Return", keys, key="return_key", names=labels,
                       index=None, placeholder="Choose a return (or select a row above)")
if key is None:
    st.stop()

versions = ctx.q(tracker.versions, key, f.as_at)
issues = ctx.q(tracker.issues, key)
st.subheader("Versions", anchor=False)
if versions.empty:
    st.info("No version of this return has been accepted yet: see its issues below.")
else:
    st.dataframe(versions, hide_index=True, width="stretch", key="versions", column_config={
        "version": st.column_config.NumberColumn("Version", format="%d"),
        "data_as_of": st.column_config.DateColumn("Figures as at", format=DATE),
        "received_at": st.column_config.DatetimeColumn("Received", format=WHEN),
        "upload_id": st.column_config.NumberColumn("Upload", format="%d"),
        "original_name": "File", "uploaded_by": "Uploaded by",
        "values_stored": st.column_config.NumberColumn("Figures", format="localized"),
        "stated_by_as_at": st.column_config.CheckboxColumn(
            "Counted", help="Stated by the as-at date. Versions stated later are not counted "
            "as at the chosen date."),
        "queries": st.column_config.TextColumn(
            "Queried figures", width="large",
            help="Figures far from what is usual when the version was saved, and the reason "
                 "given when they were confirmed."),
        "submission_id": None},
        column_order=["version", "data_as_of", "stated_by_as_at", "received_at", "upload_id",
                      "original_name", "uploaded_by", "values_stored", "queries"])
    for line in versions.loc[versions["queries"] != "", ["version", "queries"]].itertuples():
        st.caption(f"Version {int(line.version)}: {upload_changes.plain(line.queries)}")

if len(versions) > 1:
    st.subheader("What changed", anchor=False)
    numbers = [int(v) for v in versions["version"]]
    left, right = st.columns(2)
    old = left.selectbox("From version", numbers, index=len(numbers) - 2, key=f"from-{key}")
    new = right.selectbox("To version", numbers, index=len(numbers) - 1, key=f"to-{key}")
    summary, changed = ctx.q(upload_changes.version_changes, key, old, new)
    said = f"{summary[0].upper()}{summary[1:]} between version {old} and version {new}."
    if changed.empty:
        st.info(said)
    else:
        st.caption(said)
        st.dataframe(changed, hide_index=True, width="stretch", key="changes")

st.subheader("Issues", anchor=False)
if issues.empty:
    st.info("No issues were found in any upload of this return.")
else:
    st.dataframe(issues, hide_index=True, width="stretch", key="issues", column_config={
        "upload_id": st.column_config.NumberColumn("Upload", format="%d"),
        "original_name": "File", "outcome": "Outcome",
        "uploaded_at": st.column_config.DatetimeColumn("Uploaded", format=WHEN),
        "code": "Code", "severity": "Severity", "sheet": "Sheet",
        "row": st.column_config.NumberColumn("Row", format="%d"), "column": "Column",
        "header": "Header", "value": "Value",
        "message": st.column_config.TextColumn("Message", width="large")})
