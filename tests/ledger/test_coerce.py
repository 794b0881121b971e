"""Coercion of text cells: identifiers (DOMAIN.md §4), dates, amounts, counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from npl_cli.ledger import coerce


def test_domain_examples_are_valid() -> None:
    assert coerce.resident_id_valid(pa.array(["11010519491231002X"])).tolist() == [True]
    assert coerce.credit_code_valid(pa.array(["91110108551385082Q"])).tolist() == [True]


def test_wrong_check_characters_are_invalid() -> None:
    assert coerce.resident_id_valid(pa.array(["110105194912310021"])).tolist() == [False]
    assert coerce.credit_code_valid(pa.array(["91110108551385082A"])).tolist() == [False]
    # I, O, S, V, Z are not in the credit-code alphabet
    assert coerce.credit_code_valid(pa.array(["9111010855138508IQ"])).tolist() == [False]


def test_id_findings_leave_other_identifiers_alone() -> None:
    findings = coerce.id_findings(
        pd.Series(["11010519491231002x", "C001", "110105491231002", None, "1.10105E+17"])
    )
    assert findings.tolist() == [None, None, None, None, coerce.DIGITS_LOST]


def test_dates_parse_each_distinct_value_once() -> None:
    dates, bad = coerce.parse_dates(pd.Series(["2024-02-29", "2023-02-29", None, "2024年2月29日"]))
    assert pd.Series(dates).tolist()[0] == pd.Timestamp("2024-02-29")
    assert np.isnat(dates[1]) and np.isnat(dates[2])
    assert pd.Timestamp(dates[3]) == pd.Timestamp("2024-02-29")
    assert bad.tolist() == [False, True, False, False]


def test_excel_serial_dates() -> None:
    dates, bad = coerce.parse_dates(pd.Series(["60", "61", "45000", "45000.75"]))
    assert [str(pd.Timestamp(d).date()) if not np.isnat(d) else None for d in dates] == [
        None,
        "1900-03-01",
        "2023-03-15",
        "2023-03-15",
    ]
    assert bad.tolist() == [True, False, False, False]


def test_counts_accept_units_and_reject_fractions() -> None:
    counts, bad = coerce.parse_counts(pd.Series(["12", "3次", "45天", "1.5", "x", None]))
    assert counts.tolist()[:3] == [12.0, 3.0, 45.0]
    assert np.isnan(counts).tolist() == [False, False, False, True, True, True]
    assert bad.tolist() == [False, False, False, True, True, False]
