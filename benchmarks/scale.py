"""A scale database for the pages benchmark: ten years of weeks of action, over a million values.

Written straight into DuckDB with INSERT … SELECT over generated ranges, not through the
loaders: loading this many returns one workbook at a time would take hours. The rows have the
same shape the loaders write (return keys, versions with rising ``data_as_of``, a total row and
one row per day for every force measure, sheets, Excel rows and column letters, one upload per
submission plus some rejected uploads with their issues, vehicles, containers, spend lines and
an audit row per upload), so every query meets the volume it would meet after years of use.

On top of the reference data: 40 synthetic weeks of action (four a year, 2014 to 2023), each
expecting 40 forces; every expected force sends up to three versions of its return, some late,
some never. The two real weeks of action get the same treatment, the ports operation three
NaVCIS ports returns, and every grant recipient three versions of a long spend return.

The file is kept in benchmarks/results/ and reused while ``GENERATOR_VERSION`` is unchanged.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

from store.connection import open_db
from store.reference import load_reference

GENERATOR_VERSION = 3
RESULTS = Path(__file__).resolve().parent / "results"
MIN_VALUES = 1_000_000
YEARS = range(2014, 2024)
WEEK_STARTS = ("02-03", "05-05", "08-04", "11-03")   # month-day of each year's weeks (roughly)
FORCES_PER_OPERATION = 40
VERSIONS = 3
BENCH_USER = "benchmark"
BENCH_PASSWORD = "tall ships sail at dawn"

OPERATIONS = """
INSERT INTO operation
SELECT 'SW' || y || '-' || w, 'Scale week ' || y || ' (' || w || ')', 'week-of-action',
       start_date, start_date + 6, start_date + 14, 'Opal', NULL, FALSE,
       'Synthetic week of action for the pages benchmark'
FROM (SELECT y, w, CAST(y || '-' || ($starts::VARCHAR[])[w] AS DATE) AS start_date
      FROM range($first, $last) a(y), range(1, 5) b(w))"""

EXPECTED = """
INSERT INTO operation_force
SELECT code, force_code FROM (
    SELECT o.code, f.code AS force_code,
           row_number() OVER (PARTITION BY o.code ORDER BY hash(o.code, f.code)) AS n
    FROM operation o, force f WHERE o.code LIKE 'SW%' AND f.country IN ('England', 'Wales'))
WHERE n <= $per_operation"""

# One row per version sent: ~5% of expected forces never send, ~10% send their first late.
RETURNS = """
CREATE TEMP TABLE bench_return AS
SELECT o.code AS operation, e.force_code AS submitter, o.start_date, v.version,
       o.code || ':' || e.force_code || ':force-return' AS return_key,
       CAST(o.end_date + CASE v.version WHEN 1 THEN
            CASE WHEN hash(o.code, e.force_code) % 10 = 1 THEN 12 ELSE 4 END
            WHEN 2 THEN 16 ELSE 44 END AS DATE) AS data_as_of
FROM operation o JOIN operation_force e ON e.operation = o.code, range(1, $versions + 1) v(version)
WHERE o.kind = 'week-of-action' AND hash(o.code, e.force_code) % 20 <> 0"""

# Accepted versions and ~4% rejected attempts, in time order: upload ids follow the clock.
EVENTS = """
CREATE TEMP TABLE bench_event AS
SELECT row_number() OVER (ORDER BY at_time, return_key, version) AS upload_id, *
FROM (
    SELECT return_key, operation, submitter, version, data_as_of, 'accepted' AS outcome,
           data_as_of + INTERVAL 15 HOUR + to_minutes(CAST(hash(return_key) % 120 AS BIGINT))
               AS at_time
    FROM bench_return
    UNION ALL
    SELECT return_key, operation, submitter, 0, data_as_of - 1, 'rejected',
           data_as_of - 1 + INTERVAL 11 HOUR
    FROM bench_return WHERE version = 1 AND hash(return_key, 'rejected') % 25 = 0)"""

UPLOADS = """
INSERT INTO upload
SELECT upload_id, sha256(return_key || ':' || upload_id),
       strftime(at_time, '%Y-%m-%d') || '_' || replace(return_key, ':', '_') || '.xlsx',
       20000 + upload_id % 997, 'benchmark', at_time, 'force-return', return_key, outcome,
       CASE WHEN outcome = 'accepted' THEN 32 END, CASE WHEN outcome = 'accepted' THEN 249 END,
       NULL, CASE WHEN outcome = 'accepted' THEN 'Saved as version ' || version || ' of '
                  || return_key || ': 249 figures.'
                  ELSE 'Not loaded: 2 problems to fix first. Nothing from it was saved.' END
