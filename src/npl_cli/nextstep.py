"""One next step per debtor (or loan): what to do, to whom, by when, and what evidence to bring
back — from the nearest deadline, the stage, an open promise, and the debtor type's first
tactic, in that order of weight. Built column-wise in Arrow: one template per case."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from npl_cli.priority import fill, format_yuan

# case -> (中文, English); {who} {date} {amount} {method} {act_by} {party} are filled per row
STEPS = {
    "closed": ("无需催收：已无余额", "nothing to collect: no balance outstanding"),
    "promise": ("{who}在 {date} 跟进还款承诺（¥{amount}，{method}），"
                "到期未还即记为违约并改为书面催收",
                "{who}: follow up the promise to pay ¥{amount} by {date} ({method}); if unpaid, "
                "record it broken and send a written demand"),
    "claim_limitation": ("{who}在 {act_by} 前向借款人送达书面催收并取得签收（或借款人签字确认）",
                         "{who}: deliver a written demand to the borrower by {act_by} and bring "
                         "back the signed receipt (or the borrower's signed acknowledgment)"),
    "guarantee_period": ("{who}在 {act_by} 前向保证人{party}送达书面催收并取得签收",
                         "{who}: deliver a written demand to guarantor {party} by {act_by} and "
                         "bring back the signed receipt"),
    # a general guarantor is held only by a suit against the debtor (Civil Code Art 693)
    "general_guarantee": ("{who}在 {act_by} 前起诉借款人（或申请仲裁），以保住一般保证人{party}的"
                          "保证责任（仅催收保证人无效）",
                          "{who}: sue the borrower (or arbitrate) by {act_by} to hold general "
                          "guarantor {party}; a demand on the guarantor alone does not"),
    "unclear_guarantee": ("{who}在 {act_by} 前向保证人{party}送达书面催收并取得签收，同时起诉借款人"
                          "（保证方式不明）",
                          "{who}: by {act_by}, deliver a written demand to guarantor {party} "
                          "(signed receipt) and sue the borrower (guarantee mode unclear)"),
    "grace": ("{who}在法定最后一日 {last_day} 前起诉或取得书面确认（期间末日为休息日，顺延）",
              "{who}: sue or obtain a signed acknowledgment by {last_day}, the legal last day "
              "(the period ended on a rest day)"),
    "guarantee_limitation": ("{who}在 {act_by} 前起诉保证人{party}，或取得其签字的书面确认",
                             "{who}: sue guarantor {party} by {act_by}, or bring back their "
                             "signed written acknowledgment"),
    "enforcement": ("{who}在 {act_by} 前向法院申请强制执行，并取得受理通知书",
                    "{who}: apply to the court for enforcement by {act_by} and bring back the "
                    "acceptance notice"),
    "litigation": ("{who}配合律师跟进诉讼：和解、分期须经律师，不单独上门谈判",
                   "{who}: follow the suit with the lawyer; settlements and plans only through "
                   "the lawyer, no visits alone"),
    "enforcing": ("{who}向法院提供借款人财产线索，跟进执行进度并记录",
                  "{who}: give the court the debtor's asset leads and record how enforcement "
                  "goes"),
    "judgment": ("{who}跟进判决履行，期满未履行即申请强制执行并取得受理通知书",
                 "{who}: follow the judgment's performance; if unpaid when due, apply for "
                 "enforcement and bring back the acceptance notice"),
    "expired": ("{who}争取借款人在催收通知书上签字或盖章、或签署书面还款计划（民法典第192条），"
                "带回签字原件",
                "{who}: seek the borrower's signature or seal on the collection notice, or a "
                "signed repayment plan (Civil Code Art 192), and bring back the signed original"),
    "accidental": ("{who}电话提醒借款人还款，约定还款时间、方式、金额并记录",
                   "{who}: call the borrower, agree the time, method and amount of payment and "
                   "record them"),
    "hardship": ("{who}上门了解困难，商定分期还款计划（时间、方式、金额），取得借款人书面签字",
                 "{who}: visit, learn the hardship and agree a repayment plan (time, method, "
                 "amount) signed by the borrower"),
    "irresponsible": ("{who}上门送达书面催收通知书并取得签收，讲明逾期后果",
                      "{who}: deliver a written demand in person, bring back the signed receipt "
                      "and explain the consequences"),
    "malicious": ("{who}查找借款人下落和财产线索，条件具备即起诉并申请财产保全",
                  "{who}: trace the borrower and assets; sue with a preservation order once the "
                  "leads allow"),
    "unclassified": ("{who}开展调研：填写调查表（联系状态、还款意愿、还款能力），确定客户类型",
                     "{who}: survey the debtor (contact status, willingness and ability to pay) "
                     "to fix the type"),
}  # fmt: skip
WHO = {"zh": ("由客户经理{officer}", "由客户经理"), "en": ("officer {officer}", "the officer")}
VALUE_COLUMNS = ("officer", "open_promise_date", "open_promise_amount", "open_promise_method",
                 "next_act_by", "next_last_day", "next_party")  # fmt: skip
NO_METHOD = {"zh": "方式未记录", "en": "method not recorded"}


def next_steps(
    unit: pd.DataFrame, *, as_of: pd.Timestamp, window_days: int, promise_days: int, lang: str
) -> pa.Array:
    """The next step per row. Needs: stage, debtor_type, days_left, next_deadline_kind,
    next_party, next_case, next_act_by, next_last_day, expired_claim, open_promise_date,
    open_promise_amount, open_promise_method, officer."""
    cases = _cases(unit, as_of=as_of, window_days=window_days, promise_days=promise_days)
    side = 0 if lang == "zh" else 1
    codes, names = pd.factorize(cases)
    order = np.argsort(codes, kind="stable")  # the rows of each case together
    starts = np.searchsorted(codes[order], np.arange(len(names) + 1))
    filled = unit[[c for c in VALUE_COLUMNS if c in unit]]  # only what the templates read
    pieces = []
    for code, case in enumerate(names):
        rows = order[starts[code] : starts[code + 1]]
        part = filled.iloc[rows]
        template = STEPS[case][side]
        pieces.append(fill(template, len(rows), **_values(part, lang, template)))
    if not pieces:
        return pa.array([], pa.string())
    built = pa.concat_arrays(pieces)  # in `order`; put back in row order
    back = np.empty(len(order), dtype=np.int64)
    back[order] = np.arange(len(order))
    return built.take(pa.array(back))


def _cases(
    unit: pd.DataFrame, *, as_of: pd.Timestamp, window_days: int, promise_days: int
) -> np.ndarray:
    stage = unit["stage"].to_numpy(dtype=object)
    kind = unit["next_deadline_kind"].to_numpy(dtype=object)
    days = unit["days_left"].to_numpy(dtype=float)
    promised = np.asarray(unit["open_promise_date"], dtype="datetime64[ns]")
    today = np.datetime64(pd.Timestamp(as_of).normalize(), "ns")
    soon = ~np.isnat(promised) & (promised <= today + np.timedelta64(promise_days, "D"))
    due = days <= window_days
    case = unit["next_case"].to_numpy(dtype=object)
    conditions = [stage == "closed", soon, due & (case == "grace"),
                  due & (kind == "guarantee_period") & (case == "general"),
                  due & (kind == "guarantee_period") & (case == "unknown")]  # fmt: skip
    choices = ["closed", "promise", "grace", "general_guarantee", "unclear_guarantee"]
    for deadline in ("claim_limitation", "guarantee_period", "guarantee_limitation", "enforcement"):
        conditions.append(due & (kind == deadline))
        choices.append(deadline)
    conditions += [stage == "litigation", stage == "enforcement", stage == "judgment",
                   unit["expired_claim"].to_numpy(dtype=bool)]  # fmt: skip
    choices += ["litigation", "enforcing", "judgment", "expired"]
    return np.select(conditions, choices, unit["debtor_type"].to_numpy(dtype=object))


def _values(unit: pd.DataFrame, lang: str, template: str) -> Mapping[str, pa.Array]:
    """The values `template` names, for the rows of `unit` (each built only when named)."""
    n = len(unit)

    def text(column: str, missing: str = "") -> pa.Array:
        if column not in unit:
            return pa.repeat(pa.scalar(missing, pa.string()), n)
        values = pa.array(unit[column].astype(object).where(unit[column].notna(), None),
                          type=pa.string(), from_pandas=True)  # fmt: skip
        return pc.fill_null(values, missing)

    def day(column: str) -> pa.Array:
        dates = pa.array(np.asarray(unit[column], dtype="datetime64[ns]"), pa.timestamp("ns"))
        return pc.fill_null(pc.strftime(dates, format="%Y-%m-%d"), "")

    def who() -> pa.Array:
        named, nameless = WHO[lang]
        officer = text("officer")
        return pc.if_else(
            pc.equal(pc.utf8_length(officer), 0),
            pa.scalar(nameless, pa.string()),
            fill(named, n, officer=officer),
        )

    makers: dict[str, Callable[[], pa.Array]] = {
        "who": who,
        "date": lambda: day("open_promise_date"),
        "amount": lambda: format_yuan(unit["open_promise_amount"].to_numpy(dtype=float)),
        "method": lambda: text("open_promise_method", NO_METHOD[lang]),
        "act_by": lambda: day("next_act_by"),
        "last_day": lambda: day("next_last_day"),
        "party": lambda: text("next_party"),
    }
    return {name: makers[name]() for name in re.findall(r"\{(\w+)\}", template)}
