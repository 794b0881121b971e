"""Long work reports how far it has come: every task a step reports is finished exactly (the
counts add up to the totals), and nothing is drawn where stderr is not a terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

import npl_cli as npl
from npl_cli.export import Sheet, write_book
from npl_cli.progress import Advance, Progress

ROOT = Path(__file__).resolve().parents[1]


class Recorder(Progress):
    def __init__(self) -> None:
        self.tasks: dict[str, list[int]] = {}

    def task(self, label: str, total: int) -> Advance:
        counts = self.tasks.setdefault(str(label), [total, 0])

        def advance(done: int) -> None:
            counts[1] += done

        return advance


def test_reading_and_computing_finish_every_task_they_start() -> None:
    recorder = Recorder()
    ledger = npl.load_ledger(ROOT / "sample_data" / "ledger.xlsx", progress=recorder)
    npl.triage(ledger, npl.load_settings(), as_of=pd.Timestamp("2026-10-31"), progress=recorder)
    assert recorder.tasks == {
        "reading ledger.xlsx": [1, 1],
        "reading ledger.xlsx (columns)": [39, 39],  # the sample's 39 columns
        "computing the worklist (steps)": [5, 5],
    }


def test_a_workbook_counts_its_rows_as_it_writes_them(tmp_path: Path) -> None:
    recorder = Recorder()
    big = pd.DataFrame({"loan_id": [f"L{i}" for i in range(2_345)], "balance": 1.0})
    small = pd.DataFrame({"item": ["a", "b"]})
    write_book({"list": Sheet(big), "summary": Sheet(small)}, tmp_path / "b.xlsx", recorder)
    assert recorder.tasks == {"writing b.xlsx": [2_347, 2_347]}


def test_no_bar_is_drawn_when_stderr_is_not_a_terminal(run: Any) -> None:
    result = run("triage", ROOT / "sample_data" / "ledger.xlsx", "--as-of", "2026-10-31",
                 "-o", "w.xlsx")  # fmt: skip
    assert result.exit_code == 0
    assert "━" not in result.stderr and "/5" not in result.stderr
