"""A picklable snapshot of the reference data that the return readers check values against.

The readers run in a child process (SECURITY.md: memory and time limits), so they cannot share
the dashboard's database connection: the parent builds a ``Reference`` with ``from_db`` and
passes it over; tests and command-line tools may build one straight from the files.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import duckdb

from loaders.reference.forces import ForceMatcher
from loaders.returns.layouts import normalise_header
from store.reference import read_reference_files
from store.settings import REFERENCE_DIR

Rows = dict[str, list[dict[str, Any]]]

# Columns kept per table: the snapshot holds what readers need, not descriptions.
FORCE_FIELDS = ("name", "short_name", "region", "ons_code", "country")
MEASURE_FIELDS = ("label", "unit", "pillar", "return_kind", "totals", "daily", "required",
                  "headline", "sort_order")
OPERATION_FIELDS = ("name", "kind", "start_date", "end_date", "returns_due", "lead", "parent",
                    "restricted")
PILLAR_FIELDS = ("name", "confirmed", "sort_order")
GRANT_FIELDS = ("name", "funder", "amount_gbp", "financial_year", "public_total")
TABLES = ("region", "force", "force_alias", "pillar", "measure", "operation", "operation_force",
          "grant_fund", "port")


def _keyed(rows: list[dict[str, Any]], key: str, fields: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    return {row[key]: {f: row[f] for f in fields} for row in rows}


def _port_key(text: object) -> str:
    """'Port of Felixstowe', 'felixstowe' and 'FELIXSTOWE ' all give 'felixstowe'."""
    key = normalise_header(text).replace("-", " ")
    return key.removeprefix("port of ").removeprefix("the ").strip()


@dataclass
class Reference:
    """Forces, measures, operations, ports, pillars and grants as the readers need them."""

    regions: dict[str, str]
    forces: dict[str, dict[str, Any]]
    matcher: ForceMatcher
    measures: dict[str, dict[str, Any]]
    operations: dict[str, dict[str, Any]]
    expected: dict[str, set[str]]
    ports: dict[str, str]
    pillars: dict[str, dict[str, Any]]
    grants: dict[str, dict[str, Any]]
    _measure_keys: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _port_keys: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for code, measure in self.measures.items():
            for spelling in (code, measure["label"]):
                self._measure_keys.setdefault(normalise_header(spelling), code)
        for code, name in self.ports.items():
            for spelling in (code, name):
                self._port_keys.setdefault(_port_key(spelling), code)

    @classmethod
    def from_rows(cls, rows: Rows) -> Reference:
        """Build from table rows (dicts of typed values), whichever place they were read from."""
        expected: dict[str, set[str]] = {}
        for row in rows["operation_force"]:
            expected.setdefault(row["operation"], set()).add(row["force_code"])
        forces = _keyed(rows["force"], "code", FORCE_FIELDS)
        aliases = [(row["alias"], row["force_code"]) for row in rows["force_alias"]]
        return cls(
            regions={row["code"]: row["name"] for row in rows["region"]},
            forces=forces,
            matcher=ForceMatcher(forces, aliases),
            measures=_keyed(sorted(rows["measure"], key=lambda r: r["sort_order"]), "code",
                            MEASURE_FIELDS),
            operations=_keyed(rows["operation"], "code", OPERATION_FIELDS),
            expected=expected,
            ports={row["code"]: row["name"] for row in rows["port"]},
            pillars=_keyed(sorted(rows["pillar"], key=lambda r: r["sort_order"]), "code",
                           PILLAR_FIELDS),
            grants=_keyed(rows["grant_fund"], "ref", GRANT_FIELDS),
        )

    @classmethod
    def from_files(cls, directory: Path = REFERENCE_DIR) -> Reference:
        """Build from the CSV files (checked as ``load_reference`` checks them)."""
        files = read_reference_files(Path(directory))
        return cls.from_rows({table: files[table].rows for table in TABLES})

    @classmethod
    def from_db(cls, con: duckdb.DuckDBPyConnection) -> Reference:
        """Build from the reference tables, including an administrator's edits."""
        rows: Rows = {}
        for table in TABLES:
            # Table names come from TABLES above, never from input.
            cursor = con.execute(f"SELECT * FROM {table}")  # noqa: S608
            names = [d[0] for d in cursor.description]
            rows[table] = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
        return cls.from_rows(rows)

    def same_data(self, other: object) -> bool:
        """Whether ``other`` holds the same reference data (two snapshots read at different
        times, each with its own force matcher, compared by what they hold)."""
        if not isinstance(other, Reference):
            return False
        return all(getattr(self, f.name) == getattr(other, f.name) for f in fields(self)
                   if f.compare and f.name != "matcher") \
            and vars(self.matcher) == vars(other.matcher)

    def force_code(self, text: object) -> str | None:
        """The force code for a name, slug or ONS code; None when unknown (see ``matcher.suggest``)."""
        return self.matcher.resolve(text)

    def measure_code(self, text: object) -> str | None:
        """The measure code for its code or label in any case and spacing; None when unknown."""
        return self._measure_keys.get(normalise_header(text))

    def port_code(self, text: object) -> str | None:
        """The port code for its code or name ('Felixstowe' → 'felixstowe'); None when unknown."""
        return self._port_keys.get(_port_key(text))

    def territorial_forces(self) -> list[str]:
        """Codes of the 43 territorial forces of England and Wales, in forces order."""
        return [c for c, f in self.forces.items() if f["country"] in ("England", "Wales")]
