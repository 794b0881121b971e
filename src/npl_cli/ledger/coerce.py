"""Turn text cells into dates, amounts, counts and identifiers, vectorised.

Ledger columns repeat values a lot (dates above all), so dates are parsed once per distinct
value and mapped back with the factorize codes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
MIN_DATE, MAX_DATE = pd.Timestamp("1900-01-01"), pd.Timestamp("2199-12-31")

_DATE_RE = r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT].*)?$"
_COMPACT_RE = r"^(\d{4})(\d{2})(\d{2})$"
_SERIAL_RE = r"^\d{1,5}(?:\.\d+)?$"
_AMOUNT_NOISE_RE = r"[,，\s¥￥元]|^RMB|^CNY"
_COUNT_NOISE_RE = r"[\s天次日]"

ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
ID_CHECK = "10X98765432"
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])


def clean_text(series: pd.Series) -> pd.Series:
    """Strip spaces; empty text becomes missing."""
    stripped = series.astype("string").str.strip()
    return stripped.mask(stripped == "")


def clean_ids(series: pd.Series) -> pd.Series:
    """Identifiers as text. '20230001.0' (a whole number that went through a float, at most 15
    digits so nothing was lost) loses its '.0'; anything longer is left for the checks."""
    text = clean_text(series)
    return text.str.replace(r"^(\d{1,15})\.0+$", r"\1", regex=True)


def _parse_unique_dates(values: pd.Series) -> pd.Series:
    text = values.astype(str).str.strip()
    parts = text.str.extract(_DATE_RE)
    compact = text.str.extract(_COMPACT_RE)
    parts = parts.fillna(compact)
    numbers = parts.apply(pd.to_numeric, errors="coerce")
    numbers.columns = ["year", "month", "day"]
    parsed = pd.to_datetime(numbers, errors="coerce")
    serial = text.str.fullmatch(_SERIAL_RE).fillna(False).astype(bool)
    if serial.any():
        days = pd.to_numeric(text[serial], errors="coerce")
        parsed = parsed.where(~serial, EXCEL_EPOCH + pd.to_timedelta(np.floor(days), unit="D"))
    parsed = parsed.astype("datetime64[ns]")
    return parsed.where((parsed >= MIN_DATE) & (parsed <= MAX_DATE))


def parse_dates(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(dates, bad): bad marks cells with text that is not a date we can read."""
    text = clean_text(series)
    codes, uniques = pd.factorize(text)
    if len(uniques) == 0:
        empty = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
        return empty, pd.Series(False, index=series.index)
    parsed_unique = _parse_unique_dates(pd.Series(uniques)).to_numpy()
    taken = np.where(codes >= 0, parsed_unique[np.maximum(codes, 0)], np.datetime64("NaT"))
    dates = pd.Series(taken, index=series.index, dtype="datetime64[ns]")
    bad = pd.Series((codes >= 0) & pd.isna(taken), index=series.index)
    return dates, bad


def parse_amounts(series: pd.Series, factor: float = 1.0) -> tuple[pd.Series, pd.Series]:
    """(yuan, bad). Numbers or text with thousands separators, ¥, 元, spaces, or a 万 suffix."""
    text = clean_text(series)
    values = pd.to_numeric(text, errors="coerce").astype("float64")
    unparsed = values.isna() & text.notna()
    if unparsed.any():
        messy = text[unparsed].str.replace(_AMOUNT_NOISE_RE, "", regex=True)
        in_wan = messy.str.endswith("万").fillna(False).astype(bool)
        messy = messy.str.removesuffix("万")
        fixed = pd.to_numeric(messy, errors="coerce").astype("float64")
        values.loc[unparsed] = fixed.where(~in_wan, fixed * 10_000)
    bad = values.isna() & text.notna()
    return values * factor, bad


def parse_counts(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(whole numbers as nullable Int64, bad): '12', '12天', '3次'."""
    text = clean_text(series)
    numbers = pd.to_numeric(text.str.replace(_COUNT_NOISE_RE, "", regex=True), errors="coerce")
    numbers = numbers.astype("float64")
    whole = numbers.where(np.isfinite(numbers) & (numbers == np.floor(numbers)))
    bad = whole.isna() & text.notna()
    return whole.astype("Int64"), bad


# --- identifier checks -----------------------------------------------------------------------


def _digits_matrix(values: np.ndarray) -> np.ndarray:
    """18-character ASCII strings -> (n, 18) uint8 array of their bytes."""
    joined = "".join(values.tolist()).encode("ascii")
    return np.frombuffer(joined, dtype=np.uint8).reshape(-1, 18)


def resident_id_valid(values: np.ndarray) -> np.ndarray:
    """GB 11643-1999 check character of 18-character resident ID numbers."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    chars = _digits_matrix(values)
    body = chars[:, :17].astype(np.int64) - ord("0")
    expected = np.frombuffer(ID_CHECK.encode(), dtype=np.uint8)[(body * ID_WEIGHTS).sum(1) % 11]
    return np.asarray(chars[:, 17] == expected)


def credit_code_valid(values: np.ndarray) -> np.ndarray:
    """GB 32100-2015 check character of unified social credit codes."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    lookup = np.full(256, -1, dtype=np.int64)
    for position, char in enumerate(CREDIT_ALPHABET):
        lookup[ord(char)] = position
    codes = lookup[_digits_matrix(values)]
    if (codes < 0).any():
        valid_chars = (codes >= 0).all(axis=1)
    else:
        valid_chars = np.ones(len(codes), dtype=bool)
    check = (31 - (codes[:, :17] * CREDIT_WEIGHTS).sum(1) % 31) % 31
    return np.asarray(valid_chars & (codes[:, 17] == check))


def id_findings(series: pd.Series) -> pd.Series:
    """Per cell: None when fine (or not an ID/credit code), else a warning message."""
    codes, uniques = pd.factorize(series)
    text = pd.Series(uniques, dtype="string").str.upper()
    messages = pd.Series(None, index=text.index, dtype="object")
    destroyed = text.str.fullmatch(r"\d(?:\.\d+)?E\+?\d+") | text.str.fullmatch(r"\d{16,}\.\d*")
    eighteen = (text.str.len() == 18) & text.str.fullmatch(r"[0-9A-Z]{18}")
    eighteen = eighteen.fillna(False).astype(bool) & ~destroyed.fillna(False).astype(bool)
    shaped_id = eighteen & text.str.fullmatch(r"\d{17}[\dX]").fillna(False).astype(bool)
    candidates = text[eighteen].to_numpy(dtype=str)
    id_ok = np.zeros(len(text), dtype=bool)
    credit_ok = np.zeros(len(text), dtype=bool)
    id_ok[eighteen.to_numpy()] = resident_id_valid(candidates) & shaped_id[eighteen].to_numpy()
    credit_ok[eighteen.to_numpy()] = credit_code_valid(candidates)
    lost_digits = (
        shaped_id & text.str.endswith("000").fillna(False).astype(bool) & ~id_ok & ~credit_ok
    )
    destroyed = destroyed.fillna(False).astype(bool) | lost_digits
    invalid = eighteen & ~id_ok & ~credit_ok & ~lost_digits
    messages[destroyed.to_numpy()] = (
        "digits lost: Excel turned this ID into a number; recover it from the core system "
        "(do not repair by hand)"
    )
    messages[(invalid & shaped_id).to_numpy()] = "resident ID check digit does not match"
    messages[(invalid & ~shaped_id).to_numpy()] = "credit code check character does not match"
    taken = messages.to_numpy()[np.maximum(codes, 0)]
    return pd.Series(np.where(codes >= 0, taken, None), index=series.index, dtype="object")
