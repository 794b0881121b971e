"""One row per debtor from the loans: the unit the desk works in.

Aggregates use factorize codes and np.bincount / Arrow group-bys, never a Python loop per
debtor.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

TEXT_JOIN = "；"
TEXT_COLUMNS = ("contact_status", "overdue_reason", "notes", "product", "ethnicity",
                "collateral", "guarantors")  # fmt: skip
FIRST_COLUMNS = ("debtor_id", "debtor_name", "region", "customer_type", "branch", "officer",
                 "occupation", "phone", "ledger_class", "ledger_class_code")  # fmt: skip
MAX_COLUMNS = ("dpd", "risk_class_code", "broken_promises", "overdue_count",
               "last_payment_date", "last_collection_date", "judgment_effective_on",
               "lawsuit_filed_on")  # fmt: skip


def debtor_keys(frame: pd.DataFrame) -> tuple[np.ndarray, str]:
    """A code per loan naming its debtor, and what the key is: the normalised ID number
    (credit code, customer number), else the name, else the loan itself."""
    key = pd.Series(None, index=frame.index, dtype=object)
    source = "loan id"
    if "debtor_name" in frame:
        names = frame["debtor_name"].astype("string").str.strip()
        key = names.astype(object).where(names.notna(), None)
        source = "debtor name"
    if "debtor_id" in frame:
        ids = frame["debtor_id"].astype("string").str.strip().str.upper()
        key = ("id:" + ids).astype(object).where(ids.notna(), key)
        source = "ID number" if ids.notna().all() else f"ID number, else {source}"
    key = key.where(key.notna(), "loan:" + frame["loan_id"].astype(str))
    codes, _ = pd.factorize(key)
    return codes.astype(np.int64), source


def _first_by(codes: np.ndarray, values: pd.Series, count: int, order: np.ndarray) -> pd.Series:
    """The value of each debtor's first loan in `order` whose value is present."""
    present = values.notna().to_numpy()[order]
    chosen = order[present]
    firsts = pd.Series(chosen).groupby(codes[chosen]).first()
    out = pd.Series(None, index=range(count), dtype=object)
    taken = values.take(firsts.to_numpy())
    out.iloc[firsts.index.to_numpy()] = taken.to_numpy(dtype=object)
    return out


def _joined_text(codes: np.ndarray, values: pd.Series, count: int) -> pd.Series:
    """The distinct texts of each debtor's loans, joined with '；' (Arrow group-by)."""
    text = pa.array(values.astype(object).where(values.notna(), None), type=pa.string())
    table = pa.table({"debtor": pa.array(codes), "text": text}).filter(pc.is_valid(text))
    if table.num_rows == 0:
        return pd.Series(None, index=range(count), dtype=object)
    grouped = table.group_by("debtor", use_threads=False).aggregate([("text", "distinct")])
    joined = pc.binary_join(grouped["text_distinct"], TEXT_JOIN)
    out = np.full(count, None, dtype=object)
    out[grouped["debtor"].to_numpy()] = joined.to_numpy(zero_copy_only=False)
    return pd.Series(out, dtype=object)


def rollup(
    loans: pd.DataFrame, codes: np.ndarray, extra_fields: list[str] | None = None
) -> pd.DataFrame:
    """Per debtor: loans, balance, worst DPD and class, products, region, guarantors,
    collateral, contact status, last payment, broken promises, under-classification."""
    count = int(codes.max(initial=-1)) + 1
    balance = loans["balance"].to_numpy(dtype=float)
    out = pd.DataFrame({
        "loans": np.bincount(codes, minlength=count),
        "balance": np.bincount(codes, weights=balance, minlength=count),
    })  # fmt: skip
    # The worst loan first, so "first" picks the most telling value.
    order = np.lexsort((-loans["dpd"].to_numpy(), codes))
    for column in (*FIRST_COLUMNS, *(extra_fields or [])):
        if column in loans:
            out[column] = _first_by(codes, loans[column], count, order)
    for column in MAX_COLUMNS:
        if column in loans:
            out[column] = (
                pd.Series(loans[column].to_numpy())
                .groupby(codes)
                .max()
                .reindex(range(count))
                .to_numpy()
            )
    for column in TEXT_COLUMNS:
        if column in loans:
            out[column] = _joined_text(codes, loans[column], count)
    if "collateral_value" in loans:
        out["collateral_value"] = np.bincount(
            codes,
            weights=np.nan_to_num(loans["collateral_value"].to_numpy(dtype=float)),
            minlength=count,
        )
    out["under_classified"] = (
        np.bincount(codes, weights=loans["under_classified"].to_numpy(dtype=float), minlength=count)
        > 0
    )
    return out
