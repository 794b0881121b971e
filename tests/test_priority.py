"""The priority score, worked out by hand from the packaged points; the yuan formatter; and
the text join that must keep every row in place."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from npl_cli.config import load_settings
from npl_cli.priority import format_yuan, score
from npl_cli.text import join_present


def test_score_adds_urgency_value_and_stage() -> None:
    """A: 10 days left (10000 - 10), balance 9,999 (100 × log10 10,000 = 400), a guarantor
    (60), hardship (80), M3 (100) = 10,630. B: no deadline (0) but an expired claim (500),
    nothing owed (0), malicious (40), M6+ (30) = 570."""
    unit = pd.DataFrame({
        "days_left": [10.0, np.nan], "expired_claim": [False, True], "balance": [9999.0, 0.0],
        "has_guarantor": [True, False], "has_collateral": [False, False],
        "debtor_type": ["hardship", "malicious"], "band": ["M3", "M6+"],
    })  # fmt: skip
    result = score(unit, load_settings().typed.priority)
    assert result["priority"].tolist() == [10630.0, 570.0]


def test_format_yuan_groups_thousands() -> None:
    values = np.array([20_000, -1_234_567.4, 0, 999.5])
    assert format_yuan(values).to_pylist() == ["20,000", "-1,234,567", "0", "1,000"]


def test_join_present_keeps_rows_whose_parts_are_all_missing() -> None:
    """pyarrow 26 drops such rows from binary_join_element_wise(skip): every later row's
    text would move up one."""
    first = pa.array(["a", None, "c", None])
    second = pa.array(["1", None, None, "4"])
    assert join_present([first, second], "; ").to_pylist() == ["a; 1", None, "c", "4"]
