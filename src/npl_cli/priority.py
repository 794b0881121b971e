"""Priority score, plain-word reasons and lawful tactics, for debtors or loans.

The score is transparent: urgency (days left on the nearest legal deadline) + value (balance,
security, debtor type) + stage (early bands cure best). Urgency points are set so that a
deadline within `urgent_days` outranks everything without a deadline within `horizon_days`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from npl_cli.schema import TACTICS
from npl_cli.settings import PrioritySettings
from npl_cli.survey import ANSWER_EN
from npl_cli.text import contains_any, join_present

MINORITY_WORDS = ("少数民族", "宗教", "清真", "禁忌", "minority")


# --- building blocks --------------------------------------------------------------------------


def _strings(values: Any) -> pa.Array:
    return pa.array(values, type=pa.string(), from_pandas=True)


def scattered(mask: np.ndarray, make: Callable[[np.ndarray], pa.Array]) -> pa.Array:
    """`make(rows)` for the rows where `mask` is set, null elsewhere: the text is built only
    for the rows that need it (most rows of a portfolio have no promise, say)."""
    rows = np.flatnonzero(mask)
    some = make(rows)
    slot = np.full(len(mask), len(rows), dtype=np.int64)  # the appended null
    slot[rows] = np.arange(len(rows))
    return pc.take(pa.concat_arrays([some, pa.nulls(1, some.type)]), pa.array(slot))


def where_text(mask: np.ndarray, text: str | pa.Array) -> pa.Array:
    """`text` where mask is true, null elsewhere (all in Arrow, no Python strings per row)."""
    value = pa.scalar(text, pa.string()) if isinstance(text, str) else text
    return pc.if_else(pa.array(mask), value, pa.scalar(None, pa.string()))


def format_yuan(values: np.ndarray) -> pa.Array:
    """Whole yuan with thousands separators ('20,000'), vectorised: the digit groups are cut
    from the right of each number's text and joined."""
    whole = np.round(np.nan_to_num(values)).astype(np.int64)
    digits = pc.cast(pa.array(np.abs(whole)), pa.string())
    groups = []
    for k in range(6, 0, -1):  # up to 10^18
        start = -3 * k
        stop = -3 * (k - 1) if k > 1 else None
        group = (
            pc.utf8_slice_codeunits(digits, start=start, stop=stop)
            if stop is not None
            else pc.utf8_slice_codeunits(digits, start=start)
        )
        groups.append(
            pc.if_else(pc.equal(pc.utf8_length(group), 0), pa.scalar(None, pa.string()), group)
        )
    joined = join_present(groups, ",")
    sign = _strings(np.where(whole < 0, "-", ""))
    return pc.binary_join_element_wise(sign, joined, "")


# --- the score ------------------------------------------------------------------------------


def score(unit: pd.DataFrame, settings: PrioritySettings) -> pd.DataFrame:
    """urgency, value, stage and priority per row. Needs: days_left, expired_claim, balance,
    has_guarantor, has_collateral, debtor_type, band."""
    days = unit["days_left"].to_numpy(dtype=float)
    urgency = np.select(
        [days <= settings.urgent_days, days <= settings.window_days,
         days <= settings.horizon_days],
        [settings.urgent_points - days, settings.window_points - days,
         settings.horizon_points - days],
        0.0,
    )  # fmt: skip
    urgency = np.nan_to_num(urgency)
    urgency = urgency + np.where(
        unit["expired_claim"].to_numpy(dtype=bool), settings.expired_points, 0.0
    )
    balance = np.clip(unit["balance"].to_numpy(dtype=float), 0, None)
    type_points = unit["debtor_type"].map(settings.type_points).astype(float).fillna(0.0)
    value = (settings.balance_weight * np.log10(1 + balance)
             + settings.guarantor_points * unit["has_guarantor"].to_numpy(dtype=float)
             + settings.collateral_points * unit["has_collateral"].to_numpy(dtype=float)
             + type_points.to_numpy())  # fmt: skip
    stage = unit["band"].astype(str).map(settings.stage_points).astype(float).fillna(0.0)
    total = urgency + value + stage.to_numpy()
    return pd.DataFrame({"priority": np.round(total, 1)}, index=unit.index)


