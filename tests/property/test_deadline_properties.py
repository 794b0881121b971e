"""Invariants of the calendar and of the limitation clock, on random dates."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from npl_cli.config import defaults
from npl_cli.deadlines import EVENT_COLUMNS, compute_deadlines
from npl_cli.periods import act_by, add_months, legal_last_day, rest_calendar
from npl_cli.settings import deadline_settings

DAYS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31))
AS_OF = pd.Timestamp("2026-11-30")
SETTINGS = deadline_settings(defaults()["deadlines"])


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


# acts and the evidence they may carry; the revival acts are the debtor's written agreement to
# perform and the debtor's signature on a demand (Art 192; SPC limitation provisions 2020 Art 19)
LATE_ACTS = st.sampled_from(
    [
        ("payment", None), ("suit", None), ("arbitration", None), ("demand", "签收"),
        ("demand", "短信已达"), ("demand", "退回"), ("demand", "公告"), ("demand", None),
        ("demand", "借款人签字"), ("promise", "电话"), ("promise", None), ("promise", "书面"),
        ("acknowledgment", "口头"), ("acknowledgment", "盖章确认"), ("repayment_plan", "书面"),
    ]
)  # fmt: skip
REVIVING = {("demand", "借款人签字"), ("promise", "书面"), ("acknowledgment", "盖章确认"),
            ("repayment_plan", "书面")}  # fmt: skip
OLD_LOANS = st.dates(min_value=dt.date(2008, 1, 1), max_value=dt.date(2022, 12, 31))


@settings(max_examples=40, deadline=None)
@given(
    loans=st.lists(
        st.tuples(OLD_LOANS, st.lists(st.tuples(LATE_ACTS, st.integers(1, 3_000)), max_size=4)),
        min_size=1,
        max_size=25,
    )
)
def test_acts_after_expiry_leave_a_claim_expired_unless_one_revives_it(
    loans: list[tuple[dt.date, list[tuple[tuple[str, str | None], int]]]],
) -> None:
    """Art 195 interrupts only a running period: for any loan whose every act came after its
    expiry (the legal last day), the claim is never reported ok or due — unless one of those
    acts revives it (Art 192): then it is marked revived, and alive while its new period runs
    (a revival before 2017-10-01 ran the old 2 years, and may have expired again)."""
    frame = pd.DataFrame({
        "loan_id": [f"L{i}" for i in range(len(loans))],
        "balance": 1.0,
        "maturity_date": pd.to_datetime([maturity for maturity, _ in loans]),
    })  # fmt: skip
    bare = compute_deadlines(frame, as_of=AS_OF, settings=SETTINGS).table
    last_day = bare.set_index("loan")["last_day"]
    rows: list[tuple[str, None, str, pd.Timestamp, str | None]] = []
    revived: dict[int, pd.Timestamp] = {}
    for i, (_, acts) in enumerate(loans):
        for (kind, evidence), after in acts:
            day = last_day[i] + pd.Timedelta(days=after)
            if day > AS_OF:
                continue  # not yet happened: counts for nothing
            rows.append((f"L{i}", None, kind, day, evidence))
            if (kind, evidence) in REVIVING:
                revived[i] = max(day, revived.get(i, day))
    events = pd.DataFrame(rows, columns=EVENT_COLUMNS).astype({"date": "datetime64[ns]"})
    table = compute_deadlines(frame, events, as_of=AS_OF, settings=SETTINGS).table
    claims = table[table["kind"].astype(str) == "claim_limitation"].set_index("loan")
    for i in range(len(loans)):
        status = str(claims.loc[i, "status"])
        if i in revived:
            assert not np.isnat(claims["revived_on"].to_numpy()[claims.index.get_loc(i)])
            if revived[i] > AS_OF - pd.DateOffset(years=3):  # the new period still runs
                # (a suit after the revival is in time: then the suit is pending)
                assert status in ("ok", "due", "in_litigation"), (i, loans[i])
        else:
            assert status == "expired", (i, loans[i])
