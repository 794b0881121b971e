"""Nothing is lost: rows_read = rows_used + rows_rejected + rows_skipped, with exact counts;
a snapshot stores exactly the rows used."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npl_cli.ledger import load_ledger
from npl_cli.store import Workspace

KINDS = ("good", "blank", "total", "repeated_header", "missing_id", "bad_balance", "duplicate")
ROW_KINDS = st.lists(st.sampled_from(KINDS), min_size=1, max_size=40)
FIXTURE_REUSED = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def write_ledger(path: Path, kinds: list[str]) -> tuple[dict[str, int], list[str]]:
    """A ledger with one row of each kind: the expected counts and the used loan ids."""
    lines = ["借据号,贷款余额,备注"]
    expected = {"used": 0, "rejected": 0, "skipped": 0}
    good_ids: list[str] = []
    for number, kind in enumerate(kinds):
        if kind == "duplicate" and not good_ids:
            kind = "good"
        if kind == "good":
            good_ids.append(f"L{number}")
            lines.append(f"L{number},{number}.5,ok")
            expected["used"] += 1
        elif kind == "blank":
            lines.append("")
            expected["skipped"] += 1
        elif kind == "total":
            lines.append(f"合计,{number},")
            expected["skipped"] += 1
        elif kind == "repeated_header":
            lines.append("借据号,贷款余额,备注")
            expected["skipped"] += 1
        elif kind == "missing_id":
            lines.append(f",{number},no id")
            expected["rejected"] += 1
        elif kind == "bad_balance":
            lines.append(f"B{number},n/a,")
            expected["rejected"] += 1
        else:
            lines.append(f"{good_ids[0]},1,again")
            expected["rejected"] += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return expected, good_ids


@FIXTURE_REUSED
@given(kinds=ROW_KINDS)
def test_every_row_is_used_rejected_or_skipped(tmp_path: Path, kinds: list[str]) -> None:
    path = tmp_path / "ledger.csv"
    expected, good_ids = write_ledger(path, kinds)
    ledger = load_ledger(path)
    assert ledger.rows_read == len(kinds)
    assert (ledger.rows_used, ledger.rows_rejected, ledger.rows_skipped) == (
        expected["used"],
        expected["rejected"],
        expected["skipped"],
    )
    assert ledger.rows_read == ledger.rows_used + ledger.rows_rejected + ledger.rows_skipped
    assert len(ledger.rejects) == ledger.rows_rejected
    assert ledger.frame["loan_id"].tolist() == good_ids


@settings(FIXTURE_REUSED, max_examples=25)
@given(kinds=ROW_KINDS, early=st.booleans())
def test_a_snapshot_stores_exactly_the_rows_used(
    tmp_path: Path, kinds: list[str], early: bool
) -> None:
    # `npl load` starts inserting before the reader has accounted for the rows (on_rows);
    # a writer can also be given the finished ledger only.
    path = tmp_path / "ledger.csv"
    expected, good_ids = write_ledger(path, kinds)
    with Workspace.open(tmp_path / "ws.duckdb") as store:
        with store.storing(pd.Timestamp("2026-10-31"), replace=True) as writer:
            ledger = load_ledger(path, on_rows=writer.start if early else None)
            writer.finish(ledger, "hash")
        _, frame = store.latest()
        rejected = store.query("SELECT count(*) AS n FROM rejects")["n"].iloc[0]
    assert frame["loan_id"].tolist() == good_ids
    assert frame["source_row"].tolist() == ledger.frame["source_row"].tolist()
    assert rejected == expected["rejected"]
