"""Reading ledgers: npl's reader (mapping, coercion, validation) against the bare fastest read.

Targets on a 2-core machine: CSV <= 3x pyarrow.csv.read_csv, GB18030 CSV <= 4x, xlsx <= 1.5x
the bare calamine (fastexcel) read; peak memory for the 1M-row CSV under 2 GiB.

    python bench/bench_read.py [--rows 1000000] [--xlsx-rows 100000]
"""

from __future__ import annotations

import argparse

from common import ledger, measure, report

BARE_CSV = """
import time, pyarrow as pa, pyarrow.csv as pacsv
start = time.perf_counter()
pacsv.read_csv({path!r}, read_options=pacsv.ReadOptions(encoding={encoding!r}))
elapsed = time.perf_counter() - start
"""
BARE_XLSX = """
import time, fastexcel
start = time.perf_counter()
fastexcel.read_excel({path!r}).load_sheet(0, header_row=1).to_arrow()
elapsed = time.perf_counter() - start
"""
NPL = """
import time
from npl_cli import load_ledger
start = time.perf_counter()
ledger = load_ledger({path!r})
elapsed = time.perf_counter() - start
assert ledger.rows_read == ledger.rows_used + ledger.rows_rejected + ledger.rows_skipped
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    args = parser.parse_args()
    cases = [
        ("CSV UTF-8", ledger(f"ledger_{args.rows}.csv", args.rows), "utf8", BARE_CSV, 3.0),
        (
            "CSV GB18030",
            ledger(f"ledger_{args.rows}_gb.csv", args.rows, encoding="gb18030"),
            "gb18030",
            BARE_CSV,
            4.0,
        ),
        ("xlsx", ledger(f"ledger_{args.xlsx_rows}.xlsx", args.xlsx_rows), "", BARE_XLSX, 1.5),
    ]
    for label, path, encoding, bare, target in cases:
        floor = measure(bare.format(path=str(path), encoding=encoding))
        ours = measure(NPL.format(path=str(path)))
        report(f"{label}: bare read ({path.name})", floor)
        report(f"{label}: npl load_ledger (target <= {target}x)", ours, floor)


if __name__ == "__main__":
    main()
