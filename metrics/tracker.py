"""The returns tracker: which expected returns are held, late, rejected or missing as at a date.

Status of one expected (operation, submitter) as at D, first rule that applies:
- ``rejected``: a rejected upload of that return with no accepted version uploaded after it and
  held as at D (its issues are still open). A rejected upload states no figures date, so it is
  not narrowed by D; only the accepted version that would close it is.
- ``late``: a version is held as at D and the first one was received after ``returns_due``.
- ``received``: a version is held as at D, first received on or before ``returns_due``.
- ``missing``: nothing held as at D.

"Held as at D" is the as-at rule of ``metrics.scope``: the latest accepted version stated as at
D or earlier. Every value the user chose travels as a bound parameter.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from metrics.format import fmt_date, fmt_value
from metrics.registry import METRICS
from metrics.scope import SCOPE, Filters, frame, params_for, statement

STATUSES = ("received", "late", "rejected", "missing")
STATUS_LABELS = {"received": "Received on time", "late": "Late", "rejected": "Rejected: open issues",
                 "missing": "Missing"}
# GOV.UK tag tints. Streamlit writes a tag's label in black on a light colour and in white on a
# dark one; white on the Analysis Function orange measured 3.0:1 ('Late'), black on these
# tints is over 13:1 (WCAG AA asks 4.5:1).
STATUS_COLOURS = {"received": "#CCE2D8", "late": "#FCD6C3", "rejected": "#F4CDC6",
                  "missing": "#E5E6E7"}
# National bodies send returns but are not police forces (store/reference.py NATIONAL_BODIES).
BODY_NAMES = {"navcis": "NaVCIS", "opal": "Opal", "police-cpi": "Police CPI", "nvcrp": "NVCRP"}

TRACKER = """,
bodies AS (SELECT * FROM (VALUES ('navcis', 'NaVCIS'), ('opal', 'Opal'),
    ('police-cpi', 'Police CPI'), ('nvcrp', 'NVCRP')) t(code, name)),
expected AS (
    SELECT o.operation, op.name AS operation_name, op.start_date, op.returns_due,
           o.force_code, coalesce(f.short_name, b.name, o.force_code) AS force_name,
           f.region, r.name AS region_name
    FROM operation_force o JOIN operation op ON op.code = o.operation
    LEFT JOIN force f ON f.code = o.force_code
    LEFT JOIN bodies b ON b.code = o.force_code
    LEFT JOIN region r ON r.code = f.region
    WHERE ($operation::VARCHAR IS NULL OR o.operation = $operation::VARCHAR)
      AND (len($forces::VARCHAR[]) = 0 OR list_contains($forces::VARCHAR[], o.force_code))
      AND (len($regions::VARCHAR[]) = 0 OR list_contains($regions::VARCHAR[], f.region))
),
held_versions AS (
    SELECT s.* FROM submission s JOIN upload u ON u.id = s.upload_id
    WHERE u.outcome = 'accepted' AND s.data_as_of <= $as_at AND s.operation IS NOT NULL
),
held AS (
    SELECT c.operation, c.submitter, c.return_key, c.version, c.data_as_of, c.received_at,
           c.upload_id,
           (SELECT min(h.received_at) FROM held_versions h WHERE h.return_key = c.return_key)
               AS first_received_at
    FROM current_submissions c WHERE c.operation IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY c.operation, c.submitter
                               ORDER BY c.received_at DESC, c.id DESC) = 1
),
-- upload.return_key is '<operation>:<submitter>:<kind>' (store/migrations/001_initial.sql).
rejected_uploads AS (
    SELECT u.id, u.return_key, split_part(u.return_key, ':', 1) AS operation,
           split_part(u.return_key, ':', 2) AS submitter
    FROM upload u WHERE u.outcome = 'rejected' AND u.return_key IS NOT NULL
),
open_rejections AS (
    SELECT r.operation, r.submitter, max(r.id) AS rejected_upload,
           arg_max(r.return_key, r.id) AS rejected_key,
           count(*) AS open_rejected_uploads
    FROM rejected_uploads r
    WHERE NOT EXISTS (SELECT 1 FROM held_versions h
                      WHERE h.return_key = r.return_key AND h.upload_id > r.id)
    GROUP BY r.operation, r.submitter
),
all_rejections AS (
    SELECT operation, submitter, count(*) AS rejected_uploads FROM rejected_uploads
    GROUP BY operation, submitter
)
SELECT e.operation, e.operation_name, e.force_code, e.force_name, e.region, e.region_name,
       CASE WHEN o.rejected_upload IS NOT NULL THEN 'rejected'
            WHEN h.return_key IS NULL THEN 'missing'
            WHEN e.returns_due IS NOT NULL
                 AND CAST(h.first_received_at AS DATE) > e.returns_due THEN 'late'
            ELSE 'received' END AS status,
       coalesce(h.return_key, o.rejected_key) AS return_key,
       h.version, h.data_as_of, h.received_at, h.first_received_at, e.returns_due,
       o.rejected_upload, coalesce(a.rejected_uploads, 0) AS rejected_uploads
