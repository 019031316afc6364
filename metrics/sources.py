"""Provenance: the submissions, files and cells behind a figure ('show sources')."""

from __future__ import annotations

import duckdb
import pandas as pd

from metrics.scope import SCOPE, TOTAL_ROWS, Filters, frame, params_for, statement

CELLS = """
SELECT t.submitter, t.return_key, t.submission_id, t.upload_id, u.original_name, t.version,
       t.data_as_of, t.sheet, t.row, t.col, t.port, CAST(t.value AS DOUBLE) AS value,
       t.qualifier, t.note
FROM total_rows t JOIN upload u ON u.id = t.upload_id
WHERE $force::VARCHAR IS NULL OR t.submitter = $force::VARCHAR
ORDER BY t.submitter, t.port, t.sheet, t.row"""

COLUMNS = [
    "submitter", "return_key", "submission_id", "upload_id", "original_name", "version",
    "data_as_of", "sheet", "row", "col", "port", "value", "qualifier", "note",
]


def sources(con: duckdb.DuckDBPyConnection, filters: Filters, measure: str,
            force: str | None = None) -> pd.DataFrame:
    """Every cell that makes up ``measure``'s total under ``filters`` (one force's, if given).

    The rows are exactly those ``totals`` adds up, including cells marked not recorded
    (value empty), so the sum of ``value`` here equals the total on screen.
    """
    params = params_for(filters, [measure])
    params["force"] = force
    return frame(con, statement(SCOPE, TOTAL_ROWS, CELLS), params)[COLUMNS]
