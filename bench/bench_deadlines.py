"""The deadline step alone on the generated 1M-loan ledger (with guarantors), and a row-by-row
`relativedelta` version of the claim limitation on 100k loans for scale.

Target on a 2-core machine: the vectorised step under one second for 1M loans.

    python bench/bench_deadlines.py [--rows 1000000] [--slow-rows 100000]
"""

from __future__ import annotations

import argparse
import time

import pandas as pd
from dateutil.relativedelta import relativedelta

from common import AS_OF, ledger
from npl_cli import load_ledger, load_settings
from npl_cli.deadlines import compute_deadlines
from npl_cli.pipeline import deadline_settings

SETTINGS = deadline_settings(load_settings())


def row_by_row(frame: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """What a straightforward script does: one relativedelta per loan (maturity + repayment +
    delivered demand, 2017 transition), via DataFrame.apply."""
    transition = pd.Timestamp("2017-10-01")

    def one(row: pd.Series) -> pd.Timestamp | None:
        start = row["maturity_date"]
        if pd.isna(start):
            return None
        two = start + relativedelta(years=2)
        deadline = two if two < transition else start + relativedelta(years=3)
        for day in (row["last_payment_date"], row["last_collection_date"]):
            if pd.notna(day) and start < day <= deadline and day <= as_of:
                deadline = day + relativedelta(years=3)
        return deadline

    return frame.apply(one, axis=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--slow-rows", type=int, default=100_000)
    args = parser.parse_args()
    frame = load_ledger(ledger(f"ledger_{args.rows}.csv", args.rows)).frame
    as_of = pd.Timestamp(AS_OF)
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        computed = compute_deadlines(frame, as_of=as_of, settings=SETTINGS)
        timings.append(time.perf_counter() - start)
    fast = sorted(timings)[1]
    print(
        f"vectorised deadlines, {len(frame):,} loans -> {len(computed.table):,} deadlines: "
        f"{fast:.2f} s (median of 3; target < 1 s)"
    )
    sample = frame.head(args.slow_rows)
    start = time.perf_counter()
    row_by_row(sample, as_of)
    slow = time.perf_counter() - start
    start = time.perf_counter()
    compute_deadlines(sample, as_of=as_of, settings=SETTINGS)
    fast_sample = time.perf_counter() - start
    print(
        f"row-by-row relativedelta, {len(sample):,} loans (claim limitation only): {slow:.2f} s;"
        f" npl on the same rows (every kind): {fast_sample:.2f} s, {slow / fast_sample:.0f}x "
        "faster"
    )


if __name__ == "__main__":
    main()
