"""Calendar arithmetic of the Civil Code (Arts 200-203), vectorised over whole columns.

A period of N months or years after a day ends on the same-numbered day of the final month, or on
that month's last day when it has no such day: 2020-02-29 + 3 years -> 2023-02-28,
2023-08-31 + 6 months -> 2024-02-29.
"""

from __future__ import annotations

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
    """`dates` plus whole months, clamped to the month's last day; NaT stays NaT (NaT
    arithmetic propagates, so no masking is needed)."""
    days = np.asarray(dates, dtype="datetime64[ns]").astype("datetime64[D]")
    month_start = days.astype("datetime64[M]")
    day_of_month = (days - month_start).astype(np.int64)  # 0-based
    target = month_start + np.asarray(months, dtype=np.int64)
    months_since_1970 = target.astype(np.int64)
    year = months_since_1970 // 12 + 1970
    month = months_since_1970 - (months_since_1970 // 12) * 12  # 0-based
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    length = _MONTH_DAYS[month] + (leap & (month == 1))
    return (target.astype("datetime64[D]") + np.minimum(day_of_month, length - 1)).astype(
        "datetime64[ns]"
    )


def add_years(dates: np.ndarray | pd.Series, years: int | np.ndarray) -> np.ndarray:
    return add_months(dates, np.asarray(years, dtype=np.int64) * 12)


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
    days = as_days(deadlines)
    missing = np.isnat(days)
    holidays, _ = holiday_calendar()
    safe = np.where(missing, np.datetime64("2000-01-03", "D"), days)
    rolled = np.busday_offset(safe, 0, roll="backward", holidays=holidays)
    return np.where(missing, np.datetime64("NaT", "D"), rolled).astype("datetime64[ns]")
