"""Early warning: each default signal fires where it should and not elsewhere, contagion
through guarantors and circles, the back-test arithmetic on a hand-built three-snapshot case,
and rule-file errors."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from npl_cli.calibrate import _fit, calibrate, rules_file
from npl_cli.config import load_settings
from npl_cli.errors import ConfigError, UsageError
from npl_cli.warning import (
    BacktestData,
    Warning,
    auc,
    backtest,
    compile_warnings,
    measured,
    score,
    watch_frame,
)

DAY = pd.Timestamp("2026-11-30")
SETTINGS = load_settings()
WARNINGS = compile_warnings(SETTINGS.warnings)
LEVELS = SETTINGS.data["watch"]["levels"]


def loan(loan_id: str, **values: Any) -> dict[str, Any]:
    row = {
        "loan_id": loan_id,
        "debtor_name": f"户{loan_id}",
        "debtor_id": f"ID{loan_id}",
        "balance": 10_000.0,
        "principal": 10_000.0,
        "maturity_date": pd.Timestamp("2029-01-31"),
        "overdue_since": pd.NaT,
        "ledger_class": "正常",
        "last_payment_date": DAY,
        "overdue_count": 0,
        "contact_status": "正常",
        "notes": None,
        "guarantors": None,
    }
    return {**row, **values}


def snapshot(*rows: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def fired(
    frame: pd.DataFrame, history: list[tuple[pd.Timestamp, pd.DataFrame]] | None = None
) -> dict[str, list[bool]]:
    history = history or [(DAY, frame)]
    scored = score(watch_frame(measured(history, SETTINGS.typed.aging), DAY), WARNINGS, DAY)
    return {column: scored[column].tolist() for column in scored.columns if column != "score"}


def test_each_ledger_signal_fires_on_its_loan_only() -> None:
    book = snapshot(
        loan("quiet"),
        loan("late", overdue_since=DAY - pd.Timedelta(days=20)),
        loan("repeat", overdue_count=3),
        loan("gap", last_payment_date=DAY - pd.Timedelta(days=90)),
        loan("maturing", maturity_date=DAY + pd.Timedelta(days=30), principal=12_000.0),
        loan("lost", contact_status="失联"),
        loan("news", notes="经营者涉诉，工厂停产"),
    )
    hits = fired(book)
    expected = {
        "overdue_now": "late",
        "repeated_overdues": "repeat",
        "payment_gap": "gap",
        "maturity_near_balance_high": "maturing",
        "contact_lost": "lost",
        "risk_words": "news",
    }
    ids = list(book["loan_id"])
    for rule, only in expected.items():
        assert [ids[i] for i, hit in enumerate(hits[rule]) if hit] == [only], rule
    assert not any(hits[rule][0] for rule in hits)  # the quiet loan meets none


def test_history_signals_need_earlier_snapshots() -> None:
    march = DAY - pd.DateOffset(months=3)
    then = snapshot(
        loan("A"),
        loan("B", overdue_since=march - pd.Timedelta(days=10)),
        loan("C", balance=8_000.0),
    )
    now = snapshot(loan("A", ledger_class="关注"), loan("B"), loan("C", balance=9_000.0))
    history = [(march + pd.offsets.MonthEnd(0), then), (DAY, now)]
    hits = fired(now, history)
    assert hits["class_downgraded"] == [True, False, False]  # A: 正常 -> 关注
    assert hits["recent_overdue"] == [False, True, False]  # B was overdue three months ago
    assert hits["balance_not_falling"] == [True, True, True]  # none paid down (C even grew)
    assert fired(now)["class_downgraded"] == [False, False, False]  # one ledger: no history


LATE = DAY - pd.Timedelta(days=5)


def test_contagion_through_other_loans_guarantors_and_circles() -> None:
    book = snapshot(
        loan("A1", debtor_id="A", debtor_name="甲", overdue_since=DAY - pd.Timedelta(days=40)),
        loan("A2", debtor_id="A", debtor_name="甲"),  # 甲's other loan is overdue
        # 乙 is guaranteed by an overdue debtor; 丙 and 丁 guarantee each other, 丁 is overdue
        loan("B1", debtor_id="B", debtor_name="乙", guarantors="甲"),
        loan("C1", debtor_id="C", debtor_name="丙", guarantors="丁"),
        loan("D1", debtor_id="D", debtor_name="丁", guarantors="丙", overdue_since=LATE),
        loan("E1", debtor_id="E", debtor_name="戊", guarantors="己"),
    )
    hits = fired(book)
    assert hits["other_loans_overdue"] == [False, True, False, False, False, False]
    assert hits["guarantor_overdue"] == [False, False, True, True, False, False]
    assert hits["guarantee_circle"] == [False, False, False, True, True, False]


def test_a_guarantor_written_with_an_id_is_matched_by_the_id() -> None:
    """Two debtors named 甲: A is overdue, A2 is not. "甲（A2）" is the good one, "甲（A）" the
    overdue one, a bare "甲" matches by name (an overdue 甲 exists)."""
    book = snapshot(
        loan("A1", debtor_id="A", debtor_name="甲", overdue_since=LATE),
        loan("A21", debtor_id="A2", debtor_name="甲"),
        loan("B1", debtor_id="B", debtor_name="乙", guarantors="甲（A2）"),
        loan("C1", debtor_id="C", debtor_name="丙", guarantors="甲(A)"),
        loan("D1", debtor_id="D", debtor_name="丁", guarantors="甲"),
        loan("E1", debtor_id="E", debtor_name="戊", guarantors="己（X9）、甲（A2）"),
    )
    assert fired(book)["guarantor_overdue"] == [False, False, False, True, True, False]


def test_a_phone_or_address_changed_within_three_months() -> None:
    then_day = DAY - pd.DateOffset(months=1)
    then = snapshot(
        loan("A", phone="13800000001", address="城关镇一村"),
        loan("B", phone="13800000002", address="城关镇二村"),
        loan("C", phone=None, address="城关镇三村"),
    )
    now = snapshot(
        loan("A", phone="13900000009", address="城关镇一村"),  # a new phone
        loan("B", phone="13800000002", address="城关镇二村"),
        loan("C", phone="13800000003", address="城关镇三村"),  # a phone first known now
    )
    history = [(then_day + pd.offsets.MonthEnd(0), then), (DAY, now)]
    assert fired(now, history)["contact_changed"] == [True, False, False]
    assert fired(now)["contact_changed"] == [False, False, False]  # one ledger: no history


def test_calibration_moves_the_points_to_the_rule_that_predicts() -> None:
    """Rule r0 fires on exactly the bad loans; r1 fires on one bad and one good loan within
    each value of r0, so given r0 it says nothing (its coefficient is 0 by symmetry); r2 never
    fires. Today's points 5, 20, 5 rank a good loan above a bad one; the fired rules' 25
    points all go to r0, r2 keeps its 5."""
    when = compile_warnings([{"name": "x", "points": 1, "when": {"field": "dpd", "gt": 0}}])[0].when
    points = {"r0": 5.0, "r1": 20.0, "r2": 5.0}
    rules = [Warning(name, p, when, {"zh": name, "en": name}) for name, p in points.items()]
    hits = np.array([[1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 0]], dtype=bool)
    bad = np.array([True, True, False, False])
    data = BacktestData(["2026-10-31"], hits, hits @ np.array([5.0, 20.0, 5.0]), bad, np.zeros(4))
    result = calibrate(data, rules, horizon=1)
    assert [(r["name"], r["points"], r["suggested"]) for r in result["rules"]] == [
        ("r0", 5.0, 25.0),
        ("r1", 20.0, 0.0),
        ("r2", 5.0, 5.0),
    ]
    assert result["rules"][0]["coefficient"] > 0 and result["rules"][1]["coefficient"] == 0
    # today: scores 5, 25 (bad) against 20, 0 (good): 3 of 4 pairs right; suggested: all
    assert result["auc_before"] == 0.75 and result["auc_after"] == 1.0
    assert result["out_of_time"] is None  # one period: nothing to hold out
    words = {"field": "notes", "contains_any": ["赌博", '涉"诉']}
    raw = [{"name": "r0", "points": 5, "when": {"any": [{"field": "dpd", "gt": 0}, words]}}]
    text = rules_file(raw, result)
    assert "points = 25\n" in text
    assert 'when = { any = [{ field = "dpd", gt = 0 }, { field = "notes", contains_any = ' in text
    assert tomllib.loads(text)["warnings"] == [{**raw[0], "points": 25}]


def test_calibration_needs_scikit_learn_and_says_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "sklearn.linear_model", None)
    with pytest.raises(UsageError) as error:
        _fit(np.ones((2, 1)), np.array([True, False]), 1.0)
    assert str(error.value) == (
        "npl watch calibrate needs scikit-learn, which is not installed: pip install 'npl-cli[ml]'"
    )


def test_a_users_warning_rule_replaces_the_packaged_one_of_its_name(tmp_path: Path) -> None:
    (tmp_path / "r.toml").write_text(
        '[[warnings]]\nname = "overdue_now"\npoints = 0\nwhen = { field = "dpd", gt = 0 }\n',
        "utf-8",
    )
    names = [w["name"] for w in load_settings(rules=tmp_path / "r.toml").warnings]
    assert names[0] == "overdue_now" and names.count("overdue_now") == 1
    assert len(names) == len(SETTINGS.warnings)
    assert load_settings(rules=tmp_path / "r.toml").warnings[0]["points"] == 0


def test_backtest_arithmetic_on_three_snapshots() -> None:
    """Three months, horizon 1: two scoring periods. A (lost contact, gambling in the notes)
    falls 45 days overdue in month 2; B falls 40 days overdue in month 3."""
    m1, m2, m3 = (pd.Timestamp(d) for d in ("2026-09-30", "2026-10-31", "2026-11-30"))
    s1 = snapshot(loan("A", contact_status="失联", notes="赌博"), loan("B"))
    risky = {"contact_status": "失联", "notes": "赌博"}
    since = m2 - pd.Timedelta(days=45)
    s2 = snapshot(loan("A", **risky, overdue_since=since), loan("B"))
    s3 = snapshot(
        loan("A", **risky, overdue_since=since), loan("B", overdue_since=m3 - pd.Timedelta(days=40))
    )
    history = measured([(m1, s1), (m2, s2), (m3, s3)], SETTINGS.typed.aging)
    result = backtest(history, WARNINGS, LEVELS, horizon=1)
    # period 1: A 50 (contact_lost 25 + risk_words 25: red), bad (past 30 days next month);
    #           B 0 (green), good
    # period 2: A 90 (+ overdue_now 20, recent_overdue 10, balance_not_falling 10), not bad
    #           (45 days already: past 30 then, not NPL next month); B 10 (balance not falling
    #           against month 1), bad
    assert result["periods"] == ["2026-09-30", "2026-10-31"]
    assert (result["scored"], result["flagged"], result["bad"]) == (4, 2, 2)
    assert result["flagged_hit_rate"] == 0.5 and result["unflagged_hit_rate"] == 0.5
    assert result["lift"] == 1.0 and result["recall"] == 0.5
    # bad 50 and 10 against good 0 and 90: 50 > 0, 50 < 90, 10 > 0, 10 < 90 -> 2 / 4
    assert result["auc"] == pytest.approx(2 / 4)
    rules = {rule["name"]: rule for rule in result["rules"]}
    assert rules["contact_lost"] == {"name": "contact_lost", "fired": 2, "hit_rate": 0.5}
    assert rules["overdue_now"] == {"name": "overdue_now", "fired": 1, "hit_rate": 0.0}


def test_auc_is_the_rank_statistic() -> None:
    assert auc(np.array([3.0, 2.0, 1.0, 0.0]), np.array([True, True, False, False])) == 1.0
    assert auc(np.array([1.0, 1.0]), np.array([True, False])) == 0.5
    assert auc(np.array([1.0]), np.array([True])) is None


def test_bad_warning_rules_are_refused_with_every_problem(tmp_path: Path, run: Any) -> None:
    with pytest.raises(ConfigError) as error:
        compile_warnings(
            [
                {"name": "x", "points": -1, "when": {"field": "dpd", "gt": 0}},
                {"name": "y", "points": 5, "when": {"field": "dpdd", "gt": 0}},
            ]
        )
    assert str(error.value).startswith("2 problems: warning 'x': points must be a number ≥ 0")
    assert "did you mean 'dpd'" in str(error.value)
    (tmp_path / "w.toml").write_text(
        '[[warnings]]\nname = "z"\npoints = 5\nwhen = { field = "nope", eq = 1 }\n', "utf-8"
    )
    checked = run("rules", "check", "w.toml")
    assert checked.exit_code == 2
    assert checked.stderr.startswith("npl: error: w.toml: warning 'z': unknown field 'nope'")
