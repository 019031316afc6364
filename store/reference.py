"""Reference data: read, check and load the CSV files in ``data/reference/`` into their tables.

Tables that only ever come from files (regions, forces, aliases, measures, ports, recorded crime,
published figures) are replaced on every load. Tables an administrator may edit in the dashboard
(pillars, operations, expected forces, grants, allocations, bids) are filled only while empty,
so edits survive restarts. Everything is checked before anything is written, and written in one
transaction; a problem raises ``ValueError`` naming the file, the line and how to fix it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from store.names import normalise_force_name
from store.settings import REFERENCE_DIR
from store.writes import Writer, column_types, transaction

# Grant recipients and return senders that are not police forces.
NATIONAL_BODIES = frozenset({"navcis", "opal", "police-cpi", "nvcrp"})
QUALIFIERS = frozenset({"exact", "at_least", "approximately", "estimate"})


@dataclass(frozen=True)
class FileSpec:
    """One reference file: its table, its columns with their kinds, and whether admins edit it."""

    file: str
    table: str
    columns: dict[str, str]   # column → text | opt | int | bool | decimal | date | optdate
    editable: bool = False


def _spec(file: str, table: str, columns: str, editable: bool = False) -> FileSpec:
    pairs = (item.split(":") for item in columns.split())
    return FileSpec(file, table, {name: kind for name, kind in pairs}, editable)


SPECS: tuple[FileSpec, ...] = (
    _spec("regions.csv", "region", "code:text name:text sort_order:int"),
    _spec("forces.csv", "force",
          "code:text ons_code:opt name:text short_name:text region:text country:text"),
    _spec("force_aliases.csv", "force_alias", "alias:text force_code:text"),
    _spec("pillars.csv", "pillar",
          "code:text name:text description:text confirmed:bool sort_order:int", True),
    _spec("measures.csv", "measure",
          "code:text label:text unit:text pillar:text return_kind:text totals:text daily:bool "
          "required:bool headline:bool description:text sort_order:int"),
    _spec("operations.csv", "operation",
          "code:text name:text kind:text start_date:date end_date:date returns_due:optdate "
          "lead:text parent:opt restricted:bool description:text", True),
    _spec("operation_forces.csv", "operation_force", "operation:text force_code:text", True),
    _spec("grants.csv", "grant_fund",
          "ref:text name:text funder:text amount_gbp:decimal financial_year:text "
          "public_total:bool source:text", True),
    _spec("allocations.csv", "allocation",
          "ref:text grant_ref:text purpose:text recipient:text pillar:text operation:opt "
          "amount_gbp:decimal illustrative:bool", True),
    _spec("force_bids.csv", "force_bid",
          "force_code:text grant_ref:text operation:opt amount_bid_gbp:decimal "
          "amount_awarded_gbp:decimal illustrative:bool", True),
    _spec("ports.csv", "port", "code:text name:text"),
    _spec("published_figures.csv", "published_figure",
          "id:int operation:text measure:text value:decimal qualifier:text stated_on:date "
          "wording:text source:text"),
    _spec("recorded_crime.csv", "recorded_crime",
          "force_code:text period:text vehicle_offences:int source:text"),
)
KEYS = {"region": ["code"], "force": ["code"], "pillar": ["code"], "measure": ["code"],
        "operation": ["code"], "operation_force": ["operation", "force_code"],
        "grant_fund": ["ref"], "allocation": ["ref"], "force_bid": ["force_code", "grant_ref"],
        "port": ["code"], "published_figure": ["id"], "recorded_crime": ["force_code", "period"]}


def _bool(text: str) -> bool:
    if text.lower() not in ("true", "false"):
        raise ValueError("expected true or false")
    return text.lower() == "true"


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError("expected a number such as 1200.00") from None


CONVERTERS: dict[str, Callable[[str], Any]] = {
    "text": str, "opt": str, "int": int, "bool": _bool, "decimal": _decimal,
    "date": date.fromisoformat, "optdate": date.fromisoformat,
}


def _cell(column: str, text: str) -> str:
    # Aliases keep their spaces: they record spellings exactly as seen in the wild.
    return text if column == "alias" else text.strip()


class ReferenceFile:
    """A reference file as read: raw text cells (for the database) and typed values (for checks)."""

    def __init__(self, spec: FileSpec, directory: Path) -> None:
        self.spec = spec
        self.path = directory / spec.file
        if not self.path.exists():
            raise ValueError(f"Reference file {self.path} is missing: restore it from the repository.")
        self.raw = pd.read_csv(self.path, dtype=str, keep_default_na=False, encoding="utf-8")
        missing = [c for c in spec.columns if c not in self.raw.columns]
        if missing:
            raise ValueError(f"{spec.file}: column(s) {', '.join(missing)} missing from the header "
                             "line. Add them (see data/reference/SOURCES.md).")
        self.raw = self.raw[list(spec.columns)]
        self.rows = [self._convert(i, row) for i, row in enumerate(self.raw.to_dict("records"))]

    def where(self, index: int) -> str:
        """'file.csv line N' for the data row at ``index`` (line 1 is the header)."""
        return f"{self.spec.file} line {index + 2}"

    def _convert(self, index: int, row: dict[str, str]) -> dict[str, Any]:
        typed: dict[str, Any] = {}
        for column, kind in self.spec.columns.items():
            text = _cell(column, row[column])
            if not text.strip():
                if kind in ("opt", "optdate"):
                    typed[column] = None
                    continue
                raise ValueError(f"{self.where(index)}, column '{column}': a value is required.")
            try:
                typed[column] = CONVERTERS[kind](text)
            except ValueError as exc:
                raise ValueError(f"{self.where(index)}, column '{column}': '{text}' is not valid "
                                 f"({exc}). Correct the file and restart.") from None
        return typed

    def frame(self) -> pd.DataFrame:
        """Text cells, blank as NULL, ready to insert with casts to the table's types."""
        frame = self.raw.copy()
        for column in frame.columns:
            cells = [_cell(column, s) for s in frame[column]]
            frame[column] = pd.Series([s if s.strip() else None for s in cells], dtype=object)
        if self.spec.table == "force_alias":
            frame.insert(0, "alias_key", [normalise_force_name(a) for a in frame["alias"]])
            frame = frame.drop_duplicates("alias_key")
        return frame


