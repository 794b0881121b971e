"""The workspace: `npl load` of the 1M-loan CSV against reading it with `npl inspect`;
`npl limitation --days 90` from the workspace against from the CSV (without and with the
action log applied); 10,000 actions imported.

Targets: load within 1.5x inspect; limitation from the workspace no slower than from the CSV;
10,000 actions in under 5 seconds.

    python bench/bench_workspace.py [--rows 1000000] [--actions 10000]
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from common import AS_OF, OUT, ledger, measure, report

RUN = """
import glob, os, time
os.environ["NPL_WORKSPACE"] = {workspace!r}
if {fresh!r}:  # each timed load starts from an empty workspace
    for leftover in glob.glob({workspace!r} + "*"):
        os.remove(leftover)
from npl_cli.cli.app import app
start = time.perf_counter()
try:
    app({args!r}, standalone_mode=False)
finally:
    elapsed = time.perf_counter() - start
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--actions", type=int, default=10_000)
    args = parser.parse_args()
    path = str(ledger(f"ledger_{args.rows}.csv", args.rows))
    workspace = str(OUT / "bench_workspace.duckdb")
    for leftover in OUT.glob("bench_workspace.duckdb*"):
        leftover.unlink()

    def timed(argv: list[str], repeat: int = 3, fresh: bool = False) -> dict[str, float]:
        return measure(RUN.format(workspace=workspace, args=argv, fresh=fresh), repeat=repeat)

    inspect = timed(["inspect", path, "--format", "json", "-o", str(OUT / "inspect.json")])
    load = timed(["load", path, "--as-of", AS_OF], fresh=True)
    report("npl inspect (the read)", inspect)
    report("npl load (target <= 1.5x inspect)", load, inspect, "inspect")
    again = timed(["load", path, "--as-of", AS_OF], repeat=1)
    report("npl load of the same file again (no change)", again, inspect, "inspect")
    out = str(OUT / "due.csv")
    limitation = ["limitation", "--as-of", AS_OF, "-f", "csv", "-o", out]
    from_csv = timed([*limitation[:1], path, *limitation[1:]])
    from_store = timed(limitation)
    report("npl limitation from the CSV", from_csv)
    report("npl limitation from the workspace (target <= 1x)", from_store, from_csv, "the CSV")
    actions = write_actions(args.actions, args.rows)
    imported = timed(["action", "import", str(actions)], repeat=1)
    report(f"npl action import of {args.actions:,} rows (target < 5 s)", imported)
    with_actions = timed(limitation)
    report("  the same with those actions applied", with_actions, from_csv, "the CSV")


def write_actions(count: int, rows: int) -> Path:
    """`count` rows of a typical action file: letters signed for, payments, promises."""
    actions = OUT / f"actions_{count}.csv"
    with actions.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["借据号", "催收日期", "催收方式", "送达情况", "还款金额", "承诺还款日", "承诺金额"]
        )
        for i in range(count):
            writer.writerow(
                [
                    f"DK{i * 37 % rows + 1:09d}",
                    f"2026-{i % 9 + 1:02d}-{i % 27 + 1:02d}",
                    "信函",
                    "签收",
                    "500" if i % 3 == 0 else "",
                    "2026-12-31" if i % 5 == 0 else "",
                    "1000" if i % 5 == 0 else "",
                ]
            )
    return actions


if __name__ == "__main__":
    main()