FROM expected e
LEFT JOIN held h ON h.operation = e.operation AND h.submitter = e.force_code
LEFT JOIN open_rejections o ON o.operation = e.operation AND o.submitter = e.force_code
LEFT JOIN all_rejections a ON a.operation = e.operation AND a.submitter = e.force_code
ORDER BY e.start_date, e.operation, e.force_name"""

TRACKER_COLUMNS = [
    "operation", "operation_name", "force_code", "force_name", "region", "region_name", "status",
    "return_key", "version", "data_as_of", "received_at", "first_received_at", "returns_due",
    "rejected_upload", "rejected_uploads",
]

UNMATCHED = """
SELECT id AS upload_id, original_name, uploaded_by, uploaded_at, message
FROM upload WHERE outcome = 'rejected' AND return_key IS NULL ORDER BY id DESC"""

VERSIONS = """
SELECT s.version, s.data_as_of, s.received_at, s.upload_id, u.original_name, u.uploaded_by,
       u.values_stored, s.data_as_of <= $as_at AS stated_by_as_at, s.id AS submission_id
FROM submission s JOIN upload u ON u.id = s.upload_id
WHERE s.return_key = $return_key AND u.outcome = 'accepted'
ORDER BY s.version"""

CHANGES = """
WITH a AS (SELECT v.* FROM value v JOIN submission s ON s.id = v.submission_id
           WHERE s.return_key = $return_key AND s.version = $old_version),
     b AS (SELECT v.* FROM value v JOIN submission s ON s.id = v.submission_id
           WHERE s.return_key = $return_key AND s.version = $new_version)
SELECT coalesce(a.measure, b.measure) AS measure, coalesce(a.day, b.day) AS day,
       coalesce(a.port, b.port) AS port,
       CAST(a.value AS DOUBLE) AS old_value, a.qualifier AS old_qualifier,
       CAST(b.value AS DOUBLE) AS new_value, b.qualifier AS new_qualifier
FROM a FULL OUTER JOIN b ON a.measure = b.measure AND a.day IS NOT DISTINCT FROM b.day
     AND a.port IS NOT DISTINCT FROM b.port
WHERE a.value IS DISTINCT FROM b.value OR a.qualifier IS DISTINCT FROM b.qualifier
ORDER BY measure, day NULLS FIRST, port NULLS FIRST"""

ISSUES = """
SELECT u.id AS upload_id, u.original_name, u.outcome, u.uploaded_at, i.code, i.severity,
       i.sheet, i.row, i.col AS "column", i.header, i.value, i.message
FROM upload u JOIN upload_issue i ON i.upload_id = u.id
WHERE u.return_key = $return_key
ORDER BY u.id DESC, i.seq"""


# Figures queried as implausible when a version was saved (loaders/ingest/plausibility.py):
# each query is an issue of the accepted upload, located at the cell the figure was read from.
QUERIED = """
SELECT s.version, s.upload_id, i.seq, v.measure, v.day, CAST(v.value AS DOUBLE) AS value,
       v.qualifier, i.value AS cell_value
FROM submission s JOIN upload u ON u.id = s.upload_id AND u.outcome = 'accepted'
JOIN upload_issue i ON i.upload_id = s.upload_id AND i.severity = 'query'
LEFT JOIN value v ON v.submission_id = s.id AND v.sheet = i.sheet AND v.row = i.row
     AND v.col = i.col
WHERE s.return_key = $return_key
ORDER BY s.version, i.seq"""

# The person's confirmation, with their reason, for those uploads only (the uploads come from
# the reader's own cursor, so a return they may not see is never looked up).
REASONS = """
SELECT CAST(json_extract(detail, '$.upload_id') AS BIGINT) AS upload_id, who,
       json_extract_string(detail, '$.reason') AS reason
FROM audit
WHERE action = 'query_confirmed'
  AND list_contains($uploads::BIGINT[], CAST(json_extract(detail, '$.upload_id') AS BIGINT))
ORDER BY id"""


def tracker(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per expected (operation, force) with its status as at ``filters.as_at``.

    Every operation's expected forces when ``filters.operation`` is None; narrowed by the
    region and force filters. Columns: TRACKER_COLUMNS.
    """
    return frame(con, statement(SCOPE, TRACKER), params_for(filters))[TRACKER_COLUMNS]


def status_counts(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, int]:
    """Expected returns, those held as at the date, and the count of each status."""
    found = tracker(con, filters)
    counts = {s: int((found["status"] == s).sum()) for s in STATUSES}
    counts["expected"] = len(found)
    counts["held"] = int(found["version"].notna().sum())
    return counts