def flags(unit: pd.DataFrame, settings: PrioritySettings) -> dict[str, np.ndarray]:
    """The conditions tactics and reasons depend on."""
    none = pd.Series(None, index=unit.index, dtype=object)
    days = unit["days_left"].to_numpy(dtype=float)
    notes = unit["notes"] if "notes" in unit else none
    ethnicity = unit["ethnicity"].astype("string") if "ethnicity" in unit else none
    minority = contains_any(notes, MINORITY_WORDS) | np.asarray(
        ethnicity.notna()
        & ~ethnicity.astype("string").str.fullmatch(r"汉族?(；汉族?)*").fillna(True),
        dtype=bool,
    )
    judged = (
        unit["judgment_effective_on"].notna().to_numpy()
        if ("judgment_effective_on" in unit)
        else np.zeros(len(unit), dtype=bool)
    )
    broken = (
        unit["broken_promises"].to_numpy(dtype=float)
        if "broken_promises" in unit
        else (np.zeros(len(unit)))
    )
    stage = unit["stage"].to_numpy(dtype=object) if "stage" in unit else np.full(len(unit), "")
    reached = _column(unit, "reached_since_snapshot", False).to_numpy(dtype=bool)
    lost = contains_any(
        unit["contact_status"] if "contact_status" in unit else none, settings.lost_contact_words
    )
    return {
        "has_guarantor": unit["has_guarantor"].to_numpy(dtype=bool),
        "has_collateral": unit["has_collateral"].to_numpy(dtype=bool),
        "deadline_urgent": days <= settings.urgent_days,
        "lost_contact": lost & ~reached,  # reached since the snapshot: not lost, whatever it says
        "after_judgment": judged | np.isin(stage, ("judgment", "enforcement")),
        "in_litigation": stage == "litigation",
        "stuck": np.nan_to_num(broken) >= 3,
        "minority": minority,
    }


def _column(unit: pd.DataFrame, name: str, missing: Any) -> pd.Series:
    if name in unit:
        return unit[name].fillna(missing)
    return pd.Series(missing, index=unit.index)


def tactics(
    unit: pd.DataFrame, conditions: Mapping[str, np.ndarray], settings: PrioritySettings
) -> pa.Array:
    """Recommended tactic codes per row, ';'-joined in the order of DOMAIN.md §1."""
    kinds = unit["debtor_type"].to_numpy(dtype=object)
    parts = []
    for code in TACTICS:
        wanted = np.zeros(len(unit), dtype=bool)
        for debtor_type, listed in settings.tactics_by_type.items():
            if code in listed:
                wanted |= kinds == debtor_type
        for condition, listed in settings.tactics_when.items():
            if code in listed and condition in conditions:
                wanted |= conditions[condition]
        for condition, listed in settings.tactics_not_when.items():
            if code in listed and condition in conditions:
                wanted &= ~conditions[condition]
        parts.append(where_text(wanted, code))
    return join_present(parts, ";")


REASON_WORDS = {
    "zh": {"left": "{kind}剩余{days}天",
           "expired_claim": "诉讼时效已届满：争取债务人签字确认还款（民法典第192条）",
           "balance": "余额¥", "guarantor": "有保证人", "collateral": "有抵押物",
           "overdue": "逾期{dpd}天（{band}）", "under": "应调未调：台账{ledger}，下限{floor}",
           "survey": "待调研：数据不足以判断类型，需实地调查", "lost": "失联：先做信息捕捉",
           "minority": "少数民族客户：尊重宗教与风俗禁忌",
           "blacklist": "失信名单只能经法院公布，银行不得自行公布（个人信息保护法第25条）",
           "stage": "阶段：{stage}", "promise": "承诺 {date} 还款¥{amount}",
           "broken": "违约承诺{count}次", "paid": "快照后已还款¥{amount}",
           "surveyed": "{date} 调研：{answers}", "separator": "；"},
    "en": {"left": "{kind}: {days} days left",
           "expired_claim": "claim time-barred: seek the debtor's signed promise (Art 192)",
           "balance": "balance ¥", "guarantor": "guarantor", "collateral": "collateral",
           "overdue": "{dpd} days overdue ({band})",
           "under": "under-classified: ledger {ledger}, floor {floor}",
           "survey": "unclassified: the data cannot tell, survey needed",
           "lost": "contact lost: trace first", "minority":
           "minority customer: respect religious and customary taboos",
           "blacklist": "defaulter list only through the court, never the bank's own "
           "(PIPL Art 25)", "stage": "stage: {stage}", "promise": "promised ¥{amount} by {date}",
           "broken": "{count} broken promises", "paid": "paid ¥{amount} since the snapshot",
           "surveyed": "surveyed {date}: {answers}", "separator": "; "},
}  # fmt: skip


def fill(template: str, n: int, **values: pa.Array) -> pa.Array:
    """A template such as '{kind}剩余{days}天' filled row by row from Arrow string arrays."""
    pieces = re.split(r"\{(\w+)\}", template)
    parts = [
        values[piece] if i % 2 else pa.scalar(piece, pa.string())
        for i, piece in enumerate(pieces)
        if i % 2 or piece
    ]
    joined = pc.binary_join_element_wise(*parts, "", null_handling="emit_null")
    return joined if isinstance(joined, pa.Array | pa.ChunkedArray) else pa.repeat(joined, n)


def _integers(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(np.nan_to_num(values.astype(float)).astype(np.int64)), pa.string())


