"""Canonical columns, their kinds, header aliases (zh/en) and the code lists with their labels."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Kind = Literal["id", "text", "date", "amount", "count"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    label_zh: str
    aliases: tuple[str, ...]


def _col(name: str, kind: Kind, label_zh: str, *aliases: str) -> Column:
    return Column(name, kind, label_zh, (label_zh, name, *aliases))


COLUMNS: tuple[Column, ...] = (
    _col(
        "loan_id",
        "id",
        "借据号",
        "贷款账号",
        "借据编号",
        "合同编号",
        "贷款编号",
        "借款合同号",
        "贷款合同号",
        "账号",
        "贷款帐号",
        "借据号码",
        "loan id",
        "loan no",
        "loan number",
        "account no",
        "account number",
    ),
    _col(
        "debtor_name",
        "text",
        "借款人",
        "客户名称",
        "借款人名称",
        "户名",
        "借款人姓名",
        "客户姓名",
        "姓名",
        "借款单位",
        "borrower",
        "debtor",
        "customer name",
        "name",
    ),
    _col(
        "debtor_id",
        "id",
        "证件号码",
        "身份证号",
        "身份证号码",
        "统一社会信用代码",
        "客户号",
        "客户编号",
        "证件号",
        "借款人证件号码",
        "组织机构代码",
        "id number",
        "customer id",
        "debtor id",
        "credit code",
    ),
    _col("customer_type", "text", "客户类型", "客户类别", "客户群体", "customer type", "segment"),
    _col("occupation", "text", "职业", "行业", "occupation", "industry"),
    _col(
        "product",
        "text",
        "贷款品种",
        "业务品种",
        "产品",
        "产品名称",
        "贷款种类",
        "贷款类型",
        "product",
        "loan type",
    ),
    _col("region", "text", "地区", "区域", "乡镇", "所属区域", "县区", "region", "area"),
    _col("branch", "text", "支行", "经办机构", "机构", "网点", "经办行", "所属机构", "branch"),
    _col(
        "officer",
        "text",
        "客户经理",
        "管户人",
        "管户客户经理",
        "责任人",
        "清收责任人",
        "officer",
        "account manager",
    ),
    _col(
        "principal",
        "amount",
        "贷款金额",
        "合同金额",
        "发放金额",
        "借款金额",
        "放款金额",
        "principal",
        "loan amount",
    ),
    _col(
        "balance",
        "amount",
        "贷款余额",
        "本金余额",
        "欠本",
        "余额",
        "欠款本金",
        "剩余本金",
        "balance",
        "outstanding",
        "outstanding principal",
    ),
    _col("overdue_principal", "amount", "逾期本金", "拖欠本金", "overdue principal"),
    _col(
        "overdue_interest",
        "amount",
        "欠息",
        "逾期利息",
        "拖欠利息",
        "欠息金额",
        "表内外欠息",
        "overdue interest",
        "interest arrears",
    ),
    _col(
        "disbursed_on",
        "date",
        "放款日",
        "发放日",
        "放款日期",
        "发放日期",
        "借款日期",
        "起贷日",
        "disbursed on",
        "disbursement date",
    ),
    _col(
        "maturity_date",
        "date",
        "到期日",
        "贷款到期日",
        "到期日期",
        "借款到期日",
        "maturity date",
        "maturity",
        "due date",
    ),
    _col(
        "accelerated_on",
        "date",
        "宣布提前到期日",
        "提前到期日",
        "accelerated on",
        "acceleration date",
    ),
    _col(
        "overdue_since",
        "date",
        "逾期起始日",
        "首次逾期日",
        "逾期日期",
        "逾期开始日",
        "overdue since",
        "overdue start",
    ),
    _col("dpd", "count", "逾期天数", "拖欠天数", "dpd", "days past due"),
    _col(
        "ledger_class",
        "text",
        "五级分类",
        "风险分类",
        "分类结果",
        "贷款形态",
        "ledger class",
        "risk class",
        "classification",
    ),
    _col(
        "last_payment_date",
        "date",
        "最后还款日",
        "最近还款日",
        "最后还款日期",
        "最近还款日期",
        "上次还款日",
        "last payment date",
        "last payment",
    ),
    _col(
        "last_collection_date",
        "date",
        "最近催收日",
        "最后催收日期",
        "最后催收日",
        "最近催收日期",
        "催收日期",
        "last collection date",
        "last demand date",
    ),
    _col(
        "collection_evidence",
        "text",
        "催收回执",
        "送达情况",
        "催收送达情况",
        "送达方式",
        "collection evidence",
        "evidence",
    ),
    _col("contact_status", "text", "联系状态", "联系情况", "失联情况", "contact status", "contact"),
    _col("overdue_reason", "text", "逾期原因", "拖欠原因", "违约原因", "overdue reason", "reason"),
    _col("overdue_count", "count", "逾期次数", "历史逾期次数", "累计逾期次数", "overdue count"),
    _col(
        "broken_promises",
        "count",
        "违约承诺次数",
        "承诺未兑现次数",
        "失信承诺次数",
        "broken promises",
    ),
    _col("guarantee_type", "text", "担保方式", "主要担保方式", "guarantee type", "security type"),
    _col("guarantors", "text", "保证人", "担保人", "保证人名称", "guarantors", "guarantor"),
    _col("guarantee_mode", "text", "保证方式", "保证类型", "guarantee mode"),
    _col(
        "guarantee_signed_on",
        "date",
        "保证合同签订日",
        "担保合同签订日",
        "保证合同签订日期",
        "担保合同签订日期",
        "guarantee signed on",
    ),
    _col("guarantee_period", "text", "保证期间", "保证期限", "guarantee period"),
    _col(
        "guarantor_demanded_on",
        "date",
        "保证人催收日",
        "向保证人主张日",
        "保证人催收日期",
        "guarantor demanded on",
    ),
    _col(
        "collateral", "text", "抵押物", "押品", "抵质押物", "抵押物名称", "押品名称", "collateral"
    ),
    _col(
        "collateral_value",
        "amount",
        "抵押物价值",
        "押品评估值",
        "抵押物评估价值",
        "评估价值",
        "collateral value",
    ),
    _col(
        "lawsuit_filed_on", "date", "起诉日期", "起诉日", "诉讼日期", "立案日期", "lawsuit filed on"
    ),
    _col(
        "judgment_effective_on",
        "date",
        "判决生效日",
        "判决生效日期",
        "裁判生效日",
        "judgment effective on",
    ),
    _col("performance_due_on", "date", "履行期限届满日", "履行期届满日", "performance due on"),
    _col("enforcement_applied_on", "date", "申请执行日", "申请执行日期", "enforcement applied on"),
    _col(
        "enforcement_ended_on",
        "date",
        "终结执行日",
        "终本日期",
        "终本裁定送达日",
        "终结本次执行日",
        "终结执行裁定送达日",
        "enforcement ended on",
    ),
    _col("ethnicity", "text", "民族", "ethnicity"),
    _col("phone", "id", "联系电话", "手机号", "手机号码", "电话", "phone", "mobile"),
    _col("address", "text", "地址", "住址", "联系地址", "家庭住址", "address"),
    _col("notes", "text", "备注", "说明", "notes", "remarks", "remark"),
)

COLUMN_BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
REQUIRED = ("loan_id", "balance")
AGING_SOURCES = ("overdue_since", "dpd", "maturity_date")

# Header units: the factor that turns the column's figures into yuan.
UNIT_FACTORS = {"万元": 10_000.0, "万": 10_000.0, "千元": 1_000.0, "亿元": 100_000_000.0, "元": 1.0}
_UNIT_RE = re.compile(r"[(\[]?(?:单位[:：]?)?(万元|千元|亿元|元|万)[)\]]?$")
_NOISE_RE = re.compile(r"[\s_\-·/\\.:：*#]+")
_BRACKETS_RE = re.compile(r"[(\[【].*?[)\]】]")


def normalize_header(text: object) -> str:
    """Fold a header for matching: full-width to half-width, lower case, no spaces or brackets."""
    folded = unicodedata.normalize("NFKC", str(text)).strip().lower()
    folded = folded.replace("（", "(").replace("）", ")")
    return _NOISE_RE.sub("", folded)


def split_unit(header: object) -> tuple[str, float]:
    """'贷款余额（万元）' -> ('贷款余额', 10000.0); headers without a unit keep factor 1."""
    key = normalize_header(header)
    match = _UNIT_RE.search(key)
    if match and match.start() > 0:
        return _BRACKETS_RE.sub("", key[: match.start()]), UNIT_FACTORS[match.group(1)]
    return _BRACKETS_RE.sub("", key) or key, 1.0


ALIASES: dict[str, str] = {
    normalize_header(alias): column.name for column in COLUMNS for alias in column.aliases
}


def canonical_for(header: object) -> tuple[str | None, float]:
    """The canonical column a header names (or None) and its unit factor."""
    key = normalize_header(header)
    if key in ALIASES:
        return ALIASES[key], 1.0
    stem, factor = split_unit(header)
    return ALIASES.get(stem), factor


# --- code lists -------------------------------------------------------------------------------

RISK_CLASSES = ("normal", "special_mention", "substandard", "doubtful", "loss")
NPL_CLASSES = ("substandard", "doubtful", "loss")
RISK_CLASS_LABELS = {
    "zh": {
        "normal": "正常",
        "special_mention": "关注",
        "substandard": "次级",
        "doubtful": "可疑",
        "loss": "损失",
    },
    "en": {
        "normal": "normal",
        "special_mention": "special mention",
        "substandard": "substandard",
        "doubtful": "doubtful",
        "loss": "loss",
    },
}
# How a ledger may spell its own class.
LEDGER_CLASS_WORDS = {
    "正常": "normal",
    "关注": "special_mention",
    "次级": "substandard",
    "可疑": "doubtful",
    "损失": "loss",
    "normal": "normal",
    "specialmention": "special_mention",
    "substandard": "substandard",
    "doubtful": "doubtful",
    "loss": "loss",
}

DEBTOR_TYPES = ("accidental", "hardship", "irresponsible", "malicious", "unclassified")
DEBTOR_TYPE_LABELS = {
    "zh": {
        "accidental": "偶然型",
        "hardship": "困难型",
        "irresponsible": "不负责任型",
        "malicious": "不良型",
        "unclassified": "待调研",
    },
    "en": {
        "accidental": "accidental",
        "hardship": "hardship",
        "irresponsible": "irresponsible",
        "malicious": "malicious",
        "unclassified": "unclassified (survey)",
    },
}

TACTICS = {
    "take_initiative": ("主动出击", "take the initiative"),
    "build_rapport": ("感情投入", "build rapport"),
    "help_collect": ("帮助讨债", "help collect receivables"),
    "give_advice": ("出谋划策", "give advice"),
    "use_connections": ("借助关系", "use connections"),
    "multi_party": ("多方参与", "involve other parties"),
    "team_visit": ("群体进攻", "team visit"),
    "swap_collector": ("人员交换", "swap collector"),
    "good_cop_bad_cop": ("黑白脸", "good cop, bad cop"),
    "senior_visit": ("领导出面", "senior visit"),
    "institutional": ("组织干预", "institutional intervention"),
    "info_capture": ("信息捕捉", "trace debtor and assets"),
    "firm_and_flexible": ("刚柔相济", "firm and flexible"),
    "installments": ("分批还款", "installment plan"),
    "pursue_guarantor": ("追究保证责任", "pursue guarantor"),
    "collateral_pressure": ("财产要挟", "collateral pressure"),
    "court_blacklist": ("公布黑名单", "court defaulter list"),
    "sue": ("依法起诉", "sue"),
}

# The conditions under [tactics.when] that add tactics to a debtor's list.
TACTIC_CONDITIONS = ("has_guarantor", "has_collateral", "deadline_urgent", "lost_contact",
                     "after_judgment", "stuck", "in_litigation")  # fmt: skip
# What the action log records: each action's kind, and its columns.
# Where a debtor's case stands, from the ledger and the action log, earliest first.
STAGES = ("pre_legal", "litigation", "judgment", "enforcement", "closed")
STAGE_LABELS = {
    "zh": {"pre_legal": "诉前", "litigation": "诉讼中", "judgment": "已判决",
           "enforcement": "执行中", "closed": "已结清"},
    "en": {"pre_legal": "pre-legal", "litigation": "in litigation", "judgment": "judgment",
           "enforcement": "enforcement", "closed": "closed"},
}  # fmt: skip
ACTION_KINDS = ("demand", "payment", "acknowledgment", "promise", "repayment_plan", "suit",
                "payment_order", "judgment", "enforcement_application", "enforcement_ended",
                "guarantor_demand", "visit", "call", "note")  # fmt: skip
ACTION_COLUMNS = ["loan_id", "kind", "date", "party", "amount", "method", "evidence",
                  "promise_date", "promise_amount", "note"]  # fmt: skip
# A row whose first cells say this is a total, not a loan (合计, 小计 …).
TOTAL_ROW_RE = r"^\s*(?:合\s*计|总\s*计|小\s*计|累\s*计|(?:sub|grand\s*)?total\b|sum\b)"
# What separates several names in one cell (保证人: 张三、李四).
NAME_SEPARATORS = r"[、，,;；/]+"
DEADLINE_KINDS = ("claim_limitation", "guarantee_period", "guarantee_limitation", "enforcement")
DEADLINE_KIND_LABELS = {
    "zh": {
        "claim_limitation": "诉讼时效",
        "guarantee_period": "保证期间",
        "guarantee_limitation": "保证债务诉讼时效",
        "enforcement": "申请执行期间",
    },
    "en": {
        "claim_limitation": "claim limitation",
        "guarantee_period": "guarantee period",
        "guarantee_limitation": "guarantor limitation",
        "enforcement": "enforcement",
    },
}
