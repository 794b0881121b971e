"""Invariants of the calendar and of the limitation clock, on random dates."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from npl_cli.deadlines import EVENT_COLUMNS, compute_deadlines
from npl_cli.periods import add_months

DAYS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31))
AS_OF = pd.Timestamp("2026-11-30")


@given(days=st.lists(DAYS, min_size=1, max_size=50), months=st.integers(-240, 480))
def test_add_months_matches_relativedelta(days: list[dt.date], months: int) -> None:
    ours = add_months(np.array(days, dtype="datetime64[ns]"), months)
    expected = [d + relativedelta(months=months) for d in days]
    assert [pd.Timestamp(v).date() for v in ours] == expected


def _claim(maturity: dt.date, acts: list[tuple[str, dt.date]]) -> pd.Series:
    frame = pd.DataFrame(
        {"loan_id": ["L1"], "balance": [1.0], "maturity_date": pd.to_datetime([maturity])}
    )
    events = pd.DataFrame(
        [("L1", None, kind, pd.Timestamp(day), "签收") for kind, day in acts], columns=EVENT_COLUMNS
    ).astype({"date": "datetime64[ns]"})
    table = compute_deadlines(frame, events, as_of=AS_OF).table
    return table[table["kind"].astype(str) == "claim_limitation"].iloc[0]


ACTS = st.lists(
    st.tuples(st.sampled_from(["payment", "demand", "acknowledgment"]), DAYS), max_size=6
)


@settings(max_examples=150, deadline=None)
@given(maturity=DAYS, acts=ACTS)
def test_no_deadline_before_its_start(maturity: dt.date, acts: list[tuple[str, dt.date]]) -> None:
    row = _claim(maturity, acts)
    assert row["deadline"] > pd.Timestamp(maturity)
    assert row["deadline"] <= pd.Timestamp(maturity) + pd.DateOffset(years=20)


@settings(max_examples=150, deadline=None)
@given(maturity=DAYS, acts=ACTS, extra=st.tuples(st.sampled_from(["payment", "demand"]), DAYS))
def test_an_interruption_never_makes_a_deadline_earlier(
    maturity: dt.date, acts: list[tuple[str, dt.date]], extra: tuple[str, dt.date]
) -> None:
    without = _claim(maturity, acts)["deadline"]
    with_extra = _claim(maturity, [*acts, extra])["deadline"]
    assert with_extra >= without
