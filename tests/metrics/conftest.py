"""A small store filled by hand with plain SQL, so every expected figure can be worked out on paper.

Operation OA2025, three forces expected:
- South Yorkshire (yorkshire-humber): v1 as of 2025-10-29, v2 as of 2026-01-10 with larger figures.
- West Mercia (west-midlands): v1 as of 2025-10-27; a later 'failed' upload (must be ignored).
- Wiltshire (south-west): v1 as of 2025-10-30, with an 'at least' arrests figure.
NaVCIS ports return for NPO2025 (two ports), and one spend return by South Yorkshire.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pytest

from store.connection import open_db
from store.settings import REFERENCE_DIR

REFERENCE = f"""
INSERT INTO region VALUES ('yorkshire-humber', 'Yorkshire and the Humber', 3),
    ('west-midlands', 'West Midlands', 5), ('south-west', 'South West', 8);
INSERT INTO force VALUES
    ('south-yorkshire', 'E23000011', 'South Yorkshire Police', 'South Yorkshire', 'yorkshire-humber', 'England'),
    ('west-mercia', 'E23000016', 'West Mercia Police', 'West Mercia', 'west-midlands', 'England'),
    ('wiltshire', 'E23000038', 'Wiltshire Police', 'Wiltshire', 'south-west', 'England');
INSERT INTO pillar SELECT code, name, description, confirmed, sort_order
    FROM read_csv('{REFERENCE_DIR / "pillars.csv"}', header = true);
INSERT INTO port VALUES ('felixstowe', 'Port of Felixstowe'), ('tilbury', 'Port of Tilbury');
INSERT INTO operation VALUES
    ('OA2025', 'Operation Alliances 2025', 'week-of-action', '2025-10-13', '2025-10-19',
     '2025-10-27', 'Opal', NULL, false, 'Week of action.'),
    ('NPO2025', 'NaVCIS ports operation 2025-26', 'ports', '2025-11-03', '2026-02-27',
     '2026-03-13', 'NaVCIS', 'G2', false, 'Ports.');
INSERT INTO operation_force VALUES ('OA2025', 'south-yorkshire'), ('OA2025', 'west-mercia'),
    ('OA2025', 'wiltshire');
INSERT INTO recorded_crime VALUES
    ('south-yorkshire', 'year ending June 2025', 12000, 'ONS'),
    ('west-mercia', 'year ending June 2025', 7000, 'ONS'),
    ('wiltshire', 'year ending June 2025', 4000, 'ONS');
INSERT INTO published_figure VALUES
    (1, 'OA2025', 'arrests', 154, 'exact', '2025-10-29', '154 arrests', 'NPCC'),
    (2, 'OA2025', 'value_recovered_gbp', 2046250, 'exact', '2025-10-29', 'worth £2,046,250', 'NPCC'),
    (3, 'OA2025', 'arrests', 365, 'at_least', '2026-03-02', 'more than 365 arrests so far', 'NPCC');
"""

UPLOADS = """
INSERT INTO upload (id, sha256, original_name, size_bytes, uploaded_by, uploaded_at, return_kind,
                    return_key, outcome) VALUES
    (1, 'a1', 'south_yorkshire_v1.xlsx', 100, 'analyst', '2025-10-29 10:00', 'force-return', 'OA2025:south-yorkshire:force-return', 'accepted'),
    (2, 'a2', 'west_mercia.xlsx', 100, 'analyst', '2025-10-27 10:00', 'force-return', 'OA2025:west-mercia:force-return', 'accepted'),
    (3, 'a3', 'south_yorkshire_v2.xlsx', 100, 'analyst', '2026-01-10 10:00', 'force-return', 'OA2025:south-yorkshire:force-return', 'accepted'),
    (4, 'a4', 'wiltshire.xlsx', 100, 'analyst', '2025-10-30 10:00', 'force-return', 'OA2025:wiltshire:force-return', 'accepted'),
    (5, 'a5', 'navcis_ports.xlsx', 100, 'analyst', '2026-02-27 10:00', 'ports-return', 'NPO2025:navcis:ports-return', 'accepted'),
    (6, 'a6', 'sy_spend.xlsx', 100, 'analyst', '2026-01-31 10:00', 'spend-return', 'G2:south-yorkshire:spend-return:2025-26', 'accepted'),
    (7, 'a7', 'broken.xlsx', 100, 'analyst', '2025-10-28 10:00', NULL, NULL, 'rejected'),
    (8, 'a8', 'west_mercia_v2.xlsx', 100, 'analyst', '2025-10-28 11:00', 'force-return', 'OA2025:west-mercia:force-return', 'failed');
