"""Backup and restore, for both stores, by the commands README "Backup and restore" gives.

A store of five demo returns (one of them a resubmission) is backed up and restored into a
fresh store; the headline figures the command line prints are the same before and after, and
stay the same when one more return is loaded into each (the id sequences came back too).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.local_postgres import LocalPostgres

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"
FIRST = ["2025-10-28_OA2025_hertfordshire_force-return.xlsx",
         "2025-10-29_OA2025_dorset_force-return.xlsx",
         "2025-10-28_OA2025_gwent_force-return.xlsx",
         "2025-12-12_OA2025_hertfordshire_force-return.xlsx",
         "2025-12-12_OA2025_south-yorkshire_force-return.xlsx"]
LATER = "2025-10-29_OA2025_north-yorkshire_force-return.xlsx"
HEADLINE = ["-m", "metrics", "headline", "--operation", "OA2025", "--as-at", "2026-03-02",
            "--json"]


def readme_commands(store: str) -> list[list[str]]:
    """The backup and restore command lines README gives for one store ('DuckDB' or
    'PostgreSQL'), in order, as argument lists without the leading .venv/bin/python."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Backup and restore", 1)[1].split("\n## ", 1)[0]
    block = section.split(f"# {store}:", 1)[1].split("\n# ", 1)[0].split("```", 1)[0]
    return [shlex.split(line)[1:] for line in block.splitlines()
            if re.match(r"\.venv/bin/python -m store (backup|restore) ", line)]


def run(args: list[str], env: dict[str, str], expect: int = 0) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600, check=False)
    assert done.returncode == expect, f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def headline(db: str, env: dict[str, str]) -> dict[str, object]:
    return json.loads(run([*HEADLINE, "--db", db], env).stdout)


def load(db: str, files: list[str], folder: Path, env: dict[str, str]) -> None:
    folder.mkdir()
    for name in files:
        shutil.copy(DEMO / name, folder / name)
    run(["-m", "loaders", "ingest", str(folder), "--user", "A Analyst", "--db", db], env)


def follow_readme(store: str, names: dict[str, str], env: dict[str, str]) -> list[str]:
    """Run README's commands for ``store`` with its example locations swapped for ours;
    returns what each printed."""
    commands = readme_commands(store)
    assert [c[2] for c in commands] == ["backup", "restore"], commands
    printed = []
    for command in commands:
        swapped = [names.get(word, word) for word in command]
        unknown = [w for w in command[3:] if not w.startswith("--") and w not in names]
        assert not unknown, f"README names {unknown}, which this test does not swap"
        printed.append(run(swapped, env).stdout)
    return printed


@pytest.fixture
def clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NVCRP_")}
    return env


def test_a_duckdb_store_restores_with_identical_figures(tmp_path: Path,
                                                        clean_env: dict[str, str]) -> None:
    original = tmp_path / "live" / "nvcrp.duckdb"
    restored = tmp_path / "restored" / "nvcrp.duckdb"
    load(str(original), FIRST, tmp_path / "returns", clean_env)
    before = headline(str(original), clean_env)
    assert before["forces_reporting"] == 4 and before["data_version"] == 5

    example_db, example_out, example_new = (c for c in _duckdb_examples())
    follow_readme("DuckDB", {example_db: str(original), example_out: str(tmp_path / "backup"),
                             example_new: str(restored)}, clean_env)

    assert headline(str(restored), clean_env) == before
    archive = sorted(p.relative_to(original.parent / "nvcrp_uploads")
                     for p in (original.parent / "nvcrp_uploads").rglob("*") if p.is_file())
    assert len(archive) == 5
    assert archive == sorted(p.relative_to(restored.parent / "nvcrp_uploads")
                             for p in (restored.parent / "nvcrp_uploads").rglob("*")
                             if p.is_file())
    assert oct(restored.stat().st_mode & 0o777) == "0o600"
    assert oct((tmp_path / "backup").stat().st_mode & 0o777) == "0o700"

    # One more return into each: the same new upload id and the same figures.
    load(str(original), [LATER], tmp_path / "later1", clean_env)
    load(str(restored), [LATER], tmp_path / "later2", clean_env)
    after = headline(str(original), clean_env)
    assert after["data_version"] == 6 and after != before
    assert headline(str(restored), clean_env) == after


def _duckdb_examples() -> tuple[str, str, str]:
    backup, restore = readme_commands("DuckDB")
    return (backup[backup.index("--db") + 1], backup[backup.index("--out") + 1],
            restore[restore.index("--db") + 1])


