"""A ledger in partitions, whichever engine moves them: each loan placed in the whole ledger
(part, row) and keyed by debtor; a partition put back into ledger order; and the steps each
job runs per partition, the same for the dask engine and for the streamed pandas engine."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from npl_cli.aging import age
from npl_cli.config import Settings
from npl_cli.debtors import debtor_key_text
from npl_cli.ledger import Ledger
from npl_cli.pipeline.limitation import LimitationPart, limitation_part
from npl_cli.pipeline.triage import WorklistPart, worklist_part
from npl_cli.pipeline.watch import WatchPart, watch_part
from npl_cli.warning import GUARANTOR_FIELDS, guarantor_signals

POSITION, KEY = "_position", "_debtor_key"
ROWS_PER_PART = 1 << 32  # a loan's place in the whole ledger: part * this + its row


def without_frame(ledger: Ledger) -> Ledger:
    """How a part was read, without its loans."""
    return ledger.replace_frame(ledger.frame.iloc[:0])


def placed(ledger: Ledger, index: int, keyed: bool) -> pd.DataFrame:
    """Part `index`'s loans with their place in the whole ledger (and debtor key)."""
    frame = ledger.frame.copy()
    frame[POSITION] = index * ROWS_PER_PART + np.arange(len(frame), dtype=np.int64)
    if keyed:
        frame[KEY] = debtor_key_text(frame)
    return frame


def as_ledger(frame: pd.DataFrame, file: str) -> tuple[Ledger, np.ndarray]:
    """A partition as a ledger in ledger order, and each loan's place in the whole."""
    frame = frame.sort_values(POSITION, kind="stable")
    positions = frame[POSITION].to_numpy()
    frame = frame.drop(columns=[c for c in (POSITION, KEY) if c in frame]).reset_index(drop=True)
    return Ledger.from_frame(frame, file), positions


def worklist_of(frame: pd.DataFrame, file: str, kwargs: dict[str, Any]) -> WorklistPart | None:
    if not len(frame):
        return None
    ledger, positions = as_ledger(frame, file)
    return worklist_part(ledger, positions=positions, **kwargs)


def deadlines_of(frame: pd.DataFrame, file: str, kwargs: dict[str, Any]) -> LimitationPart:
    ledger, positions = as_ledger(frame, file)
    return limitation_part(ledger, positions=positions, **kwargs)


def guarantor_fields(frame: pd.DataFrame, as_of: pd.Timestamp, settings: Settings) -> pd.DataFrame:
    """What guarantor_signals reads of these loans, with their places in the ledger."""
    aged, _ = age(frame, as_of, settings.typed.aging)
    return aged[[c for c in (POSITION, "dpd", *GUARANTOR_FIELDS) if c in aged]]


def whole_signals(fields: list[pd.DataFrame]) -> pd.DataFrame:
    """guarantor_signals over the guarantor_fields of every partition, in ledger order,
    indexed by each loan's place in the ledger."""
    gathered = pd.concat(fields, ignore_index=True).sort_values(POSITION, kind="stable")
    return guarantor_signals(gathered.reset_index(drop=True)).set_index(
        gathered[POSITION].to_numpy()
    )


def watch_of(
    frame: pd.DataFrame, file: str, signals: pd.DataFrame, kwargs: dict[str, Any]
) -> WatchPart | None:
    """watch_part for a partition; `signals`: the whole ledger's, indexed by place."""
    if not len(frame):
        return None
    ledger, positions = as_ledger(frame, file)
    given = signals.reindex(positions).reset_index(drop=True)
    return watch_part([(kwargs["as_of"], ledger.frame)], positions=positions,
                      guarantor_signals=given, **kwargs)  # fmt: skip