INSERT INTO submission (id, upload_id, return_key, return_kind, operation, submitter, grant_ref,
                        period, version, supersedes, data_as_of, received_at) VALUES
    (1, 1, 'OA2025:south-yorkshire:force-return', 'force-return', 'OA2025', 'south-yorkshire', NULL, NULL, 1, NULL, '2025-10-29', '2025-10-29 10:00'),
    (2, 2, 'OA2025:west-mercia:force-return', 'force-return', 'OA2025', 'west-mercia', NULL, NULL, 1, NULL, '2025-10-27', '2025-10-27 10:00'),
    (3, 3, 'OA2025:south-yorkshire:force-return', 'force-return', 'OA2025', 'south-yorkshire', NULL, NULL, 2, 1, '2026-01-10', '2026-01-10 10:00'),
    (4, 4, 'OA2025:wiltshire:force-return', 'force-return', 'OA2025', 'wiltshire', NULL, NULL, 1, NULL, '2025-10-30', '2025-10-30 10:00'),
    (5, 5, 'NPO2025:navcis:ports-return', 'ports-return', 'NPO2025', 'navcis', NULL, NULL, 1, NULL, '2026-02-27', '2026-02-27 10:00'),
    (6, 6, 'G2:south-yorkshire:spend-return:2025-26', 'spend-return', NULL, 'south-yorkshire', 'G2', '2025-26', 1, NULL, '2026-01-31', '2026-01-31 10:00'),
    (7, 8, 'OA2025:west-mercia:force-return', 'force-return', 'OA2025', 'west-mercia', NULL, NULL, 2, 2, '2025-10-28', '2025-10-28 11:00');
"""

# (submission, measure, day, port, value, qualifier, row)
VALUES = [
    # South Yorkshire v1
    (1, "arrests", None, None, 32, "exact", 5), (1, "arrests", "2025-10-13", None, 10, "exact", 6),
    (1, "arrests", "2025-10-14", None, 22, "exact", 7), (1, "vehicles_recovered", None, None, 9, "exact", 8),
    (1, "value_recovered_gbp", None, None, 200000, "exact", 9), (1, "warrants", None, None, 7, "exact", 10),
    (1, "faraday_pouches", None, None, 400, "exact", 11), (1, "partner_agencies", None, None, 4, "exact", 12),
    (1, "charged", None, None, None, "not_recorded", 13),
    # West Mercia v1
    (2, "arrests", None, None, 7, "exact", 5), (2, "arrests", "2025-10-13", None, 7, "exact", 6),
    (2, "vehicles_recovered", None, None, 3, "approximately", 8),
    (2, "value_recovered_gbp", None, None, 46250, "exact", 9), (2, "partner_agencies", None, None, 6, "exact", 12),
    (2, "charged", None, None, None, "not_recorded", 13), (2, "steering_locks", None, None, 10, "exact", 14),
    (2, "phones_seized", None, None, 4, "exact", 15),
    # South Yorkshire v2 (cumulative, larger)
    (3, "arrests", None, None, 40, "exact", 5), (3, "arrests", "2025-10-13", None, 10, "exact", 6),
    (3, "arrests", "2025-10-14", None, 22, "exact", 7), (3, "arrests", "2025-10-15", None, 8, "exact", 8),
    (3, "vehicles_recovered", None, None, 12, "exact", 9),
    (3, "value_recovered_gbp", None, None, 1500000, "at_least", 10), (3, "warrants", None, None, 7, "exact", 11),
    (3, "faraday_pouches", None, None, 400, "exact", 12), (3, "partner_agencies", None, None, 4, "exact", 13),
    (3, "charged", None, None, 5, "exact", 14),
    # Wiltshire v1
    (4, "arrests", None, None, 20, "at_least", 5), (4, "marking_kits", None, None, 20, "exact", 6),
    (4, "partner_agencies", None, None, 2, "exact", 7), (4, "officers_trained", None, None, 4, "exact", 8),
    (4, "vehicles_recovered", None, None, 0, "exact", 9),
    # NaVCIS ports: per port, plus a port-less total row that must not be added again
    (5, "containers_examined", None, "felixstowe", 2, "exact", 5),
    (5, "port_vehicles_recovered", None, "felixstowe", 3, "exact", 6),
    (5, "port_value_recovered_gbp", None, "felixstowe", 230000, "exact", 7),
    (5, "containers_examined", None, "tilbury", 2, "exact", 8),
    (5, "port_vehicles_recovered", None, "tilbury", 8, "exact", 9),
    (5, "port_value_recovered_gbp", None, "tilbury", 500000, "approximately", 10),
    (5, "containers_examined", None, None, 4, "exact", 11),
    # The failed upload's figures: never counted
    (7, "arrests", None, None, 999, "exact", 5),
]

DETAIL = """
INSERT INTO container (submission_id, container_ref, port, examined_on, destination, result,
                       vehicles_found, value_gbp, value_qualifier, sheet, row) VALUES
    (5, 'C1', 'felixstowe', '2025-11-10', 'United Arab Emirates', 'positive', 2, 150000, 'exact', 'Containers', 5),
    (5, 'C2', 'felixstowe', '2025-11-11', 'Ghana', 'negative', 0, NULL, NULL, 'Containers', 6),
    (5, 'C3', 'tilbury', '2025-12-01', 'Ghana', 'positive', 4, 250000, 'exact', 'Containers', 7),
    (5, 'C4', 'tilbury', '2025-12-02', 'Cyprus', 'positive', 4, 250000, 'approximately', 'Containers', 8);
