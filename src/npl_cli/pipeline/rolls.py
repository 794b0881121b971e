"""`npl rolls`: where each aging band's loans stood a snapshot later."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from npl_cli.aging import (
    bands,
    days_past_due,
)
from npl_cli.config import Settings
from npl_cli.text import positions_in

GONE = "gone"  # not in the later snapshot: repaid, written off, sold or moved


@dataclass
class RollRates:
    # from_band, to_band, loans, balance (at the start), loan_share, balance_share
    rows: pd.DataFrame
    start: pd.Timestamp
    end: pd.Timestamp
    bands: list[str]  # the band order, GONE last among the ends
    new_loans: int  # in the later snapshot only
    new_balance: float


def roll_rates(
    earlier: pd.DataFrame,
    later: pd.DataFrame,
    settings: Settings,
    *,
    start: pd.Timestamp,
    end: pd.Timestamp,
) -> RollRates:
    """Where the loans of one snapshot stood at the next: each aging band at `start` (DPD as
    of that date) against the band at `end`, or GONE, by number and by balance at `start`;
    shares are of the starting band's loans and balance."""
    aging = settings.typed.aging
    names = aging.band_names
    before = bands(days_past_due(earlier, start)[0], aging)
    after = bands(days_past_due(later, end)[0], aging)
    at = positions_in(later["loan_id"], earlier["loan_id"])  # row in `later`, -1: gone
    ends = names + [GONE]
    # the band code at the end; a last entry for GONE, which position -1 picks
    to_code = np.append(np.asarray(after.codes, dtype=np.int64), len(names))[at]
    cell = np.asarray(before.codes, dtype=np.int64) * len(ends) + to_code
    balance = earlier["balance"].to_numpy(dtype=float)
    size = len(names) * len(ends)
    loans = np.bincount(cell, minlength=size)
    amounts = np.bincount(cell, weights=balance, minlength=size)
    grid = pd.DataFrame({
        "from_band": np.repeat(names, len(ends)),
        "to_band": np.tile(ends, len(names)),
        "loans": loans,
        "balance": amounts.round(2),
    })  # fmt: skip
    totals = grid.groupby("from_band", sort=False)[["loans", "balance"]].transform("sum")
    grid["loan_share"] = (grid["loans"] / totals["loans"].where(totals["loans"] > 0)).round(4)
    grid["balance_share"] = (
        grid["balance"] / totals["balance"].where(totals["balance"] > 0)
    ).round(4)
    new = positions_in(earlier["loan_id"], later["loan_id"]) < 0
    return RollRates(
        rows=grid[grid["loans"] > 0].reset_index(drop=True),
        start=start,
        end=end,
        bands=ends,
        new_loans=int(new.sum()),
        new_balance=float(later["balance"].to_numpy(dtype=float)[new].sum()),
    )
