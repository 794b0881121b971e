"""Aging bands and five-tier floors: every boundary (DOMAIN.md §2)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from npl_cli.aging import (
    AgingSettings,
    Floors,
    age,
    apply_debtor_contagion,
    bands,
    days_past_due,
    finish_classes,
    floor_codes,
)
from npl_cli.config import load_settings
from npl_cli.schema import RISK_CLASSES

AS_OF = pd.Timestamp("2026-11-30")


def default_settings() -> AgingSettings:
    settings = load_settings()
    return settings.typed.aging


@pytest.mark.parametrize(
    ("dpd", "band"),
    [
        (0, "M0"),
        (1, "M1"),
        (30, "M1"),
        (31, "M2"),
        (60, "M2"),
        (61, "M3"),
        (90, "M3"),
        (91, "M4"),
        (120, "M4"),
        (121, "M5"),
        (150, "M5"),
        (151, "M6"),
        (180, "M6"),
        (181, "M6+"),
    ],
)
def test_band_boundaries(dpd: int, band: str) -> None:
    assert str(bands(np.array([dpd]), default_settings())[0]) == band


@pytest.mark.parametrize(
    ("dpd", "floor"),
    [
        (0, "normal"),
        (1, "special_mention"),
        (30, "special_mention"),
        (31, "special_mention"),
        (90, "special_mention"),
        (91, "substandard"),
        (180, "substandard"),
        (181, "substandard"),
        (270, "substandard"),
        (271, "doubtful"),
        (360, "doubtful"),
        (361, "loss"),
    ],
)
def test_five_tier_floor_boundaries(dpd: int, floor: str) -> None:
    code = floor_codes(np.array([dpd]), default_settings().floors)[0]
    assert RISK_CLASSES[code] == floor


def test_technical_grace_keeps_short_overdue_normal() -> None:
    floors = Floors(
        special_mention_after=7, substandard_after=90, doubtful_after=270, loss_after=360
    )
    assert [RISK_CLASSES[c] for c in floor_codes(np.array([7, 8]), floors)] == [
        "normal",
        "special_mention",
    ]


@pytest.mark.parametrize(
    ("dpd", "floor"),
    [
        (90, "special_mention"),
        (91, "substandard"),
        (120, "substandard"),
        (121, "doubtful"),
        (180, "doubtful"),
        (181, "loss"),
    ],
)
def test_credit_card_scheme(dpd: int, floor: str) -> None:
    frame = pd.DataFrame(
        {"loan_id": ["C1"], "balance": [1.0], "dpd": [float(dpd)], "product": ["信用卡透支"]}
    )
    aged, _ = age(frame, AS_OF, default_settings())
    assert RISK_CLASSES[aged["risk_class_code"].iloc[0]] == floor


def test_under_classified_when_ledger_class_is_better_than_the_floor() -> None:
    frame = pd.DataFrame(
        {
            "loan_id": ["A", "B", "C", "D"],
            "balance": [1.0] * 4,
            "dpd": [100.0, 100.0, 10.0, 400.0],
            "ledger_class": ["关注", "次级", "损失", "可疑二级"],
        }
    )
    aged, _ = age(frame, AS_OF, default_settings())
    finished = finish_classes(aged, aged["risk_class_code"].to_numpy())
    assert finished["under_classified"].tolist() == [True, False, False, True]


def test_dpd_sources_and_notes() -> None:
    frame = pd.DataFrame(
        {
            "loan_id": ["A", "B", "C", "D"],
            "balance": [1.0, 1.0, 1.0, 0.0],
            "overdue_since": pd.to_datetime(["2026-11-01", "NaT", "NaT", "NaT"]),
            "dpd": [5.0, 40.0, np.nan, np.nan],
            "maturity_date": pd.to_datetime(
                ["2027-01-01", "2027-01-01", "2026-11-20", "2026-01-01"]
            ),
        }
    )
    dpd, notes = days_past_due(frame, AS_OF)
    assert dpd.tolist() == [29, 40, 10, 0]
    assert notes == [
        "DPD taken from the ledger's 逾期天数 for 1 overdue loans (no overdue start date)",
        "DPD counted from the maturity date for 1 loan (no overdue start or 逾期天数)",
    ]


def test_non_retail_debtor_over_ten_percent_npl_is_npl_throughout() -> None:
    frame = pd.DataFrame(
        {
            "loan_id": ["A1", "A2", "B1", "B2"],
            "balance": [80.0, 20.0, 80.0, 20.0],
            "dpd": [0.0, 100.0, 0.0, 100.0],
            "customer_type": ["公司法人", "公司法人", "个人", "个人"],
        }
    )
    aged, _ = age(frame, AS_OF, default_settings())
    floors, moved = apply_debtor_contagion(aged, np.array([0, 0, 1, 1]), default_settings())
    assert [RISK_CLASSES[c] for c in floors] == [
        "substandard",
        "substandard",
        "normal",
        "substandard",
    ]
    assert moved == 1
