"""The words people read: basis and advice in English and Chinese, entry for entry with the
codes in `codes.py`, and the export frame built from the code table in Arrow."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from npl_cli.deadlines.codes import ACTION_CASES, BASIS, CASE, HOW, KINDS, NOTES, STATUSES, H
from npl_cli.deadlines.table import Deadlines
from npl_cli.periods import act_by, as_days
from npl_cli.text import join_present, one_chunk_strings

OUTPUT_COLUMNS = [
    "loan_id", "debtor_id", "debtor_name", "party", "kind", "deadline", "act_by", "days_left",
    "status", "basis", "action", "balance", "last_day", "officer", "branch", "phone", "address",
]  # fmt: skip


@dataclass(frozen=True)
class Words:
    """The words of basis and action in one language, by code name."""

    basis: Mapping[str, str]
    how: Mapping[str, str]
    notes: Mapping[str, str]  # {date} and {basis} are filled in
    actions: Mapping[tuple[str, str], str]
    agreed: str  # before the contract's own words for its period
    revived: str  # before the basis of a revived claim; {date} is filled in
    separator: str


ENGLISH = Words(
    basis={
        "maturity": "maturity", "acceleration": "acceleration",
        "overdue_start": "overdue start (no maturity date)", "payment": "repayment",
        "demand": "demand", "demand_unproven": "demand (no evidence recorded)",
        "signed_demand": "demand signed or sealed by the debtor",
        "notice": "public notice (debtor cannot be found)", "acknowledgment": "acknowledgment",
        "promise": "promise", "repayment_plan": "repayment plan", "suit": "suit",
        "payment_order": "payment order", "arbitration": "arbitration",
        "preservation": "preservation", "bankruptcy_claim": "bankruptcy claim",
        "cap": "20-year cap from", "due_date": "due date", "agreed_end": "agreed end date",
        "guarantor_demand": "demand on the guarantor",
        "performance_end": "last day of performance",
        "judgment": "judgment in force (no performance date: the earlier reading)",
        "accepted_plus_year": "one year after enforcement against the debtor was accepted, on",
        "enforcement_ended": "ruling ending enforcement against the debtor served",
        "judgment_old_law": "judgment in force (general guarantee, old law)",
    },
    how={
        "no_period": "6 months (no period agreed)", "agreed_period": "agreed period",
        "agreed_end": "",
        "end_not_after_due": "6 months (the agreed end is not after the due date)",
        "unreadable": "6 months (agreed period unreadable: check the contract)",
        "until_paid_old_law": "2 years ('until paid', signed before 2021: old law)",
        "until_paid": "6 months ('until paid' counts as unclear)",
        "until_paid_undated": "6 months ('until paid', signing date unknown: the earlier reading)",
    },
    notes={
        "": "",
        "capped": "the chain of interruptions alone would run to {date}",
        "late_act": "acts recorded after expiry ({basis} {date}): they interrupt nothing; look "
        "for evidence of an earlier interruption",
        "late_payment": "a payment after expiry ({basis} {date}) waives the defence only for "
        "the amount paid and revives nothing else: seek the debtor's signed acknowledgment "
        "(Art 192)",
        "late_oral": "an oral {basis} after expiry ({date}) revives nothing: get it signed in "
        "writing (Art 192)",
        "sued": "debtor sued {date}",
        "demanded": "guarantor demanded {date}",
        "main_claim_first": "the main claim's limitation ends earlier, {date}: a time-barred "
        "main debt frees the guarantor too (SPC limitation provisions Art 18)",
        "applied_late": "enforcement applied {date}, after the deadline",
        "notice_ignored": "public notice {date} interrupts nothing: the debtor is not recorded "
        "as lost (a notice counts only when the debtor cannot be found)",
        "awaiting_enforcement": "not started: it starts when enforcement against the debtor "
        "ends (法释〔2020〕28号 Art 28); no enforcement applied for yet",
        "starts_by": "not started: it starts when enforcement against the debtor ends, at the "
        "latest {date} (one year after acceptance, 法释〔2020〕28号 Art 28)",
    },
    actions={
        ("claim_limitation", "live"): "send a demand with proof of delivery (签收回执), or "
        "obtain the debtor's signed confirmation; file suit if neither can be had in time",
        ("claim_limitation", "grace"): "the period ended on a rest day and runs to its legal "
        "last day (Art 203): sue, or get a signed or delivered demand, by last_day",
        ("claim_limitation", "expired"): "time-barred: seek the debtor's signed promise to pay "
        "the time-barred debt (Art 192); look for unrecorded interruptions",
        ("claim_limitation", "in_litigation"): "suit pending: follow the case; enforcement "
        "runs from the judgment",
        ("claim_limitation", "met"): "judgment obtained: watch the enforcement deadline",
        ("guarantee_period", "joint"): "demand the guarantor in writing, with proof of delivery",
        ("guarantee_period", "general"): "sue the debtor (or arbitrate): a general guarantor "
        "is held only by that",
        ("guarantee_period", "unknown"): "demand the guarantor in writing and sue the debtor "
        "(guarantee mode unclear)",
        ("guarantee_period", "expired"): "guarantor released (Art 693); no claim against them",
        ("guarantee_period", "uncertain"): "release uncertain: the agreed period could not be "
        "read and the 6-month reading has run out; check the contract, and while its period "
        "may still run, demand the guarantor and sue the debtor at once",
        ("guarantee_period", "met"): "held in time: watch the guarantee limitation",
        ("guarantee_limitation", "live"): "demand the guarantor again with proof of delivery, "
        "or sue the guarantor",
        ("guarantee_limitation", "grace"): "the period ended on a rest day and runs to its "
        "legal last day (Art 203): demand the guarantor or sue by last_day",
        ("guarantee_limitation", "expired"): "time-barred against this guarantor: seek the "
        "guarantor's signed promise to pay",
        ("guarantee_limitation", "not_started"): "follow the enforcement against the debtor; "
        "record the ruling ending it (终本) when it is served",
        ("enforcement", "live"): "apply to the court for enforcement (申请强制执行)",
        ("enforcement", "grace"): "the period ended on a rest day and runs to its legal last "
        "day (Art 203): apply for enforcement by last_day",
        ("enforcement", "expired"): "enforcement period passed: look for interruptions; the "
        "mortgage claim may be lost too",
        ("enforcement", "met"): "enforcement applied: follow the case",
    },
    agreed="agreed period: ",
    revived="revived {date} (Art 192)",
    separator="; ",
)  # fmt: skip
CHINESE = Words(
    basis={
        "maturity": "到期日", "acceleration": "宣布提前到期",
        "overdue_start": "逾期起始日（无到期日）", "payment": "还款", "demand": "催收送达",
        "demand_unproven": "催收（未记录送达凭证）", "signed_demand": "债务人在催收通知上签字盖章",
        "notice": "公告催收（债务人下落不明）", "acknowledgment": "债务确认",
        "promise": "还款承诺", "repayment_plan": "还款计划", "suit": "起诉",
        "payment_order": "支付令", "arbitration": "仲裁", "preservation": "财产保全",
        "bankruptcy_claim": "申报破产债权", "cap": "20年最长期间起算", "due_date": "主债务到期日",
        "agreed_end": "约定的保证期间届满日", "guarantor_demand": "向保证人催收",
        "performance_end": "履行期限最后一日",
        "judgment": "判决生效（无履行期限，取较早者）",
        "accepted_plus_year": "对债务人的执行申请受理满一年之日",
        "enforcement_ended": "对债务人终结执行裁定送达",
        "judgment_old_law": "判决生效（一般保证，适用旧法）",
    },
    how={
        "no_period": "6个月（未约定保证期间）", "agreed_period": "约定期间", "agreed_end": "",
        "end_not_after_due": "6个月（约定的届满日不晚于主债务到期日，视为没有约定）",
        "unreadable": "6个月（约定期间无法识别，请核对合同）",
        "until_paid_old_law": "2年（约定“直至本息还清”，2021年前签订，适用旧法）",
        "until_paid": "6个月（“直至本息还清”视为约定不明）",
        "until_paid_undated": "6个月（“直至本息还清”，签订日不详，取较早者）",
    },
    notes={
        "": "",
        "capped": "仅按中断计算将至{date}，但不得超过20年最长期间",
        "late_act": "时效届满后的行为（{basis} {date}）不产生中断；请查找届满前的中断证据",
        "late_payment": "时效届满后还款（{basis} {date}）仅就已还部分放弃时效抗辩，其余债权"
        "不因此恢复：争取债务人签字确认（民法典第192条）",
        "late_oral": "时效届满后的口头{basis}（{date}）不能恢复时效：请取得书面签字确认"
        "（民法典第192条）",
        "sued": "已于{date}起诉债务人",
        "demanded": "已于{date}向保证人催收",
        "main_claim_first": "主债权诉讼时效更早届满（{date}）：主债务超过诉讼时效，保证人亦可免责"
        "（最高法诉讼时效规定第18条）",
        "applied_late": "已于{date}申请执行，但已超过申请执行期间",
        "notice_ignored": "{date}的公告不产生中断：未记录债务人下落不明（公告仅在债务人下落不明时"
        "有效）",
        "awaiting_enforcement": "尚未起算：自对债务人的强制执行终结之日起算（法释〔2020〕28号"
        "第28条）；尚未申请执行",
        "starts_by": "尚未起算：自对债务人的强制执行终结之日起算，最迟{date}（受理执行申请满一年，"
        "法释〔2020〕28号第28条）",
    },
    actions={
        ("claim_limitation", "live"): "寄送催收通知并取得签收回执，或取得债务人签字确认；"
        "届满前都无法取得的，及时起诉",
        ("claim_limitation", "grace"): "期间最后一日为休息日，顺延至法定最后一日（民法典第203条）："
        "最迟于该日起诉或取得签字、送达的催收",
        ("claim_limitation", "expired"): "已过诉讼时效：争取债务人对该笔债务签字确认还款"
        "（民法典第192条）；查找未登记的中断事由",
        ("claim_limitation", "in_litigation"): "诉讼中：跟进案件；申请执行期间自判决起算",
        ("claim_limitation", "met"): "已取得判决：关注申请执行期间",
        ("guarantee_period", "joint"): "书面催收保证人并留存送达凭证",
        ("guarantee_period", "general"): "起诉（或仲裁）债务人：一般保证人只因此承担保证责任",
        ("guarantee_period", "unknown"): "书面催收保证人并起诉债务人（保证方式不明）",
        ("guarantee_period", "expired"): "保证人免除保证责任（民法典第693条），不能再向其主张",
        ("guarantee_period", "uncertain"): "是否免责不确定：约定期间无法识别，按6个月计算已届满；"
        "请核对合同，约定期间可能未届满的，立即催收保证人并起诉债务人",
        ("guarantee_period", "met"): "已在保证期间内主张：关注保证债务诉讼时效",
        ("guarantee_limitation", "live"): "再次书面催收保证人并留存送达凭证，或起诉保证人",
        ("guarantee_limitation", "grace"): "期间最后一日为休息日，顺延至法定最后一日（民法典"
        "第203条）：最迟于该日催收保证人或起诉",
        ("guarantee_limitation", "expired"): "对该保证人已过诉讼时效：争取保证人签字确认还款",
        ("guarantee_limitation", "not_started"): "跟进对债务人的强制执行；终结执行（终本）裁定"
        "送达后及时登记",
        ("enforcement", "live"): "向法院申请强制执行",
        ("enforcement", "grace"): "期间最后一日为休息日，顺延至法定最后一日（民法典第203条）："
        "最迟于该日申请强制执行",
        ("enforcement", "expired"): "申请执行期间已过：查找中断事由；抵押权也可能一并丧失",
        ("enforcement", "met"): "已申请执行：跟进案件",
    },
    agreed="约定期间：",
    revived="{date}时效届满后重新确认（民法典第192条）",
    separator="；",
)  # fmt: skip
WORDS = {"en": ENGLISH, "zh": CHINESE}


def _date_text(dates: np.ndarray) -> pa.Array:
    """YYYY-MM-DD per date (null for NaT), formatting each distinct date once."""
    codes, uniques = pd.factorize(as_days(dates))
    texts = pa.array([str(u) for u in np.asarray(uniques, dtype="datetime64[D]")], pa.string())
    return texts.take(pa.array(codes, mask=codes < 0))


def _words(table: Sequence[str], codes: np.ndarray) -> pa.Array:
    """table[code] per row in Arrow (null where the code is negative)."""
    return pa.array(list(table), pa.string()).take(pa.array(codes, mask=codes < 0))


def output_frame(deadlines: Deadlines, rows: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The stable export columns, with basis and action in plain words of `lang` (text built
    in Arrow, so even every deadline of a portfolio is written without Python strings per
    row). Kinds and statuses stay codes."""
    words = WORDS[lang]
    loans = deadlines.loans
    position = rows["loan"].to_numpy()

    def loan_column(name: str) -> pd.Series:
        if name not in loans:
            return pd.Series(None, index=range(len(rows)), dtype=object)
        return loans[name].take(position).reset_index(drop=True)

    names = loan_column("debtor_name")
    out = pd.DataFrame({
        "loan_id": loan_column("loan_id"),
        "debtor_id": loan_column("debtor_id"),
        "debtor_name": names,
        "party": _party_text(deadlines, rows, names).to_pandas(),
        "kind": _words(KINDS, rows["kind"].cat.codes.to_numpy()).to_pandas(),
        "deadline": rows["deadline"].to_numpy(),
        "act_by": act_by(rows["deadline"].to_numpy()),
        "days_left": pd.array(rows["days_left"].to_numpy(), dtype="Float64").astype("Int64"),
        "status": _words(STATUSES, rows["status"].cat.codes.to_numpy()).to_pandas(),
        "basis": _basis_text(rows, loan_column("guarantee_period"), words).to_pandas(),
        "action": _action_text(rows, words).to_pandas(),
        "balance": loans["balance"].to_numpy(dtype=float)[position],
        "last_day": rows["last_day"].to_numpy(),
        **{name: loan_column(name) for name in ("officer", "branch", "phone", "address")},
    })  # fmt: skip
    return out[OUTPUT_COLUMNS]


