"""A portfolio month by month: consecutive month-end ledgers of the same loans, each ageing
from the last with realistic roll, cure, repayment, write-off and new-loan behaviour, classes
reported the way banks report them (a few left better than the floor), and the action log the
desk kept meanwhile. Seeded and reproducible; vectorised month by month."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from npl_cli.sample import EVIDENCE, generate

# monthly cure probability by DPD at the start of the month (upper bound of the band)
CURE = ((30, 0.45), (60, 0.25), (90, 0.15), (180, 0.06), (360, 0.03), (10**6, 0.01))
DEFAULT_RATE = 0.02  # current loans falling overdue in a month
PARTIAL_RATE = 0.15  # overdue loans paying something without curing
WRITE_OFF_RATE = 0.03  # loss-class loans written off in a month
NEW_LOANS = 0.03  # new loans a month, as a share of the first book
LENIENT = 0.06  # loans the bank keeps one class better than the floor
LAG = 0.3  # a downgrade reported a month late
CLASS_WORDS = ("正常", "关注", "次级", "可疑", "损失")
# A hidden risk per loan (mean 1) scales how often it falls overdue and how seldom it cures;
# it shows only through behaviour a desk can see: short overdues, lost contact, notes.
RISK_SPREAD = 0.9
RISK_NOTES = ("经营困难，涉诉", "欠薪停产", "疑似赌博", "离婚分割财产", "被执行")
LOST = ("失联", "无法联系")


@dataclass
class Simulation:
    months: list[tuple[pd.Timestamp, pd.DataFrame]]  # (month end, canonical ledger), oldest first
    actions: pd.DataFrame  # loan_id, kind, date, method, evidence, amount, promise_date,
    # promise_amount, note


def month_ends(last: pd.Timestamp, months: int) -> list[pd.Timestamp]:
    end = pd.Timestamp(last).normalize() + pd.offsets.MonthEnd(0)
    return [end - pd.offsets.MonthEnd(months - 1 - k) for k in range(months)]


def simulate(rows: int, months: int, *, seed: int = 0, last: pd.Timestamp) -> Simulation:
    ends = month_ends(last, months)
    rng = np.random.default_rng(seed + 7_919)
    book = generate(rows, seed=seed, as_of=ends[0])
    lenient = rng.random(len(book)) < LENIENT
    risk = _risk(rng, len(book))
    book["ledger_class"] = _reported(book, ends[0], lenient, None, rng)
    ledgers = [(ends[0], book.copy())]
    logs = []
    next_id = rows + 1
    for month, day in enumerate(ends[1:], start=1):
        book, kept, log = _month(book, risk, ends[month - 1], day, rng)
        lenient, risk = lenient[kept], risk[kept]
        fresh = _new_loans(int(round(rows * NEW_LOANS)), next_id, seed + month, day)
        next_id += len(fresh)
        book = pd.concat([book, fresh], ignore_index=True)
        lenient = np.r_[lenient, np.zeros(len(fresh), dtype=bool)]
        risk = np.r_[risk, _risk(rng, len(fresh))]
        previous = ledgers[-1][1].set_index("loan_id")["ledger_class"]
        book["ledger_class"] = _reported(book, day, lenient, previous, rng)
        ledgers.append((day, book.copy()))
        logs.append(log)
    actions = pd.concat(logs, ignore_index=True) if logs else _empty_log()
    return Simulation(ledgers, actions.sort_values(["date", "loan_id"], kind="stable"))


def _dpd(book: pd.DataFrame, day: pd.Timestamp) -> np.ndarray:
    since = book["overdue_since"]
    return np.where(since.isna(), 0, (day - since).dt.days.fillna(0)).astype(np.int64)


def _risk(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.lognormal(-(RISK_SPREAD**2) / 2, RISK_SPREAD, n)


def _month(
    book: pd.DataFrame, risk: np.ndarray, start: pd.Timestamp, day: pd.Timestamp,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:  # fmt: skip
    """One month of the book's life; returns the book still held, which rows of the old book
    those are, and the month's actions."""
    n = len(book)
    days = max(1, (day - start).days)
    dpd = _dpd(book, start)
    overdue = dpd > 0
    balance = book["balance"].to_numpy(dtype=float).copy()
    when = pd.Series(start + pd.to_timedelta(rng.integers(1, days + 1, n), unit="D"))  # in month
    # current loans: amortise, repay at maturity, or fall overdue
    span = (book["maturity_date"] - book["disbursed_on"]).dt.days / 30
    term_months = span.fillna(12).clip(lower=1).to_numpy(dtype=float)
    principal = book["principal"].to_numpy(dtype=float)
    paying = ~overdue & (rng.random(n) >= np.clip(DEFAULT_RATE * risk, 0, 0.5))
    balance = np.where(paying, np.clip(balance - principal / term_months, 0, None), balance)
    matured = (book["maturity_date"] <= day).to_numpy() & ~overdue
    repaid = matured & paying & (rng.random(n) < 0.9)
    defaulted = ~overdue & ~paying
    since = book["overdue_since"].copy()
    since[defaulted] = when[defaulted]
    since[matured & ~repaid & ~defaulted] = book["maturity_date"][matured & ~repaid & ~defaulted]
    # overdue loans: cure, pay part, roll on; the oldest are written off
    limit = np.array([upper for upper, _ in CURE])
    cure_rate = np.array([rate for _, rate in CURE])[np.searchsorted(limit, dpd, side="left")]
    cured = overdue & (rng.random(n) < cure_rate / np.clip(risk, 0.5, None))
    partial = overdue & ~cured & (rng.random(n) < PARTIAL_RATE)
    paid = np.where(cured, balance * rng.uniform(0.05, 0.3, n), 0.0)
    paid = np.where(partial, balance * rng.uniform(0.03, 0.15, n), paid)
    paid = np.round(paid, 2)
    balance = np.round(balance - paid, 2)
    since[cured] = pd.NaT
    written_off = overdue & (dpd > 360) & (rng.random(n) < WRITE_OFF_RATE)
    gone = repaid | written_off | (balance <= 0)
    book = book.assign(balance=balance, overdue_since=since)
    book["overdue_count"] = book["overdue_count"].fillna(0).to_numpy() + defaulted
    lost = rng.random(n) < 0.01 * risk  # the risky drift out of reach, and talk gets around
    book.loc[lost, "contact_status"] = np.asarray(LOST, dtype=object)[rng.integers(0, 2, n)][lost]
    noted = rng.random(n) < 0.008 * risk
    words = np.asarray(RISK_NOTES, dtype=object)[rng.integers(0, len(RISK_NOTES), n)]
    book.loc[noted, "notes"] = words[noted]
    book.loc[cured | partial, "last_payment_date"] = when[cured | partial]
    book = _litigation(book, dpd, start, when, rng)
    log = _log(book, overdue, cured, partial, paid, when, start, day, rng)
    keep = ~gone
    book = book[keep].reset_index(drop=True)
    kept = np.flatnonzero(keep)
    dpd_now = _dpd(book, day)
    book["dpd"] = dpd_now
    book["overdue_interest"] = np.where(
        dpd_now > 0, np.round(book["balance"].to_numpy(dtype=float) * dpd_now / 365 * 0.06, 2), 0.0
    )
    return book, kept, log


