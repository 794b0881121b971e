"""Every deadline of every loan, as of a day: the claim, the guarantors, the enforcement."""

from __future__ import annotations

import numpy as np
import pandas as pd

from npl_cli.deadlines.claim import claim_rows, claim_start
from npl_cli.deadlines.enforcement import enforcement_rows
from npl_cli.deadlines.events import borrower_events, ledger_events, with_positions
from npl_cli.deadlines.guarantee import guarantee_rows
from npl_cli.deadlines.table import Deadlines, build_table
from npl_cli.periods import rest_calendar
from npl_cli.settings import DeadlineSettings
from npl_cli.text import counted


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
        notes.append(
            f"{counted(int((~live).sum()), 'loan')} with no balance outstanding: no deadlines"
        )
    start, start_basis = claim_start(loans)
    no_start = np.isnat(start) & live
    if no_start.any():
        notes.append(
            f"claim limitation not computed for {counted(int(no_start.sum()), 'loan')}: "
            "no maturity date, acceleration date or overdue start"
        )
    borrower = borrower_events(events, loans, settings)
    claim, for_guarantors = claim_rows(loans, borrower, start, start_basis, today, live)
    guarantors, guarantees = guarantee_rows(
        loans, events, start, for_guarantors, today, settings, notes, live
    )
    enforcement = enforcement_rows(loans, borrower.events, today, live)
    notes.append(rest_calendar().note())
    return Deadlines(
        table=build_table([claim, *guarantees, enforcement], today, settings.window_days),
        loans=loans,
        as_of=pd.Timestamp(as_of),
        notes=notes,
        guarantors=guarantors,
    )
