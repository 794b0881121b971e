"""Calendar arithmetic of the Civil Code (Arts 200-203), vectorised over whole columns.

A period of N months or years after a day ends on the same-numbered day of the final month, or on
that month's last day when it has no such day: 2020-02-29 + 3 years -> 2023-02-28,
2023-08-31 + 6 months -> 2024-02-29.
"""

from __future__ import annotations

from collections.abc import Callable
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


@lru_cache(maxsize=1)
def holiday_calendar() -> tuple[np.ndarray, int]:
    """Chinese statutory holidays known to the chinese-calendar package, and the last year it
    covers. Without the package: no holidays (weekends only)."""
    try:
        import chinese_calendar
    except ImportError:  # pragma: no cover - the package is a dependency
        return np.array([], dtype="datetime64[D]"), 0
    days = sorted(chinese_calendar.holidays)
    return np.array(days, dtype="datetime64[D]"), max(day.year for day in days)


def act_by(deadlines: np.ndarray) -> np.ndarray:
    """The last working day on or before each deadline: weekends and (where the calendar package
    covers the year) statutory holidays are passed over. Working Saturdays (调休) are treated as
    days off, which only ever moves the date earlier: the safe side."""
    holidays, _ = holiday_calendar()

    def last_working_day(days: np.ndarray) -> np.ndarray:
        return np.busday_offset(days, 0, roll="backward", holidays=holidays)

    return by_distinct_day(as_days(deadlines), last_working_day).astype("datetime64[ns]")
