"""Reading a guarantee contract's own words: the agreed period (保证期间) and the mode of
each guarantor (保证方式). Each distinct wording is read once, in Python; the results are
spread over the rows by code."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from npl_cli.schema import NAME_SEPARATORS

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}  # fmt: skip
# an end date in any form the ledger reader accepts: 2027年3月31日, 2027-07-30, 2027/6/30,
# 2027.06.30, 20270630 (with or without 至/到/止/届满 around it)
_DATE_RE = re.compile(
    r"(?<!\d)(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})(?!\d)"
    r"|(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)"
)
_NUMBER = r"[0-9]+(?:\.[0-9]+)?|[零一二两三四五六七八九十]+|半"
_DURATION_RE = re.compile(
    rf"({_NUMBER})\s*(年半|个半月|年|个月|月|日|天|years?|months?|days?)", re.IGNORECASE
)
GUARANTOR_SEPARATORS = NAME_SEPARATORS


@dataclass(frozen=True)
class Period:
    """One agreed period: form is 'none', 'months' (months and days), 'until_paid', 'date'
    (an end date) or 'unreadable'."""

    form: str
    months: int = 0
    days: int = 0
    end: dt.date | None = None


def _number(text: str) -> float:
    if text == "半":
        return 0.5
    if text[0].isdigit():
        return float(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + _CN_DIGITS.get(ones, 0)
    return _CN_DIGITS.get(text, 0)


def _end_date(text: str) -> Period | None:
    """The end date the text holds (an unreadable Period when it is no real day), or None
    when it holds no date."""
    found = _DATE_RE.search(text)
    if not found:
        return None
    parts = found.groups()[:3] if found[1] else found.groups()[3:]
    try:
        return Period("date", end=dt.date(*(int(part) for part in parts)))
    except ValueError:
        return Period("unreadable")


def parse_guarantee_period(text: str, until_paid_words: Sequence[str]) -> Period:
    """What one agreed period says. An end date is an end date (never a number of years);
    "until paid" wordings are until_paid; `2年`, `两年`, `六个月`, `18个月`, `一年半` are
    lengths."""
    cleaned = text.strip()
    if not cleaned:
        return Period("none")
    dated = _end_date(cleaned)
    if dated is not None:
        return dated
    if any(word.lower() in cleaned.lower() for word in until_paid_words):
        return Period("until_paid")
    months, days = 0.0, 0.0
    for number, unit in _DURATION_RE.findall(cleaned):
        n, unit = _number(number), unit.lower()
        if unit in ("年半", "个半月"):
            months += n * 12 + 6 if unit == "年半" else n + 0.5
        elif unit in ("年", "year", "years"):
            months += n * 12
        elif unit in ("日", "天", "day", "days"):
            days += n
        else:
            months += n
    whole = int(months)
    days += round((months - whole) * 30)  # half a month: 15 days
    if whole or days:
        return Period("months", whole, int(days))
    return Period("unreadable")


@dataclass(frozen=True)
class Modes:
    """One 保证方式 cell: a mode per named guarantor (`张三:连带;李四:一般`), per position in the
    保证人 cell (`连带、一般`), or one wording for everyone (`whole`)."""

    whole: str
    named: dict[str, str]
    positional: tuple[str, ...]


def split_modes(text: str) -> Modes:
    parts = [p.strip() for p in re.split(GUARANTOR_SEPARATORS, text) if p.strip()]
    named: dict[str, str] = {}
    positional: list[str] = []
    for part in parts:
        name, colon, word = part.replace("：", ":").partition(":")
        if colon:
            named[name.strip()] = word.strip()
        else:
            positional.append(part)
    if named:
        return Modes(text, named, ())
    return Modes(text, {}, tuple(positional) if len(positional) > 1 else ())
