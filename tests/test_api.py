"""The Python API in `npl_cli`: the same results as the commands, and a light import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import npl_cli as npl

ROOT = Path(__file__).resolve().parents[1]
AS_OF = pd.Timestamp("2026-10-31")


def test_triage_from_python_is_the_golden_worklist() -> None:
    ledger = npl.load_ledger(ROOT / "sample_data" / "ledger.xlsx")
    worklist = npl.triage(ledger, npl.load_settings(), as_of=AS_OF)
    golden = pd.read_csv(ROOT / "tests" / "golden" / "triage_sample.csv", dtype=str)
    assert len(worklist.rows) == len(golden) == 78
    assert worklist.rows["debtor_id"].tolist() == golden["debtor_id"].tolist()
    assert worklist.rows["next_deadline_kind"].iloc[0] == "guarantee_period"


def test_limitation_from_python_counts_every_deadline() -> None:
    ledger = npl.load_ledger(ROOT / "sample_data" / "ledger.csv")
    due = npl.limitation(ledger, npl.load_settings(), as_of=AS_OF, days=90)
    assert due.window_days == 90
    assert set(due.rows["status"]) <= {"due", "expired"}
    options = npl.deadline_settings(npl.load_settings())
    computed = npl.compute_deadlines(ledger.frame, as_of=AS_OF, settings=options)
    assert sum(due.counts.values()) == len(computed.table)


def test_import_is_light_and_unknown_names_fail() -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, npl_cli; print('pandas' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout == "False\n"
    with pytest.raises(AttributeError, match="module 'npl_cli' has no attribute 'nothing'"):
        _ = npl.nothing
