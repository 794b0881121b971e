"""Labels for tables in the display language (machine formats keep the English codes)."""

from __future__ import annotations

from npl_cli.schema import DEADLINE_KIND_LABELS, DEBTOR_TYPE_LABELS, RISK_CLASS_LABELS, TACTICS

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
    },
    "en": {},
}


def column_label(name: str, lang: str) -> str:
    return COLUMN_LABELS.get(lang, {}).get(name, name.replace("_", " "))


def kind_label(code: str, lang: str) -> str:
    return DEADLINE_KIND_LABELS[lang].get(code, code)


def type_label(code: str, lang: str) -> str:
    return DEBTOR_TYPE_LABELS[lang].get(code, code)


def class_label(code: str, lang: str) -> str:
    return RISK_CLASS_LABELS[lang].get(code, code)


def tactic_label(code: str, lang: str) -> str:
    zh, en = TACTICS.get(code, (code, code))
    return zh if lang == "zh" else en
