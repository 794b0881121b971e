"""Reading a file of collection actions (csv/xlsx, Chinese or English headers), row by row
accounted for like a ledger: used, rejected with a reason, or skipped as non-data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from npl_cli.errors import InputError, UsageError, did_you_mean
from npl_cli.ledger import coerce
from npl_cli.ledger.read import read_table
from npl_cli.messages import said
from npl_cli.schema import ACTION_KINDS, COLUMN_BY_NAME, TOTAL_ROW_RE, normalize_header

ACTION_ALIASES = {
    "loan_id": COLUMN_BY_NAME["loan_id"].aliases,
    "kind": ("动作", "类型", "催收类型", "行动", "事项", "kind", "action"),
    "date": ("日期", "催收日期", "发生日期", "还款日期", "date"),
    "method": ("催收方式", "方式", "method"),
    "evidence": ("送达情况", "催收回执", "回执", "evidence"),
    "amount": ("还款金额", "金额", "amount"),
    "promise_date": ("承诺还款日", "承诺日期", "承诺还款日期", "promise date"),
    "promise_amount": ("承诺金额", "承诺还款金额", "promise amount"),
    "party": ("当事人", "对象", "party"),
    "note": ("备注", "说明", "note", "notes"),
}
KIND_WORDS = {
    "催收": "demand", "催告": "demand", "催收函": "demand", "还款": "payment",
    "确认": "acknowledgment", "对账确认": "acknowledgment", "承诺": "promise",
    "承诺还款": "promise", "还款计划": "repayment_plan", "分期": "repayment_plan",
    "起诉": "suit", "诉讼": "suit", "支付令": "payment_order", "判决": "judgment",
    "申请执行": "enforcement_application", "强制执行": "enforcement_application",
    "终结执行": "enforcement_ended", "终本": "enforcement_ended",
    "终结本次执行": "enforcement_ended", "终本裁定": "enforcement_ended",
    "保证人催收": "guarantor_demand", "向保证人主张": "guarantor_demand",
    "向保证人催收": "guarantor_demand", "还款承诺": "promise", "债务确认": "acknowledgment",
    "上门": "visit", "走访": "visit", "电话": "call", "备注": "note", "记录": "note",
    "电话催收": "call", "电话联系": "call", "上门催收": "visit", "上门拜访": "visit",
    "实地走访": "visit", "书面催收": "demand", "催收通知书": "demand", "短信催收": "demand",
    "信函催收": "demand", "律师函": "demand", "部分还款": "payment", "归还": "payment",
    "承诺书": "promise", "分期还款": "repayment_plan", "还款协议": "repayment_plan",
    "提起诉讼": "suit", "立案": "suit", "申请支付令": "payment_order", "判决生效": "judgment",
    "调解": "judgment",
}  # fmt: skip
# Every action header, as the header finder's {name: header} hints: a row with two of them
# (借据号 and 日期, say) is the header row.
_HEADER_HINTS = {f"{name}:{alias}": alias for name, aliases in ACTION_ALIASES.items()
                 for alias in aliases}  # fmt: skip


@dataclass
class ActionFile:
    actions: pd.DataFrame  # ACTION columns, one row per action
    rejects: pd.DataFrame  # source_row, reason
    rows_read: int
    rows_skipped: int


KIND_CODES = {**{kind: kind for kind in ACTION_KINDS}, **KIND_WORDS}  # code or word -> code


def _kinds(text: pd.Series) -> pd.Series:
    """Each cell's action kind (a code, or a Chinese word for it); missing where it is none."""
    return text.astype("string").str.strip().map(KIND_CODES).astype(object)


def action_kind(text: str) -> str:
    """One action kind as typed (`npl action add`): a code or its Chinese word."""
    code = KIND_CODES.get(text.strip())
    if code is None:
        words = "、".join(list(KIND_WORDS)[:12])
        raise UsageError(
            said(
                f"'{text}' is not an action kind; use one of {', '.join(ACTION_KINDS)}, or a "
                f"Chinese word such as {words}{did_you_mean(text, list(KIND_CODES))}",
                f"“{text}”不是催收动作；可用 {', '.join(ACTION_KINDS)}，或中文：{words} 等",
            )
        )
    return code


