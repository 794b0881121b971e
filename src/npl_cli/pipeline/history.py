"""`npl history`: a loan's record — snapshots, actions and promises, deadlines then and now."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from npl_cli.deadlines import (
    OUTPUT_COLUMNS,
    compute_deadlines,
    output_frame,
    select,
)
from npl_cli.deadlines.actions import with_actions
from npl_cli.settings import DeadlineSettings

MOMENTS = {"en": ("snapshot", "now"), "zh": ("快照", "当前")}  # when a history's deadlines stood


@dataclass
class LoanHistory:
    loan_id: str
    snapshots: pd.DataFrame  # one row per snapshot holding the loan
    actions: pd.DataFrame  # with promise_status for promises
    deadlines: pd.DataFrame  # `moment` (snapshot date, or now) + the deadline columns


def loan_history(
    loan_id: str,
    snapshots: pd.DataFrame,
    actions: pd.DataFrame,
    as_of: pd.Timestamp,
    settings: DeadlineSettings,
    lang: str = "en",
) -> LoanHistory:
    """The record a lawyer asks for: balances and classes per snapshot, the actions and
    promises, and the deadlines as they stood at each snapshot and as they stand now (basis
    and advice in the words of `lang`)."""
    from npl_cli.followup import promise_status

    promises = promise_status(actions, as_of)
    status = dict(zip(promises["id"], promises["status"], strict=True)) if len(promises) else {}
    actions = actions.assign(promise_status=actions["id"].map(status))
    then, now = MOMENTS[lang]
    moments = [
        (pd.Timestamp(day), f"{then} {pd.Timestamp(day):%Y-%m-%d}", i)
        for i, day in enumerate(snapshots["as_of"])
    ]
    if len(snapshots):
        moments.append(
            (pd.Timestamp(as_of), f"{now} {pd.Timestamp(as_of):%Y-%m-%d}", len(snapshots) - 1)
        )
    tables = []
    for moment, label, position in moments:
        frame = (
            snapshots.iloc[[position]]
            .drop(columns=["as_of", "file"])
            .dropna(axis=1, how="all")
            .reset_index(drop=True)
        )
        frame, events = with_actions(frame, actions, moment)
        computed = compute_deadlines(frame, events, as_of=moment, settings=settings)
        chosen = select(computed, window_days=settings.window_days, everything=True)
        rows = output_frame(computed, chosen, lang)
        tables.append(rows.assign(moment=label))
    deadlines = (
        pd.concat(tables, ignore_index=True)[["moment", *OUTPUT_COLUMNS]]
        if tables
        else pd.DataFrame(columns=["moment", *OUTPUT_COLUMNS])
    )
    return LoanHistory(loan_id, snapshots, actions, deadlines)
