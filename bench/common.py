"""Shared helpers for the benchmarks: generated ledgers and timed runs in fresh processes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
AS_OF = "2026-10-31"


def ledger(name: str, rows: int, *, encoding: str = "utf-8") -> Path:
    """A generated ledger in bench/out/, made once with `npl sample`."""
    OUT.mkdir(exist_ok=True)
    path = OUT / name
    if not path.exists():
        command = [
            sys.executable,
            "-m",
            "npl_cli",
            "sample",
            "-o",
            str(path),
            "--rows",
            str(rows),
            "--seed",
            "7",
            "--as-of",
            AS_OF,
        ]
        if path.suffix == ".csv":
            command += ["--encoding", encoding]
        subprocess.run(command, check=True)
    return path


def measure(code: str, repeat: int = 3) -> dict[str, float]:
    """Run `code` (which sets `elapsed`) in a fresh interpreter `repeat` times: the median
    seconds and the largest peak RSS in MiB."""
    script = textwrap.dedent(code) + textwrap.dedent("""
        import json, resource
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"seconds": elapsed, "peak_mib": peak}))
    """)
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-c", script], check=True, capture_output=True, text=True
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    seconds = sorted(r["seconds"] for r in runs)[len(runs) // 2]
    return {"seconds": seconds, "peak_mib": max(r["peak_mib"] for r in runs)}


def report(
    label: str,
    result: dict[str, float],
    reference: dict[str, float] | None = None,
    against: str = "the floor",
) -> None:
    ratio = f"  {result['seconds'] / reference['seconds']:5.2f}x {against}" if reference else ""
    print(f"{label:<46} {result['seconds']:7.2f} s  peak {result['peak_mib']:7.0f} MiB{ratio}")
