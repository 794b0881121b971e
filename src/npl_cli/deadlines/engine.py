"""Every deadline of every loan, as of a day: the claim, the guarantors, the enforcement."""

from __future__ import annotations

import numpy as np
import pandas as pd

from npl_cli.deadlines.claim import claim_rows, claim_start
from npl_cli.deadlines.enforcement import enforcement_rows
from npl_cli.deadlines.events import borrower_events, ledger_events, with_positions
from npl_cli.deadlines.guarantee import guarantee_rows
from npl_cli.deadlines.table import Deadlines, build_table
from npl_cli.messages import Said, said, tally
from npl_cli.periods import rest_calendar
from npl_cli.settings import DeadlineSettings
from npl_cli.text import counted


def _paid_off(paid: int) -> Said:
    return said(
        f"{counted(paid, 'loan')} with no balance outstanding: no deadlines",
        f"{paid:,} 笔贷款已无余额：不计算期限",
    )


def _no_claim_start(unknown: int) -> Said:
    return said(
        f"claim limitation not computed for {counted(unknown, 'loan')}: no maturity date, "
        "acceleration date or overdue start",
        f"{unknown:,} 笔贷款无到期日、提前到期日或逾期起始日：未计算诉讼时效",
    )


def compute_deadlines(
    frame: pd.DataFrame,
    events: pd.DataFrame | None = None,
    *,
    as_of: pd.Timestamp,
    settings: DeadlineSettings,
) -> Deadlines:
    """Every deadline of every loan with a balance, as of `as_of`.

    `events` defaults to the ledger's own dates (ledger_events); the workspace adds its log.
    """
    today = pd.Timestamp(as_of).normalize().to_datetime64().astype("datetime64[ns]")
    loans = frame.reset_index(drop=True)
    events = with_positions(ledger_events(loans) if events is None else events, loans)
    notes: list[str] = []
    live = loans["balance"].to_numpy(dtype=float) > 0
    if (~live).any():
        notes.append(tally("paid_off", int((~live).sum()), _paid_off))
    start, start_basis = claim_start(loans)
    no_start = np.isnat(start) & live
    if no_start.any():
        notes.append(tally("no_claim_start", int(no_start.sum()), _no_claim_start))
    borrower = borrower_events(events, loans, settings)
    claim, for_guarantors = claim_rows(loans, borrower, start, start_basis, today, live)
    guarantors, guarantees = guarantee_rows(
        loans, events, start, for_guarantors, today, settings, notes, live
    )
    enforcement = enforcement_rows(loans, borrower.events, today, live)
    calendar = rest_calendar()
    notes.append(said(calendar.note("en"), calendar.note("zh")))
    return Deadlines(
        table=build_table([claim, *guarantees, enforcement], today, settings.window_days),
        loans=loans,
        as_of=pd.Timestamp(as_of),
        notes=notes,
        guarantors=guarantors,
    )
