"""The date a ledger is of, as its title row or file name says it: 截至2026年10月31日,
2026年10月末, 2026-10-31, 20261031, 202610. A month alone means its last day."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

_YEAR = r"(?<!\d)((?:19|20)\d\d)"
_DAYS = [
    re.compile(_YEAR + r"年(\d{1,2})月(\d{1,2})日"),
    re.compile(_YEAR + r"([-/.])(\d{1,2})\2(\d{1,2})(?!\d)"),
    re.compile(_YEAR + r"(\d{2})(\d{2})(?!\d)"),
]
_MONTHS = [
    re.compile(_YEAR + r"年(\d{1,2})月"),
    re.compile(_YEAR + r"[-/.](\d{1,2})(?![-/.\d])"),
    re.compile(_YEAR + r"(\d{2})(?!\d)"),
]


@dataclass(frozen=True)
class OwnDate:
    """The ledger's own date and where it was read."""

    day: pd.Timestamp
    where: str  # "title" or "name"
    text: str  # what it was read from


def date_in(text: str) -> pd.Timestamp | None:
    """The first date, else the first month (its last day), the text names; None when it
    names none (an impossible day such as 2026-02-30 names none)."""
    for pattern in _DAYS:
        match = pattern.search(text)
        if match:
            year, month, day = (int(g) for g in match.groups() if g not in "-/.")
            try:
                return pd.Timestamp(year, month, day)
            except ValueError:
                return None
    for pattern in _MONTHS:
        match = pattern.search(text)
        if match and 1 <= int(match.group(2)) <= 12:
            return pd.Timestamp(int(match.group(1)), int(match.group(2)), 1) + pd.offsets.MonthEnd(
                0
            )
    return None


def own_date(title: Iterable[str], name: str) -> OwnDate | None:
    """The date of the title rows above the header, else of the file name."""
    for line in title:
        day = date_in(line)
        if day is not None:
            return OwnDate(day, "title", line)
    stem = name.rsplit(".", 1)[0]
    day = date_in(stem)
    return OwnDate(day, "name", name) if day is not None else None
