"""Run every benchmark and print ratios against baselines measured in the same run."""

from __future__ import annotations

import argparse
import json
from typing import Any

from benchmarks import budgets, exports, ingest, load, pages
from benchmarks.scale import RESULTS

CHOICES = ("ingest", "exports", "pages", "budgets", "load")


def _kept(name: str, result: Any) -> Any:
    """``result``, also written to benchmarks/results/<name>.json for a later look."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--only", choices=CHOICES, action="append",
                        help="run only this benchmark (may be given more than once)")
    parser.add_argument("--leads", type=lambda text: tuple(int(n) for n in text.split(",")),
                        default=load.LEADS, help="numbers of leads for the load benchmark, "
                        "e.g. 5,10,20,40 (the default)")
    parser.add_argument("--setups", type=lambda text: tuple(text.split(",")),
                        default=load.SETUPS, help="set-ups for the load benchmark: one (one "
                        "process, DuckDB), two (two processes on PostgreSQL behind nginx), "
                        "one-pg (one process on PostgreSQL behind nginx); default one,two")
    args = parser.parse_args()
    chosen = args.only or list(CHOICES)
    if "ingest" in chosen:
        result = ingest.run(args.repetitions)
        print(f"ingest_peak_memory_mb={result['peak_mb']:.0f}")
        print(f"ingest_speedup_vs_openpyxl={result['speedup']:.1f}")
    if "exports" in chosen:
        for line in exports.report(exports.run(args.repetitions)):
            print(line)
    if "pages" in chosen:
        for line in pages.report(pages.run()):
            print(line)
    if "budgets" in chosen:
        for line in budgets.report(_kept("budgets", budgets.run(args.repetitions))):
            print(line)
    if "load" in chosen:
        for line in load.report(_kept("load", load.run(args.leads, setups=args.setups))):
            print(line)


if __name__ == "__main__":
    main()