def _litigation(
    book: pd.DataFrame, dpd: np.ndarray, start: pd.Timestamp, when: pd.Series,
    rng: np.random.Generator,
) -> pd.DataFrame:  # fmt: skip
    """The oldest claims are sued; suits end in judgments; judgments in enforcement."""
    n = len(book)
    filed, judged = book["lawsuit_filed_on"].notna(), book["judgment_effective_on"].notna()
    sue = (dpd > 360) & ~filed.to_numpy() & (rng.random(n) < 0.03)
    judge = filed.to_numpy() & ~judged.to_numpy() & (rng.random(n) < 0.15)
    enforce = (judged & book["enforcement_applied_on"].isna()).to_numpy() & (rng.random(n) < 0.1)
    out = book.copy()
    out.loc[sue, "lawsuit_filed_on"] = when[sue]
    out.loc[judge, "judgment_effective_on"] = when[judge]
    out.loc[judge, "performance_due_on"] = when[judge] + pd.Timedelta(days=10)
    out.loc[enforce, "enforcement_applied_on"] = when[enforce]
    out.attrs["sued"], out.attrs["judged"], out.attrs["enforced"] = sue, judge, enforce
    return out


def _log(
    book: pd.DataFrame, overdue: np.ndarray, cured: np.ndarray, partial: np.ndarray,
    paid: np.ndarray, when: pd.Series, start: pd.Timestamp, day: pd.Timestamp,
    rng: np.random.Generator,
) -> pd.DataFrame:  # fmt: skip
    """What the desk recorded in the month: payments (as the ledger shows them), promises kept
    or broken, demands and how they were delivered, calls, suits, judgments, enforcement."""
    n = len(book)
    ids = book["loan_id"].to_numpy(dtype=object)
    parts = []

    def add(mask: np.ndarray, kind: str, dates: pd.Series, **columns: object) -> None:
        if mask.any():
            part = {"loan_id": ids[mask], "kind": kind, "date": dates[mask].to_numpy()}
            for name, value in columns.items():
                part[name] = value[mask] if isinstance(value, np.ndarray) else value
            parts.append(pd.DataFrame(part))

    paying = cured | partial
    add(paying, "payment", when, amount=paid, method=np.where(rng.random(n) < 0.7, "转账", "现金"))
    promised = paying & (rng.random(n) < 0.5)  # kept: made before the payment, for its amount
    earlier = when - pd.to_timedelta(rng.integers(1, 10, n), unit="D")
    made = earlier.where(earlier > start, start + pd.Timedelta(days=1))  # within the month
    add(promised, "promise", made, promise_date=when.to_numpy(), promise_amount=paid,
        method="电话")  # fmt: skip
    broken = overdue & ~paying & (rng.random(n) < 0.06)
    later = when + pd.Timedelta(days=5)
    due = later.where(later <= day, day)
    asked = np.round(book["balance"].to_numpy(dtype=float) * 0.1, 2)
    add(broken, "promise", when, promise_date=due.to_numpy(), promise_amount=asked, method="上门")
    demand = overdue & (rng.random(n) < 0.35)
    evidence = np.asarray([e for e in EVIDENCE if e], dtype=object)
    add(demand, "demand", when, method=np.where(rng.random(n) < 0.6, "信函", "短信"),
        evidence=evidence[rng.integers(0, len(evidence), n)])  # fmt: skip
    call = overdue & (rng.random(n) < 0.25)
    add(call, "call", when, method="电话", note=np.where(rng.random(n) < 0.6, "接通", "未接通"))
    for kind, key in (("suit", "sued"), ("judgment", "judged"),
                      ("enforcement_application", "enforced")):  # fmt: skip
        add(book.attrs[key], kind, when)
    return pd.concat(parts, ignore_index=True) if parts else _empty_log()


