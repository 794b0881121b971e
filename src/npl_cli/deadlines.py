"""Legal deadlines that can make a claim worthless (DOMAIN.md §3), vectorised.

- claim limitation (诉讼时效): 3 years from the due date (2 years for periods that ran out before
  2017-10-01), restarted in full by an interruption while still running, never past the 20-year cap;
- guarantee period (保证期间): agreed, else 6 months from the due date (2 years for "until paid"
  under the old law); cannot be interrupted; met by demanding the guarantor (joint liability) or
  suing the debtor (general guarantee);
- guarantee limitation: 3 years from the demand on the guarantor;
- enforcement (申请执行期间): 2 years from the last day of performance set by the judgment.

The engine works on an events table (loan, party, kind, date, evidence): today the ledger's own
dates, later the workspace's action log too. A loan's events are walked in date order, one rank
at a time across all loans at once. The deadline table holds numbers and codes; the words
(basis, action) are written only for the rows that are shown or exported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from npl_cli.periods import NAT, act_by, add_months, add_years, as_days, days_between
from npl_cli.text import contains_any

TRANSITION = np.datetime64("2017-10-01", "ns")  # Civil Code general provisions in force
NEW_GUARANTEE_LAW = np.datetime64("2021-01-01", "ns")
OLD_RULE_COULD_EXPIRE = np.datetime64(
    "2015-10-01", "ns"
)  # 2 years before TRANSITION  # Civil Code guarantee rules in force

EVENT_COLUMNS = ["loan_id", "party", "kind", "date", "evidence"]
DEBTOR_ACTS = ("payment", "acknowledgment", "promise", "repayment_plan")
DEMANDS = ("demand",)
SUITS = ("suit", "payment_order", "arbitration", "preservation", "bankruptcy_claim")
KINDS = ("claim_limitation", "guarantee_period", "guarantee_limitation", "enforcement")
STATUSES = ("expired", "due", "ok", "in_litigation", "met")  # also the on-screen order
OUTPUT_COLUMNS = [
    "loan_id", "debtor_id", "debtor_name", "party", "kind", "deadline", "act_by", "days_left",
    "status", "basis", "action", "balance",
]  # fmt: skip

# What a deadline rests on, as codes into this list (text is made only for shown rows).
BASIS = [
    "maturity", "acceleration", "overdue start (no maturity date)", "repayment", "demand",
    "demand (no evidence recorded)", "acknowledgment", "promise", "repayment plan", "suit",
    "payment order", "arbitration", "preservation", "bankruptcy claim", "20-year cap from",
    "due date", "agreed end date", "demand on the guarantor", "last day of performance",
    "judgment in force (no performance date: the earlier reading)",
]  # fmt: skip
B = {label: code for code, label in enumerate(BASIS)}
EVENT_BASIS = {"payment": B["repayment"], "demand": B["demand"],
               "acknowledgment": B["acknowledgment"], "promise": B["promise"],
               "repayment_plan": B["repayment plan"], "suit": B["suit"],
               "payment_order": B["payment order"], "arbitration": B["arbitration"],
               "preservation": B["preservation"], "bankruptcy_claim": B["bankruptcy claim"],
               "guarantor_demand": B["demand on the guarantor"]}  # fmt: skip

# How a guarantee period was set (codes); "agreed period" adds the contract's own words.
HOW = [
    "6 months (no period agreed)", "agreed period", "",
    "6 months (the agreed end is not after the due date)",
    "6 months (agreed period unreadable: check the contract)",
    "2 years ('until paid', signed before 2021: old law)",
    "6 months ('until paid' counts as unclear)",
    "6 months ('until paid', signing date unknown: the earlier reading)",
]  # fmt: skip
AGREED_PERIOD, AGREED_END = 1, 2

ACTIONS = {
    ("claim_limitation", "live"): "send a demand with proof of delivery (签收回执), or obtain "
    "the debtor's signed confirmation; file suit if neither can be had in time",
    ("claim_limitation", "expired"): "time-barred: seek the debtor's signed promise to pay the "
    "time-barred debt (Art 192); look for unrecorded interruptions",
    ("claim_limitation", "in_litigation"): "suit pending: follow the case; enforcement runs "
    "from the judgment",
    ("claim_limitation", "met"): "judgment obtained: watch the enforcement deadline",
    ("guarantee_period", "joint"): "demand the guarantor in writing, with proof of delivery",
    ("guarantee_period", "general"): "sue the debtor (or arbitrate): a general guarantor is "
    "held only by that",
    ("guarantee_period", "unknown"): "demand the guarantor in writing and sue the debtor "
    "(guarantee mode unclear)",
    ("guarantee_period", "expired"): "guarantor released (Art 693); no claim against them",
    ("guarantee_period", "met"): "held in time: watch the guarantee limitation",
    ("guarantee_limitation", "live"): "demand the guarantor again with proof of delivery, or "
    "sue the guarantor",
    ("guarantee_limitation", "expired"): "time-barred against this guarantor: seek the "
    "guarantor's signed promise to pay",
    ("enforcement", "live"): "apply to the court for enforcement (申请强制执行)",
    ("enforcement", "expired"): "enforcement period passed: look for interruptions; the "
    "mortgage claim may be lost too",
    ("enforcement", "met"): "enforcement applied: follow the case",
}


@dataclass(frozen=True)
class DeadlineSettings:
    window_days: int = 90
    strict_evidence: bool = False
    delivered_words: tuple[str, ...] = ("签收", "已送达", "送达", "已达", "扣款", "回执")
    undelivered_words: tuple[str, ...] = ("退回", "拒收", "未送达", "未签收", "未达")
    until_paid_words: tuple[str, ...] = ("直至本息还清", "本息还清", "还清为止")
    general_guarantee_words: tuple[str, ...] = ("一般保证",)
    joint_guarantee_words: tuple[str, ...] = ("连带",)

    @classmethod
    def from_config(cls, section: Mapping[str, Any], **overrides: Any) -> DeadlineSettings:
        values: dict[str, Any] = {
            name: tuple(section[name]) if isinstance(section.get(name), list) else section[name]
            for name in cls.__dataclass_fields__
            if name in section
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


@dataclass
class Deadlines:
    """Every deadline, one row per (loan, party, kind).

    `table` columns: loan (position in `loans`), party (guarantor name or None for the
    borrower), kind, deadline, status, days_left, act_by, and the codes behind the words.
    """

    table: pd.DataFrame
    loans: pd.DataFrame
    as_of: pd.Timestamp
    notes: list[str] = field(default_factory=list)


# --- events ---------------------------------------------------------------------------------


def ledger_events(frame: pd.DataFrame) -> pd.DataFrame:
    """The ledger's own dated acts as events: last repayment, last demand with its evidence,
    suit, and the demand on the guarantors (party empty: every guarantor of the loan).
    `loan` is the row position in `frame`, so no lookup by id is needed."""
    parts = []
    for column, kind, evidence in (
        ("last_payment_date", "payment", None),
        ("last_collection_date", "demand", "collection_evidence"),
        ("lawsuit_filed_on", "suit", None),
        ("guarantor_demanded_on", "guarantor_demand", None),
    ):
        if column not in frame:
            continue
        dated = np.flatnonzero(frame[column].notna().to_numpy())
        if not len(dated):
            continue
        parts.append(pd.DataFrame({
            "loan": dated,
            "party": pd.Series(None, index=range(len(dated)), dtype=object),
            "kind": kind,
            "date": frame[column].to_numpy()[dated],
            "evidence": frame[evidence].iloc[dated].to_numpy(dtype=object)
            if evidence and evidence in frame else None,
        }))  # fmt: skip
    if not parts:
        return pd.DataFrame(
            {
                "loan": np.array([], dtype=np.int64),
                "party": [],
                "kind": [],
                "date": np.array([], dtype="datetime64[ns]"),
                "evidence": [],
            }
        )
    return pd.concat(parts, ignore_index=True)


def _with_positions(events: pd.DataFrame, loans: pd.DataFrame) -> pd.DataFrame:
    """Events with `loan` positions; events of loans not in the ledger are dropped."""
    if "loan" in events and "loan_id" not in events:
        return events
    position = pd.Index(loans["loan_id"]).get_indexer(events["loan_id"])
    if "loan" in events:
        position = np.where(events["loan"].isna(), position, events["loan"].fillna(-1))
    return events.assign(loan=position.astype(np.int64))[position >= 0]


def evidence_class(evidence: pd.Series, settings: DeadlineSettings) -> np.ndarray:
    """'delivered', 'undelivered', 'none' (nothing recorded) or 'unclear' per demand."""
    text = evidence.astype(object).where(evidence.notna(), None)
    out = np.full(len(text), "unclear", dtype=object)
    out[contains_any(text, settings.delivered_words)] = "delivered"
    out[contains_any(text, settings.undelivered_words)] = "undelivered"
    blank = text.isna().to_numpy() | (text.astype(str).str.strip() == "").to_numpy()
    out[blank] = "none"
    return out


# --- the clock ------------------------------------------------------------------------------


def limitation_end(starts: np.ndarray) -> np.ndarray:
    """End of a claim-limitation period starting on `starts`: 3 years; a period that started
    earlier and ran out under the old 2-year rule before 2017-10-01 stayed expired."""
    ends = add_years(starts, 3)
    early = starts < OLD_RULE_COULD_EXPIRE  # only these can have run out under the 2-year rule
    if early.any():
        two = add_years(starts[early], 2)
        ends[early] = np.where(two < TRANSITION, two, ends[early])
    return ends


def two_years(starts: np.ndarray) -> np.ndarray:
    return add_years(starts, 2)


def three_years(starts: np.ndarray) -> np.ndarray:
    return add_years(starts, 3)


@dataclass
class Clock:
    """One clock per loan (or guarantor) after its events were walked."""

    deadline: np.ndarray
    basis: np.ndarray  # code into BASIS of what the deadline rests on
    basis_date: np.ndarray
    late_kind: np.ndarray  # basis code of the first act recorded after the clock ran out
    late_date: np.ndarray
    suit_date: np.ndarray  # first suit filed while the clock ran


@dataclass
class EventArrays:
    loan: np.ndarray
    date: np.ndarray
    interrupts: np.ndarray
    basis: np.ndarray  # code into BASIS
    suit: np.ndarray

    @classmethod
    def empty(cls) -> EventArrays:
        return cls(
            np.array([], np.int64),
            np.array([], "datetime64[ns]"),
            np.array([], bool),
            np.array([], np.int64),
            np.array([], bool),
        )


def walk(
    start: np.ndarray,
    start_basis: np.ndarray,
    period_end: Callable[[np.ndarray], np.ndarray],
    events: EventArrays,
    as_of: np.datetime64,
) -> Clock:
    """Run each clock from `start` through its events in date order.

    An interrupting event after the start and on or before the running deadline restarts the
    period in full from its date; one after the deadline interrupts nothing (it is recorded as
    late). Events after `as_of` are not counted. Vectorised across loans; loops over event rank.
    """
    n = len(start)
    clock = Clock(
        deadline=period_end(start),
        basis=np.asarray(start_basis, dtype=np.int64).copy(),
        basis_date=np.asarray(start, dtype="datetime64[ns]").copy(),
        late_kind=np.full(n, -1, dtype=np.int64),
        late_date=np.full(n, NAT),
        suit_date=np.full(n, NAT),
    )
    if len(events.loan) == 0:
        return clock
    order = np.lexsort((events.date, events.loan))
    loan, dates = events.loan[order], events.date[order]
    interrupts, basis, suit = events.interrupts[order], events.basis[order], events.suit[order]
    group_start = np.flatnonzero(np.r_[True, loan[1:] != loan[:-1]])
    rank = np.arange(len(loan)) - np.repeat(group_start, np.diff(np.r_[group_start, len(loan)]))
    for r in range(int(rank.max()) + 1):
        picked = rank == r
        who, when = loan[picked], dates[picked]
        counted = interrupts[picked] & (when > start[who]) & (when <= as_of)
        in_time = counted & (when <= clock.deadline[who])
        late = counted & ~in_time & (clock.late_kind[who] < 0)
        restart = who[in_time]
        clock.deadline[restart] = period_end(when[in_time])
        clock.basis[restart] = basis[picked][in_time]
        clock.basis_date[restart] = when[in_time]
        suits = in_time & suit[picked] & np.isnat(clock.suit_date[who])
        clock.suit_date[who[suits]] = when[suits]
        clock.late_kind[who[late]] = basis[picked][late]
        clock.late_date[who[late]] = when[late]
    return clock


def _borrower_events(
    events: pd.DataFrame, kinds: Sequence[str], settings: DeadlineSettings
) -> EventArrays:
    """The borrower's events of the given kinds, as arrays for walk()."""
    chosen = events[events["kind"].isin(kinds) & events["party"].isna()]
    if chosen.empty:
        return EventArrays.empty()
    kind = chosen["kind"].to_numpy(dtype=object)
    is_demand = np.isin(kind, DEMANDS)
    evidence = np.full(len(chosen), "none", dtype=object)
    if is_demand.any():
        evidence[is_demand] = evidence_class(chosen["evidence"][is_demand], settings)
    no_evidence = is_demand & (evidence == "none")
    interrupts = (
        ~is_demand | (evidence == "delivered") | (no_evidence & (not settings.strict_evidence))
    )
    basis = pd.Series(kind).map(EVENT_BASIS).fillna(B["demand"]).to_numpy(dtype=np.int64).copy()
    basis[no_evidence] = B["demand (no evidence recorded)"]
    return EventArrays(
        loan=chosen["loan"].to_numpy(dtype=np.int64),
        date=np.asarray(chosen["date"], dtype="datetime64[ns]"),
        interrupts=interrupts,
        basis=basis,
        suit=np.isin(kind, SUITS),
    )


