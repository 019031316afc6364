"""Illustrative demo returns: written in our own templates, loaded through the real ingest.

``generate()`` writes the files in ``data/demo/`` (committed; the figures come from the seeded
plan in ``loaders/demo/figures.py`` and its neighbours), ``build_demo()`` loads them into a
fresh database in the order a real team would have received them. Every figure is illustrative.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from loaders.demo.figures import SEED, Figure, ForceReturnPlan
from loaders.demo.ports import PortsReturnPlan, ports_returns
from loaders.demo.spend import SpendReturnPlan, local_returns, spend_returns
from loaders.demo.weeks import QUERY_REASON, mistakes, oa2024_first, oa2025_first, resubmissions
from loaders.templates.build import Fill, MeasureFill, build_template, operation_days
from store.settings import DEMO_DIR, REFERENCE_DIR

CONTACT = "Demo data (illustrative)"
BANNER = ("ILLUSTRATIVE DEMO DATA: every figure in this file is invented to show how the "
          "dashboard works. It is not an official or operational record.")
FIXED_TIME = datetime(2026, 3, 2, 9, 0, 0)   # workbook timestamps, so bytes are stable
REJECTED = "rejected"
SUFFIXES = (".xlsx", ".csv")


@dataclass(frozen=True)
class DemoPlan:
    force_returns: list[ForceReturnPlan]
    ports: list[PortsReturnPlan]
    spend: list[SpendReturnPlan]


def demo_plan(seed: int = SEED, directory: Path = REFERENCE_DIR) -> DemoPlan:
    """Every figure of every demo file; each part has its own seeded generator."""
    from store.reference import read_reference_files

    files = read_reference_files(Path(directory))
    expected: dict[str, list[str]] = {}
    for row in files["operation_force"].rows:
        expected.setdefault(row["operation"], []).append(row["force_code"])
    awarded = [r["force_code"] for r in files["force_bid"].rows
               if r["operation"] and float(r["amount_awarded_gbp"]) > 0]
    first = oa2025_first(expected.get("OA2025", []), random.Random(seed))
    returns = [
        *oa2024_first(expected.get("OA2024", []), random.Random(seed + 1)),
        *first,
        *resubmissions(first, random.Random(seed + 2)),
        *mistakes(first),
        *local_returns(awarded, random.Random(seed + 3)),
    ]
    return DemoPlan(
        force_returns=returns,
        ports=ports_returns(random.Random(seed + 4)),
        spend=spend_returns(files["allocation"].rows, random.Random(seed + 5)),
    )


# --- writing -------------------------------------------------------------------------------

def _measure_fill(fig: Figure, days: Sequence[Any]) -> MeasureFill:
    return MeasureFill(days=dict(zip(days, fig.days, strict=False)), after_week=fig.after_week,
                       total=fig.total_cell, qualifier=fig.qualifier, note=fig.note)


def force_workbook(plan: ForceReturnPlan, ref: Any) -> Workbook:
    days = operation_days(ref, plan.operation)
    fill = Fill(data_as_of=plan.data_as_of, contact=CONTACT, operation=plan.operation,
                force=plan.force_label or plan.force,
                values={m: _measure_fill(f, days) for m, f in plan.figures.items()},
                details={"vehicle": list(plan.vehicles)} if plan.vehicles else {})
    return build_template("force-return", ref, fill=fill)


def ports_workbook(plan: PortsReturnPlan, ref: Any) -> Workbook:
    fill = Fill(data_as_of=plan.data_as_of, contact=CONTACT, operation=plan.operation,
                ports=plan.ports,
                details={"container": list(plan.containers), "vehicle": list(plan.vehicles)})
    return build_template("ports-return", ref, fill=fill)


def spend_workbook(plan: SpendReturnPlan, ref: Any) -> Workbook:
    fill = Fill(data_as_of=plan.data_as_of, contact=CONTACT, grant_ref=plan.grant_ref,
                recipient=plan.recipient, period=plan.period,
                details={"spend_line": list(plan.lines)})
    return build_template("spend-return", ref, fill=fill)


def file_name(plan: ForceReturnPlan | PortsReturnPlan | SpendReturnPlan) -> str:
    """'<as at>_<operation or grant>_<submitter>_<kind or mistake>.xlsx': sorts as received."""
    day = plan.data_as_of.isoformat()
    if isinstance(plan, ForceReturnPlan):
        name = f"{day}_{plan.operation}_{plan.force}_{plan.tag or 'force-return'}.xlsx"
        return f"{REJECTED}/{name}" if plan.rejected else name
    if isinstance(plan, PortsReturnPlan):
        return f"{day}_{plan.operation}_navcis_ports-return.xlsx"
    return f"{day}_{plan.grant_ref}_{plan.recipient}_spend-return.xlsx"


def stable_bytes(wb: Workbook) -> bytes:
    """The workbook's bytes with fixed timestamps, so regenerating changes nothing in git."""
    wb.properties.creator = CONTACT
    wb.properties.created = wb.properties.modified = FIXED_TIME
    wb.properties.title = "Illustrative demo return"
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _fixed_core(data)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, data)
    return out.getvalue()