def test_nothing_is_ever_overwritten(tmp_path: Path, clean_env: dict[str, str]) -> None:
    original = tmp_path / "live" / "nvcrp.duckdb"
    load(str(original), FIRST[:2], tmp_path / "returns", clean_env)
    backup = tmp_path / "backup"
    run(["-m", "store", "backup", "--out", str(backup), "--db", str(original)], clean_env)

    # A backup folder that holds anything is refused, and left as it was.
    refused = run(["-m", "store", "--db", str(original), "backup", "--out", str(backup)],
                  clean_env, expect=1)
    assert "not empty: nothing is ever overwritten" in refused.stderr
    assert not list(tmp_path.glob(".backup.*"))

    # A restore into an existing database file is refused; the file is untouched.
    held = original.read_bytes()
    refused = run(["-m", "store", "restore", "--from", str(backup), "--db", str(original)],
                  clean_env, expect=1)
    assert "never overwrites a database" in refused.stderr
    assert original.read_bytes() == held

    # So is one whose upload archive folder already holds files.
    crowded = tmp_path / "crowded" / "nvcrp.duckdb"
    (crowded.parent / "nvcrp_uploads").mkdir(parents=True)
    (crowded.parent / "nvcrp_uploads" / "keep.txt").write_text("mine", encoding="utf-8")
    refused = run(["-m", "store", "restore", "--from", str(backup), "--db", str(crowded)],
                  clean_env, expect=1)
    assert "upload archive folder" in refused.stderr and not crowded.exists()
    assert sorted(p.name for p in crowded.parent.iterdir()) == ["nvcrp_uploads"]

    # A restore needs --db named, and a folder that is a backup.
    run(["-m", "store", "restore", "--from", str(backup)], clean_env, expect=2)
    refused = run(["-m", "store", "restore", "--from", str(tmp_path),
                   "--db", str(tmp_path / "new.duckdb")], clean_env, expect=1)
    assert "is not a backup" in refused.stderr and not (tmp_path / "new.duckdb").exists()


def test_a_damaged_backup_is_refused(tmp_path: Path, clean_env: dict[str, str]) -> None:
    original = tmp_path / "live" / "nvcrp.duckdb"
    load(str(original), FIRST[:1], tmp_path / "returns", clean_env)
    backup = tmp_path / "backup"
    run(["-m", "store", "backup", "--db", str(original), "--out", str(backup)], clean_env)
    upload = next(p for p in (backup / "uploads").rglob("*") if p.is_file())
    upload.write_bytes(upload.read_bytes() + b"x")
    target = tmp_path / "new" / "nvcrp.duckdb"
    refused = run(["-m", "store", "restore", "--from", str(backup), "--db", str(target)],
                  clean_env, expect=1)
    assert "damaged" in refused.stderr
    assert not target.exists() and not (target.parent / "nvcrp_uploads").exists()


@pytest.fixture
def second_database(postgres_server: LocalPostgres) -> Iterator[str]:
    """Another fresh, empty database on the session's server, to restore into."""
    name = f"t_restored_{uuid.uuid4().hex[:8]}"
    url = postgres_server.create_database(name)
    yield url
    postgres_server.drop_database(name)


def test_a_postgresql_store_restores_with_identical_figures(
        postgres_url: str, second_database: str, tmp_path: Path,
        clean_env: dict[str, str]) -> None:
    live = {**clean_env, "NVCRP_ARCHIVE": str(tmp_path / "live_uploads")}
    load(postgres_url, FIRST, tmp_path / "returns", live)
    before = headline(postgres_url, live)
    assert before["forces_reporting"] == 4 and before["data_version"] == 5

    backup, restore = readme_commands("PostgreSQL")
    follow_readme("PostgreSQL", {
        backup[backup.index("--db") + 1]: postgres_url,
        backup[backup.index("--out") + 1]: str(tmp_path / "backup"),
        restore[restore.index("--db") + 1]: second_database,
        **({restore[restore.index("--archive") + 1]: str(tmp_path / "restored_uploads")}
           if "--archive" in restore else {})}, live)
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["store"] == "postgresql" and manifest["uploads"]["files"] == 5
    assert (tmp_path / "backup" / "database.dump").is_file()

    restored = {**clean_env, "NVCRP_ARCHIVE": str(tmp_path / "restored_uploads")}
    assert len([p for p in (tmp_path / "restored_uploads").rglob("*") if p.is_file()]) == 5
    assert headline(second_database, restored) == before

    # A database that holds anything is refused, and left as it was.
    refused = run(["-m", "store", "restore", "--from", str(tmp_path / "backup"),
                   "--db", postgres_url, "--archive", str(tmp_path / "other_uploads")],
                  live, expect=1)
    assert "is not empty" in refused.stderr
    assert headline(postgres_url, live) == before

    load(postgres_url, [LATER], tmp_path / "later1", live)
    load(second_database, [LATER], tmp_path / "later2", restored)
    after = headline(postgres_url, live)
    assert after["data_version"] == 6 and after != before
    assert headline(second_database, restored) == after