def reasons(
    unit: pd.DataFrame,
    conditions: Mapping[str, np.ndarray],
    lang: str,
    kind_labels: Mapping[str, str],
    class_labels: Mapping[str, str],
    stage_labels: Mapping[str, str] | None = None,
) -> pa.Array:
    """The score's reasons in plain words, in the display language."""
    words = REASON_WORDS[lang]
    n = len(unit)
    days = unit["days_left"].to_numpy(dtype=float)

    def labels(column: str, mapping: Mapping[str, str]) -> pa.Array:
        """Each code's label, through a categorical (a handful of distinct codes)."""
        codes = pd.Categorical(unit[column].astype(object))
        words = [mapping.get(str(c), str(c)) for c in codes.categories]
        indices = pa.array(codes.codes, mask=codes.codes < 0, type=pa.int32())
        return pc.take(pa.array(words, type=pa.string()), indices)

    dpd = unit["dpd"].to_numpy()
    kinds = unit["debtor_type"].to_numpy(dtype=object)
    parts = [
        where_text(
            ~np.isnan(days),
            fill(
                words["left"],
                n,
                kind=labels("next_deadline_kind", kind_labels),
                days=_integers(days),
            ),
        ),
        where_text(unit["expired_claim"].to_numpy(dtype=bool), words["expired_claim"]),
        fill(
            words["balance"] + "{amount}",
            n,
            amount=format_yuan(unit["balance"].to_numpy(dtype=float)),
        ),
        where_text(conditions["has_guarantor"], words["guarantor"]),
        where_text(conditions["has_collateral"], words["collateral"]),
        where_text(
            dpd > 0,
            fill(
                words["overdue"],
                n,
                dpd=_integers(dpd),
                band=_strings(unit["band"].astype(str).to_numpy(dtype=object)),
            ),
        ),
        where_text(
            unit["under_classified"].to_numpy(dtype=bool),
            fill(
                words["under"],
                n,
                ledger=labels("under_ledger", class_labels),
                floor=labels("under_floor", class_labels),
            ),
        ),
        where_text(kinds == "unclassified", words["survey"]),
        where_text(conditions["lost_contact"], words["lost"]),
        where_text(conditions["minority"], words["minority"]),
        where_text(conditions["after_judgment"], words["blacklist"]),
        *_followup_reasons(unit, words, n, stage_labels or {}),
        *_survey_reasons(unit, words, lang),
    ]
    return join_present(parts, words["separator"])


def _survey_reasons(unit: pd.DataFrame, words: Mapping[str, str], lang: str) -> list[pa.Array]:
    """The survey behind the type: its date and the willingness and ability found."""
    if "surveyed_on" not in unit:
        return []
    day = np.asarray(unit["surveyed_on"], dtype="datetime64[ns]")
    english = ANSWER_EN if lang == "en" else {}

    def answers(column: str) -> pa.Array:
        values = unit[column].astype(object)
        if english:
            values = values.map(english).fillna(values)
        return _strings(values.to_numpy(dtype=object))

    joiner = ", " if lang == "en" else "、"
    said = join_present([answers("willingness"), answers("ability")], joiner)
    text = fill(
        words["surveyed"],
        len(unit),
        date=_strings(np.datetime_as_string(day, unit="D")),
        answers=said,
    )
    return [where_text(~np.isnat(day), text)]


def _followup_reasons(
    unit: pd.DataFrame, words: Mapping[str, str], n: int, stage_labels: Mapping[str, str]
) -> list[pa.Array]:
    """What the action log adds to the reasons: the stage past pre-legal, an open promise,
    broken promises, what was paid since the snapshot."""
    if "stage" not in unit:
        return []
    stage = unit["stage"].to_numpy(dtype=object)
    promised = np.asarray(unit["open_promise_date"], dtype="datetime64[ns]")
    amount = unit["open_promise_amount"].to_numpy(dtype=float)
    broken = _column(unit, "promises_broken", 0).to_numpy(dtype=float)
    paid = _column(unit, "paid_since_snapshot", 0.0).to_numpy(dtype=float)

    def stage_text(rows: np.ndarray) -> pa.Array:
        labels = _strings([stage_labels.get(str(s), str(s)) for s in stage[rows]])
        return fill(words["stage"], len(rows), stage=labels)

    def promise_text(rows: np.ndarray) -> pa.Array:
        days = pd.Series(promised[rows]).dt.strftime("%Y-%m-%d")
        return fill(words["promise"], len(rows), date=_strings(days),
                    amount=format_yuan(amount[rows]))  # fmt: skip

    return [
        scattered(stage != "pre_legal", stage_text),
        scattered(~np.isnat(promised), promise_text),
        scattered(broken > 0, lambda r: fill(words["broken"], len(r), count=_integers(broken[r]))),
        scattered(paid > 0, lambda r: fill(words["paid"], len(r), amount=format_yuan(paid[r]))),
    ]