def _party_text(deadlines: Deadlines, rows: pd.DataFrame, borrowers: pd.Series) -> pa.Array:
    """The guarantor's name on guarantor rows, the borrower's on the others."""
    party = one_chunk_strings(borrowers)
    guarantor = rows["guarantor"].to_numpy()
    if not (guarantor >= 0).any():
        return party
    names = deadlines.guarantors.take(pa.array(guarantor, mask=guarantor < 0))
    return pc.if_else(pa.array(guarantor >= 0), names, party)


def _filled(template: str, at: np.ndarray, rows: pd.DataFrame, words: Words) -> pa.Array:
    """A template with {date} (note_date) and {basis} (note_basis) filled in per row."""
    pieces = [piece for piece in re.split(r"(\{date\}|\{basis\})", template) if piece]
    parts: list[pa.Array | str] = []
    for piece in pieces:
        if piece == "{date}":
            parts.append(_date_text(rows["note_date"].to_numpy()[at]))
        elif piece == "{basis}":
            parts.append(_words([words.basis[b] for b in BASIS], rows["note_basis"].to_numpy()[at]))
        else:
            parts.append(piece)
    if not any(isinstance(p, pa.Array) for p in parts):
        return pa.repeat(pa.scalar(template, pa.string()), len(at))
    return pc.binary_join_element_wise(*parts, "")


