"""The debtor rollup: keys, sums, worst values and joined texts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from npl_cli.debtors import debtor_keys, rollup


def loans() -> pd.DataFrame:
    """Two debtors: 张三 (three loans, ID in mixed case) and 李四 (one loan, no texts)."""
    return pd.DataFrame(
        {
            "debtor_id": [
                "11010519491231002x",
                "李四",
                " 11010519491231002X ",
                "11010519491231002X",
            ],
            "debtor_name": ["张三", "李四", "张三", "张三"],
            "balance": [100.0, 50.0, 200.0, 300.0],
            "dpd": [10.0, 0.0, 400.0, 95.0],
            "contact_status": ["失联", None, "电话停机", "失联"],
            "risk_class_code": np.array([1, 0, 4, 2], dtype=np.int8),
            "ledger_class_code": np.array([1, 0, 2, -1], dtype=np.int8),
            "under_classified": [False, False, True, False],
        }
    )


def test_debtor_keys_normalise_the_id_number() -> None:
    codes, source = debtor_keys(loans())
    assert codes.tolist() == [0, 1, 0, 0]
    assert source == "ID number"


def test_rollup_sums_takes_the_worst_and_joins_distinct_texts_most_overdue_first() -> None:
    frame = loans()
    codes, _ = debtor_keys(frame)
    debtors = rollup(frame, codes, text_fields=["contact_status"])
    assert debtors["loans"].tolist() == [3, 1]
    assert debtors["balance"].tolist() == [600.0, 50.0]
    assert debtors["dpd"].tolist() == [400.0, 0.0]
    assert debtors["contact_status"].tolist()[0] == "电话停机；失联"
    assert pd.isna(debtors["contact_status"].iloc[1])
    assert debtors["under_classified"].tolist() == [True, False]
    assert (debtors["under_ledger_code"].tolist(), debtors["under_floor_code"].tolist()) == (
        [2, -1],
        [4, -1],
    )