INSERT INTO spend_line (submission_id, spent_on, pillar, operation, allocation_ref, category,
                        description, amount_gbp, sheet, row) VALUES
    (6, '2025-10-14', 'P2', 'OA2025', NULL, 'overtime', 'Week of action overtime', 30000, 'Spend', 5),
    (6, '2025-10-15', 'P1', 'OA2025', NULL, 'prevention products', 'Faraday pouches', 5000, 'Spend', 6),
    (6, '2025-12-01', 'P2', 'LOC2025', NULL, 'overtime', 'Local operation', 10000, 'Spend', 7);
"""


def _value_inserts(con: duckdb.DuckDBPyConnection) -> None:
    rows = ", ".join(
        "({}, '{}', {}, {}, {}, '{}', NULL, 'Totals', {}, 'C')".format(
            sub, measure, f"DATE '{day}'" if day else "NULL", f"'{port}'" if port else "NULL",
            "NULL" if value is None else value, qualifier, row)
        for sub, measure, day, port, value, qualifier, row in VALUES
    )
    con.execute(f"INSERT INTO value VALUES {rows}")


def build(path: Path) -> None:
    """Create and fill the fixture database at ``path``, then close it."""
    con = open_db(path)
    con.execute(REFERENCE)
    con.execute(UPLOADS)
    _value_inserts(con)
    con.execute(DETAIL)
    con.close()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "metrics.duckdb"
    build(path)
    return path


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    """A fresh copy of the fixture store for one test (tests may add rows)."""
    path = tmp_path / "metrics.duckdb"
    shutil.copyfile(template_db, path)
    return path


@contextmanager
def _in_postgres(source: Path, server: Any, name: str) -> Iterator[str]:
    """A closed DuckDB store copied into a PostgreSQL database of its own
    (``python -m store copy``); the database is dropped afterwards."""
    from store.copy import copy_store
    from store.mirror import forget

    url = server.create_database(name)
    reader = duckdb.connect(str(source), read_only=True)
    copy_store(reader, url)
    reader.close()
    yield url
    forget(url)
    server.drop_database(name)


@contextmanager
def _reading(store: str, path: Path, url: Callable[[], str],
             read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """The DuckDB file at ``path``, or a fresh working copy (``store.mirror``) of the
    PostgreSQL database ``url()`` names, as a server process reads it."""
    if store == "duckdb":
        connection = duckdb.connect(str(path), read_only=read_only)
        yield connection
        connection.close()
        return
    from store.mirror import Mirror

    mirror = Mirror(url())
    mirror.refresh()
    yield mirror.con.cursor()
    mirror.close()


@pytest.fixture(scope="session")
def shared_template(template_db: Path, postgres_server: Any) -> Iterator[str]:
    """The same fixture store copied into PostgreSQL once."""
    with _in_postgres(template_db, postgres_server, "metrics_template") as url:
        yield url


@pytest.fixture(params=["duckdb", "postgresql"])
def con(request: pytest.FixtureRequest, db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Every metric test runs on both stores: the DuckDB file, and a fresh working copy of the
    shared PostgreSQL store. Rows a test adds go to its own file or working copy only, so no
    test sees another's."""
    with _reading(request.param, db_path,
                  lambda: request.getfixturevalue("shared_template")) as connection:
        yield connection


@pytest.fixture(scope="session")
def shared_demo(demo_db_template: Path, postgres_server: Any) -> Iterator[str]:
    """The illustrative demo store copied into PostgreSQL once."""
    with _in_postgres(demo_db_template, postgres_server, "metrics_demo") as url:
        yield url


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def demo_store(request: pytest.FixtureRequest,
               demo_db_template: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The demo store to read, on both stores (see ``con``)."""
    with _reading(request.param, demo_db_template,
                  lambda: request.getfixturevalue("shared_demo"), read_only=True) as connection:
        yield connection
