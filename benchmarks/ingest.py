"""Ingest benchmark: our whole ingest (read, check, store) against openpyxl's read alone.

Baseline: ``pandas.read_excel(engine="openpyxl")`` of the same sheet, measured in the same run.
Each repetition of ours ingests into a fresh database, in a fresh process, so its peak memory
(the largest resident set of that process and its parsing child) is measured on its own.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from benchmarks.bigfile import spend_return

ROWS = 100_000


def _baseline_once(path: Path) -> float:
    start = time.perf_counter()
    pd.read_excel(path, sheet_name="Spend", engine="openpyxl", header=6)
    return time.perf_counter() - start


def _ours_once(path: Path) -> tuple[float, float, str]:
    """Ingest in a child process; returns (seconds, peak MB, outcome)."""
    with tempfile.TemporaryDirectory() as tmp:
        code = (
            "import json,sys,time,resource;from pathlib import Path;"
            "from store.connection import open_db;from store.reference import load_reference;"
            "from store.settings import settings_for;from loaders.ingest.upload import ingest_file;"
            f"s=settings_for(Path({str(Path(tmp) / 'bench.duckdb')!r}));con=open_db(s.db_path);"
            "load_reference(con);t=time.perf_counter();"
            f"r=ingest_file(con,Path({str(path)!r}),user='benchmark',settings=s);"
            "el=time.perf_counter()-t;"
            "rss=max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
            "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);"
            "print(json.dumps({'s':el,'mb':rss/1024,'outcome':r.outcome,"
            "'issues':[i.message for i in r.issues][:3]}))"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, cwd=Path(__file__).resolve().parent.parent)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        if result["outcome"] != "accepted":
            raise RuntimeError(f"benchmark file was not accepted: {result['issues']}")
        return result["s"], result["mb"], result["outcome"]


def run(repetitions: int = 3) -> dict[str, float]:
    path = spend_return(ROWS)
    print(f"ingest benchmark: spend return with {ROWS:,} detail rows ({path.stat().st_size:,} bytes)")
    baseline = []
    ours = []
    peaks = []
    for i in range(repetitions):
        baseline.append(_baseline_once(path))
        seconds, peak, _ = _ours_once(path)
        ours.append(seconds)
        peaks.append(peak)
        print(f"  run {i + 1}: openpyxl read {baseline[-1]:.2f} s; our ingest {seconds:.2f} s, "
              f"peak {peak:.0f} MB")
    b, o = statistics.median(baseline), statistics.median(ours)
    own_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  median: baseline pandas.read_excel(engine='openpyxl') {b:.2f} s; "
          f"our full ingest {o:.2f} s; peak memory {max(peaks):.0f} MB "
          f"(baseline process {own_rss:.0f} MB)")
    return {"baseline_s": b, "ours_s": o, "speedup": b / o, "peak_mb": max(peaks)}
