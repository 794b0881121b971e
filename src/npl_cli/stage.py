"""Where each case stands (DOMAIN §1, §3): pre-legal, in litigation (a suit, payment order or
arbitration pending), judgment (in force, the performance period running), enforcement
(applied for), or closed (nothing outstanding), from the ledger's dates and the action log's."""

from __future__ import annotations

import numpy as np
import pandas as pd

from npl_cli.schema import STAGES

CLOSED = STAGES.index("closed")


def loan_stages(frame: pd.DataFrame) -> np.ndarray:
    """A code into STAGES per loan; the latest stage reached wins."""
    n = len(frame)

    def dated(*columns: str) -> np.ndarray:
        found = np.zeros(n, dtype=bool)
        for column in columns:
            if column in frame:
                found |= frame[column].notna().to_numpy()
        return found

    balance = frame["balance"].to_numpy(dtype=float)
    return np.select(
        [np.nan_to_num(balance) <= 0, dated("enforcement_applied_on"),
         dated("judgment_effective_on"), dated("lawsuit_filed_on", "suit_on")],
        [CLOSED, STAGES.index("enforcement"), STAGES.index("judgment"),
         STAGES.index("litigation")],
        STAGES.index("pre_legal"),
    ).astype(np.int8)  # fmt: skip


def debtor_stages(loans: np.ndarray, debtor: np.ndarray, count: int) -> np.ndarray:
    """Per debtor: the furthest stage of its open loans; closed when every loan is."""
    open_code = np.where(loans == CLOSED, -1, loans).astype(np.int64)
    furthest = np.full(count, -1, dtype=np.int64)
    np.maximum.at(furthest, debtor, open_code)
    return np.where(furthest < 0, CLOSED, furthest).astype(np.int8)


def stage_names(codes: np.ndarray) -> np.ndarray:
    return np.asarray(STAGES, dtype=object)[codes]
