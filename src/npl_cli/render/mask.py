"""Masking of personal data for screens (PIPL: show no more than the task needs).

Applied to the rows a screen shows, never to files the user asked for.
"""

from __future__ import annotations

import pandas as pd

from npl_cli.schema import NAME_SEPARATORS

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


def mask_phones(phones: pd.Series) -> pd.Series:
    """13812345678 -> 138****5678, 021-62345678 -> 021-****5678."""
    return _hide_phones(phones.astype("string"))


def mask_addresses(addresses: pd.Series) -> pd.Series:
    """Up to the township or street (乡, 镇, 街道, 路 …); the house and room are hidden."""
    text = addresses.astype("string")
    kept = text.str.extract(r"^(.*?(?:乡|镇|街道|路|街|村))", expand=False)
    return kept.fillna(text.str[:4]) + "***"


# ID numbers (18 or 15 characters), mobiles and landlines, anywhere in a text
_ID_RE = r"(?<![0-9A-Za-z])(\d{6})\d{4,8}(\d{3}[\dXx])(?![0-9A-Za-z])"
_MOBILE_RE = r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)"
_LANDLINE_RE = r"(?<!\d)(0\d{2,3}-?)\d{3,4}(\d{4})(?!\d)"


def _hide_phones(text: pd.Series) -> pd.Series:
    text = text.str.replace(_MOBILE_RE, r"\1****\2", regex=True)
    return text.str.replace(_LANDLINE_RE, r"\1****\2", regex=True)


def mask_free_text(text: pd.Series, names: pd.Series | None = None) -> pd.Series:
    """Free text (notes, raw rows, messages): ID numbers and phone numbers inside it masked,
    and each of the given `names` found in it replaced by its masked form. The names looked
    for are the Chinese runs of the text that are known names (a whole ledger's names may be
    given: the text is what decides the work, not the list)."""
    out = text.astype("string").str.replace(_ID_RE, r"\1********\2", regex=True)
    out = _hide_phones(out)
    if names is None:
        return out
    known = set(names.dropna().astype(str))
    runs = out.dropna().str.findall(_CHINESE_RUN).explode().dropna().unique()
    found = pd.Series(
        sorted(
            {run[i:j] for run in runs for i in range(len(run))
             for j in range(i + 2, min(len(run), i + MAX_NAME) + 1) if run[i:j] in known},
            key=len, reverse=True,
        ),
        dtype=object,
    )  # fmt: skip
    for name, hidden in zip(found, mask_names(found), strict=True):  # longest first
        out = out.str.replace(name, str(hidden), regex=False)
    return out


_CHINESE_RUN = r"[\u4e00-\u9fff·]{2,}"
MAX_NAME = 8  # characters: 欧阳明华, 阿依古丽·买买提 …


NAME_COLUMNS = ("debtor_name", "party", "next_party", "guarantors")
ID_COLUMNS = ("debtor_id",)
PHONE_COLUMNS = ("phone",)
ADDRESS_COLUMNS = ("address",)
FREE_TEXT_COLUMNS = (
    "note",
    "notes",
    "value",
    "text",
    "evidence",
    "method",
    "basis",
    "reasons",
    "next_step",
)


def mask_for_screen(frame: pd.DataFrame, known: pd.DataFrame | None = None) -> pd.DataFrame:
    """The one way a screen hides personal data: names, ID numbers, phones and addresses by
    their columns, and inside free text the same numbers and the names the frame holds (and
    those of `known`, the loans the rows are about)."""
    out = frame.copy()
    sources = [out] if known is None else [out, known]
    parts = [s[c].astype("string") for s in sources for c in NAME_COLUMNS
             if c in s and c != "guarantors"]  # fmt: skip
    parts += [_split_names(s["guarantors"]) for s in sources if "guarantors" in s]
    names = pd.concat(parts, ignore_index=True) if parts else None
    for column in out.columns:
        values = out[column]
        if column in NAME_COLUMNS and column != "guarantors":
            out[column] = mask_names(values).where(values.notna(), values)
        elif column in ID_COLUMNS:
            out[column] = mask_ids(values).where(values.notna(), values)
        elif column in PHONE_COLUMNS:
            out[column] = mask_phones(values).where(values.notna(), values)
        elif column in ADDRESS_COLUMNS:
            out[column] = mask_addresses(values).where(values.notna(), values)
        elif column in FREE_TEXT_COLUMNS or column == "guarantors":
            if pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
                out[column] = mask_free_text(values, names).where(values.notna(), values)
    return out


def _split_names(guarantors: pd.Series) -> pd.Series:
    return guarantors.astype("string").str.split(NAME_SEPARATORS).explode().str.strip()
