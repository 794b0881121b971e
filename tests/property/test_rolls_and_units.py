"""Invariants of roll rates (every loan in one cell) and of unit conversion (exact to the fen)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from npl_cli.config import load_settings
from npl_cli.ledger.coerce import in_yuan
from npl_cli.pipeline import GONE, roll_rates

START, END = pd.Timestamp("2026-09-30"), pd.Timestamp("2026-10-31")
SINCE = st.one_of(st.none(), st.dates(dt.date(2010, 1, 1), dt.date(2026, 9, 30)))
LOAN = st.tuples(SINCE, st.floats(0, 1e7, allow_nan=False), st.booleans(), SINCE)


def _frame(ids: list[str], since: list[dt.date | None], balance: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "loan_id": ids,
            "balance": balance,
            "overdue_since": pd.to_datetime(pd.Series(since, dtype=object)),
            "maturity_date": pd.Timestamp("2030-01-01"),
        }
    )


@given(loans=st.lists(LOAN, min_size=1, max_size=40), new=st.integers(0, 5))
def test_every_earlier_loan_is_in_exactly_one_cell(
    loans: list[tuple[dt.date | None, float, bool, dt.date | None]], new: int
) -> None:
    ids = [f"L{i}" for i in range(len(loans))]
    earlier = _frame(ids, [s for s, _, _, _ in loans], [b for _, b, _, _ in loans])
    kept = [i for i, (_, _, stays, _) in enumerate(loans) if stays]
    later = _frame(
        [ids[i] for i in kept] + [f"N{j}" for j in range(new)],
        [loans[i][3] for i in kept] + [None] * new,
        [loans[i][1] for i in kept] + [1.0] * new,
    )
    result = roll_rates(earlier, later, load_settings(None), start=START, end=END)
    rows = result.rows
    assert rows["loans"].sum() == len(loans)
    assert rows.loc[rows["to_band"] == GONE, "loans"].sum() == len(loans) - len(kept)
    assert np.isclose(rows["balance"].sum(), round(sum(b for _, b, _, _ in loans), 2), atol=0.05)
    for _, band in rows.groupby("from_band"):
        assert np.isclose(band["loan_share"].sum(), 1.0, atol=1e-3)
    assert (result.new_loans, result.new_balance) == (new, float(new))


# A unit, and the most decimals a figure in it can have and still be whole fen (and few
# enough digits in all for a float to hold them exactly).
UNITS = st.sampled_from([(1_000, 5, 10**8), (10_000, 6, 10**8), (100_000_000, 10, 10**4)])


@given(unit=UNITS, data=st.data())
def test_a_unit_converts_to_the_exact_fen(unit: tuple[int, int, int], data: st.DataObject) -> None:
    factor, places, largest = unit
    amount = data.draw(st.decimals(min_value=0, max_value=largest, places=places))
    exact = amount * factor  # whole fen by construction
    assert in_yuan(np.array([float(amount)]), float(factor))[0] == float(exact)
