"""Turn text cells (Arrow string arrays) into dates, amounts, counts and identifiers.

Everything is vectorised with pyarrow.compute. Dates and counts repeat a lot in a ledger, so
they are parsed once per distinct value (dictionary encoding) and mapped back by index.
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
MIN_DATE, MAX_DATE = pd.Timestamp("1900-01-01"), pd.Timestamp("2199-12-31")

_DATE_RE = r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?(?:[\sT].*)?$"
_COMPACT_RE = r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"
_SERIAL_RE = r"^\d{1,5}(?:\.\d+)?$"
_AMOUNT_NOISE_RE = r"[\s\x{3000}¥￥]|^RMB|^CNY"
_COUNT_NOISE_RE = r"[\s天次日]"

ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
ID_CHECK = "10X98765432"
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
DIGITS_LOST = (
    "digits lost: Excel turned this ID into a number; recover it from the core system "
    "(do not repair by hand)"
)

Strings: TypeAlias = pa.Array | pa.ChunkedArray


def as_strings(values: Strings | pd.Series) -> pa.ChunkedArray:
    if isinstance(values, pd.Series):
        values = pa.array(values.astype("object").where(values.notna(), None), type=pa.string())
    if isinstance(values, pa.Array):
        values = pa.chunked_array([values])
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        values = pc.cast(values, pa.string())
    return values


def trim(values: Strings | pd.Series) -> pa.ChunkedArray:
    """Strip white space (Unicode, so full-width spaces too); empty text becomes null."""
    values = as_strings(values)
    trimmed = pc.utf8_trim_whitespace(values)
    lengths = pc.binary_length(trimmed)
    changed = pc.sum(lengths).as_py() != pc.sum(pc.binary_length(values)).as_py()
    if changed or pc.min(lengths).as_py() == 0:
        empty = pc.equal(lengths, 0)
        trimmed = pc.if_else(empty, pa.scalar(None, pa.string()), trimmed)
    return trimmed


def to_series(values: pa.ChunkedArray) -> pd.Series:
    """Text as pandas holds it (large_string), in one chunk: later takes, scans and the
    workspace's inserts run faster on one chunk than on the reader's many blocks."""
    return pa.chunked_array([values.cast(pa.large_string()).combine_chunks()]).to_pandas()


def _encode(values: pa.ChunkedArray) -> tuple[pa.Array, np.ndarray]:
    """Distinct values and each cell's index into them (-1 for null)."""
    encoded = pc.dictionary_encode(values).combine_chunks()
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
    return encoded.dictionary, codes.astype(np.int64)


def _dictionary(values: pa.ChunkedArray) -> tuple[pd.Series, np.ndarray]:
    uniques, codes = _encode(values)
    return uniques.to_pandas(), codes


