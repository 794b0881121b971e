"""Masking of personal data for screens (PIPL: show no more than the task needs).

Applied to the rows a screen shows, never to files the user asked for.
"""

from __future__ import annotations

import pandas as pd

ORGANISATION_WORDS = r"公司|厂|合作社|中心|商行|经营部|店|集团|银行|学校|医院|委员会"


def _stars(lengths: pd.Series) -> pd.Series:
    return lengths.fillna(0).astype(int).clip(lower=1).map(lambda n: "*" * n).astype("string")


def mask_names(names: pd.Series) -> pd.Series:
    """张三 -> 张*, 张三明 -> 张*明, 欧阳明华 -> 欧**华; organisations stay readable."""
    text = names.astype("string")
    length = text.str.len()
    masked = text.str[:1] + _stars(length - 2) + text.str[-1:]
    masked = masked.where(length > 2, text.str[:1] + "*")
    organisation = text.str.contains(ORGANISATION_WORDS, regex=True).fillna(False).astype(bool)
    return masked.where(~organisation, text)


def mask_ids(ids: pd.Series) -> pd.Series:
    """11010519491231002X -> 110105********002X (first 6 and last 4 kept)."""
    text = ids.astype("string")
    length = text.str.len()
    masked = text.str[:6] + _stars(length - 10) + text.str[-4:]
    return masked.where(length > 10, text.str[:2] + "****")
