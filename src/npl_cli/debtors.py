"""One row per debtor from the loans: the unit the desk works in.

Aggregates use factorize codes and np.bincount / Arrow group-bys, never a Python loop per
debtor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from npl_cli.text import one_chunk_strings

TEXT_JOIN = "；"
TEXT_COLUMNS = ("contact_status", "overdue_reason", "notes", "product", "ethnicity",
                "collateral", "guarantors")  # fmt: skip
FIRST_COLUMNS = ("debtor_id", "debtor_name", "region", "customer_type", "branch", "officer",
                 "occupation", "phone", "address", "ledger_class", "ledger_class_code")  # fmt: skip
MAX_COLUMNS = ("dpd", "risk_class_code", "broken_promises", "overdue_count",
               "last_payment_date", "last_collection_date", "judgment_effective_on",
               "lawsuit_filed_on", "enforcement_applied_on", "last_contact_date",
               "suit_on")  # fmt: skip
# what the action log says, added up over the debtor's loans
SUM_COLUMNS = ("paid_since_snapshot", "promises_kept", "promises_broken")
# taken together from the loan whose date comes first (the nearest open promise) or last
NEAREST = ("open_promise_date", ("open_promise_amount", "open_promise_method"))
LATEST = ("last_action_date", ("last_action",))


KEY_COLUMNS = (("debtor_id", "ID number"), ("debtor_name", "debtor name"), ("loan_id", "loan id"))


def _key_values(frame: pd.DataFrame, column: str) -> pd.Series:
    values = frame[column].astype("string").str.strip()
    return values.str.upper() if column == "debtor_id" else values


def debtor_keys(frame: pd.DataFrame) -> tuple[np.ndarray, str]:
    """A code per loan naming its debtor, and what the key is: the normalised ID number
    (credit code, customer number), else the name, else the loan itself."""
    n = len(frame)
    codes = np.full(n, -1, dtype=np.int64)
    taken = 0
    sources = []
    for column, label in KEY_COLUMNS:
        if column not in frame:
            continue
        values = _key_values(frame, column)
        open_rows = codes < 0
        found, _ = pd.factorize(values.where(open_rows, None))
        use = open_rows & (found >= 0)
        if use.any():
            codes[use] = found[use] + taken
            taken = int(codes.max()) + 1
            sources.append(label)
        if not (codes < 0).any():
            break
    source = sources[0] if len(sources) == 1 else ", else ".join(sources)
    return codes, source


def debtor_key_text(frame: pd.DataFrame) -> pd.Series:
    """The debtor key as one text per loan ("I:" ID number, else "N:" name, else "L:" loan
    id): what the dask engine shuffles on, so that a debtor's loans meet in one partition."""
    key = pd.Series(pd.NA, index=frame.index, dtype="string")
    for column, _ in KEY_COLUMNS:
        if column in frame:
            key = key.fillna(column[0].upper() + ":" + _key_values(frame, column))
    return key


def debtor_order(
    frame: pd.DataFrame, codes: np.ndarray, positions: np.ndarray, count: int
) -> np.ndarray:
    """A sort key per debtor in debtor_keys' code order: what keys the debtor (ID number,
    name, loan id), then its first loan's place in the whole ledger. A part of the ledger
    orders its debtors as the whole does."""
    block = np.full(len(frame), len(KEY_COLUMNS) - 1, dtype=np.int64)
    for i, (column, _) in reversed(list(enumerate(KEY_COLUMNS))):
        if column in frame:
            block[_key_values(frame, column).notna().to_numpy()] = i
    first = np.full(count, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, codes, np.asarray(positions, dtype=np.int64))
    kind = np.zeros(count, dtype=np.int64)
    kind[codes] = block
    return (kind << 40) + first


@dataclass(frozen=True)
class Groups:
    """Loans sorted by debtor, most overdue first within each: `order` and where each debtor's
    run starts. Debtor codes are 0..count-1, every one with at least one loan."""

    order: np.ndarray
    starts: np.ndarray

    @classmethod
    def of(cls, codes: np.ndarray, dpd: np.ndarray) -> Groups:
        order = np.lexsort((-dpd, codes))
        starts = np.flatnonzero(np.r_[True, codes[order][1:] != codes[order][:-1]])
        return cls(order, starts)

    @property
    def representative(self) -> np.ndarray:
        """Each debtor's most overdue loan, whose values stand for the debtor."""
        return self.order[self.starts]

    def max(self, values: np.ndarray) -> np.ndarray:
        return np.maximum.reduceat(values[self.order], self.starts)


def _joined_text(groups: Groups, codes: np.ndarray, values: pd.Series, count: int) -> pd.Series:
    """The distinct texts of each debtor's loans, most overdue loan first, joined with '；'
    (Arrow-backed text, so the rules read it without conversion)."""
    encoded = pc.dictionary_encode(one_chunk_strings(values))
    text_code = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)[groups.order]
    debtor = codes[groups.order]
    pair = debtor * (len(encoded.dictionary) + 1) + (text_code + 1)  # one key per (debtor, text)
    first_time = ~pd.Series(pair).duplicated().to_numpy()
    keep = np.flatnonzero(first_time & (text_code >= 0))
    debtor, text_code = debtor[keep], text_code[keep]
    starts = np.flatnonzero(np.r_[True, debtor[1:] != debtor[:-1]]) if len(keep) else keep
    lists = pa.ListArray.from_arrays(
        pa.array(np.r_[starts, len(keep)], pa.int32()), encoded.dictionary.take(text_code)
    )
    joined = pc.binary_join(lists, pa.scalar(TEXT_JOIN, encoded.dictionary.type))
    position = np.full(count, -1, dtype=np.int64)
    position[debtor[starts]] = np.arange(len(starts))
    return joined.take(pa.array(position, mask=position < 0)).to_pandas()


