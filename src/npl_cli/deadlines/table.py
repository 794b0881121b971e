"""The deadline table: rows of codes per (loan, party, kind), their status as of a day, and the
choice of rows `npl limitation` lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from npl_cli.deadlines.codes import CASE, KINDS, STATUSES
from npl_cli.periods import NAT, days_between, legal_last_day

Rows = dict[str, np.ndarray]


@dataclass
class Deadlines:
    """Every deadline, one row per (loan, party, kind).

    `table` holds numbers and codes: loan (position in `loans`), guarantor (position in
    `guarantors`, -1 for the borrower), kind, deadline (the nominal end), last_day (Art 203),
    status, days_left (to the nominal end), basis and basis_date (what the deadline rests
    on), how (HOW code), note with note_date and note_basis (NOTES code), action
    (ACTION_CASES code), revived_on. Words are written by `words.output_frame`.
    """

    table: pd.DataFrame
    loans: pd.DataFrame
    as_of: pd.Timestamp
    notes: list[str] = field(default_factory=list)
    guarantors: pa.Array = field(default_factory=lambda: pa.array([], pa.string()))


def rows(loan: np.ndarray, kind: str, deadline: np.ndarray, **columns: np.ndarray) -> Rows:
    """Deadline rows with every column the table has (codes, not words)."""
    n = len(loan)
    out: Rows = {
        "loan": np.asarray(loan, dtype=np.int64),
        "guarantor": np.full(n, -1, dtype=np.int64),
        "kind": np.full(n, KINDS.index(kind), dtype=np.int8),
        "deadline": np.asarray(deadline, dtype="datetime64[ns]"),
        "status": np.full(n, -1, dtype=np.int8),  # -1: by the days left
        "basis": np.full(n, -1, dtype=np.int64),
        "basis_date": np.full(n, NAT),
        "how": np.full(n, -1, dtype=np.int8),
        "note": np.zeros(n, dtype=np.int8),
        "note_date": np.full(n, NAT),
        "note_basis": np.full(n, -1, dtype=np.int64),
        "action": np.full(n, CASE["live"], dtype=np.int8),
        "revived_on": np.full(n, NAT),
    }
    for name, values in columns.items():
        out[name] = np.asarray(values, dtype=out[name].dtype)
    return out


def build_table(parts: Sequence[Rows], today: np.datetime64, window_days: int) -> pd.DataFrame:
    """One frame from the parts, with the legal last day, the days left to the nominal end
    and the status: expired only after the legal last day (Art 203), due within the window
    (so also between a nominal end on a rest day and its last day), else ok."""
    columns: dict[str, Any] = {
        name: np.concatenate([part[name] for part in parts]) for name in parts[0]
    }
    days_left = days_between(columns["deadline"], today)
    last_day = legal_last_day(columns["deadline"])
    status = columns["status"]
    by_days = status < 0
    gone = last_day < today  # NaT compares False
    status[by_days & gone] = STATUSES.index("expired")
    status[by_days & ~gone & (days_left <= window_days)] = STATUSES.index("due")
    status[by_days & ~gone & (days_left > window_days)] = STATUSES.index("ok")
    # the nominal end has passed, the legal last day not: act by that day
    grace = by_days & ~gone & (days_left < 0) & (columns["action"] == CASE["live"])
    columns["action"][grace] = CASE["grace"]
    columns["status"] = pd.Categorical.from_codes(status, categories=pd.Index(STATUSES))
    columns["kind"] = pd.Categorical.from_codes(columns["kind"], categories=pd.Index(KINDS))
    columns["days_left"] = days_left
    columns["last_day"] = last_day
    return pd.DataFrame(columns, copy=False)  # no consolidation copy: the arrays are ours


def select(
    deadlines: Deadlines,
    *,
    window_days: int,
    everything: bool = False,
    expired: bool = True,
    kinds: Sequence[str] = (),
) -> pd.DataFrame:
    """The rows `npl limitation` lists, nearest first within each status (ties in ledger
    order, borrower before guarantors): due within the window and (unless `expired` is False)
    expired ones; `everything` lists all."""
    table = deadlines.table
    status = table["status"].cat.codes.to_numpy()
    keep = np.ones(len(table), dtype=bool)
    if not everything:
        due = (status == STATUSES.index("due")) & (table["days_left"].to_numpy() <= window_days)
        keep &= due | ((status == STATUSES.index("expired")) & expired)
    if kinds:
        keep &= table["kind"].isin(kinds).to_numpy()
    chosen = np.flatnonzero(keep)
    order = np.lexsort(
        (
            table["guarantor"].to_numpy()[chosen],
            table["kind"].cat.codes.to_numpy()[chosen],
            table["loan"].to_numpy()[chosen],
            np.abs(np.nan_to_num(table["days_left"].to_numpy()[chosen], nan=1e9)),
            status[chosen],
        )
    )
    return table.take(chosen[order]).reset_index(drop=True)
