"""Labels for tables in the display language (machine formats keep the English codes)."""

from __future__ import annotations

from npl_cli.schema import (
    DEADLINE_KIND_LABELS,
    DEBTOR_TYPE_LABELS,
    RISK_CLASS_LABELS,
    STAGE_LABELS,
    TACTICS,
)

COLUMN_LABELS = {
    "zh": {
        "rank": "序号",
        "loan_id": "借据号",
        "debtor_id": "证件号码",
        "debtor_name": "借款人",
        "party": "当事人",
        "kind": "期限类型",
        "deadline": "届满日",
        "act_by": "最迟办理日",
        "last_day": "法定最后一日",
        "days_left": "剩余天数",
        "status": "状态",
        "basis": "依据",
        "action": "建议措施",
        "balance": "余额",
        "loans": "笔数",
        "dpd": "逾期天数",
        "band": "账龄",
        "risk_class": "五级分类下限",
        "ledger_class": "台账分类",
        "under_classified": "应调未调",
        "debtor_type": "客户类型",
        "rule": "规则",
        "next_deadline": "最近期限",
        "next_deadline_kind": "期限类型",
        "priority": "优先级",
        "tactics": "策略",
        "reasons": "理由",
        "region": "地区",
        "customer_type": "客户群体",
        "as_of": "数据日期",
        "file": "文件",
        "rows_read": "读取行数",
        "rows_used": "采用",
        "rows_rejected": "剔除",
        "rows_skipped": "跳过",
        "moment": "时点",
        "id": "编号",
        "date": "日期",
        "amount": "金额",
        "method": "方式",
        "evidence": "送达情况",
        "note": "备注",
        "promise_date": "承诺还款日",
        "promise_amount": "承诺金额",
        "promise_status": "承诺状态",
        "overdue_since": "逾期起始日",
        "action_kind": "催收动作",
        "officer": "客户经理",
        "branch": "支行",
        "phone": "联系电话",
        "address": "地址",
        "guarantors": "保证人",
        "next_act_by": "最近期限最迟办理日",
        "from_band": "期初账龄",
        "to_band": "期末账龄",
        "loan_share": "笔数占比",
        "balance_share": "余额占比",
        "source_file": "文件",
        "source_row": "行号",
        "column": "列",
        "value": "值",
        "reason": "原因",
        "recorded_at": "登记时间",
        "source": "来源",
        "fingerprint": "指纹",
        "stage": "阶段",
        "next_step": "下一步",
        "last_action": "最近催收动作",
        "last_action_date": "最近催收日期",
        "open_promise_date": "未到期承诺还款日",
        "open_promise_amount": "承诺待还金额",
        "open_promise_method": "承诺还款方式",
        "voided_at": "作废时间",
        "voided_by": "作废人",
        "void_reason": "作废原因",
        "content_hash": "内容指纹",
        "loaded_at": "载入时间",
        "columns": "所含列",
        "score": "预警分",
        "level": "预警等级",
        "suggested_actions": "建议贷后措施",
        # the survey plan and the visits
        "day": "第几天",
        "group": "走访片区",
        "order": "顺序",
        "mode": "方式",
        "purpose": "目的",
        "place": "片区",
        "clustered": "分布",
        "places": "片区数",
        "debtors": "借款人数",
        "debtors_per_place": "每片区户数",
        "occupation": "职业",
        "loan_ids": "借据",
        "expired_claim": "诉讼时效已届满",
        "minority": "少数民族",
        "selected": "选中调研",
        "to_survey": "调研户数",
        "plan": "调研计划",
        "per_officer": "每位客户经理户数",
        "clustered_at": "集中标准（每片区户数）",
        "expired_claims": "诉讼时效已届满户数",
        "unclassified": "待调研",
        "key": "调研编号",
        "collateral": "抵质押物",
        "surveyed_on": "调查日期",
        "willingness": "还款意愿",
        "ability": "还款能力",
    },
    "en": {},
}


def column_label(name: str, lang: str) -> str:
    return COLUMN_LABELS.get(lang, {}).get(name, name.replace("_", " "))


# Codes that screens show in words when the language is Chinese (files keep the codes).
CODE_WORDS_ZH = {
    # deadline statuses
    "expired": "已届满", "due": "即将届满", "ok": "未到期", "in_litigation": "诉讼中",
    "met": "已保全", "not_started": "未起算",
    # promise statuses
    "open": "未到期", "kept": "已履行", "broken": "已违约",
    # action kinds
    "demand": "催收", "payment": "还款", "acknowledgment": "债务确认", "promise": "还款承诺",
    "repayment_plan": "还款计划", "suit": "起诉", "payment_order": "支付令", "judgment": "判决",
    "enforcement_application": "申请执行", "enforcement_ended": "终结执行",
    "guarantor_demand": "向保证人催收", "visit": "上门",
    "call": "电话", "note": "备注",
    # warning levels
    "red": "红色", "amber": "橙色", "green": "绿色",
    # visit modes, and how debtors lie
    "team_visit": "群体进攻（组队上门）", "phone_first": "先电话", "clustered": "集中",
    "scattered": "分散",
}  # fmt: skip


def code_label(code: str, lang: str) -> str:
    """A status or action kind in words: Chinese for zh, the code itself for en."""
    return CODE_WORDS_ZH.get(code, code) if lang == "zh" else code


def kind_label(code: str, lang: str) -> str:
    return DEADLINE_KIND_LABELS[lang].get(code, code)


def type_label(code: str, lang: str) -> str:
    return DEBTOR_TYPE_LABELS[lang].get(code, code)


def stage_label(code: str, lang: str) -> str:
    return STAGE_LABELS[lang].get(code, code)


def class_label(code: str, lang: str) -> str:
    return RISK_CLASS_LABELS[lang].get(code, code)


def tactic_label(code: str, lang: str) -> str:
    zh, en = TACTICS.get(code, (code, code))
    return zh if lang == "zh" else en