def matrix(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Forces × operations: force_name, region_name, then one status column per operation code.

    A cell is empty where the force was not expected to send that operation a return.
    """
    found = tracker(con, filters)
    if found.empty:
        return pd.DataFrame(columns=["force_name", "region_name"])
    order = list(dict.fromkeys(found["operation"]))
    wide = found.pivot_table(index=["force_name", "region_name"], columns="operation",
                             values="status", aggfunc="first", dropna=False)
    wide = wide.reindex(columns=order).reset_index()
    wide.columns.name = None
    return wide.dropna(subset=order, how="all").sort_values("force_name", ignore_index=True)


def return_choices(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Returns that can be opened (held or rejected): return_key and a label to pick it by."""
    found = tracker(con, filters)
    found = found[found["return_key"].notna()]
    labels = found["force_name"] + " · " + found["operation_name"] + " (" + \
        found["status"].map(STATUS_LABELS) + ")"
    return pd.DataFrame({"return_key": found["return_key"], "label": labels}).reset_index(drop=True)


def unmatched_rejections(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Rejected uploads whose return could not be told (e.g. an unknown force name)."""
    return frame(con, UNMATCHED)


def versions(con: duckdb.DuckDBPyConnection, return_key: str, as_at: date) -> pd.DataFrame:
    """Every accepted version of one return, oldest first, flagged when stated by ``as_at``,
    with its queried figures in words (``queried``; '' when none)."""
    found = frame(con, VERSIONS, {"return_key": return_key, "as_at": as_at})
    said = queried(con, return_key)
    found["queries"] = [said.get(int(v), "") for v in found["version"]]
    return found


def queried(con: duckdb.DuckDBPyConnection, return_key: str) -> dict[int, str]:
    """Version → its queried figures in words: "1 figure queried and confirmed: arrests 260 —
    ‘Kent confirmed: large planned operation’ (A Analyst)"; saved from the command line, with
    no confirmation: "1 figure queried, saved without a confirmation: arrests 260"."""
    rows = frame(con, QUERIED, {"return_key": return_key})
    if rows.empty:
        return {}
    uploads = sorted({int(u) for u in rows["upload_id"]})
    reasons = frame(con, REASONS, {"uploads": uploads}).drop_duplicates("upload_id", keep="last")
    why = {int(r.upload_id): (str(r.reason), str(r.who)) for r in reasons.itertuples()}
    said = {}
    for (version, upload), group in rows.groupby(["version", "upload_id"], sort=True):
        n = len(group)
        figures = "; ".join(_queried_figure(r) for r in group.to_dict("records"))
        count = f"{n:,} figure{'' if n == 1 else 's'} queried"
        if int(upload) in why:
            reason, who = why[int(upload)]
            said[int(version)] = f"{count} and confirmed: {figures} — ‘{reason}’ ({who})"
        else:
            said[int(version)] = f"{count}, saved without a confirmation: {figures}"
    return said


def _queried_figure(row: dict[str, object]) -> str:
    """'arrests 260', 'arrests 100 on 14 October 2025'; the cell's value when the figure is gone."""
    measure = row["measure"]
    if not isinstance(measure, str):
        return str(row["cell_value"])
    label = METRICS[measure].label if measure in METRICS else measure
    label = label if len(label) > 1 and label[1].isupper() else label[:1].lower() + label[1:]
    value = row["value"]
    qualifier = row["qualifier"]
    text = f"{label} {shown_value(measure, value, qualifier)}"  # type: ignore[arg-type]
    day = row["day"]
    if day is not None and not pd.isna(day):  # type: ignore[call-overload]
        text += f" on {fmt_date(pd.Timestamp(day).date())}"  # type: ignore[arg-type]
    return text


def changes(con: duckdb.DuckDBPyConnection, return_key: str, old_version: int,
            new_version: int) -> pd.DataFrame:
    """Figures added, removed or altered between two versions, with labels and formatted values.

    Columns: measure, label, day, port, old_value, old_qualifier, new_value, new_qualifier,
    old, new (the last two formatted GOV.UK style; 'not stated' where a version has no figure).
    """
    found = frame(con, CHANGES, {"return_key": return_key, "old_version": int(old_version),
                                 "new_version": int(new_version)})
    found.insert(1, "label", [METRICS[m].label if m in METRICS else m for m in found["measure"]])
    found["old"] = [shown_value(m, v, q) for m, v, q in
                    zip(found["measure"], found["old_value"], found["old_qualifier"], strict=True)]
    found["new"] = [shown_value(m, v, q) for m, v, q in
                    zip(found["measure"], found["new_value"], found["new_qualifier"], strict=True)]
    return found


def shown_value(measure: str, value: float | None, qualifier: str | None) -> str:
    if qualifier is None or (isinstance(qualifier, float) and pd.isna(qualifier)):
        return "not stated"
    if qualifier == "not_recorded" or value is None or pd.isna(value):
        return "not recorded"
    unit = METRICS[measure].unit if measure in METRICS else "count"
    return fmt_value(value, unit, str(qualifier))


def issues(con: duckdb.DuckDBPyConnection, return_key: str) -> pd.DataFrame:
    """Every issue found in any upload of one return, newest upload first."""
    return frame(con, ISSUES, {"return_key": return_key})
