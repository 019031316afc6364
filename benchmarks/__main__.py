"""Run every benchmark and print ratios against baselines measured in the same run."""

from __future__ import annotations

import argparse

from benchmarks import exports, ingest


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()
    result = ingest.run(args.repetitions)
    print(f"ingest_peak_memory_mb={result['peak_mb']:.0f}")
    print(f"ingest_speedup_vs_openpyxl={result['speedup']:.1f}")
    for line in exports.report(exports.run(args.repetitions)):
        print(line)


if __name__ == "__main__":
    main()
