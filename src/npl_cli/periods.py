"""Calendar arithmetic of the Civil Code (Arts 200-203), vectorised over whole columns.

A period of N months or years after a day ends on the same-numbered day of the final month, or on
that month's last day when it has no such day: 2020-02-29 + 3 years -> 2023-02-28,
2023-08-31 + 6 months -> 2024-02-29.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

NAT = np.datetime64("NaT", "ns")


def as_days(dates: np.ndarray | pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Any datetime-like column as datetime64[D] (NaT kept)."""
    values = np.asarray(dates, dtype="datetime64[ns]")
    return values.astype("datetime64[D]")


_MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def add_months(dates: np.ndarray | pd.Series, months: int | np.ndarray) -> np.ndarray:
    """`dates` plus whole months, clamped to the month's last day; NaT stays NaT."""
    days = np.asarray(dates, dtype="datetime64[ns]").astype("datetime64[D]")
    if np.ndim(months) == 0 and days.size > 4096:
        return _add_months_by_table(days, int(months)).astype("datetime64[ns]")
    return _add_months(days, months).astype("datetime64[ns]")


def _add_months(days: np.ndarray, months: int | np.ndarray) -> np.ndarray:
    """The calendar rule on datetime64[D] (NaT arithmetic propagates, so no masking)."""
    month_start = days.astype("datetime64[M]")
    day_of_month = (days - month_start).astype(np.int64)  # 0-based
    target = month_start + np.asarray(months, dtype=np.int64)
    months_since_1970 = target.astype(np.int64)
    year = months_since_1970 // 12 + 1970
    month = months_since_1970 - (months_since_1970 // 12) * 12  # 0-based
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    length = _MONTH_DAYS[month] + (leap & (month == 1))
    return target.astype("datetime64[D]") + np.minimum(day_of_month, length - 1)


def _add_months_by_table(days: np.ndarray, months: int) -> np.ndarray:
    return by_distinct_day(days, lambda day: _add_months(day, months))


def by_distinct_day(days: np.ndarray, compute: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """`compute` (datetime64[D] -> datetime64[D]) for a long column that spans few distinct
    days: compute each day of its range once, then look every row up (several times faster
    than calendar conversions per row). NaT stays NaT."""
    valid = ~np.isnat(days)
    if not valid.any():
        return days
    ordinal = days.view(np.int64)
    low, high = int(ordinal[valid].min()), int(ordinal[valid].max())
    if high - low >= days.size:
        out = np.full(days.shape, np.datetime64("NaT", "D"))
        out[valid] = compute(days[valid])
        return out
    table = compute(np.arange(low, high + 1).astype("datetime64[D]"))
    looked_up = table[np.where(valid, ordinal - low, 0)]
    return np.where(valid, looked_up, np.datetime64("NaT", "D"))


def add_years(dates: np.ndarray | pd.Series, years: int | np.ndarray) -> np.ndarray:
    return add_months(dates, np.asarray(years, dtype=np.int64) * 12)


def date_column(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A frame's date column as a writable datetime64[ns] array (all NaT when absent)."""
    if column not in frame:
        return np.full(len(frame), NAT)
    return np.asarray(frame[column], dtype="datetime64[ns]").copy()


def days_between(later: np.ndarray, earlier: np.datetime64 | np.ndarray) -> np.ndarray:
    """Whole days from `earlier` to `later` as float (NaN where either is NaT)."""
    delta = as_days(later) - np.asarray(earlier, dtype="datetime64[ns]").astype("datetime64[D]")
    out = delta.astype(np.float64)
    out[np.isnat(delta)] = np.nan
    return out


@dataclass(frozen=True)
class RestCalendar:
    """Days off in China: the State Council's announced calendar (holidays and make-up working
    weekend days, 调休) for the years the chinese-calendar package covers, and beyond them the
    statutory holidays computed by rule (元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆) by the
    holidays package. Weekends are rest days unless announced as make-up working days."""

    holidays: np.ndarray  # datetime64[D], sorted
    makeup_workdays: np.ndarray  # datetime64[D], sorted
    announced: tuple[int, int]  # first and last year of the announced calendar (0, 0: none)
    by_rule: tuple[int, int]  # the years filled in by rule

    def rest(self, days: np.ndarray) -> np.ndarray:
        """Whether each datetime64[D] day is a rest day (weekend or holiday, not 调休)."""
        weekend = ~np.is_busday(days, weekmask="1111100")
        makeup = np.isin(days, self.makeup_workdays)
        return (weekend & ~makeup) | np.isin(days, self.holidays)

    def note(self, lang: str = "en") -> str:
        first, last = self.announced
        if lang == "zh":
            return (
                f"最迟办理日与法定最后一日按国务院公布的{first}–{last}年节假日安排（含调休）计算，"
                f"其后年份按法定节日规则推算（元旦、春节、清明、劳动节、端午、中秋、国庆）"
            )
        return (
            f"act-by and last-day dates use the State Council's announced holidays and make-up "
            f"working days for {first}–{last}, and the statutory holidays by rule (New Year, "
            "Spring Festival, Qingming, Labour Day, Dragon Boat, Mid-Autumn, National Day) for "
            "other years"
        )


RULE_YEARS = (1990, 2200)  # years outside the announced calendar that get holidays by rule


@lru_cache(maxsize=1)
def rest_calendar() -> RestCalendar:
    import datetime as dt

    import chinese_calendar
    import holidays as holiday_rules

    announced = sorted(chinese_calendar.holidays)
    first, last = announced[0].year, announced[-1].year
    outside = [y for y in range(RULE_YEARS[0], RULE_YEARS[1] + 1) if not first <= y <= last]
    # only the statutory days themselves: substitutes are announced year by year and are not
    # known in advance (observed=False; the names follow the locale, so never filter on them)
    computed: list[dt.date] = list(holiday_rules.China(years=outside, observed=False))
    days = np.unique(np.array(announced + computed, dtype="datetime64[D]"))
    makeup = np.array(sorted(chinese_calendar.workdays), dtype="datetime64[D]")
    makeup = makeup[~np.is_busday(makeup, weekmask="1111100")]  # weekend days worked only
    return RestCalendar(days, makeup, (first, last), RULE_YEARS)


def _roll_to_working_day(dates: np.ndarray, *, forward: bool) -> np.ndarray:
    """Each date itself when it is a working day, else the nearest working day after it
    (forward) or before it (backward). One pass over the span of the column's days."""
    days = as_days(dates)
    valid = ~np.isnat(days)
    if not valid.any():
        return days.astype("datetime64[ns]")
    ordinal = days.view(np.int64)
    low, high = int(ordinal[valid].min()) - 40, int(ordinal[valid].max()) + 40
    span = np.arange(low, high + 1).astype("datetime64[D]")
    working = ~rest_calendar().rest(span)
    index = np.arange(len(span))
    if forward:
        pick = np.minimum.accumulate(np.where(working, index, len(span) - 1)[::-1])[::-1]
    else:
        pick = np.maximum.accumulate(np.where(working, index, 0))
    out = span[pick[np.where(valid, ordinal - low, 0)]]
    return np.where(valid, out, np.datetime64("NaT", "D")).astype("datetime64[ns]")


def act_by(deadlines: np.ndarray) -> np.ndarray:
    """The safe date to act by: the last working day on or before each nominal deadline
    (weekends and holidays passed over; make-up working days count as working days)."""
    return _roll_to_working_day(deadlines, forward=False)


def legal_last_day(deadlines: np.ndarray) -> np.ndarray:
    """Civil Code Art 203: a period whose last day is a rest day ends on the first working day
    after the rest; an act on that day is in time. Equal to the deadline on a working day."""
    return _roll_to_working_day(deadlines, forward=True)
