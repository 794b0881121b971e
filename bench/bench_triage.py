"""`npl triage` on the generated 1M-loan CSV, every row written as CSV, against an IO floor
measured in the same run (pyarrow read_csv + write_csv of the same file); and a row-by-row
pandas version of aging and deadlines on 100k loans for scale.

Targets on a 2-core machine: <= 2x the floor (bench_all.py prints every figure); peak <= 4x the CSV.

    python bench/bench_triage.py [--rows 1000000] [--slow-rows 100000]
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from bench_deadlines import row_by_row
from common import AS_OF, OUT, ledger, measure, report
from npl_cli import load_ledger

FLOOR = """
import time, pyarrow.csv as pacsv
start = time.perf_counter()
table = pacsv.read_csv({path!r})
pacsv.write_csv(table, {out!r})
elapsed = time.perf_counter() - start
"""
TRIAGE = """
import time, sys
from npl_cli.cli.app import app
start = time.perf_counter()
try:
    app(["triage", {path!r}, "--as-of", {as_of!r}, "--format", "csv", "-o", {out!r}],
        standalone_mode=False)
finally:
    elapsed = time.perf_counter() - start
"""


def slow_aging(frame: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Row-by-row DPD, band and floor with DataFrame.apply."""

    def one(row: pd.Series) -> tuple[int, str, str]:
        since = row["overdue_since"]
        dpd = 0 if pd.isna(since) else max(0, (as_of - since).days)
        band = "M0" if dpd == 0 else ("M6+" if dpd > 180 else f"M{(dpd - 1) // 30 + 1}")
        floor = (
            "loss"
            if dpd > 360
            else "doubtful"
            if dpd > 270
            else "substandard"
            if dpd > 90
            else "special_mention"
            if dpd > 0
            else "normal"
        )
        return dpd, band, floor

    return frame.apply(one, axis=1, result_type="expand")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--slow-rows", type=int, default=100_000)
    args = parser.parse_args()
    path = ledger(f"ledger_{args.rows}.csv", args.rows)
    floor = measure(FLOOR.format(path=str(path), out=str(OUT / "floor.csv")))
    ours = measure(TRIAGE.format(path=str(path), as_of=AS_OF, out=str(OUT / "worklist.csv")))
    report(f"IO floor: pyarrow read + write ({path.name})", floor)
    report("npl triage --format csv -o (target <= 2x)", ours, floor)

    sample_path = ledger(f"ledger_{args.slow_rows}.csv", args.slow_rows)
    sample = load_ledger(sample_path).frame
    as_of = pd.Timestamp(AS_OF)
    start = time.perf_counter()
    slow_aging(sample, as_of)
    row_by_row(sample, as_of)
    slow = time.perf_counter() - start
    fast = measure(
        TRIAGE.format(path=str(sample_path), as_of=AS_OF, out=str(OUT / "worklist_small.csv")),
        repeat=1,
    )
    print(
        f"row-by-row aging + claim limitation (apply + relativedelta), {len(sample):,} loans: "
        f"{slow:.2f} s; the whole npl triage on {args.slow_rows:,} loans: "
        f"{fast['seconds']:.2f} s ({slow / fast['seconds']:.0f}x faster)"
    )


if __name__ == "__main__":
    main()
