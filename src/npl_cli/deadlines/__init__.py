"""Legal deadlines that can make a claim worthless (DOMAIN.md §3), vectorised.

- codes: the vocabulary (kinds, statuses, basis, remarks, advice cases) and the settings;
- events: the ledger's and the action log's acts, and what their evidence proves;
- clock: period lengths and the walk through each clock's events;
- claim, guarantee, enforcement: the three families of deadlines;
- table: the code table, statuses (Art 203) and the listed rows; engine: all of it at once;
- wording: reading a contract's period and mode words; words: what people read.
"""

from npl_cli.deadlines.codes import (
    DEBTOR_ACTS,
    EVENT_COLUMNS,
    EVENT_KINDS,
    KINDS,
    STATUSES,
)
from npl_cli.deadlines.engine import compute_deadlines
from npl_cli.deadlines.events import ledger_events
from npl_cli.deadlines.guarantee import split_guarantors
from npl_cli.deadlines.table import Deadlines, select
from npl_cli.deadlines.wording import GUARANTOR_SEPARATORS, Period, parse_guarantee_period
from npl_cli.deadlines.words import OUTPUT_COLUMNS, output_frame
from npl_cli.settings import DeadlineSettings

__all__ = [
    "DEBTOR_ACTS",
    "EVENT_COLUMNS",
    "EVENT_KINDS",
    "GUARANTOR_SEPARATORS",
    "KINDS",
    "OUTPUT_COLUMNS",
    "STATUSES",
    "Deadlines",
    "DeadlineSettings",
    "Period",
    "compute_deadlines",
    "ledger_events",
    "output_frame",
    "parse_guarantee_period",
    "select",
    "split_guarantors",
]
