"""A realistic synthetic loan ledger with Chinese headers, generated vectorised.

Used for sample_data/, tests and the benchmarks (1,000,000 rows in a few seconds).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from npl_cli.ledger.coerce import CREDIT_ALPHABET, CREDIT_WEIGHTS, ID_CHECK, ID_WEIGHTS

REGIONS = (
    "城关镇",
    "东关镇",
    "西关镇",
    "南关镇",
    "北关镇",
    "新华乡",
    "红旗乡",
    "长安镇",
    "太平镇",
    "永安乡",
    "和平镇",
    "河口镇",
    "石桥镇",
    "杨柳乡",
    "白沙镇",
    "青山乡",
    "黄土岭乡",
    "柳林镇",
    "马坊乡",
    "高新区",
)
REGION_CODES = (
    "110105",
    "110108",
    "320102",
    "330106",
    "410102",
    "420106",
    "510107",
    "610113",
    "620102",
    "640104",
    "650102",
    "540102",
    "150102",
    "450103",
    "530102",
    "370102",
)
SURNAMES = tuple("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐韩冯于董萧程曹袁邓许傅沈曾彭吕")
GIVEN = tuple("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰海燕鹏飞")
TRADES = ("商贸", "建材", "农业", "食品", "机械", "物流", "纺织", "餐饮", "养殖", "电子")
CUSTOMER_TYPES = ("公司法人", "小微商户", "涉农户", "个人")
OCCUPATIONS = ("个体经营", "农户", "教师", "司机", "务工人员", "公务员", "医生", "自由职业", "退休")
BRANCHES = ("城关支行", "开发区支行", "东城支行", "西城支行", "河口支行", "营业部")
OFFICERS = ("刘洋", "陈静", "王磊", "赵敏", "孙强", "周杰", "吴娟", "郑涛")
CONTACT = (
    "正常",
    "正常",
    "正常",
    "正常",
    "正常",
    "正常",
    "失联",
    "无法联系",
    "下落不明",
    "电话停机",
)
HARDSHIP = ("经营困难", "停产", "疾病住院", "失业", "受灾减产", "家人去世", "意外事故")
OTHER_REASONS = (
    "忘记还款",
    "换卡未扣款",
    "外出务工",
    "资金周转",
    "恶意拖欠",
    "转移资产",
    "拒绝沟通",
)
EVIDENCE = ("签收", "短信已达", "邮件已达", "退回", "拒收", "")
ETHNIC = ("汉族",) * 16 + ("回族", "维吾尔族", "藏族", "蒙古族")
PERIODS = ("", "2年", "3年", "六个月", "18个月", "直至本息还清", "主债务履行期届满之日起两年")
COLLATERAL = ("住宅", "商铺", "厂房", "土地使用权", "车辆", "机器设备")

HEADERS = {
    "loan_id": "借据号",
    "debtor_name": "借款人",
    "debtor_id": "证件号码",
    "customer_type": "客户类型",
    "occupation": "职业",
    "product": "贷款品种",
    "region": "地区",
    "branch": "经办机构",
    "officer": "客户经理",
    "principal": "贷款金额",
    "balance": "贷款余额",
    "overdue_interest": "欠息",
    "disbursed_on": "放款日",
    "maturity_date": "到期日",
    "overdue_since": "逾期起始日",
    "dpd": "逾期天数",
    "ledger_class": "五级分类",
    "last_payment_date": "最后还款日",
    "last_collection_date": "最近催收日",
    "collection_evidence": "送达情况",
    "contact_status": "联系状态",
    "overdue_reason": "逾期原因",
    "overdue_count": "逾期次数",
    "broken_promises": "违约承诺次数",
    "guarantee_type": "担保方式",
    "guarantors": "保证人",
    "guarantee_mode": "保证方式",
    "guarantee_signed_on": "保证合同签订日",
    "guarantee_period": "保证期间",
    "guarantor_demanded_on": "保证人催收日",
    "collateral": "抵押物",
    "collateral_value": "抵押物价值",
    "lawsuit_filed_on": "起诉日期",
    "judgment_effective_on": "判决生效日",
    "performance_due_on": "履行期限届满日",
    "enforcement_applied_on": "申请执行日",
    "ethnicity": "民族",
    "phone": "联系电话",
    "notes": "备注",
}


def _pick(
    rng: np.random.Generator, options: tuple[str, ...], n: int, p: list[float] | None = None
) -> np.ndarray:
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=n, p=p)]


def _names(rng: np.random.Generator, n: int) -> pd.Series:
    surname = pd.Series(_pick(rng, SURNAMES, n))
    first = pd.Series(_pick(rng, GIVEN, n))
    second = pd.Series(np.where(rng.random(n) < 0.6, _pick(rng, GIVEN, n), ""))
    return surname + first + second


def resident_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    region = _pick(rng, REGION_CODES, n)
    birth = pd.Timestamp("1950-01-01") + pd.to_timedelta(rng.integers(0, 18000, n), unit="D")
    body = (
        pd.Series(region)
        + pd.Series(birth.strftime("%Y%m%d"))
        + pd.Series(rng.integers(0, 1000, n)).astype(str).str.zfill(3)
    )
    digits = np.frombuffer("".join(body).encode(), dtype=np.uint8).reshape(n, 17) - ord("0")
    check = np.asarray(list(ID_CHECK))[(digits.astype(np.int64) * ID_WEIGHTS).sum(1) % 11]
    return (body + check).to_numpy(dtype=object)


def credit_codes(rng: np.random.Generator, n: int) -> np.ndarray:
    alphabet = np.frombuffer(CREDIT_ALPHABET.encode(), dtype=np.uint8)
    region = np.frombuffer("".join(_pick(rng, REGION_CODES, n)).encode(), dtype=np.uint8)
    codes = np.empty((n, 18), dtype=np.int64)
    codes[:, 0], codes[:, 1] = 9, 1
    codes[:, 2:8] = region.reshape(n, 6) - ord("0")
    codes[:, 8:17] = rng.integers(0, 31, (n, 9))
    codes[:, 17] = (31 - (codes[:, :17] * CREDIT_WEIGHTS).sum(1) % 31) % 31
    return np.frombuffer(alphabet[codes].tobytes(), dtype="S18").astype(str).astype(object)


def _days(rng: np.random.Generator, low: int, high: int, n: int) -> pd.TimedeltaIndex:
    return pd.to_timedelta(rng.integers(low, high, n), unit="D")


def generate(rows: int, seed: int = 0, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """A ledger of `rows` loans as of `as_of`, with canonical column names."""
    rng = np.random.default_rng(seed)
    as_of = pd.Timestamp(as_of or pd.Timestamp.today()).normalize()
    n = rows
    debtors = max(1, int(n * 0.8))
    owner = np.sort(rng.integers(0, debtors, n))
    ctype_pool = _pick(rng, CUSTOMER_TYPES, debtors, p=[0.12, 0.28, 0.25, 0.35])
    corporate = ctype_pool == "公司法人"
    person_names = _names(rng, debtors)
    company = (
        pd.Series(_pick(rng, REGIONS, debtors)).str[:2]
        + pd.Series(_pick(rng, TRADES, debtors))
        + "有限公司"
    )
    name_pool = np.where(corporate, company, person_names)
    id_pool = np.where(corporate, credit_codes(rng, debtors), resident_ids(rng, debtors))
    region_pool = _pick(rng, REGIONS, debtors)
    contact_pool = _pick(rng, CONTACT, debtors)
    ethnic_pool = _pick(rng, ETHNIC, debtors)
    phone_pool = (
        "1"
        + pd.Series(rng.integers(3, 10, debtors)).astype(str)
        + pd.Series(rng.integers(0, 10**9, debtors)).astype(str).str.zfill(9)
    )

    ctype = ctype_pool[owner]
    product = np.where(
        np.isin(ctype, ["公司法人", "小微商户", "涉农户"]),
        "经营性贷款",
        _pick(rng, ("消费贷款", "信用卡", "经营性贷款"), n, p=[0.5, 0.35, 0.15]),
    )
    principal = np.round(np.exp(rng.normal(11.5, 1.2, n)) / 100) * 100
    principal = np.where(ctype == "公司法人", principal * 8, principal)
    # Current loans mature in the future; overdue ones see below.
    maturity = pd.Series(as_of + _days(rng, 30, 365 * 5, n))
    term_days = _pick(rng, ("365", "730", "1095", "1825"), n).astype(int)
    disbursed = maturity - pd.to_timedelta(term_days, unit="D")

    # About a third overdue, spread over every band, a tail of very old claims.
    overdue = rng.random(n) < 0.34
    dpd_choice = rng.choice(7, size=n, p=[0.22, 0.12, 0.1, 0.14, 0.14, 0.16, 0.12])
    band_low = np.array([1, 31, 61, 91, 181, 361, 1095])[dpd_choice]
    band_high = np.array([31, 61, 91, 181, 361, 1095, 4500])[dpd_choice]
    dpd = np.where(overdue, rng.integers(band_low, band_high), 0)
    overdue_since = pd.Series(as_of - pd.to_timedelta(dpd, unit="D")).where(overdue)
    # A long-overdue loan has matured: its maturity is around when it fell overdue.
    # Most overdue loans have matured (maturity = when they fell overdue); the rest missed an
    # installment and mature later, or were declared due early.
    matured = overdue & ((dpd > 180) | (rng.random(n) < 0.5))
    maturity = maturity.where(~matured, overdue_since)
    disbursed = disbursed.where(~matured, maturity - pd.to_timedelta(term_days, unit="D"))
    balance = np.round(
        principal * np.where(overdue, rng.uniform(0.3, 1.0, n), rng.uniform(0.05, 1.0, n)), 2
    )
    interest = np.where(overdue, np.round(balance * dpd / 365 * 0.06, 2), 0.0)

    floor_class = np.select(
        [dpd > 360, dpd > 270, dpd > 90, dpd > 0], ["损失", "可疑", "次级", "关注"], "正常"
    )
    lenient = rng.random(n) < 0.08
    better = {"损失": "可疑", "可疑": "次级", "次级": "关注", "关注": "正常", "正常": "正常"}
    ledger_class = np.where(lenient, pd.Series(floor_class).map(better), floor_class)

    paid_recently = overdue & (rng.random(n) < 0.4)
    last_payment = pd.Series(overdue_since + _days(rng, 0, 400, n)).where(paid_recently)
    last_payment = last_payment.where(last_payment < as_of)
    collected = overdue & (rng.random(n) < 0.6)
    last_collection = pd.Series(as_of - _days(rng, 5, 900, n)).where(collected)
    last_collection = last_collection.where(last_collection > overdue_since)
    evidence = np.where(last_collection.notna(), _pick(rng, EVIDENCE, n), "")

    contact = contact_pool[owner]
    reason = np.where(rng.random(n) < 0.5, _pick(rng, HARDSHIP, n), _pick(rng, OTHER_REASONS, n))
    reason = np.where(overdue & (rng.random(n) < 0.7), reason, "")
    overdue_count = np.where(overdue, rng.integers(1, 7, n), rng.integers(0, 2, n))
    broken = np.where(overdue, rng.integers(0, 4, n), 0)

    guarantee_type = _pick(rng, ("信用", "保证", "抵押", "质押"), n, p=[0.3, 0.4, 0.25, 0.05])
    guaranteed = guarantee_type == "保证"
    two = rng.random(n) < 0.3
    guarantors = np.where(guaranteed, _names(rng, n) + np.where(two, "、" + _names(rng, n), ""), "")
    mode = np.where(guaranteed, _pick(rng, ("连带责任保证", "连带责任保证", "一般保证", ""), n), "")
    signed = pd.Series(disbursed - _days(rng, 0, 10, n)).where(guaranteed)
    period = np.where(guaranteed, _pick(rng, PERIODS, n), "")
    demanded = pd.Series(maturity + _days(rng, 10, 500, n)).where(
        guaranteed & overdue & (rng.random(n) < 0.4)
    )
    demanded = demanded.where(demanded < as_of)
    secured = guarantee_type == "抵押"
    collateral = np.where(secured, _pick(rng, COLLATERAL, n), "")
    collateral_value = np.where(secured, np.round(principal * rng.uniform(0.8, 2.0, n), -2), np.nan)

    sued = overdue & (dpd > 360) & (rng.random(n) < 0.3)
    filed = pd.Series(overdue_since + _days(rng, 200, 700, n)).where(sued)
    filed = filed.where(filed < as_of)
    judged = filed.notna() & (rng.random(n) < 0.7)
    judgment = pd.Series(filed + _days(rng, 60, 300, n)).where(judged)
    judgment = judgment.where(judgment < as_of)
    performance = (judgment + pd.Timedelta(days=10)).where(judgment.notna())
    enforced = pd.Series(performance + _days(rng, 10, 400, n)).where(
        performance.notna() & (rng.random(n) < 0.5)
    )
    enforced = enforced.where(enforced < as_of)

    ethnicity = ethnic_pool[owner]
    notes = np.where(ethnicity != "汉族", "少数民族客户，注意宗教与风俗禁忌", "")
    notes = np.where((reason == "转移资产") & (rng.random(n) < 0.5), "疑似转移资产", notes)

    frame = pd.DataFrame(
        {
            "loan_id": "DK" + pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(9),
            "debtor_name": name_pool[owner],
            "debtor_id": id_pool[owner],
            "customer_type": ctype,
            "occupation": np.where(ctype == "个人", _pick(rng, OCCUPATIONS, n), ""),
            "product": product,
            "region": region_pool[owner],
            "branch": _pick(rng, BRANCHES, n),
            "officer": _pick(rng, OFFICERS, n),
            "principal": principal,
            "balance": balance,
            "overdue_interest": interest,
            "disbursed_on": disbursed,
            "maturity_date": maturity,
            "overdue_since": overdue_since,
            "dpd": dpd,
            "ledger_class": ledger_class,
            "last_payment_date": last_payment,
            "last_collection_date": last_collection,
            "collection_evidence": evidence,
            "contact_status": contact,
            "overdue_reason": reason,
            "overdue_count": overdue_count,
            "broken_promises": broken,
            "guarantee_type": guarantee_type,
            "guarantors": guarantors,
            "guarantee_mode": mode,
            "guarantee_signed_on": signed,
            "guarantee_period": period,
            "guarantor_demanded_on": demanded,
            "collateral": collateral,
            "collateral_value": collateral_value,
            "lawsuit_filed_on": filed,
            "judgment_effective_on": judgment,
            "performance_due_on": performance,
            "enforcement_applied_on": enforced,
            "ethnicity": ethnicity,
            "phone": phone_pool.to_numpy()[owner],
            "notes": notes,
        }
    )
    text_columns = frame.select_dtypes(include=["object", "string"]).columns
    frame[text_columns] = frame[text_columns].replace("", None)
    return frame
