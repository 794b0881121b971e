"""Claim limitation (诉讼时效): 3 years from the due date (Civil Code Arts 188-189), restarted
by an interruption while it runs (Art 195), never past the 20-year cap, revived after expiry
only by the debtor's written agreement to perform (Art 192)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from npl_cli.deadlines.clock import limitation_end, walk
from npl_cli.deadlines.codes import CASE, EVENT_KINDS, STATUSES, WRITTEN_ACTS, B, N
from npl_cli.deadlines.events import BorrowerEvents
from npl_cli.deadlines.table import Rows, rows
from npl_cli.periods import NAT, add_years, date_column


def claim_start(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """When the limitation starts (and the BASIS code of why): the maturity date, or the
    acceleration date if earlier; without a maturity date, the overdue start (conservative)."""
    maturity = date_column(frame, "maturity_date")
    accelerated = date_column(frame, "accelerated_on")
    overdue = date_column(frame, "overdue_since")
    start = maturity.copy()
    basis = np.full(len(frame), B["maturity"], dtype=np.int64)
    earlier = ~np.isnat(accelerated) & (np.isnat(start) | (accelerated < start))
    start[earlier] = accelerated[earlier]
    basis[earlier] = B["acceleration"]
    fallback = np.isnat(start) & ~np.isnat(overdue)
    start[fallback] = overdue[fallback]
    basis[fallback] = B["overdue_start"]
    return start, basis


def claim_rows(
    loans: pd.DataFrame,
    borrower: BorrowerEvents,
    start: np.ndarray,
    start_basis: np.ndarray,
    today: np.datetime64,
    live: np.ndarray,
) -> tuple[Rows, np.ndarray]:
    """Claim-limitation rows of the loans with a balance, and per loan the deadline a
    guarantor may rely on (NaT when none): the running one, or for a revived claim the date
    it had expired on, since a revival binds only the debtor (SPC limitation provisions
    Art 18)."""
    has = np.flatnonzero(~np.isnat(start) & live)
    renumber = np.full(len(loans), -1, dtype=np.int64)
    renumber[has] = np.arange(len(has))
    local = renumber[borrower.events.loan]
    events = borrower.events.where(local >= 0, local[local >= 0])
    clock = walk(start[has], start_basis[has], limitation_end, events, today)
    loan_start = start[has]
    note = np.zeros(len(has), dtype=np.int8)
    note_date = np.full(len(has), NAT)
    deadline, basis, basis_date = clock.deadline, clock.basis, clock.basis_date
    ignored = borrower.ignored_notices
    if len(ignored):
        at = renumber[ignored.index.to_numpy()]
        kept = at >= 0
        note[at[kept]] = N["notice_ignored"]
        note_date[at[kept]] = ignored.to_numpy()[kept]
    late = clock.late_kind >= 0  # the more pressing remark where both apply
    late_note = np.full(len(has), N["late_act"])
    late_note[clock.late_kind == EVENT_KINDS.index("payment")] = N["late_payment"]
    oral = np.isin(clock.late_kind, [EVENT_KINDS.index(k) for k in WRITTEN_ACTS])
    late_note[oral] = N["late_oral"]  # an act that would revive only if it were in writing
    note[late] = late_note[late]
    note_date[late] = clock.late_date[late]
    long_chain = (deadline - loan_start) > np.timedelta64(7300, "D")  # only these can hit it
    if long_chain.any():
        cap = np.full(len(has), NAT)
        cap[long_chain] = add_years(loan_start[long_chain], 20)
        capped = long_chain & (cap < deadline)
        note[capped] = N["capped"]
        note_date[capped] = deadline[capped]
        deadline = np.where(capped, cap, deadline)
        basis = np.where(capped, B["cap"], basis)
        basis_date = np.where(capped, loan_start, basis_date)
    judged = ~np.isnat(date_column(loans, "judgment_effective_on")[has])
    litigating = ~np.isnat(clock.suit_date) | judged
    status = np.full(len(has), -1, dtype=np.int8)
    status[litigating] = STATUSES.index("in_litigation")
    status[judged] = STATUSES.index("met")  # the judgment debt now runs on the enforcement clock
    action = np.where(litigating, CASE["in_litigation"], CASE["live"])
    action[judged] = CASE["met"]
    deadline = np.where(litigating, NAT, deadline)
    revived = ~np.isnat(clock.revived_on)
    for_guarantors = np.full(len(loans), NAT)
    for_guarantors[has] = np.where(revived, clock.expired_on, deadline)
    table = rows(
        has, "claim_limitation", deadline, status=status, basis=basis, basis_date=basis_date,
        note=note, note_date=note_date, note_basis=clock.late_basis, action=action,
        revived_on=clock.revived_on,
    )  # fmt: skip
    return table, for_guarantors