def ymd_to_dates(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """datetime64[ns] from whole-number arrays (NaN allowed); impossible dates become NaT."""
    valid = ~(np.isnan(year) | np.isnan(month) | np.isnan(day))
    valid &= (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
    y = np.where(valid, year, 1970).astype(np.int64)
    m = np.where(valid, month, 1).astype(np.int64)
    d = np.where(valid, day, 1).astype(np.int64)
    months = (y - 1970) * 12 + (m - 1)
    first = months.astype("datetime64[M]").astype("datetime64[D]")
    dates = first + (d - 1).astype("timedelta64[D]")
    same_month = dates.astype("datetime64[M]") == months.astype("datetime64[M]")
    return np.where(valid & same_month, dates, np.datetime64("NaT")).astype("datetime64[ns]")


def _groups(text: pa.Array, pattern: str) -> list[np.ndarray]:
    found = pc.extract_regex(text, pattern)
    return [
        pc.cast(pc.struct_field(found, name), pa.float64()).to_numpy(zero_copy_only=False)
        for name in ("y", "m", "d")
    ]


def _parse_unique_dates(text: pa.Array) -> np.ndarray:
    year, month, day = _groups(text, _DATE_RE)
    compact = _groups(text, _COMPACT_RE)
    missing = np.isnan(year)
    year, month, day = (
        np.where(missing, c, v) for c, v in zip(compact, (year, month, day), strict=True)
    )
    parsed = ymd_to_dates(year, month, day)
    serial = np.asarray(
        pc.fill_null(pc.match_substring_regex(text, _SERIAL_RE), False).to_numpy(
            zero_copy_only=False
        ),
        dtype=bool,
    )
    if serial.any():
        # Excel serials from 61 (1900-03-01) on count from 1899-12-30; lower ones straddle
        # Excel's phantom 1900-02-29 and are no plausible ledger date anyway.
        days = np.floor(
            pc.cast(pc.filter(text, pa.array(serial)), pa.float64()).to_numpy(zero_copy_only=False)
        )
        dates = np.datetime64("1899-12-30") + days.astype("timedelta64[D]")
        parsed[serial] = np.where(days >= 61, dates, np.datetime64("NaT")).astype("datetime64[ns]")
    in_range = (parsed >= MIN_DATE.to_datetime64()) & (parsed <= MAX_DATE.to_datetime64())
    return np.where(in_range, parsed, np.datetime64("NaT")).astype("datetime64[ns]")


def parse_dates(values: Strings | pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(datetime64[ns] array, bad mask): ISO, 2023/5/3, 2023.05.03, 2023年5月3日, 20230503,
    'YYYY-MM-DD hh:mm:ss' from date cells, and Excel serial numbers."""
    uniques, codes = _encode(as_strings(values))
    uniques = pc.utf8_trim_whitespace(uniques)
    if len(uniques) == 0:
        return np.full(len(codes), np.datetime64("NaT"), "datetime64[ns]"), np.zeros(
            len(codes), bool
        )
    parsed = _parse_unique_dates(uniques)
    taken = np.where(codes >= 0, parsed[np.maximum(codes, 0)], np.datetime64("NaT"))
    bad = (codes >= 0) & np.isnat(taken)
    return taken.astype("datetime64[ns]"), bad


def parse_amounts(
    values: Strings | pd.Series, factor: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(yuan as float64, bad mask, own-unit mask): numbers, or text with thousands separators
    (1,234.56 — a grouping that is not in threes, as in 1.234,56 or 1,2,3, is bad), ¥, RMB,
    spaces, or a unit of its own (5万, 3亿, 50000元). `factor` converts the header's unit (万元 ->
    10,000); a cell's own unit wins over it, and is flagged where they differ. Infinite or
    too large values are bad."""
    values = as_strings(values)
    try:
        amounts = np.asarray(pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False))
        own_unit = np.zeros(len(amounts), dtype=bool)
        amounts = in_yuan(amounts, factor)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        amounts, own_unit = _messy_amounts(values, factor)
    # inf, 1e400, Infinity: no amount is that
    amounts = np.where(np.isfinite(amounts), amounts, np.nan).astype(np.float64)
    bad = np.isnan(amounts) & pc.is_valid(values).to_numpy(zero_copy_only=False)
    return amounts, bad, own_unit & ~bad


def in_yuan(amounts: np.ndarray, factor: float | np.ndarray) -> np.ndarray:
    """Amounts in a larger unit converted to yuan, to the fen: 12.3456 万元 is 123456.0 yuan,
    not the 123455.99999999999 that the float product gives."""
    if np.ndim(factor) == 0:
        return amounts if factor == 1 else np.round(amounts * factor, 2)
    return np.where(factor == 1, amounts, np.round(amounts * factor, 2))


_UNITS = (("亿元", 1e8), ("亿", 1e8), ("万元", 1e4), ("万", 1e4), ("千元", 1e3), ("元", 1.0))
_UNIT_SUFFIX = "(?:" + "|".join(word for word, _ in _UNITS) + ")$"
_GROUPED = r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$"


def _messy_amounts(values: pa.ChunkedArray, factor: float) -> tuple[np.ndarray, np.ndarray]:
    cleaned = pc.replace_substring_regex(values, _AMOUNT_NOISE_RE, "")
    cleaned = pc.replace_substring(cleaned, "，", ",")
    unit = np.full(len(cleaned), np.nan)
    for word, size in _UNITS:  # longest first: 万元 before 万 and 元
        ends = true_where(pc.ends_with(cleaned, word)) & np.isnan(unit)
        unit[ends] = size
    cleaned = pc.replace_substring_regex(cleaned, _UNIT_SUFFIX, "")
    grouped = true_where(pc.match_substring_regex(cleaned, _GROUPED))
    misgrouped = true_where(pc.match_substring(cleaned, ",")) & ~grouped
    cleaned = pc.replace_substring(cleaned, ",", "")
    numbers = pd.to_numeric(cleaned.to_pandas(), errors="coerce").to_numpy(dtype=np.float64)
    numbers = np.where(misgrouped, np.nan, numbers)
    own = ~np.isnan(unit)
    cell_factor = np.where(own, unit, factor)
    return in_yuan(numbers, cell_factor), own & (cell_factor != factor)


def true_where(mask: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """An Arrow boolean column as a numpy mask, missing as False."""
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def parse_counts(values: Strings | pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(whole numbers as float64, NaN when missing; bad mask): '12', '12天', '3次'."""
    uniques, codes = _dictionary(as_strings(values))
    numbers = pd.to_numeric(
        uniques.astype(str).str.replace(_COUNT_NOISE_RE, "", regex=True), errors="coerce"
    ).to_numpy(dtype=np.float64)
    whole = np.where(np.isfinite(numbers) & (numbers == np.floor(numbers)), numbers, np.nan)
    taken = np.where(codes >= 0, whole[np.maximum(codes, 0)] if len(whole) else np.nan, np.nan)
    bad = (codes >= 0) & np.isnan(taken)
    return taken, bad


def clean_ids(values: Strings | pd.Series) -> pa.ChunkedArray:
    """Identifiers as text. '20230001.0' (a whole number that went through a float, at most 15
    digits so nothing was lost) loses its '.0'; anything longer is left for the checks."""
    values = trim(values)
    if not pc.any(pc.match_substring(values, ".")).as_py():  # a plain scan, not a regex
        return values
    return pc.replace_substring_regex(values, r"^(\d{1,15})\.0+$", r"\1")


# --- identifier checks -------------------------------------------------------------------------


def _bytes_matrix(values: pa.Array) -> np.ndarray:
    """Arrow strings of 18 ASCII characters -> (n, 18) uint8 view of their bytes."""
    values = pa.array(values) if not isinstance(values, pa.Array) else values
    offsets = np.frombuffer(values.buffers()[1], dtype=np.int32)
    offsets = offsets[values.offset : values.offset + len(values) + 1]
    data = np.frombuffer(values.buffers()[2], dtype=np.uint8)
    return data[offsets[0] : offsets[-1]].reshape(-1, 18)


def resident_id_valid(values: pa.Array) -> np.ndarray:
    """GB 11643-1999 check character of 18-character resident ID numbers."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    chars = _bytes_matrix(values)
    digits = (chars[:, :17] >= ord("0")) & (chars[:, :17] <= ord("9"))
    weighted = np.zeros(len(chars), dtype=np.int32)
    for position, weight in enumerate(ID_WEIGHTS):  # 17 column passes, not a row loop
        weighted += (chars[:, position].astype(np.int32) - ord("0")) * int(weight)
    expected = np.frombuffer(ID_CHECK.encode(), dtype=np.uint8)[weighted % 11]
    return np.asarray(digits.all(axis=1) & (chars[:, 17] == expected))


_CREDIT_LOOKUP = np.full(256, -1, dtype=np.int16)
_CREDIT_LOOKUP[np.frombuffer(CREDIT_ALPHABET.encode(), dtype=np.uint8)] = np.arange(31)


def credit_code_valid(values: pa.Array) -> np.ndarray:
    """GB 32100-2015 check character of unified social credit codes."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    codes = _CREDIT_LOOKUP[_bytes_matrix(values)]
    valid_chars = (codes >= 0).all(axis=1)
    weighted = (np.clip(codes[:, :17], 0, None) * CREDIT_WEIGHTS.astype(np.int16)).sum(
        axis=1, dtype=np.int32
    )
    check = (31 - weighted % 31) % 31
    return np.asarray(valid_chars & (codes[:, 17] == check))


def id_findings(values: Strings | pd.Series) -> np.ndarray:
    """Per cell: None when fine (or not an ID number or credit code), else a warning.
    Checked cell by cell (vectorised): ID columns are too distinct for deduplication to pay."""
    text = pc.ascii_upper(as_strings(values)).combine_chunks()

    def matches(pattern: str) -> np.ndarray:
        found = pc.fill_null(pc.match_substring_regex(text, pattern), False)
        return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)

    eighteen = matches(r"^[0-9A-Z]{18}$")
    shaped_id = matches(r"^\d{17}[\dX]$")
    id_ok = np.zeros(len(text), dtype=bool)
    id_ok[shaped_id] = resident_id_valid(pc.filter(text, pa.array(shaped_id)))
    maybe_credit = eighteen & ~id_ok
    credit_ok = np.zeros(len(text), dtype=bool)
    credit_ok[maybe_credit] = credit_code_valid(pc.filter(text, pa.array(maybe_credit)))
    scientific = matches(r"^\d(?:\.\d+)?E\+?\d+$|^\d{16,}\.\d*$")
    destroyed = scientific | (matches(r"000$") & shaped_id & ~id_ok & ~credit_ok)
    invalid = eighteen & ~id_ok & ~credit_ok & ~destroyed
    messages = np.full(len(text), None, dtype=object)
    messages[destroyed] = DIGITS_LOST
    messages[invalid & shaped_id] = "resident ID check digit does not match"
    messages[invalid & ~shaped_id] = "credit code check character does not match"
    return messages