def read_reference_files(directory: Path = REFERENCE_DIR) -> dict[str, ReferenceFile]:
    """Every reference file, read and checked, by table name."""
    files = {spec.table: ReferenceFile(spec, Path(directory)) for spec in SPECS}
    check_reference(files)
    return files


def _codes(files: dict[str, ReferenceFile], table: str, column: str = "code") -> set[Any]:
    return {row[column] for row in files[table].rows}


def _require(files: dict[str, ReferenceFile], table: str, column: str, allowed: set[Any],
             what: str) -> None:
    for i, row in enumerate(files[table].rows):
        if row[column] is not None and row[column] not in allowed:
            raise ValueError(f"{files[table].where(i)}, column '{column}': '{row[column]}' is not "
                             f"a known {what}. Use one listed in {_what_file(what)}.")


def _what_file(what: str) -> str:
    return {"force": "forces.csv", "region": "regions.csv", "pillar": "pillars.csv",
            "grant": "grants.csv", "operation": "operations.csv", "measure": "measures.csv",
            "recipient": "forces.csv (or navcis, opal, police-cpi, nvcrp)",
            "qualifier": "exact, at_least, approximately or estimate"}.get(what, "the reference files")


def check_reference(files: dict[str, ReferenceFile]) -> None:
    """Raise ValueError at the first broken link, duplicate key or unbalanced grant."""
    for table, key in KEYS.items():
        _check_unique(files[table], key)
    forces, pillars = _codes(files, "force"), _codes(files, "pillar")
    operations, grants = _codes(files, "operation"), _codes(files, "grant_fund", "ref")
    _require(files, "force", "region", _codes(files, "region"), "region")
    _require(files, "force_alias", "force_code", forces, "force")
    _require(files, "measure", "pillar", pillars, "pillar")
    _require(files, "operation_force", "operation", operations, "operation")
    _require(files, "operation_force", "force_code", forces | NATIONAL_BODIES, "recipient")
    _require(files, "allocation", "grant_ref", grants, "grant")
    _require(files, "allocation", "pillar", pillars, "pillar")
    _require(files, "allocation", "operation", operations, "operation")
    _require(files, "allocation", "recipient", forces | NATIONAL_BODIES, "recipient")
    _require(files, "force_bid", "force_code", forces, "force")
    _require(files, "force_bid", "grant_ref", grants, "grant")
    _require(files, "force_bid", "operation", operations, "operation")
    _require(files, "published_figure", "operation", operations, "operation")
    _require(files, "published_figure", "measure", _codes(files, "measure"), "measure")
    _require(files, "published_figure", "qualifier", set(QUALIFIERS), "qualifier")
    _require(files, "recorded_crime", "force_code", forces, "force")
    _check_aliases(files["force_alias"])
    _check_bids(files["force_bid"])
    _check_allocations(files["allocation"], files["grant_fund"])


