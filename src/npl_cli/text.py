"""Vectorised text matching shared by the domain modules (Arrow's RE2 kernels)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def as_arrow_strings(text: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A text column as Arrow strings: zero-copy when it is Arrow-backed already."""
    try:
        values = pa.array(text, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        values = None
    if values is None or not (
        pa.types.is_string(values.type) or pa.types.is_large_string(values.type)
    ):
        cleaned = text.astype(object).where(text.notna(), None)
        values = (
            pa.array([None if v is None else str(v) for v in cleaned], type=pa.string())
            if len(text) < 1000
            else pc.cast(pa.array(cleaned, from_pandas=True), pa.string())
        )
    return values


def contains_any(text: pd.Series, words: Sequence[str]) -> np.ndarray:
    """Per row: does the text contain any of the words (case-insensitive)? Missing: False."""
    if not words or len(text) == 0:
        return np.zeros(len(text), dtype=bool)
    pattern = "|".join(re.escape(str(w)) for w in words)
    found = pc.match_substring_regex(as_arrow_strings(text), pattern, ignore_case=True)
    return np.asarray(pc.fill_null(found, False).to_numpy(zero_copy_only=False), dtype=bool)