# --- building the table -----------------------------------------------------------------------


def _dates(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame:
        return np.full(len(frame), NAT)
    return np.asarray(frame[column], dtype="datetime64[ns]").copy()


def _rows(loan: np.ndarray, kind: str, deadline: np.ndarray, **columns: Any) -> pd.DataFrame:
    """Deadline rows with every column the table has (codes, not words)."""
    n = len(loan)
    data: dict[str, Any] = {
        "loan": np.asarray(loan, dtype=np.int64),
        "party": np.full(n, None, dtype=object),
        "kind": np.full(n, KINDS.index(kind), dtype=np.int8),
        "deadline": np.asarray(deadline, dtype="datetime64[ns]"),
        "status": np.full(n, -1, dtype=np.int8),  # -1: by days left
        "basis": np.full(n, -1, dtype=np.int64),
        "basis_date": np.full(n, NAT),
        "how": np.full(n, -1, dtype=np.int8),
        "note": np.full(n, None, dtype=object),
        "action": np.full(n, "live", dtype=object),
    }
    data.update(columns)
    frame = pd.DataFrame({k: v for k, v in data.items() if k not in ("party", "note", "action")})
    for name in ("party", "note", "action"):
        frame[name] = pd.Series(np.asarray(data[name], dtype=object), dtype=object)
    return frame


def compute_deadlines(
    frame: pd.DataFrame,
    events: pd.DataFrame | None = None,
    *,
    as_of: pd.Timestamp,
    settings: DeadlineSettings | None = None,
) -> Deadlines:
    """Every deadline of every loan with a balance, as of `as_of`.

    `events` defaults to the ledger's own dates (ledger_events); the workspace adds its log.
    """
    settings = settings or DeadlineSettings()
    today = pd.Timestamp(as_of).normalize().to_datetime64().astype("datetime64[ns]")
    loans = frame.reset_index(drop=True)
    events = _with_positions(ledger_events(loans) if events is None else events, loans)
    notes: list[str] = []
    live = loans["balance"].to_numpy(dtype=float) > 0
    if (~live).any():
        notes.append(f"{int((~live).sum()):,} loans with no balance outstanding: no deadlines")
    start, start_basis = claim_start(loans)
    no_start = np.isnat(start) & live
    if no_start.any():
        notes.append(
            f"claim limitation not computed for {int(no_start.sum()):,} loans: no maturity date, "
            "acceleration date or overdue start"
        )
    claim, claim_deadline = _claim_rows(loans, events, start, start_basis, today, settings)
    guarantees = _guarantee_rows(loans, events, start, claim_deadline, today, settings, notes, live)
    enforcement = _enforcement_rows(loans, events, today, settings)
    table = pd.concat([claim, *guarantees, enforcement], ignore_index=True)
    table = table[live[table["loan"].to_numpy()]].reset_index(drop=True)
    days_left = days_between(table["deadline"].to_numpy(), today)
    status = table["status"].to_numpy().copy()
    by_days = status < 0
    status[by_days & (days_left < 0)] = STATUSES.index("expired")
    status[by_days & (days_left >= 0) & (days_left <= settings.window_days)] = STATUSES.index("due")
    status[by_days & (days_left > settings.window_days)] = STATUSES.index("ok")
    table["status"] = pd.Categorical.from_codes(status, categories=pd.Index(STATUSES))
    table["kind"] = pd.Categorical.from_codes(table["kind"].to_numpy(), categories=pd.Index(KINDS))
    table["days_left"] = days_left
    table["act_by"] = act_by(table["deadline"].to_numpy())
    from npl_cli.periods import holiday_calendar

    last_year = holiday_calendar()[1]
    if last_year:
        notes.append(f"act-by dates skip weekends, and Chinese public holidays through {last_year}")
    return Deadlines(table=table, loans=loans, as_of=pd.Timestamp(as_of), notes=notes)


# --- claim limitation -------------------------------------------------------------------------


def claim_start(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """When the limitation starts (and the BASIS code of why): the maturity date, or the
    acceleration date if earlier; without a maturity date, the overdue start (conservative)."""
    maturity = _dates(frame, "maturity_date")
    accelerated = _dates(frame, "accelerated_on")
    overdue = _dates(frame, "overdue_since")
    start = maturity.copy()
    basis = np.full(len(frame), B["maturity"], dtype=np.int64)
    earlier = ~np.isnat(accelerated) & (np.isnat(start) | (accelerated < start))
    start[earlier] = accelerated[earlier]
    basis[earlier] = B["acceleration"]
    fallback = np.isnat(start) & ~np.isnat(overdue)
    start[fallback] = overdue[fallback]
    basis[fallback] = B["overdue start (no maturity date)"]
    return start, basis


def _claim_rows(
    loans: pd.DataFrame,
    events: pd.DataFrame,
    start: np.ndarray,
    start_basis: np.ndarray,
    today: np.datetime64,
    settings: DeadlineSettings,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Claim-limitation rows, and each loan's running deadline (NaT when none)."""
    kinds = DEBTOR_ACTS + DEMANDS + SUITS
    clock = walk(
        start, start_basis, limitation_end, _borrower_events(events, kinds, settings), today
    )
    cap = np.full(len(start), NAT)
    long_chain = (clock.deadline - start) > np.timedelta64(7300, "D")  # only these can hit it
    cap[long_chain] = add_years(start[long_chain], 20)
    capped = long_chain & (cap < clock.deadline)
    deadline = np.where(capped, cap, clock.deadline)
    basis = np.where(capped, B["20-year cap from"], clock.basis)
    basis_date = np.where(capped, start, clock.basis_date)
    note = np.full(len(loans), None, dtype=object)
    note[capped] = "the chain of interruptions alone would run to " + _date_text(
        clock.deadline[capped]
    )
    late = clock.late_kind >= 0
    if late.any():
        late_words = np.asarray(BASIS, dtype=object)[clock.late_kind[late]]
        note[late] = (
            "acts recorded after expiry (" + late_words + " "
            + _date_text(clock.late_date[late])
            + "): they interrupt nothing; look for evidence of an earlier interruption"
        )  # fmt: skip
        waiver = late & np.isin(clock.late_kind, [EVENT_BASIS[k] for k in DEBTOR_ACTS])
        note[waiver] = (
            note[waiver] + "; a signed promise or payment may waive the defence (Art 192)"
        )
    judged = ~np.isnat(_dates(loans, "judgment_effective_on"))
    litigating = ~np.isnat(clock.suit_date) | judged
    status = np.full(len(loans), -1, dtype=np.int8)
    status[litigating] = STATUSES.index("in_litigation")
    status[judged] = STATUSES.index("met")  # the judgment debt now runs on the enforcement clock
    action = np.where(judged, "met", np.where(litigating, "in_litigation", "live")).astype(object)
    deadline = np.where(litigating, NAT, deadline)
    has = np.flatnonzero(~np.isnat(start))
    rows = _rows(
        has,
        "claim_limitation",
        deadline[has],
        status=status[has],
        basis=basis[has],
        basis_date=basis_date[has],
        note=note[has],
        action=action[has],
    )
    return rows, deadline


# --- guarantees -----------------------------------------------------------------------------

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}  # fmt: skip
_DURATION_RE = re.compile(r"([0-9]+|[零一二两三四五六七八九十]+)\s*(年|个月|月)")


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + _CN_DIGITS.get(ones, 0)
    return _CN_DIGITS.get(text, 0)


def parse_guarantee_period(text: str, until_paid_words: Sequence[str]) -> tuple[str, int]:
    """('months', N), ('until_paid', 0), ('date', 0) or ('none', 0) for one agreed period."""
    cleaned = text.strip()
    if not cleaned:
        return "none", 0
    if any(word in cleaned for word in until_paid_words):
        return "until_paid", 0
    months = sum(
        _number(n) * (12 if unit == "年" else 1) for n, unit in _DURATION_RE.findall(cleaned)
    )
    return ("months", months) if months else ("date", 0)


def _guarantee_terms(
    periods: pd.Series, signed: np.ndarray, start: np.ndarray, settings: DeadlineSettings
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Guarantee-period end, the date it counts from, and how it was set (HOW code), per
    guarantor row. The agreed text is parsed once per distinct value."""
    from npl_cli.ledger.coerce import parse_dates

    text = periods.astype(object).where(periods.notna(), "").astype(str)
    codes, uniques = pd.factorize(text)
    parsed = [parse_guarantee_period(u, settings.until_paid_words) for u in uniques]
    pick = np.maximum(codes, 0)
    form = np.array([p[0] for p in parsed] or ["none"], dtype=object)[pick]
    months = np.array([p[1] for p in parsed] or [0], dtype=np.int64)[pick]
    unique_ends, _ = parse_dates(pd.Series(uniques if len(uniques) else [None], dtype=object))
    agreed_end = np.where(form == "date", unique_ends[pick], NAT)
    end = add_months(start, 6)
    counted_from = start.copy()
    how = np.zeros(len(text), dtype=np.int8)
    by_months = (form == "months") & (months > 0)
    end[by_months] = add_months(start[by_months], months[by_months])
    how[by_months] = AGREED_PERIOD
    dated = (form == "date") & ~np.isnat(agreed_end)
    after_due = dated & (agreed_end > start)
    end[after_due] = agreed_end[after_due]
    counted_from[after_due] = agreed_end[after_due]
    how[after_due] = AGREED_END
    how[dated & ~after_due] = 3
    how[(form == "date") & np.isnat(agreed_end)] = 4
    until_paid = form == "until_paid"
    old_law = until_paid & (signed < NEW_GUARANTEE_LAW)
    end[old_law] = add_years(start[old_law], 2)
    how[old_law] = 5
    how[until_paid & ~old_law] = 6
    how[until_paid & np.isnat(signed)] = 7
    return end, counted_from, how


def _guarantee_mode(mode: pd.Series, signed: np.ndarray, settings: DeadlineSettings) -> np.ndarray:
    out = np.full(len(mode), "unknown", dtype=object)
    out[signed < NEW_GUARANTEE_LAW] = "joint"  # 担保法 Art 19: an unclear type was joint
    out[signed >= NEW_GUARANTEE_LAW] = "general"  # Civil Code Art 686: unclear is general
    out[contains_any(mode, settings.joint_guarantee_words)] = "joint"
    out[contains_any(mode, settings.general_guarantee_words)] = "general"
    return out


def split_guarantors(guarantors: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(row position, name) for every guarantor named in the column (、，,;；/ separated)."""
    present = np.flatnonzero(guarantors.notna().to_numpy())
    text = pa.array(guarantors.iloc[present].astype(object), type=pa.string())
    parts = pc.split_pattern_regex(text, r"[、，,;；/]+")
    names = pc.utf8_trim_whitespace(pc.list_flatten(parts))
    parents = present[pc.list_parent_indices(parts).to_numpy()]
    keep = np.asarray(pc.greater(pc.utf8_length(names), 0).to_numpy(zero_copy_only=False))
    return parents[keep], names.to_numpy(zero_copy_only=False)[keep].astype(object)


def _guarantee_rows(
    loans: pd.DataFrame,
    events: pd.DataFrame,
    start: np.ndarray,
    claim_deadline: np.ndarray,
    today: np.datetime64,
    settings: DeadlineSettings,
    notes: list[str],
    live: np.ndarray,
) -> list[pd.DataFrame]:
    if "guarantors" not in loans or not loans["guarantors"].notna().any():
        return []
    loan, party = split_guarantors(loans["guarantors"])
    g_start = start[loan]
    missing = np.isnat(g_start)
    if (missing & live[loan]).any():
        notes.append(
            f"guarantee deadlines not computed for {int((missing & live[loan]).sum()):,} "
            "guarantors: the loan has no maturity date or overdue start"
        )
    loan, party, g_start = loan[~missing], party[~missing], g_start[~missing]
    signed = _dates(loans, "guarantee_signed_on")[loan]
    none = pd.Series(None, index=loans.index, dtype=object)
    periods = loans["guarantee_period"] if "guarantee_period" in loans else none
    end, counted_from, how = _guarantee_terms(periods.iloc[loan], signed, g_start, settings)
    modes = loans["guarantee_mode"] if "guarantee_mode" in loans else none
    mode = _guarantee_mode(modes.iloc[loan], signed, settings)
    demands = _guarantor_demands(events, loan, party)
    first_demand = _first_demand_within(demands, g_start, end, len(loan))
    sued = _dates(loans, "lawsuit_filed_on")[loan]
    sued_in_time = (sued > g_start) & (sued <= end)
    demanded = ~np.isnat(first_demand)
    met = np.where(mode == "general", sued_in_time, demanded | ((mode == "unknown") & sued_in_time))
    note = np.full(len(loan), None, dtype=object)
    by_suit = met & (mode == "general")
    note[by_suit] = "debtor sued " + _date_text(sued[by_suit])
    by_demand = met & (mode != "general") & demanded
    note[by_demand] = "guarantor demanded " + _date_text(first_demand[by_demand])
    period_rows = _rows(
        loan, "guarantee_period", end, party=party,
        status=np.where(met, STATUSES.index("met"), -1).astype(np.int8),
        basis=np.where(how == AGREED_END, B["agreed end date"], B["due date"]),
        basis_date=counted_from, how=how, note=note,
        action=np.where(met, "met", mode).astype(object),
    )  # fmt: skip
    clock = _guarantor_limitation(demands, first_demand, demanded, today)
    barred_first = ~np.isnat(claim_deadline[loan[demanded]]) & (
        claim_deadline[loan[demanded]] < clock.deadline
    )
    limitation_note = np.full(int(demanded.sum()), None, dtype=object)
    limitation_note[barred_first] = (
        "the main claim's limitation ends earlier, "
        + _date_text(claim_deadline[loan[demanded]][barred_first])
        + ": a time-barred main debt frees the guarantor too (SPC limitation provisions Art 18)"
    )  # fmt: skip
    limitation_rows = _rows(
        loan[demanded], "guarantee_limitation", clock.deadline, party=party[demanded],
        basis=clock.basis, basis_date=clock.basis_date, note=limitation_note,
    )  # fmt: skip
    return [period_rows, limitation_rows]


def _guarantor_demands(events: pd.DataFrame, loan: np.ndarray, party: np.ndarray) -> pd.DataFrame:
    """Demands on guarantors matched to guarantor rows (`row`, `date`): an event without a
    party names every guarantor of its loan."""
    demands = events[events["kind"] == "guarantor_demand"]
    if demands.empty:
        return pd.DataFrame({"row": np.array([], np.int64), "date": np.array([], "datetime64[ns]")})
    rows = pd.DataFrame({"row": np.arange(len(loan)), "loan": loan, "name": party})
    matched = rows.merge(demands[["loan", "party", "date"]], on="loan")
    keep = matched["party"].isna() | (matched["party"] == matched["name"])
    return matched.loc[keep, ["row", "date"]].reset_index(drop=True)


def _first_demand_within(
    demands: pd.DataFrame, start: np.ndarray, end: np.ndarray, n: int
) -> np.ndarray:
    """The first demand on each guarantor within its guarantee period (NaT if none)."""
    out = np.full(n, NAT)
    if demands.empty:
        return out
    rows = demands["row"].to_numpy(dtype=np.int64)
    dates = np.asarray(demands["date"], dtype="datetime64[ns]")
    inside = (dates > start[rows]) & (dates <= end[rows])
    first = pd.Series(dates[inside]).groupby(rows[inside]).min()
    out[first.index.to_numpy()] = first.to_numpy()
    return out


def _guarantor_limitation(
    demands: pd.DataFrame, first_demand: np.ndarray, demanded: np.ndarray, today: np.datetime64
) -> Clock:
    """3 years from the first in-period demand, restarted by later demands on that guarantor."""
    renumber = np.full(len(first_demand), -1, dtype=np.int64)
    renumber[demanded] = np.arange(int(demanded.sum()))
    rows = renumber[demands["row"].to_numpy(dtype=np.int64)]
    keep = rows >= 0
    n = int(keep.sum())
    events = EventArrays(
        loan=rows[keep], date=np.asarray(demands["date"], "datetime64[ns]")[keep],
        interrupts=np.ones(n, bool), basis=np.full(n, B["demand on the guarantor"]),
        suit=np.zeros(n, bool),
    )  # fmt: skip
    start = first_demand[demanded]
    return walk(
        start, np.full(len(start), B["demand on the guarantor"]), three_years, events, today
    )


# --- enforcement ----------------------------------------------------------------------------


def _enforcement_rows(
    loans: pd.DataFrame, events: pd.DataFrame, today: np.datetime64, settings: DeadlineSettings
) -> pd.DataFrame:
    performance = _dates(loans, "performance_due_on")
    judgment = _dates(loans, "judgment_effective_on")
    has = np.flatnonzero(~np.isnat(performance) | ~np.isnat(judgment))
    performance, judgment = performance[has], judgment[has]
    base = np.where(np.isnat(performance), judgment, performance)
    base_basis = np.where(np.isnat(performance), B[BASIS[19]], B["last day of performance"])
    borrower = _borrower_events(events, DEBTOR_ACTS + DEMANDS, settings)
    renumber = np.full(len(loans), -1, dtype=np.int64)
    renumber[has] = np.arange(len(has))
    local = renumber[borrower.loan]
    keep = local >= 0
    subset = EventArrays(
        local[keep],
        borrower.date[keep],
        borrower.interrupts[keep],
        borrower.basis[keep],
        borrower.suit[keep],
    )
    clock = walk(base, base_basis, two_years, subset, today)
    applied = _dates(loans, "enforcement_applied_on")[has]
    in_time = ~np.isnat(applied) & (applied <= clock.deadline)
    too_late = ~np.isnat(applied) & (applied > clock.deadline)
    status = np.where(
        in_time, STATUSES.index("met"), np.where(too_late, STATUSES.index("expired"), -1)
    ).astype(np.int8)
    note = np.full(len(has), None, dtype=object)
    note[too_late] = "enforcement applied " + _date_text(applied[too_late]) + ", after the deadline"
    action = np.where(in_time, "met", np.where(too_late, "expired", "live")).astype(object)
    return _rows(
        has,
        "enforcement",
        clock.deadline,
        status=status,
        basis=clock.basis,
        basis_date=clock.basis_date,
        note=note,
        action=action,
    )


# --- words for people -----------------------------------------------------------------------


def _date_text(dates: np.ndarray) -> np.ndarray:
    """YYYY-MM-DD per date ('' for NaT), formatting each distinct date once."""
    codes, uniques = pd.factorize(as_days(dates))
    texts = np.array(
        [str(u) for u in np.asarray(uniques, dtype="datetime64[D]")] + [""], dtype=object
    )
    return texts[np.where(codes >= 0, codes, len(texts) - 1)]


def select(
    deadlines: Deadlines,
    *,
    window_days: int,
    everything: bool = False,
    expired: bool = True,
    kinds: Sequence[str] = (),
) -> pd.DataFrame:
    """The rows `npl limitation` lists, nearest first within each status: due within the
    window and (unless `expired` is False) expired ones; `everything` lists all."""
    table = deadlines.table
    status = table["status"].to_numpy(dtype=object)
    keep = np.ones(len(table), dtype=bool)
    if not everything:
        keep &= ((status == "due") & (table["days_left"].to_numpy() <= window_days)) | (
            (status == "expired") & expired
        )
    if kinds:
        keep &= table["kind"].isin(kinds).to_numpy()
    chosen = table[keep]
    loan_ids = deadlines.loans["loan_id"].to_numpy(dtype=object)[chosen["loan"].to_numpy()]
    order = np.lexsort(
        (
            chosen["party"].fillna("").to_numpy(dtype=str),
            loan_ids.astype(str),
            chosen["kind"].cat.codes.to_numpy(),
            np.abs(np.nan_to_num(chosen["days_left"].to_numpy(), nan=1e9)),
            chosen["status"].cat.codes.to_numpy(),
        )
    )
    return chosen.iloc[order].reset_index(drop=True)


def output_frame(deadlines: Deadlines, rows: pd.DataFrame) -> pd.DataFrame:
    """The stable export columns, with basis and action in plain words."""
    loans = deadlines.loans
    position = rows["loan"].to_numpy()

    def loan_column(name: str) -> pd.Series:
        if name not in loans:
            return pd.Series(None, index=range(len(rows)), dtype=object)
        return loans[name].take(position).reset_index(drop=True)

    names = loan_column("debtor_name")
    party = rows["party"].reset_index(drop=True)
    out = pd.DataFrame({
        "loan_id": loan_column("loan_id"),
        "debtor_id": loan_column("debtor_id"),
        "debtor_name": names,
        "party": party.astype(object).where(party.notna(), names.astype(object)),
        "kind": rows["kind"].astype(str).to_numpy(),
        "deadline": rows["deadline"].to_numpy(),
        "act_by": rows["act_by"].to_numpy(),
        "days_left": pd.array(rows["days_left"].to_numpy(), dtype="Float64").astype("Int64"),
        "status": rows["status"].astype(str).to_numpy(),
        "basis": _basis_text(rows, loan_column("guarantee_period")),
        "action": _action_text(rows),
        "balance": loans["balance"].to_numpy(dtype=float)[position],
    })  # fmt: skip
    return out[OUTPUT_COLUMNS]


def _strings(values: np.ndarray | pd.Series) -> pa.Array:
    return pa.array(values, type=pa.string(), from_pandas=True)


def _join(*parts: pa.Array, separator: str = "") -> pa.Array:
    """Element-wise concatenation in Arrow; a null part is skipped with its separator."""
    result = parts[0]
    for part in parts[1:]:
        joined = pc.binary_join_element_wise(result, part, separator)
        result = pc.if_else(pc.is_null(part), result, joined)
    return result


def _basis_text(rows: pd.DataFrame, agreed: pd.Series) -> np.ndarray:
    """'<what> <date>; <how the period was set>; <note>' for each row."""
    labels = _strings(np.asarray(BASIS + [""], dtype=object)[rows["basis"].to_numpy()])
    dates = _date_text(rows["basis_date"].to_numpy())
    dates_or_null = _strings(pd.Series(dates).replace("", None).to_numpy(dtype=object))
    how = rows["how"].to_numpy()
    how_words = np.asarray(HOW, dtype=object)[np.maximum(how, 0)]
    how_words[(how < 0) | (how == AGREED_END)] = None
    agreed_words = _join(
        _strings(np.full(len(rows), "agreed period: ", dtype=object)),
        _strings(agreed.astype(object).where(agreed.notna(), "")),
    )
    how_text = pc.if_else(pa.array(how == AGREED_PERIOD), agreed_words, _strings(how_words))
    note = _strings(rows["note"].to_numpy(dtype=object))
    text = _join(_join(labels, dates_or_null, separator=" "), how_text, note, separator="; ")
    return np.asarray(text.to_numpy(zero_copy_only=False), dtype=object)


def _action_text(rows: pd.DataFrame) -> np.ndarray:
    lookup = {f"{kind}|{case}": words for (kind, case), words in ACTIONS.items()}
    kinds = rows["kind"].astype(str).to_numpy(dtype=object)
    case = rows["action"].to_numpy(dtype=object)
    expired = (rows["status"].astype(str).to_numpy(dtype=object) == "expired") & (case != "met")
    case = np.where(expired, "expired", case)
    keys = pd.Series(kinds + "|" + case.astype(str)).astype("category")
    words = keys.cat.categories.map(
        lambda key: lookup.get(key, lookup.get(key.split("|")[0] + "|live", ""))
    )
    return np.asarray(words, dtype=object)[keys.cat.codes.to_numpy()]
