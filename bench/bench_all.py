"""Every performance figure of the project in one run, each as a ratio to its floor, with the
peak memory of each process. Every figure is a whole process started cold (its interpreter,
imports and writing included); the median of `--repeat` runs.

    python bench/bench_all.py [--rows 1000000] [--small 100000] [--xlsx-rows 100000]
                              [--big 10000000] [--parts 10] [--repeat 3] [--no-big]

Targets (2 cores): triage <= 2x the IO floor, flat from the small to the large ledger, peak
<= 4x the CSV's size; xlsx <= 2x a bare fastexcel read + XlsxWriter write; watch and report
<= 2.5x the floor; 10M loans in parts on both engines (once each: minutes), in under 16 GiB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from common import AS_OF, OUT, ledger

NPL = [sys.executable, "-m", "npl_cli"]
CSV_FLOOR = "import sys, pyarrow.csv as c; c.write_csv(c.read_csv(sys.argv[1]), sys.argv[2])"
PARTS_FLOOR = """
import pathlib, sys, pyarrow.csv as c
for part in sorted(pathlib.Path(sys.argv[1]).glob("*.csv")):
    c.write_csv(c.read_csv(part), sys.argv[2])
"""
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
import json, os, resource, subprocess, sys, threading, time

def tree(root):
    parent = {}
    for name in os.listdir("/proc"):
        try:
            with open(f"/proc/{name}/stat") as stat:
                parent[int(name)] = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (ValueError, OSError):
            pass
    total = 0
    for pid in parent:
        up = pid
        while up in parent and up != root:
            up = parent[up]
        if up == root:
            try:
                with open(f"/proc/{pid}/statm") as statm:
                    total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            except OSError:
                pass
    return total

start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
summed = [0]
def sample():  # the process and its workers together, every 0.1 s
    while child.poll() is None:
        summed[0] = max(summed[0], tree(child.pid))
        time.sleep(0.1)
watcher = threading.Thread(target=sample)
watcher.start()
err = child.stderr.read().decode()
child.wait()
watcher.join()
wall = time.perf_counter() - start
largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
peak = max(largest, summed[0]) / 2**20
print(json.dumps({"wall": wall, "peak": peak, "rc": child.returncode, "err": err[-2000:]}))
"""


def timed(command: list[str], repeat: int) -> tuple[float, float]:
    """Median wall seconds and peak memory (MiB) of `command` in a fresh wrapper process: its
    own peak RSS, or the summed RSS of it and its workers (sampled) when that is larger."""
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


def parts_figures(rows: int, parts: int, repeat: int) -> None:
    """A ledger of `rows` loans in `parts` generated parts (a seed each): the floor reads and
    writes every part; the pandas engine (it streams parts too big to read whole) and the
    dask engine on a local cluster give the same bytes."""
    folder = OUT / f"parts_{rows}"
    folder.mkdir(exist_ok=True)
    for i in range(parts):
        part = folder / f"part-{i:03d}.csv"
        if not part.exists():
            subprocess.run([*NPL, "sample", "-o", str(part), "--rows", str(rows // parts),
                            "--seed", str(100 + i), "--as-of", AS_OF], check=True)  # fmt: skip
    size = sum(p.stat().st_size for p in folder.glob("*.csv")) / 2**20
    print(f"--- {rows:,} loans in {parts} parts: {size:,.0f} MiB")
    floor = timed([sys.executable, "-c", PARTS_FLOOR, str(folder), str(OUT / "floor.csv")], 1)
    line("floor: pyarrow read_csv + write_csv of every part", floor, None)
    base = [*NPL, "triage", str(folder), "--as-of", AS_OF, "-f", "csv"]
    on_pandas = timed([*base, "-o", str(OUT / "parts_pandas.csv")], repeat)
    line("npl triage FOLDER (pandas engine)", on_pandas, floor)
    print(f"{'  peak / CSV size (target <= 4x)':<52} {on_pandas[1] / size:7.2f}x")
    on_dask = timed([*base, "-o", str(OUT / "parts_dask.csv"), "--engine", "dask"], repeat)
    line("npl triage FOLDER --engine dask (local, 2 workers)", on_dask, floor)
    same = (OUT / "parts_pandas.csv").read_bytes() == (OUT / "parts_dask.csv").read_bytes()
    print(f"  the two worklists are {'byte for byte the same' if same else 'DIFFERENT'}")
    rate = rows / on_dask[0]
    minutes = 1e8 / rate / 60
    print(f"  dask: {rate:,.0f} loans/s on 2 cores; 100M loans: {minutes:,.0f} min here, "
          f"{minutes / 16:,.0f} min on 32 cores if it scales linearly")  # fmt: skip


def startup_figures() -> None:
    print("--- start-up (CPU seconds, target < 0.2 s)")
    here = Path(__file__).resolve().parent
    subprocess.run([sys.executable, str(here / "bench_startup.py")], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--big", type=int, default=10_000_000)
    parser.add_argument("--parts", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-big", action="store_true", help="skip the ledger in parts")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    startup_figures()
    for rows in (args.small, args.rows):
        csv_figures(rows, args.repeat)
    xlsx_figures(args.xlsx_rows, args.repeat)
    if not args.no_big:
        parts_figures(args.big, args.parts, 1)


if __name__ == "__main__":
    main()
