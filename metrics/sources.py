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

# CELLS with the measure, for several measures at once (sources_of).
CELLS_BY_MEASURE = (CELLS.replace("SELECT t.submitter,", "SELECT t.measure, t.submitter,", 1)
                    .replace("ORDER BY t.submitter,", "ORDER BY t.measure, t.submitter,", 1))

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


def sources_of(con: duckdb.DuckDBPyConnection, filters: Filters,
               measures: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """``sources(con, filters, m)`` for each measure ``m``, from one query rather than one each.

    Each measure's rows come in the same order as ``sources`` gives them.
    """
    params = params_for(filters, measures)
    params["force"] = None
    found = frame(con, statement(SCOPE, TOTAL_ROWS, CELLS_BY_MEASURE), params)
    return {m: _as_alone(found[found["measure"] == m][COLUMNS].reset_index(drop=True))
            for m in measures}


def _as_alone(part: pd.DataFrame) -> pd.DataFrame:
    """A measure's rows typed as its own query would type them: DuckDB gives a text column
    with no text in it (no rows, or only empty cells) as plain objects, not strings."""
    for column in part.columns:
        if pd.api.types.is_string_dtype(part[column].dtype) and part[column].dtype != object \
                and part[column].isna().all():
            part[column] = pd.Series([None] * len(part), index=part.index, dtype=object)
    return part