FROM bench_event"""

SUBMISSIONS = """
INSERT INTO submission
SELECT row_number() OVER (ORDER BY upload_id), upload_id, return_key, 'force-return', operation,
       submitter, NULL, NULL, version, NULL, data_as_of, at_time, 'force-return/1',
       'Scale benchmark'
FROM bench_event WHERE outcome = 'accepted'"""

ISSUES = """
INSERT INTO upload_issue
SELECT upload_id, n, 'bad-number', 'error', 'Return', 17 + n, 'G', 'Total', '-1',
       '''-1'' is negative; figures cannot be below 0. Enter the figure without a minus sign.'
FROM bench_event, range(1, 3) t(n) WHERE outcome = 'rejected'"""

MEASURES = """
CREATE TEMP TABLE bench_measure AS
SELECT code, daily, unit, 9 + row_number() OVER (ORDER BY sort_order) AS row,
       CASE WHEN unit = 'gbp' THEN 2500 ELSE 1 END AS scale,
       CASE WHEN code IN ('arrests', 'vehicle_checks', 'people_engaged') THEN 40 ELSE 6 END AS spread
FROM measure WHERE return_kind = 'force-return'"""

# Day i (0-6) in columns E-K; ~2% of cells not recorded; later versions add to some days.
STAGING = "CREATE TEMP TABLE bench_value AS SELECT * FROM value LIMIT 0"

DAYS = """
INSERT INTO bench_value
SELECT s.id, m.code, CAST(o.start_date + CAST(d.i AS INTEGER) AS DATE), NULL,
       CASE WHEN hash(s.return_key, m.code, d.i) % 50 = 0 THEN NULL
            ELSE CAST(((hash(s.return_key, m.code, d.i) % m.spread)
                       + CASE WHEN (d.i + s.version) % 3 = 0 THEN s.version - 1 ELSE 0 END)
                      * m.scale AS DECIMAL(18, 2)) END,
       CASE WHEN hash(s.return_key, m.code, d.i) % 50 = 0 THEN 'not_recorded' ELSE 'exact' END,
       NULL, 'Return', m.row, chr(CAST(69 + d.i AS INTEGER))
FROM submission s JOIN operation o ON o.code = s.operation, bench_measure m, range(0, 7) d(i)
WHERE s.return_kind = 'force-return' AND m.daily"""

# A total per measure (column M): the days added, 'at least' in ~5% of totals.
TOTALS = """
INSERT INTO bench_value
SELECT submission_id, measure, NULL, NULL, sum(value),
       CASE WHEN count(value) = 0 THEN 'not_recorded'
            WHEN hash(submission_id, measure) % 20 = 0 THEN 'at_least' ELSE 'exact' END,
       NULL, 'Return', any_value(row), 'M'
FROM bench_value GROUP BY submission_id, measure"""

UNDAILY = """
INSERT INTO bench_value
SELECT s.id, m.code, NULL, NULL, CAST(1 + hash(s.return_key, m.code) % 6 AS DECIMAL(18, 2)),
       'exact', NULL, 'Return', m.row, 'M'
FROM submission s, bench_measure m WHERE s.return_kind = 'force-return' AND NOT m.daily"""

# The loaders write a return's values together, so the table is in submission order.
VALUES = """
INSERT INTO value SELECT * FROM bench_value ORDER BY submission_id, row, col"""

VEHICLES = """
INSERT INTO vehicle
SELECT s.id, CAST(o.start_date + CAST(n % 7 AS INTEGER) AS DATE), NULL, NULL,
       (['Car', 'Van', 'Motorcycle', 'Plant'])[1 + CAST(hash(s.id, n) % 4 AS BIGINT)],
       (['Ford', 'BMW', 'Toyota', 'Honda', 'Land Rover'])[1 + CAST(hash(s.id, n, 'make') % 5 AS BIGINT)],
       (['Transit', 'X5', 'RAV4', 'PCX125', 'Defender'])[1 + CAST(hash(s.id, n, 'make') % 5 AS BIGINT)],
       CASE WHEN n % 3 = 0 THEN 'suspected stolen' ELSE 'confirmed stolen' END, NULL,
       CAST(5000 + hash(s.id, n) % 40000 AS DECIMAL(14, 2)), 'exact', NULL, 'Vehicles', 4 + n
FROM submission s JOIN operation o ON o.code = s.operation, range(1, 4) t(n)
WHERE s.return_kind = 'force-return'"""


def _next_ids(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    row = con.execute("SELECT (SELECT coalesce(max(id), 0) FROM upload), "
                      "(SELECT coalesce(max(id), 0) FROM submission)").fetchall()[0]
    return int(row[0]), int(row[1])


def _other_return(con: duckdb.DuckDBPyConnection, key: str, kind: str, operation: str | None,
                  submitter: str, grant: str | None, version: int, as_of: str) -> int:
    """One upload and its submission for a ports or spend return; returns the submission id."""
    upload, submission = _next_ids(con)
    at = f"{as_of} 16:00:00"
    con.execute("INSERT INTO upload VALUES (?, sha256(?), ?, 30000, 'benchmark', ?, ?, ?, "
                "'accepted', 100, 100, NULL, 'Saved.')",
                [upload + 1, f"{key}:{version}", f"{as_of}_{key.replace(':', '_')}.xlsx", at,
                 kind, key])
    con.execute("INSERT INTO submission VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, "
                "'Scale benchmark')",
                [submission + 1, upload + 1, key, kind, operation, submitter, grant,
                 "2025-26" if grant else None, version, as_of, at, f"{kind}/1"])
    return submission + 1


def _ports(con: duckdb.DuckDBPyConnection) -> None:
    for version, as_of in enumerate(("2025-12-19", "2026-01-30", "2026-03-13"), start=1):
        sid = _other_return(con, "NPO2025:navcis:ports-return", "ports-return", "NPO2025",
                            "navcis", None, version, as_of)
        con.execute("""
            INSERT INTO value
            SELECT $sid, m.code, NULL, p.code,
                   CAST((hash(p.code, m.code) % 30 + $v) * CASE WHEN m.unit = 'gbp'
                        THEN 10000 ELSE 1 END AS DECIMAL(18, 2)),
                   'exact', NULL, 'Ports', 8 + row_number() OVER (PARTITION BY m.code
                   ORDER BY p.code), chr(CAST(65 + m.sort_order - 59 AS INTEGER))
            FROM measure m, port p WHERE m.return_kind = 'ports-return'""",
                    {"sid": sid, "v": version})
        con.execute("""
            INSERT INTO container
            SELECT $sid, 'BNCH' || lpad(CAST(n AS VARCHAR), 7, '0'), p.code,
                   DATE '2025-11-03' + CAST(n % 100 AS INTEGER), (['Cyprus', 'Kenya', 'Jordan', 'Ghana'])[1 + n % 4],
                   CASE WHEN n % 4 = 0 THEN 'positive' ELSE 'negative' END,
                   CASE WHEN n % 4 = 0 THEN 2 ELSE 0 END,
                   CASE WHEN n % 4 = 0 THEN 60000 ELSE 0 END, 'exact', NULL, 'Containers', 4 + n
            FROM range(1, 60 * $v) t(n), (SELECT code FROM port ORDER BY code LIMIT 1) p""",
                    {"sid": sid, "v": version})


def _spend(con: duckdb.DuckDBPyConnection) -> None:
    recipients = con.execute("SELECT DISTINCT grant_ref, recipient FROM allocation "
                             "ORDER BY 1, 2").fetchall()
    for grant, recipient in recipients:
        key = f"{grant}:{recipient}:spend-return:2025-26"
        for version, as_of in enumerate(("2025-12-12", "2026-01-30", "2026-02-27"), start=1):
            sid = _other_return(con, key, "spend-return", None, recipient, grant, version, as_of)
            con.execute("""
                INSERT INTO spend_line
                SELECT $sid, DATE '2025-10-01' + CAST(n % 120 AS INTEGER), a.pillar, a.operation, a.ref,
                       (['Overtime', 'Equipment', 'Travel', 'Prevention kit'])[1 + n % 4],
                       'Scale benchmark line ' || n,
                       CAST(round(a.amount_gbp / 400 * $v / 3, 2) AS DECIMAL(14, 2)),
                       'Spend', 10 + n
                FROM allocation a, range(1, 101) t(n)
                WHERE a.grant_ref = $grant AND a.recipient = $recipient""",
                        {"sid": sid, "v": version, "grant": grant, "recipient": recipient})


def _audit(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""
        INSERT INTO audit
        SELECT nextval('audit_id_seq'), uploaded_at, uploaded_by, 'upload',
               json_object('file', original_name, 'upload_id', id, 'outcome', outcome,
                           'return_key', return_key), 'OFFICIAL-SENSITIVE', id
        FROM upload""")


def _sequences(con: duckdb.DuckDBPyConnection) -> None:
    """Move the id sequences past the ids written here, so a later upload gets the next id."""
    for table in ("upload", "submission"):
        con.execute(f"SELECT nextval('{table}_id_seq') FROM {table}").fetchall()  # noqa: S608


def _account(con: duckdb.DuckDBPyConnection) -> None:
    """An administrator the benchmark signs in as, when the accounts tables exist."""
    try:
        from store import accounts
        if accounts.get_user(con, BENCH_USER) is None:
            accounts.create_user(con, BENCH_USER, role="admin", by="command line",
                                 password=BENCH_PASSWORD, must_change=False)
    except (ImportError, duckdb.CatalogException):
        pass


def _fill(con: duckdb.DuckDBPyConnection) -> None:
    params = {"starts": list(WEEK_STARTS), "first": YEARS.start, "last": YEARS.stop}
    con.execute(OPERATIONS, params)
    con.execute(EXPECTED, {"per_operation": FORCES_PER_OPERATION})
    con.execute(RETURNS, {"versions": VERSIONS})
    for text in (EVENTS, UPLOADS, SUBMISSIONS, ISSUES, MEASURES, STAGING, DAYS, TOTALS,
                 UNDAILY, VALUES, VEHICLES):
        con.execute(text)
    _ports(con)
    _spend(con)
    _audit(con)
    _sequences(con)


def build(path: Path) -> dict[str, int]:
    """Write a fresh scale database at ``path``; rows per table."""
    path.unlink(missing_ok=True)
    Path(f"{path}.wal").unlink(missing_ok=True)
    con = open_db(path)
    try:
        load_reference(con)
        con.execute("BEGIN TRANSACTION")
        _fill(con)
        con.execute("COMMIT")
        _account(con)
        con.execute("CHECKPOINT")
        return counts(con)
    finally:
        con.close()


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = ("operation", "upload", "submission", "value", "vehicle", "container",
              "spend_line", "upload_issue", "audit")
    return {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0])  # noqa: S608
            for t in tables}


def scale_db(folder: Path = RESULTS) -> Path:
    """The scale database, built the first time and whenever ``GENERATOR_VERSION`` changes."""
    folder.mkdir(parents=True, exist_ok=True)
    path, stamp = folder / "scale.duckdb", folder / "scale.version"
    if path.exists() and stamp.exists() and stamp.read_text().strip() == str(GENERATOR_VERSION):
        return path
    stamp.unlink(missing_ok=True)
    start = time.perf_counter()
    rows = build(path)
    if rows["value"] < MIN_VALUES:
        raise RuntimeError(f"scale database holds only {rows['value']:,} values")
    stamp.write_text(str(GENERATOR_VERSION))
    print(f"scale database built in {time.perf_counter() - start:.1f} s: "
          + ", ".join(f"{k} {v:,}" for k, v in rows.items()))
    return path


if __name__ == "__main__":
    print(scale_db())
