"""Invariants of the calendar and of the limitation clock, on random dates."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from npl_cli.config import defaults
from npl_cli.deadlines import EVENT_COLUMNS, DeadlineSettings, compute_deadlines
from npl_cli.periods import act_by, add_months, legal_last_day, rest_calendar

DAYS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31))
AS_OF = pd.Timestamp("2026-11-30")
SETTINGS = DeadlineSettings.from_config(defaults()["deadlines"])


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
    table = compute_deadlines(frame, events, as_of=AS_OF, settings=SETTINGS).table
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


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), months=st.integers(-240, 480), span=st.integers(1, 40_000))
def test_long_columns_take_the_lookup_path_to_the_same_dates(
    seed: int, months: int, span: int
) -> None:
    rng = np.random.default_rng(seed)
    days = np.datetime64("1995-01-01", "D") + rng.integers(0, span, 10_000)
    dates = days.astype("datetime64[ns]")
    dates[rng.random(10_000) < 0.1] = np.datetime64("NaT")
    expected = [
        None if pd.isna(d) else (pd.Timestamp(d) + relativedelta(months=months)).date()
        for d in dates[:300]
    ]
    shifted = add_months(dates, months)  # over 4,096 rows: one computation per distinct day
    assert [None if pd.isna(v) else pd.Timestamp(v).date() for v in shifted[:300]] == expected
    assert (shifted[300:] == add_months(dates[300:], np.full(9_700, months)))[
        ~np.isnat(dates[300:])
    ].all()
    assert np.isnat(shifted).sum() == np.isnat(dates).sum()


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_act_by_on_a_long_column_matches_it_row_by_row(seed: int) -> None:
    rng = np.random.default_rng(seed)
    days = np.datetime64("2016-01-01", "D") + rng.integers(0, 4_000, 6_000)
    deadlines = days.astype("datetime64[ns]")
    deadlines[rng.random(6_000) < 0.1] = np.datetime64("NaT")
    whole = act_by(deadlines)  # over 4,096 rows: one computation per distinct day
    in_pieces = np.concatenate([act_by(deadlines[i : i + 1_000]) for i in range(0, 6_000, 1_000)])
    assert np.array_equal(whole, in_pieces, equal_nan=True)
    working = ~np.isnat(whole)
    assert (whole[working] <= deadlines[working]).all()
    assert not rest_calendar().rest(whole[working].astype("datetime64[D]")).any()
    last = legal_last_day(deadlines)
    assert (last[working] >= deadlines[working]).all()
    assert not rest_calendar().rest(last[working].astype("datetime64[D]")).any()
