"""Enforcement (申请执行期间): 2 years to apply after a judgment or award, from the last day of
performance it sets; interrupted by the debtor's acts and delivered demands (Civil Procedure
Law 2023 Art 250)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from npl_cli.deadlines.clock import two_years, walk
from npl_cli.deadlines.codes import CASE, STATUSES, B, N
from npl_cli.deadlines.events import EventArrays
from npl_cli.deadlines.table import Rows, rows
from npl_cli.periods import NAT, date_column, legal_last_day


def enforcement_rows(
    loans: pd.DataFrame, borrower: EventArrays, today: np.datetime64, live: np.ndarray
) -> Rows:
    performance = date_column(loans, "performance_due_on")
    judgment = date_column(loans, "judgment_effective_on")
    has = np.flatnonzero((~np.isnat(performance) | ~np.isnat(judgment)) & live)
    performance, judgment = performance[has], judgment[has]
    base = np.where(np.isnat(performance), judgment, performance)
    base_basis = np.where(np.isnat(performance), B["judgment"], B["performance_end"])
    renumber = np.full(len(loans), -1, dtype=np.int64)
    renumber[has] = np.arange(len(has))
    local = renumber[borrower.loan]
    keep = (local >= 0) & ~borrower.suit  # the debtor's acts and demands; suits are over
    events = borrower.where(keep, local[keep])
    events.revives[:] = False  # a missed enforcement period is not revived by a promise here
    clock = walk(base, base_basis, two_years, events, today)
    applied = date_column(loans, "enforcement_applied_on")[has]
    applied[applied > today] = NAT
    last_day = legal_last_day(clock.deadline)
    in_time = ~np.isnat(applied) & (applied <= last_day)
    too_late = ~np.isnat(applied) & (applied > last_day)
    status = np.where(
        in_time, STATUSES.index("met"), np.where(too_late, STATUSES.index("expired"), -1)
    )
    return rows(
        has, "enforcement", clock.deadline, status=status, basis=clock.basis,
        basis_date=clock.basis_date, note=np.where(too_late, N["applied_late"], 0),
        note_date=np.where(too_late, applied, NAT),
        action=np.where(in_time, CASE["met"], np.where(too_late, CASE["expired"], CASE["live"])),
    )  # fmt: skip
