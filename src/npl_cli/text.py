"""Vectorised text matching shared by the domain modules (Arrow's RE2 kernels)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def counted(number: int, noun: str) -> str:
    """'1 loan', '2 loans', '1,000 loans' (nouns that take an -s)."""
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


def as_arrow_strings(text: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A text column as Arrow strings: zero-copy when it is Arrow-backed already."""
    try:
        values = pa.array(text, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        values = None
    if values is None or not (
        pa.types.is_string(values.type) or pa.types.is_large_string(values.type)
    ):
        # mixed or non-text cells: pandas turns each into its text, vectorised
        values = pa.array(text.astype("string"), type=pa.string(), from_pandas=True)
    return values


def one_chunk_strings(text: pd.Series) -> pa.Array:
    """A text column as one plain Arrow string array: what the element-wise kernels (joins,
    list splits, dictionary codes) take without per-chunk bookkeeping."""
    values = as_arrow_strings(text).cast(pa.string())
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def contains_any(text: pd.Series, words: Sequence[str]) -> np.ndarray:
    """Per row: does the text contain any of the words (case-insensitive)? Missing: False."""
    if not words or len(text) == 0:
        return np.zeros(len(text), dtype=bool)
    pattern = "|".join(re.escape(str(w)) for w in words)
    found = pc.match_substring_regex(as_arrow_strings(text), pattern, ignore_case=True)
    return np.asarray(pc.fill_null(found, False).to_numpy(zero_copy_only=False), dtype=bool)


def is_in_text(text: pa.Array | pa.ChunkedArray, values: pa.Array) -> np.ndarray:
    """Per row: is the text one of `values`? Missing: False. One Arrow hash pass (pandas'
    isin on Arrow text turns every wanted value into a Python object first)."""
    found = pc.is_in(text, value_set=pc.unique(pc.drop_null(values)).cast(text.type))
    return np.asarray(pc.fill_null(found, False).to_numpy(zero_copy_only=False), dtype=bool)


def positions_in(keys: pd.Series, wanted: pd.Series) -> np.ndarray:
    """Each wanted value's position in `keys` (-1 where absent or missing). The distinct
    wanted values (a few thousand action loan ids, say) are looked up in one Arrow pass over
    the keys (a million loans), instead of hashing the keys into an index first."""
    codes, distinct = pd.factorize(wanted.astype("string"))
    if not len(distinct):
        return np.full(len(wanted), -1, dtype=np.int64)
    value_set = pa.array(np.asarray(distinct, dtype=object), type=pa.string())
    found = pc.index_in(as_arrow_strings(keys.astype("string")), value_set=value_set)
    found = np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    hits = np.flatnonzero(found >= 0)
    position = np.full(len(distinct), -1, dtype=np.int64)
    position[found[hits]] = hits
    return np.where(codes >= 0, position[np.maximum(codes, 0)], -1)


def join_present(parts: Sequence[pa.Array], separator: str) -> pa.Array:
    """Element-wise join of each row's non-null parts (null where a row has none).

    pyarrow 26's `binary_join_element_wise(null_handling="skip")` drops the rows whose parts
    are all null from its result, which would shift every later row's text; such rows get an
    empty first part for the join and are set back to null after it."""
    if not parts:
        return pa.nulls(0, pa.string())
    empty = pc.is_null(parts[0])
    for part in parts[1:]:
        empty = pc.and_(empty, pc.is_null(part))
    if not pc.any(empty).as_py():
        return pc.binary_join_element_wise(*parts, separator, null_handling="skip")
    first = pc.if_else(empty, pa.scalar("", pa.string()), parts[0])
    joined = pc.binary_join_element_wise(first, *parts[1:], separator, null_handling="skip")
    return pc.if_else(empty, pa.scalar(None, pa.string()), joined)
