"""Portfolio measures on hand-built snapshots, each figure worked out here (DOMAIN §6)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npl_cli.measure import migration, provisions, size_and_quality
from npl_cli.schema import RISK_CLASSES

CODE = {name: code for code, name in enumerate(RISK_CLASSES)}


def loans(rows: list[tuple[str, float, str, str]]) -> pd.DataFrame:
    """(loan id, balance, ledger class, floor class)."""
    return pd.DataFrame({
        "loan_id": [r[0] for r in rows],
        "balance": [r[1] for r in rows],
        "ledger_class_code": [CODE[r[2]] for r in rows],
        "risk_class_code": [CODE[r[3]] for r in rows],
    })  # fmt: skip


START = loans([
    ("A", 10_000, "normal", "normal"), ("B", 5_000, "normal", "normal"),
    ("C", 4_000, "special_mention", "special_mention"), ("D", 3_000, "substandard", "substandard"),
    ("E", 2_000, "doubtful", "doubtful"), ("F", 1_000, "loss", "loss"),
])  # fmt: skip
END = loans([
    ("A", 9_200, "normal", "normal"),  # 800 repaid
    ("B", 4_500, "special_mention", "substandard"),  # 500 repaid, now worse (floor worse still)
    ("C", 4_000, "substandard", "substandard"),  # worse
    # D repaid in full: gone
    ("E", 2_000, "loss", "loss"), ("F", 1_000, "loss", "loss"),
    ("G", 7_000, "normal", "normal"),  # new: in no cohort
])  # fmt: skip


def test_migration_rates_by_the_regulators_definition() -> None:
    rates = migration(START, END).rates
    # normal: start 15,000, 期间减少 800 + 500 = 1,300, now worse: B 4,500 -> 4,500 / 13,700
    assert rates["normal"] == {
        "loans": 2, "start_balance": 15_000.0, "reduced": 1_300.0, "moved_worse": 4_500.0,
        "rate": pytest.approx(4_500 / 13_700),
    }  # fmt: skip
    assert rates["special_mention"]["rate"] == pytest.approx(4_000 / 4_000)
    # substandard: D left in full, nothing remains to migrate
    assert rates["substandard"]["reduced"] == 3_000.0 and rates["substandard"]["rate"] is None
    assert rates["doubtful"]["rate"] == pytest.approx(1.0)  # E now loss
    # 正常贷款迁徙率: normal + special mention cohorts, now NPL: only C (B is special mention)
    assert rates["normal_loans"]["rate"] == pytest.approx(4_000 / (19_000 - 1_300))


def test_the_worked_example_of_domain_six() -> None:
    """正常 cohort 10,000 at the start, 800 repaid, 900 now 关注 or worse: 900 / 9,200."""
    start = loans([("P", 9_100, "normal", "normal"), ("Q", 900, "normal", "normal")])
    end = loans([("P", 8_300, "normal", "normal"), ("Q", 900, "special_mention", "normal")])
    assert round(migration(start, end).rates["normal"]["rate"], 4) == 0.0978


def test_the_class_matrix_counts_gone_loans_and_leaves_new_ones_out() -> None:
    matrix = migration(START, END).matrix
    cells = {(r.from_class, r.to_class): (r.loans, r.start_balance, r.end_balance)
             for r in matrix.itertuples()}  # fmt: skip
    assert cells == {
        ("normal", "normal"): (1, 10_000.0, 9_200.0),
        ("normal", "special_mention"): (1, 5_000.0, 4_500.0),
        ("special_mention", "substandard"): (1, 4_000.0, 4_000.0),
        ("substandard", "gone"): (1, 3_000.0, 0.0),
        ("doubtful", "loss"): (1, 2_000.0, 2_000.0),
        ("loss", "loss"): (1, 1_000.0, 1_000.0),
    }


def test_npl_ratio_on_both_bases_and_the_under_classified_balance() -> None:
    quality = size_and_quality(END)
    assert (quality["loans"], quality["balance"]) == (6, 27_700.0)
    # ledger: C 4,000 + E 2,000 + F 1,000 = 7,000; floor adds B 4,500 = 11,500
    assert quality["npl"] == {
        "ledger": {"balance": 7_000.0, "ratio": pytest.approx(7_000 / 27_700)},
        "floor": {"balance": 11_500.0, "ratio": pytest.approx(11_500 / 27_700)},
    }
    assert quality["under_classified"] == {"loans": 1, "balance": 4_500.0}


def test_provisions_against_the_reference_lines() -> None:
    quality = size_and_quality(END)
    rates = {"normal": 0.01, "special_mention": 0.02, "substandard": 0.25, "doubtful": 0.5,
             "loss": 1.0}  # fmt: skip
    # 16,200 x 1% + 4,500 x 2% + 4,000 x 25% + 3,000 x 100% = 162 + 90 + 1,000 + 3,000
    found = provisions(quality["by_class"], rates, 27_700.0, 7_000.0, held=None)
    assert found["required"] == 4_252.0
    assert found["loan_provision_ratio"] == pytest.approx(4_252 / 27_700)
    assert found["coverage_ratio"] == pytest.approx(4_252 / 7_000)
    held = provisions(quality["by_class"], rates, 27_700.0, 7_000.0, held=10_500.0)
    assert held["coverage_ratio"] == pytest.approx(1.5)


book = st.lists(
    st.tuples(st.integers(0, 40), st.floats(0, 1e6, allow_nan=False),
              st.sampled_from(RISK_CLASSES), st.booleans(), st.floats(0, 1.2),
              st.sampled_from(RISK_CLASSES)),
    min_size=1, max_size=60, unique_by=lambda r: r[0],
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(book)
def test_every_start_loan_lands_in_exactly_one_cell(rows: list[tuple]) -> None:
    start = loans([(f"L{r[0]}", round(r[1], 2), r[2], r[2]) for r in rows])
    end = loans([(f"L{r[0]}", round(r[1] * r[4], 2), r[5], r[5]) for r in rows if r[3]])
    matrix = migration(start, end).matrix
    assert matrix["loans"].sum() == len(start)
    assert matrix["start_balance"].sum() == pytest.approx(start["balance"].sum(), abs=0.01)
    kept = matrix[matrix["to_class"] != "gone"]["end_balance"].sum()
    assert kept == pytest.approx(end["balance"].sum(), abs=0.01)