def rollup(
    loans: pd.DataFrame,
    codes: np.ndarray,
    extra_fields: list[str] | None = None,
    text_fields: list[str] | None = None,
) -> pd.DataFrame:
    """Per debtor: loans, balance, worst DPD and class, products, region, guarantors,
    collateral, contact status, last payment, broken promises, under-classification.
    Text columns in `text_fields` join the distinct texts of all the debtor's loans; other
    descriptive columns come from the debtor's most overdue loan."""
    count = int(codes.max(initial=-1)) + 1
    balance = loans["balance"].to_numpy(dtype=float)
    groups = Groups.of(codes, loans["dpd"].to_numpy())
    rep = groups.representative
    out = pd.DataFrame({
        "loans": np.bincount(codes, minlength=count),
        "balance": np.round(np.bincount(codes, weights=balance, minlength=count), 2),
    })  # fmt: skip
    for column in (*FIRST_COLUMNS, *(extra_fields or [])):
        if column in loans:
            out[column] = loans[column].take(rep).reset_index(drop=True)
    for column in MAX_COLUMNS:
        if column in loans:
            out[column] = _max_by(groups, loans[column])
    for column in SUM_COLUMNS:
        if column in loans:
            out[column] = np.bincount(
                codes, weights=loans[column].to_numpy(dtype=float), minlength=count
            )
    if "reached_since_snapshot" in loans:
        reached = loans["reached_since_snapshot"].to_numpy(dtype=float)
        out["reached_since_snapshot"] = np.bincount(codes, weights=reached, minlength=count) > 0
    for (date, companions), latest in ((NEAREST, False), (LATEST, True)):
        if date not in loans:
            continue
        if loans[date].notna().any():
            chosen = _dated_loan(codes, loans[date], count, latest=latest)
        else:  # no action log: nothing to choose, every debtor's value is missing
            chosen = np.full(count, -1, dtype=np.int64)
        for column in (date, *companions):
            out[column] = _taken(loans[column], chosen)
    wanted = TEXT_COLUMNS if text_fields is None else text_fields
    for column in wanted:
        if column in loans:
            out[column] = _joined_text(groups, codes, loans[column], count)
    for column in ("guarantors", "collateral"):
        if column in loans:
            out[f"any_{column}"] = (
                np.bincount(
                    codes, weights=loans[column].notna().to_numpy(dtype=float), minlength=count
                )
                > 0
            )
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
    # The most under-classified loan speaks for the debtor: gap and floor packed in one key.
    floor = loans["risk_class_code"].to_numpy().astype(np.int64)
    ledger = loans["ledger_class_code"].to_numpy().astype(np.int64)
    gap = np.where((ledger >= 0) & (ledger < floor), floor - ledger, 0)
    key = groups.max(gap * 8 + floor)
    worst_gap, worst_floor = key // 8, key % 8
    out["under_ledger_code"] = np.where(worst_gap > 0, worst_floor - worst_gap, -1)
    out["under_floor_code"] = np.where(worst_gap > 0, worst_floor, -1)
    return out


def _dated_loan(codes: np.ndarray, dates: pd.Series, count: int, *, latest: bool) -> np.ndarray:
    """Per debtor, the loan with the earliest (or latest) date; -1 where none has one."""
    raw = np.asarray(dates, dtype="datetime64[ns]").view(np.int64)
    present = ~np.isnat(np.asarray(dates, dtype="datetime64[ns]"))
    order = np.lexsort((-raw if latest else raw, codes))
    order = order[present[order]]
    chosen = np.full(count, -1, dtype=np.int64)
    first = np.r_[True, codes[order][1:] != codes[order][:-1]] if len(order) else order
    chosen[codes[order][first.astype(bool)]] = order[first.astype(bool)]
    return chosen


def _taken(values: pd.Series, chosen: np.ndarray) -> pd.Series:
    """`values` at each debtor's chosen loan, missing where none was chosen."""
    if not (chosen >= 0).any():
        return pd.Series(values.iloc[:0].reindex(range(len(chosen))).to_numpy(), dtype=values.dtype)
    taken = values.take(np.where(chosen >= 0, chosen, 0)).reset_index(drop=True)
    return taken.where(pd.Series(chosen >= 0))


def _max_by(groups: Groups, values: pd.Series) -> np.ndarray:
    """Largest value per debtor (NaN/NaT where it has none): datetimes through int64 (NaT is
    the smallest int64, so it never wins), numbers with missing as -inf."""
    if pd.api.types.is_datetime64_any_dtype(values):
        raw = np.asarray(values, dtype="datetime64[ns]").view(np.int64)
        return groups.max(raw).view("datetime64[ns]")
    numbers = values.to_numpy(dtype=float)
    largest = groups.max(np.where(np.isnan(numbers), -np.inf, numbers))
    return np.where(np.isinf(largest), np.nan, largest)
