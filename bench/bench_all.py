"""Every performance figure of the project in one run, each as a ratio to its floor, with the
peak memory of each process. Every figure is a whole process started cold (its interpreter,
imports and writing included); the median of `--repeat` runs.

    python bench/bench_all.py [--rows 1000000] [--small 100000] [--xlsx-rows 100000]
                              [--parts 8] [--repeat 3] [--no-dask]

Targets (2 cores): triage <= 2x the IO floor, flat from the small to the large ledger, peak
<= 4x the CSV's size; xlsx <= 2x a bare fastexcel read + XlsxWriter write; watch and report
<= 2.5x the floor; the dask engine on the same ledger in parts, for scale-out.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.csv as pacsv

from common import AS_OF, OUT, ledger

NPL = [sys.executable, "-m", "npl_cli"]
CSV_FLOOR = "import sys, pyarrow.csv as c; c.write_csv(c.read_csv(sys.argv[1]), sys.argv[2])"
XLSX_FLOOR = """
import sys, fastexcel, xlsxwriter
table = fastexcel.read_excel(sys.argv[1]).load_sheet(0, header_row=None).to_arrow()
book = xlsxwriter.Workbook(sys.argv[2], {"constant_memory": True})
sheet = book.add_worksheet()
for c, column in enumerate(table.columns):
    for r, value in enumerate(column.to_pylist()):
        if value is not None:
            sheet.write(r, c, value)
book.close()
"""


WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"wall": wall, "peak": peak, "rc": done.returncode, "err": done.stderr[-2000:]}))
"""


def timed(command: list[str], repeat: int) -> tuple[float, float]:
    """Median wall seconds and the largest peak RSS (MiB) of `command`, each run in a fresh
    wrapper process whose only child it is (so the peak is its own)."""
    walls, peaks = [], []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", WRAPPER, *command], capture_output=True,
                              text=True, check=True)  # fmt: skip
        run = json.loads(done.stdout)
        if run["rc"]:
            raise SystemExit(f"{' '.join(command)} failed:\n{run['err']}")
        walls.append(run["wall"])
        peaks.append(run["peak"])
    return sorted(walls)[len(walls) // 2], max(peaks)


def line(label: str, figure: tuple[float, float], floor: tuple[float, float] | None) -> float:
    ratio = figure[0] / floor[0] if floor else 1.0
    against = f"{ratio:5.2f}x" if floor else "  floor"
    print(f"{label:<52} {figure[0]:7.2f} s {against}  peak {figure[1]:6.0f} MiB")
    return ratio


def csv_figures(rows: int, repeat: int) -> None:
    path = ledger(f"ledger_{rows}.csv", rows)
    size = path.stat().st_size / 2**20
    floor = timed([sys.executable, "-c", CSV_FLOOR, str(path), str(OUT / "floor.csv")], repeat)
    print(f"--- {rows:,} loans, {path.name}: {size:,.0f} MiB")
    line("floor: pyarrow read_csv + write_csv", floor, None)
    out = str(OUT / "worklist.csv")
    triage = timed([*NPL, "triage", str(path), "--as-of", AS_OF, "-f", "csv", "-o", out], repeat)
    line("npl triage -f csv -o (target <= 2x)", triage, floor)
    print(f"{'  peak / CSV size (target <= 4x)':<52} {triage[1] / size:7.2f}x")
    watch = [*NPL, "watch", str(path), "--as-of", AS_OF, "-f", "csv", "-o", out]
    line("npl watch -f csv -o (target <= 2.5x)", timed(watch, repeat), floor)
    report = [*NPL, "report", str(path), "--as-of", AS_OF, "-f", "json", "-o",
              str(OUT / "report.json")]  # fmt: skip
    line("npl report -f json -o (target <= 2.5x)", timed(report, repeat), floor)


def xlsx_figures(rows: int, repeat: int) -> None:
    path = OUT / f"ledger_{rows}.xlsx"
    made = (0.0, 0.0)
    if not path.exists():
        made = timed([*NPL, "sample", "-o", str(path), "--rows", str(rows), "--seed", "7",
                      "--as-of", AS_OF], 1)  # fmt: skip
    print(f"--- {rows:,} loans, {path.name}")
    if made[0]:
        line(f"npl sample -o {path.name}", made, None)
    floor = timed([sys.executable, "-c", XLSX_FLOOR, str(path), str(OUT / "floor.xlsx")], repeat)
    line("floor: fastexcel read + XlsxWriter write", floor, None)
    triage = [*NPL, "triage", str(path), "--as-of", AS_OF, "--by", "loan", "-f", "xlsx",
              "-o", str(OUT / "worklist.xlsx")]  # fmt: skip
    line("npl triage --by loan -f xlsx -o (target <= 2x)", timed(triage, repeat), floor)


def dask_figures(rows: int, parts: int, repeat: int) -> None:
    whole = ledger(f"ledger_{rows}.csv", rows)
    folder = OUT / f"parts_{rows}_{parts}"
    if not folder.exists():
        folder.mkdir()
        table = pacsv.read_csv(whole)
        step = -(-table.num_rows // parts)
        for i in range(parts):
            pacsv.write_csv(table.slice(i * step, step), str(folder / f"part-{i:03d}.csv"))
    print(f"--- {rows:,} loans in {parts} parts: pandas engine vs dask engine (local cluster)")
    base = [*NPL, "triage", str(folder), "--as-of", AS_OF, "-f", "csv"]
    on_pandas = timed([*base, "-o", str(OUT / "parts_pandas.csv")], repeat)
    line("npl triage FOLDER (pandas engine)", on_pandas, None)
    on_dask = timed([*base, "-o", str(OUT / "parts_dask.csv"), "--engine", "dask"], repeat)
    line("npl triage FOLDER --engine dask (2 workers)", on_dask, on_pandas)
    same = (OUT / "parts_pandas.csv").read_bytes() == (OUT / "parts_dask.csv").read_bytes()
    print(f"  the two worklists are {'byte for byte the same' if same else 'DIFFERENT'}")
    per_part = rows / parts / on_dask[0]
    print(f"  {rows / on_dask[0]:,.0f} loans/s on this machine ({per_part:,.0f} per part per s)")


def startup_figures() -> None:
    print("--- start-up (CPU seconds, target < 0.2 s)")
    here = Path(__file__).resolve().parent
    subprocess.run([sys.executable, str(here / "bench_startup.py")], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--parts", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-dask", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    startup_figures()
    for rows in (args.small, args.rows):
        csv_figures(rows, args.repeat)
    xlsx_figures(args.xlsx_rows, args.repeat)
    if not args.no_dask:
        dask_figures(args.rows, args.parts, args.repeat)


if __name__ == "__main__":
    main()
