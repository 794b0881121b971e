"""The rule language: every operator, the default debtor types, and exact load errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from npl_cli.config import load_settings
from npl_cli.errors import ConfigError
from npl_cli.rules import classify, compile_rules, evaluate, known_fields

AS_OF = pd.Timestamp("2026-11-30")


def one(when: dict[str, Any]) -> Any:
    return compile_rules([{"name": "r", "type": "hardship", "when": when}], known_fields())[0]


FRAME = pd.DataFrame(
    {
        "dpd": [0, 45, 200],
        "balance": [100.0, 5000.0, np.nan],
        "region": ["城关镇", "河口镇", None],
        "contact_status": ["正常", "失联", None],
        "last_payment_date": pd.to_datetime(["2026-11-01", "2026-05-01", "NaT"]),
        "band": pd.Categorical(
            ["M0", "M2", "M6+"], categories=["M0", "M1", "M2", "M6+"], ordered=True
        ),
    }
)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ({"field": "dpd", "eq": 45}, [False, True, False]),
        ({"field": "dpd", "ne": 45}, [True, False, True]),
        ({"field": "dpd", "lt": 45}, [True, False, False]),
        ({"field": "dpd", "lte": 45}, [True, True, False]),
        ({"field": "dpd", "gt": 45}, [False, False, True]),
        ({"field": "dpd", "gte": 45}, [False, True, True]),
        ({"field": "region", "in": ["城关镇", "白沙镇"]}, [True, False, False]),
        ({"field": "region", "not_in": ["城关镇"]}, [False, True, False]),
        ({"field": "balance", "between": [100, 5000]}, [True, True, False]),
        ({"field": "balance", "is_null": True}, [False, False, True]),
        ({"field": "region", "not_null": True}, [True, True, False]),
        ({"field": "contact_status", "contains_any": ["失联", "LOST"]}, [False, True, False]),
        ({"field": "last_payment_date", "within_days": 90}, [True, False, False]),
        ({"field": "last_payment_date", "not_within_days": 180}, [False, True, True]),
        ({"field": "band", "gte": "M2"}, [False, True, True]),
        (
            {"all": [{"field": "dpd", "gt": 0}, {"field": "region", "not_null": True}]},
            [False, True, False],
        ),
        (
            {"any": [{"field": "dpd", "eq": 0}, {"field": "balance", "is_null": True}]},
            [True, False, True],
        ),
        ({"not": {"field": "contact_status", "contains_any": ["失联"]}}, [True, False, True]),
    ],
)
def test_operators(when: dict[str, Any], expected: list[bool]) -> None:
    assert evaluate(one(when).when, FRAME, AS_OF).tolist() == expected


def default_types(**columns: list[Any]) -> list[tuple[str, str]]:
    rules = compile_rules(load_settings().rules, known_fields())
    frame = pd.DataFrame(columns)
    for column in ("last_payment_date",):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column])
    kinds, names = classify(rules, frame, AS_OF)
    return list(zip(kinds.tolist(), names.tolist(), strict=True))


def test_default_debtor_types_each_with_a_clear_case() -> None:
    assert default_types(
        contact_status=["失联", "正常", "正常", "正常", "正常", "正常", "正常", "正常", "正常"],
        notes=[None, "借款人转移资产", None, None, None, None, None, None, None],
        overdue_reason=[None, None, "经营困难", None, None, None, None, None, "资金周转"],
        last_payment_date=[None, None, None, "2026-10-15", None, None, "2025-01-01", None, None],
        broken_promises=[0, 0, 0, 0, 2, 0, 0, 0, 1],
        overdue_count=[1, 1, 1, 1, 1, 3, 1, 1, 2],
        dpd=[10, 10, 10, 10, 10, 10, 120, 20, 45],
    ) == [
        ("malicious", "lost_contact"),
        ("malicious", "evasion_or_asset_transfer"),
        ("hardship", "stated_hardship"),
        ("hardship", "recent_payment_no_broken_promise"),
        ("irresponsible", "able_but_unwilling"),
        ("irresponsible", "able_but_unwilling"),
        ("irresponsible", "able_but_unwilling"),
        ("accidental", "first_short_overdue"),
        ("unclassified", ""),
    ]


def test_recent_payment_with_a_broken_promise_is_not_hardship() -> None:
    assert default_types(
        contact_status=["正常"],
        last_payment_date=["2026-10-15"],
        broken_promises=[1],
        overdue_count=[2],
        dpd=[45],
    ) == [("unclassified", "")]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            {"name": "a", "type": "malicious", "when": {"field": "contact_state", "eq": "失联"}},
            "rule 'a': unknown field 'contact_state'; did you mean 'contact_status'?",
        ),
        (
            {"name": "a", "type": "malicious", "when": {"field": "dpd", "greater": 5}},
            "rule 'a': unknown operator 'greater'; did you mean 'gte'?",
        ),
        (
            {"name": "a", "type": "evil", "when": {"field": "dpd", "gt": 5}},
            "rule 'a': type 'evil' is not a debtor type; use one of accidental, hardship, "
            "irresponsible, malicious",
        ),
        (
            {"name": "a", "type": "hardship", "when": {"field": "dpd", "between": 5}},
            "rule 'a': 'between' needs [low, high]",
        ),
        (
            {"name": "a", "type": "hardship", "when": {"field": "dpd", "gt": 5, "lt": 9}},
            "rule 'a': field 'dpd' needs exactly one operator, got 2",
        ),
        (
            {"name": "a", "type": "hardship", "when": {"alll": []}},
            "rule 'a': unknown operator 'alll'; did you mean 'all'?",
        ),
        ({"name": "a", "type": "hardship"}, "rule 'a': has no 'when' condition"),
    ],
)
def test_rule_errors_name_the_rule_and_suggest(rule: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as error:
        compile_rules([rule], known_fields())
    assert str(error.value) == message


def test_unmapped_ledger_columns_can_be_fields() -> None:
    rule = {"name": "a", "type": "hardship", "when": {"field": "营销渠道", "eq": "网点"}}
    with pytest.raises(ConfigError):
        compile_rules([rule], known_fields())
    assert compile_rules([rule], known_fields(["营销渠道"]))[0].name == "a"