def _fixed_core(data: bytes) -> bytes:
    """openpyxl stamps 'modified' with the time of saving: put the fixed time back."""
    import re

    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>" + stamp + rb"\g<2>", data)


def label_illustrative(wb: Workbook) -> None:
    """Put the illustrative banner at the top of the README sheet."""
    ws = wb["README"]
    ws.insert_rows(1)
    ws.cell(1, 1, BANNER)


def workbooks(plan: DemoPlan, ref: Any) -> dict[str, Workbook]:
    """Every demo workbook by its file name (relative to the demo folder)."""
    books: dict[str, Workbook] = {}
    for fr in plan.force_returns:
        books[file_name(fr)] = force_workbook(fr, ref)
    for pr in plan.ports:
        books[file_name(pr)] = ports_workbook(pr, ref)
    for sr in plan.spend:
        books[file_name(sr)] = spend_workbook(sr, ref)
    return books


def generate(out_dir: Path = DEMO_DIR, seed: int = SEED,
             reference_dir: Path = REFERENCE_DIR) -> list[Path]:
    """(Re)write every demo file in ``out_dir``; files from an earlier run are replaced."""
    from loaders.demo.csv_returns import csv_files
    from loaders.reference.snapshot import Reference

    out_dir = Path(out_dir)
    ref = Reference.from_files(Path(reference_dir))
    plan = demo_plan(seed, Path(reference_dir))
    for old in demo_files(out_dir):
        old.unlink()
    written = []
    for name, wb in sorted(workbooks(plan, ref).items()):
        label_illustrative(wb)
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(stable_bytes(wb))
        written.append(path)
    for name, text in csv_files(plan, {c: f["name"] for c, f in ref.forces.items()}).items():
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        written.append(path)
    return sorted(written, key=load_order)


def load_order(path: Path) -> tuple[str, str]:
    """Files load by the date in their name (their 'Figures as at'), then by name."""
    return (path.name[:10], path.name)


def received_on(path: Path, n: int) -> datetime:
    """When an illustrative file 'arrived': the afternoon of the date in its name.

    Stamping the build time instead would make every demo return look late in the tracker.
    """
    day = date.fromisoformat(path.name[:10])
    return datetime.combine(day, time(15, 0)) + timedelta(minutes=n)


def demo_files(directory: Path = DEMO_DIR) -> list[Path]:
    """The demo returns in ``directory`` (and its 'rejected' folder), in load order."""
    directory = Path(directory)
    found = [p for p in directory.rglob("*") if p.is_file() and p.suffix in SUFFIXES]
    return sorted(found, key=load_order)


def build_demo(db_path: Path | str, *, force: bool = False,
               directory: Path = DEMO_DIR) -> list[Any]:
    """A fresh database at ``db_path`` holding the reference data and every demo file.

    Refuses (FileExistsError) when the database already holds uploads, unless ``force``,
    which deletes that database file first.
    """
    from loaders.ingest.upload import ingest_file
    from loaders.reference.snapshot import Reference
    from store.connection import open_db
    from store.reference import load_reference
    from store.settings import is_postgres, settings_for

    if is_postgres(db_path):
        _check_empty_shared(str(db_path))
    else:
        db_path = Path(db_path)
        _make_room(db_path, force)
    settings = settings_for(db_path)
    con = open_db(db_path)
    try:
        load_reference(con)
        ref = Reference.from_db(con)
        # Loaded as the command line loads, which saves queried figures; the demo's one
        # (loaders/demo/weeks.py) is confirmed with the reason an analyst would give.
        return [ingest_file(con, path, user="demo", settings=settings, ref=ref,
                            received_at=received_on(path, n), query_reason=QUERY_REASON)
                for n, path in enumerate(demo_files(directory))]
    finally:
        con.close()


def _check_empty_shared(url: str) -> None:
    """A shared store is never emptied by the demo: it must hold no uploads yet."""
    from store.connection import open_db
    from store.postgres import shown

    con = open_db(url)
    uploads = con.execute("SELECT count(*) FROM upload").fetchone()
    if uploads and uploads[0]:
        raise FileExistsError(
            f"The PostgreSQL store {shown(url)} already holds {uploads[0]} uploads: the "
            "illustrative demo is built only into an empty database. Create a new database "
            "for it (createdb) and name that one.")


def _make_room(db_path: Path, force: bool) -> None:
    if not db_path.exists() or db_path.stat().st_size == 0:
        return
    from store.connection import open_db

    con = open_db(db_path)
    try:
        uploads = con.execute("SELECT count(*) FROM upload").fetchone()
    finally:
        con.close()
    if not uploads or uploads[0] == 0:
        return
    if not force:
        raise FileExistsError(
            f"The database {db_path} already holds {uploads[0]} uploads. Choose another file, "
            "or pass force=True (--force) to delete it and build the demo afresh.")
    db_path.unlink()
    wal = db_path.with_name(db_path.name + ".wal")
    if wal.exists():
        wal.unlink()