def read_actions(
    path: Path,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
) -> ActionFile:
    """Read actions. Without a kind column each row gives a demand (its date and delivery), a
    payment when it has an amount, and a promise when it has a promised date."""
    raw = read_table(
        path,
        overrides=_HEADER_HINTS,
        sheet=sheet,
        header_row=header_row,
        encoding=encoding,
    )
    columns: dict[str, str] = {}
    for header in raw.headers:
        key = normalize_header(header)
        for name, aliases in ACTION_ALIASES.items():
            if name not in columns and key in {normalize_header(a) for a in aliases}:
                columns[name] = header
    if "loan_id" not in columns or "date" not in columns:
        raise InputError(
            f"{path}: an actions file needs a loan id (借据号) and a date "
            f"(日期/催收日期) column; headers found: {', '.join(raw.headers)}"
        )
    cells = raw.cells.to_pandas()
    rows = raw.source_rows
    text = {
        name: coerce.to_series(coerce.trim(raw.cells[header])) for name, header in columns.items()
    }
    blank = ~pd.concat(list(text.values()), axis=1).notna().any(axis=1).to_numpy()
    total = (
        text["loan_id"]
        .astype("string")
        .str.contains(TOTAL_ROW_RE, regex=True, case=False)
        .fillna(False)
        .to_numpy(dtype=bool)
    )
    skipped = blank | total
    dates, bad_date = coerce.parse_dates(cells[columns["date"]])
    frame = pd.DataFrame({"loan_id": text["loan_id"], "date": dates})
    for name in ("method", "evidence", "party", "note"):
        frame[name] = text[name] if name in text else None
    reasons = np.full(len(frame), None, dtype=object)
    for name in ("amount", "promise_amount"):
        if name in columns:
            frame[name], bad, _ = coerce.parse_amounts(cells[columns[name]])
            reasons[bad] = f"{columns[name]} is not an amount"
        else:
            frame[name] = np.nan
    if "promise_date" in columns:
        frame["promise_date"], bad = coerce.parse_dates(cells[columns["promise_date"]])
        reasons[bad] = f"{columns['promise_date']} is not a date"
    else:
        frame["promise_date"] = np.datetime64("NaT", "ns")
    reasons[bad_date] = f"{columns['date']} is not a date"
    reasons[frame["date"].isna().to_numpy() & ~bad_date] = f"{columns['date']} is empty"
    if "kind" in columns:
        kinds = _kinds(text["kind"])
        unknown = kinds.isna().to_numpy()
        reasons[unknown] = (
            f"{columns['kind']} '" + text["kind"].astype(str)[unknown] + "' is not an action kind"
        ).to_numpy()
        frame["kind"] = kinds
    labels = {name: columns.get(name, name) for name in ACTION_ALIASES}
    checked = frame
    if "kind" not in columns:  # a promised date makes the row a promise too
        promised = frame["promise_date"].notna().to_numpy()
        checked = frame.assign(kind=np.where(promised, "promise", "demand"))
    checks = action_problems(checked, labels)
    reasons = np.where(pd.isna(reasons), checks, reasons)
    reasons[frame["loan_id"].isna().to_numpy()] = "missing loan id"
    reasons[skipped] = None
    rejected = pd.notna(reasons)
    used = frame[~rejected & ~skipped].reset_index(drop=True)
    if "kind" not in columns:
        used = _split_rows(used)
    malformed = raw.malformed
    as_written = cells[rejected].reset_index(drop=True)  # the row as the user wrote it
    rejects = pd.concat(
        [
            pd.concat(
                [
                    pd.DataFrame({"source_row": rows[rejected], "reason": reasons[rejected]}),
                    as_written,
                ],
                axis=1,
            ),  # fmt: skip
            pd.DataFrame(
                {
                    "source_row": malformed["source_row"].to_numpy(dtype=np.int64),
                    "reason": malformed["reason"].to_numpy(dtype=object),
                }
            ),  # fmt: skip
        ],
        ignore_index=True,
    ).sort_values("source_row", kind="stable")
    rejects.insert(0, "source_file", path.name)
    return ActionFile(
        used,
        rejects.reset_index(drop=True),
        rows_read=len(frame) + raw.blank_rows + len(malformed),
        rows_skipped=int(skipped.sum()) + raw.blank_rows,
    )


EARLIEST, LATEST = np.datetime64("1950-01-01", "ns"), np.datetime64("2100-12-31", "ns")


def action_problems(actions: pd.DataFrame, labels: Mapping[str, str]) -> np.ndarray:
    """Why each action cannot be recorded (None when it can): negative amounts, dates outside
    1950-2100, a promise without its date or amount (its three elements: time, method,
    amount), a promised date before the promise. `labels` names the columns for the user."""
    reasons = np.full(len(actions), None, dtype=object)
    promise = (actions["kind"] == "promise").to_numpy()
    date = actions["date"].to_numpy(dtype="datetime64[ns]")
    promised = actions["promise_date"].to_numpy(dtype="datetime64[ns]")
    checks = [
        (promise & ~np.isnat(promised) & (promised < date),
         f"{labels['promise_date']} is before {labels['date']}: a promise looks forward"),
        (promise & (np.isnat(promised) | actions["promise_amount"].isna().to_numpy()),
         f"a promise needs {labels['promise_date']} and {labels['promise_amount']} (time, "
         "method and amount)"),
        ((promised < EARLIEST) | (promised > LATEST),
         f"{labels['promise_date']} is outside 1950-2100; check the year"),
        ((date < EARLIEST) | (date > LATEST),
         f"{labels['date']} is outside 1950-2100; check the year"),
        ((actions["promise_amount"] < 0).to_numpy(), f"{labels['promise_amount']} is negative"),
        ((actions["amount"] < 0).to_numpy(), f"{labels['amount']} is negative"),
    ]  # fmt: skip
    for failed, reason in checks:  # the last listed wins where several apply
        reasons[failed] = reason
    return reasons


def _split_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows without a kind: the demand itself, plus a payment and a promise where recorded."""
    demands = rows.assign(
        kind="demand", amount=np.nan, promise_date=np.datetime64("NaT", "ns"), promise_amount=np.nan
    )
    payments = rows[rows["amount"].notna() & (rows["amount"] > 0)].assign(
        kind="payment",
        promise_date=np.datetime64("NaT", "ns"),
        promise_amount=np.nan,
        evidence=None,
    )
    promises = rows[rows["promise_date"].notna()].assign(
        kind="promise", amount=np.nan, evidence=None
    )
    return pd.concat([demands, payments, promises], ignore_index=True)