def _empty_log() -> pd.DataFrame:
    return pd.DataFrame(columns=["loan_id", "kind", "date", "method", "evidence", "amount",
                                 "promise_date", "promise_amount", "note"])  # fmt: skip


def _new_loans(count: int, first_id: int, seed: int, day: pd.Timestamp) -> pd.DataFrame:
    """New current loans, disbursed in the month, numbered after the book's last."""
    if count <= 0:
        return generate(1, seed=seed, as_of=day).iloc[:0]
    fresh = generate(count, seed=seed, as_of=day)
    numbers = pd.Series(np.arange(first_id, first_id + count)).astype(str)
    fresh["loan_id"] = "DK" + numbers.str.zfill(9)
    rng = np.random.default_rng(seed)
    disbursed = day - pd.to_timedelta(rng.integers(0, 28, count), unit="D")
    term = pd.to_timedelta(rng.choice([365, 730, 1095], count), unit="D")
    quiet = ["overdue_since", "last_payment_date", "last_collection_date", "collection_evidence",
             "overdue_reason", "guarantor_demanded_on", "lawsuit_filed_on",
             "judgment_effective_on", "performance_due_on", "enforcement_applied_on"]  # fmt: skip
    for column in quiet:  # a date column stays a date column, empty
        dated = pd.api.types.is_datetime64_any_dtype(fresh[column])
        fresh[column] = pd.Series(pd.NaT if dated else None, index=fresh.index,
                                  dtype=fresh[column].dtype if dated else object)  # fmt: skip
    return fresh.assign(
        disbursed_on=disbursed, maturity_date=disbursed + term, dpd=0, overdue_interest=0.0,
        balance=fresh["principal"], overdue_count=0, broken_promises=0,
        guarantee_signed_on=fresh["guarantee_signed_on"].where(
            fresh["guarantors"].isna(), disbursed
        ),
    )  # fmt: skip


def _reported(
    book: pd.DataFrame, day: pd.Timestamp, lenient: np.ndarray, previous: pd.Series | None,
    rng: np.random.Generator,
) -> np.ndarray:  # fmt: skip
    """The class the bank reports: the floor by DPD, one class better for the lenient loans,
    and now and then last month's better class when the loan has just worsened."""
    dpd = _dpd(book, day)
    floor = np.select([dpd > 360, dpd > 270, dpd > 90, dpd > 0], [4, 3, 2, 1], 0)
    reported = np.where(lenient, np.maximum(floor - 1, 0), floor)
    if previous is not None:
        words = {w: i for i, w in enumerate(CLASS_WORDS)}
        before = book["loan_id"].map(previous).map(words).fillna(-1).to_numpy(dtype=int)
        late = (before >= 0) & (before < reported) & (rng.random(len(book)) < LAG)
        reported = np.where(late, before, reported)
    return np.asarray(CLASS_WORDS, dtype=object)[reported]