def _note_text(rows: pd.DataFrame, words: Words) -> pa.Array:
    """Each row's remark in words (null where there is none); one pass per kind of remark,
    over its rows only."""
    code = rows["note"].to_numpy()
    out = pa.nulls(len(rows), pa.string())
    for note in np.unique(code[code > 0]):
        at = np.flatnonzero(code == note)
        filled = _filled(words.notes[NOTES[note]], at, rows, words)
        out = pc.replace_with_mask(out, pa.array(code == note), filled)
    return out


def _basis_text(rows: pd.DataFrame, agreed: pd.Series, words: Words) -> pa.Array:
    """'[revived <date>; ]<what> <date>; <how the period was set>; <note>' for each row."""
    what = join_present(
        [
            _words([words.basis[b] for b in BASIS], rows["basis"].to_numpy()),
            _date_text(rows["basis_date"].to_numpy()),
        ],
        " ",
    )
    how = rows["how"].to_numpy()
    how_words = _words(
        [words.how[h] for h in HOW], np.where((how < 0) | (how == H["agreed_end"]), -1, how)
    )
    agreed_words = pc.binary_join_element_wise(
        words.agreed, one_chunk_strings(agreed), "", null_handling="replace"
    )
    how_text = pc.if_else(pa.array(how == H["agreed_period"]), agreed_words, how_words)
    head, _, tail = words.revived.partition("{date}")
    revived = pc.binary_join_element_wise(head, _date_text(rows["revived_on"].to_numpy()), tail, "")
    return join_present([revived, what, how_text, _note_text(rows, words)], words.separator)


def _action_text(rows: pd.DataFrame, words: Words) -> pa.Array:
    """The advice per row, from a table of every (kind, case)."""
    kind = rows["kind"].cat.codes.to_numpy().astype(np.int64)
    case = rows["action"].to_numpy().astype(np.int64)
    expired = (rows["status"].cat.codes.to_numpy() == STATUSES.index("expired")) & ~np.isin(
        case, [CASE["met"], CASE["uncertain"]]
    )
    case = np.where(expired, CASE["expired"], case)
    advice = words.actions
    table = [advice.get((k, c), advice.get((k, "live"), "")) for k in KINDS for c in ACTION_CASES]
    return _words(table, kind * len(ACTION_CASES) + case)
