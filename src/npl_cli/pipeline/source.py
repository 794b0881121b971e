"""The action log applied to the loans a command works on: the deadline effects (judgments,
enforcement, payments) and events, then what the log says of each loan since the ledger was
drawn up (followup.loan_facts)."""

from __future__ import annotations

import pandas as pd

from npl_cli.config import Settings
from npl_cli.deadlines.actions import apply_actions, by_guarantor, deadline_events
from npl_cli.followup import loan_facts
from npl_cli.pipeline.limitation import deadline_settings
from npl_cli.text import positions_in


def apply_log(
    frame: pd.DataFrame,
    actions: pd.DataFrame,
    settings: Settings,
    *,
    as_of: pd.Timestamp,
    since: pd.Timestamp | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The loans with the log up to `as_of` applied, and their deadline events. `since`: the
    date the loans are of (the snapshot's, or the file's own)."""
    known = actions[actions["date"] <= as_of]
    rows = positions_in(frame["loan_id"], known["loan_id"])  # each action's loan in the ledger
    guarantor_acts = by_guarantor(frame, known, rows)
    frame = apply_actions(frame, known, rows, guarantor_acts)
    frame = loan_facts(frame, known, rows, guarantor_acts, as_of=as_of, since=since,
                       settings=deadline_settings(settings))  # fmt: skip
    return frame, deadline_events(frame, known, rows, guarantor_acts)
