"""Maintenance script: rebuild recorded_crime.csv from the ONS police force area table.

Needs the original ONS export, which is not shipped with the product; run it from the
repository root when ONS publishes a new year:

    .venv/bin/python data/reference/build_recorded_crime.py \
        ../shared/reference/ons_pfa_recorded_crime_ye_jun2025.csv

The export (Table C2, year ending June 2025) has seven title rows, two-line headers, numbers
written as text ('9,905 ') and one row per police force area, community safety partnership (CSP)
and 'Unassigned' remainder. A force area's total is its row with no CSP code and no CSP name
(a row with a blank code but a name, such as 'Manchester Airport', is a part, not the total).
City of London has a single CSP and no separate total row, so its CSP row is its total.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parents[2] / "shared" / "reference" / "ons_pfa_recorded_crime_ye_jun2025.csv"
PERIOD = "year ending June 2025"
SOURCE = ("Office for National Statistics, Police recorded crime, year ending June 2025, "
          "licensed under the Open Government Licence v3.0")
TITLE_ROWS = 7


def read_table(path: Path) -> pd.DataFrame:
    """The ONS table with single-line, trimmed headers and trimmed text cells."""
    table = pd.read_csv(path, dtype=str, skiprows=TITLE_ROWS, keep_default_na=False)
    table.columns = [" ".join(str(c).split()) for c in table.columns]
    return table.apply(lambda column: column.str.strip())


def area_totals(table: pd.DataFrame) -> pd.DataFrame:
    """One row per police force area: its code and recorded vehicle offences."""
    csp_code = table["Community Safety Partnership code"]
    csp_name = table["Community Safety Partnership name"]
    totals = table[(csp_code == "") & (csp_name == "")]
    parts = table[(csp_code != "") & ~csp_name.str.lower().str.startswith("unassigned")]
    single = parts.groupby("Police Force Area code").filter(lambda rows: len(rows) == 1)
    single = single[~single["Police Force Area code"].isin(totals["Police Force Area code"])]
    rows = pd.concat([totals, single])
    return pd.DataFrame({
        "ons_code": rows["Police Force Area code"],
        "vehicle_offences": rows["Vehicle offences"].str.replace(",", "").astype(int),
    })


def force_codes(reference_dir: Path) -> dict[str, str]:
    """ONS police force area code → force code, from forces.csv."""
    forces = pd.read_csv(reference_dir / "forces.csv", dtype=str, keep_default_na=False)
    return {ons: code for ons, code in zip(forces["ons_code"], forces["code"], strict=True) if ons}


def build(source: Path, reference_dir: Path = HERE) -> pd.DataFrame:
    """The rows of recorded_crime.csv, sorted by force code."""
    totals = area_totals(read_table(source))
    codes = force_codes(reference_dir)
    unknown = sorted(set(totals["ons_code"]) - set(codes))
    if unknown or len(totals) != totals["ons_code"].nunique():
        raise SystemExit(f"Unexpected police force area rows in {source}: {unknown or 'duplicates'}")
    out = pd.DataFrame({
        "force_code": totals["ons_code"].map(codes),
        "period": PERIOD,
        "vehicle_offences": totals["vehicle_offences"],
        "source": SOURCE,
    })
    return out.sort_values("force_code").reset_index(drop=True)


def main(argv: list[str]) -> None:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    rows = build(source)
    rows.to_csv(HERE / "recorded_crime.csv", index=False, quoting=csv.QUOTE_MINIMAL,
                lineterminator="\n")
    print(f"Wrote {len(rows)} police force areas to {HERE / 'recorded_crime.csv'}")


if __name__ == "__main__":
    main(sys.argv)