def _check_unique(file: ReferenceFile, key: list[str]) -> None:
    seen: dict[tuple[Any, ...], int] = {}
    for i, row in enumerate(file.rows):
        value = tuple(row[c] for c in key)
        if value in seen:
            raise ValueError(f"{file.where(i)}: {', '.join(key)} {value} repeats "
                             f"{file.where(seen[value])}. Remove one of the two lines.")
        seen[value] = i


def _check_aliases(file: ReferenceFile) -> None:
    owner: dict[str, tuple[str, int]] = {}
    for i, row in enumerate(file.rows):
        key = normalise_force_name(row["alias"])
        if not key:
            raise ValueError(f"{file.where(i)}: alias '{row['alias']}' is empty once normalised.")
        code, first = owner.setdefault(key, (row["force_code"], i))
        if code != row["force_code"]:
            raise ValueError(f"{file.where(i)}: alias '{row['alias']}' reads the same as "
                             f"'{file.rows[first]['alias']}' ({file.where(first)}) but names a "
                             f"different force ({row['force_code']}, not {code}). Keep one.")


def _check_bids(file: ReferenceFile) -> None:
    for i, row in enumerate(file.rows):
        if row["amount_awarded_gbp"] > row["amount_bid_gbp"]:
            raise ValueError(f"{file.where(i)}: amount_awarded_gbp {row['amount_awarded_gbp']} is "
                             f"more than amount_bid_gbp {row['amount_bid_gbp']}. Correct either.")


def _check_allocations(allocations: ReferenceFile, grants: ReferenceFile) -> None:
    totals: dict[str, Decimal] = {}
    for row in allocations.rows:
        totals[row["grant_ref"]] = totals.get(row["grant_ref"], Decimal(0)) + row["amount_gbp"]
    for i, grant in enumerate(grants.rows):
        spent = totals.get(grant["ref"])
        if spent is not None and spent != grant["amount_gbp"]:
            raise ValueError(f"allocations.csv: allocations to grant {grant['ref']} add up to "
                             f"£{spent:,.2f} but {grants.where(i)} gives £{grant['amount_gbp']:,.2f}. "
                             "Make the lines add up to the grant.")


def _insert(w: Writer, table: str, frame: pd.DataFrame) -> None:
    # Identifiers come from SPECS and the schema, never from file contents; values are bound
    # and read as the column types declared in the migration.
    w.append(table, frame, cast=True)


def load_reference(con: duckdb.DuckDBPyConnection,
                   directory: Path = REFERENCE_DIR) -> dict[str, int]:
    """Load every reference file in one transaction; rows written per table (0: kept as edited)."""
    files = read_reference_files(directory)
    written: dict[str, int] = {}
    with transaction(con) as w:
        for spec in SPECS:
            present = con.execute(f"SELECT count(*) FROM {spec.table}").fetchone()  # noqa: S608
            if spec.editable and present and present[0] > 0:
                written[spec.table] = 0
                continue
            frame = files[spec.table].frame()
            if _unchanged(con, spec.table, frame):
                written[spec.table] = 0    # nothing to write: other processes need not refetch
                continue
            w.execute(f"DELETE FROM {spec.table}")  # noqa: S608
            try:
                _insert(w, spec.table, frame)
            except Exception as exc:
                if not _bad_value(exc):
                    raise
                raise ValueError(f"{spec.file}: a value does not fit its column ({exc}). "
                                 "Correct the file and restart.") from exc
            written[spec.table] = len(frame)
    return written


def _bad_value(exc: Exception) -> bool:
    if isinstance(exc, duckdb.Error):
        return True
    import psycopg

    return isinstance(exc, psycopg.DataError)


def _unchanged(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> bool:
    """Whether ``table`` already holds exactly ``frame``'s rows (shared store only: a DuckDB
    file is rewritten as before, which costs nothing to anyone else)."""
    from store.writes import is_shared

    if not is_shared(con) or frame.empty:
        return False
    names = ", ".join(f'"{c}"' for c in frame.columns)
    kinds = column_types(con, table)
    select = ", ".join(f'CAST("{c}" AS {kinds[c]})' for c in frame.columns)
    con.register("reference_rows", frame)
    try:
        # Identifiers from SPECS and the schema only.
        differ = con.execute(
            f"SELECT count(*) FROM ((SELECT {select} FROM reference_rows EXCEPT ALL "  # noqa: S608
            f"SELECT {names} FROM {table}) UNION ALL (SELECT {names} FROM {table} EXCEPT ALL "
            f"SELECT {select} FROM reference_rows))").fetchall()
    finally:
        con.unregister("reference_rows")
    return bool(differ) and differ[0][0] == 0
