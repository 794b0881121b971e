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

from npl_cli.periods import NAT, act_by, add_months, add_years, as_days, date_column, days_between
from npl_cli.text import contains_any, counted, one_chunk_strings, positions_in

TRANSITION = np.datetime64("2017-10-01", "ns")  # Civil Code general provisions in force
NEW_GUARANTEE_LAW = np.datetime64("2021-01-01", "ns")
OLD_RULE_COULD_EXPIRE = np.datetime64(
    "2015-10-01", "ns"
)  # 2 years before TRANSITION  # Civil Code guarantee rules in force

EVENT_COLUMNS = ["loan_id", "party", "kind", "date", "evidence"]
DEBTOR_ACTS = ("payment", "acknowledgment", "promise", "repayment_plan")
DEMANDS = ("demand",)
SUITS = ("suit", "payment_order", "arbitration", "preservation", "bankruptcy_claim")
EVENT_KINDS = (*DEBTOR_ACTS, *DEMANDS, *SUITS, "guarantor_demand")  # kinds that move a deadline
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

# Which advice a row gets; the words are in ACTIONS, keyed by (kind, case).
ACTION_CASES = ("live", "met", "in_litigation", "joint", "general", "unknown", "expired")
CASE = {name: code for code, name in enumerate(ACTION_CASES)}

# Remarks on a row, as codes; {basis} and {date} are filled from note_basis and note_date.
NOTES = [
    "",
    "the chain of interruptions alone would run to {date}",
    "acts recorded after expiry ({basis} {date}): they interrupt nothing; look for evidence "
    "of an earlier interruption",
    "acts recorded after expiry ({basis} {date}): they interrupt nothing; look for evidence "
    "of an earlier interruption; a signed promise or payment may waive the defence (Art 192)",
    "debtor sued {date}",
    "guarantor demanded {date}",
    "the main claim's limitation ends earlier, {date}: a time-barred main debt frees the "
    "guarantor too (SPC limitation provisions Art 18)",
    "enforcement applied {date}, after the deadline",
]
CAPPED, LATE_ACT, LATE_DEBTOR_ACT, SUED, DEMANDED, MAIN_CLAIM_FIRST, APPLIED_LATE = range(1, 8)

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

    `table` holds numbers and codes: loan (position in `loans`), guarantor (position in
    `guarantors`, -1 for the borrower), kind, deadline, status, days_left, basis and
    basis_date (what the deadline rests on), how (HOW code), note with note_date and note_basis
    (NOTES code), action (ACTION_CASES code). Words are written by `output_frame`.
    """

    table: pd.DataFrame
    loans: pd.DataFrame
    as_of: pd.Timestamp
    notes: list[str] = field(default_factory=list)
    guarantors: pa.Array = field(default_factory=lambda: pa.array([], pa.string()))


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
            "kind": pd.Categorical.from_codes(
                np.full(len(dated), EVENT_KINDS.index(kind)), categories=pd.Index(EVENT_KINDS)
            ),
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
    position = positions_in(loans["loan_id"], events["loan_id"])
    if "loan" in events:
        position = np.where(events["loan"].isna(), position, events["loan"].fillna(-1))
    return events.assign(loan=position.astype(np.int64))[position >= 0]


def _kind_codes(kind: pd.Series) -> np.ndarray:
    """Each event's position in EVENT_KINDS (-1 for kinds that move no deadline)."""
    if isinstance(kind.dtype, pd.CategoricalDtype):
        lookup = np.append(pd.Index(EVENT_KINDS).get_indexer(kind.cat.categories), -1)
        return lookup[kind.cat.codes.to_numpy()]  # a missing kind (-1) takes the appended -1
    return pd.Index(EVENT_KINDS).get_indexer(pd.Index(kind.astype(object)))


DELIVERED, UNDELIVERED, NO_EVIDENCE, UNCLEAR = range(4)


def evidence_class(evidence: pd.Series, settings: DeadlineSettings) -> np.ndarray:
    """DELIVERED, UNDELIVERED, NO_EVIDENCE (nothing recorded) or UNCLEAR per demand; each
    distinct wording is read once."""
    codes, uniques = pd.factorize(evidence)
    text = pd.Series([str(u) for u in uniques] + [""], dtype=object)
    found = np.full(len(text), UNCLEAR, dtype=np.int8)
    found[contains_any(text, settings.delivered_words)] = DELIVERED
    found[contains_any(text, settings.undelivered_words)] = UNDELIVERED
    found[(text.str.strip() == "").to_numpy()] = NO_EVIDENCE
    return found[np.where(codes >= 0, codes, len(uniques))]


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
    kind: np.ndarray  # code into EVENT_KINDS

    def where(self, keep: np.ndarray, loan: np.ndarray | None = None) -> EventArrays:
        """The events where `keep` is set, optionally renumbered to new clock positions."""
        return EventArrays(
            self.loan[keep] if loan is None else loan,
            self.date[keep],
            self.interrupts[keep],
            self.basis[keep],
            self.kind[keep],
        )

    @property
    def suit(self) -> np.ndarray:
        return np.isin(self.kind, [EVENT_KINDS.index(k) for k in SUITS])


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
    # only acts that count can move a clock: drop the rest before sorting
    counted = events.interrupts & (events.date > start[events.loan]) & (events.date <= as_of)
    if not counted.any():
        return clock
    order = np.flatnonzero(counted)
    order = order[np.lexsort((events.date[order], events.loan[order]))]
    loan, dates, basis = events.loan[order], events.date[order], events.basis[order]
    suit = events.suit[order]
    group_start = np.flatnonzero(np.r_[True, loan[1:] != loan[:-1]])
    rank = np.arange(len(loan)) - np.repeat(group_start, np.diff(np.r_[group_start, len(loan)]))
    for r in range(int(rank.max()) + 1):
        picked = np.flatnonzero(rank == r)
        who, when = loan[picked], dates[picked]
        in_time = when <= clock.deadline[who]
        late = ~in_time & (clock.late_kind[who] < 0)
        restart = who[in_time]
        clock.deadline[restart] = period_end(when[in_time])
        clock.basis[restart] = basis[picked[in_time]]
        clock.basis_date[restart] = when[in_time]
        suits = in_time & suit[picked] & np.isnat(clock.suit_date[who])
        clock.suit_date[who[suits]] = when[suits]
        clock.late_kind[who[late]] = basis[picked[late]]
        clock.late_date[who[late]] = when[late]
    return clock


def borrower_events(events: pd.DataFrame, settings: DeadlineSettings) -> EventArrays:
    """The borrower's events that can move a deadline, as arrays for walk(). A demand
    interrupts when its evidence shows delivery, or when none was recorded (unless strict)."""
    kind = _kind_codes(events["kind"])
    mine = np.flatnonzero(
        (kind >= 0)
        & (kind != EVENT_KINDS.index("guarantor_demand"))
        & events["party"].isna().to_numpy()
    )
    kind = kind[mine]
    basis = np.array([EVENT_BASIS[k] for k in EVENT_KINDS], dtype=np.int64)[kind]
    is_demand = kind == EVENT_KINDS.index("demand")
    interrupts = ~is_demand
    if is_demand.any():
        evidence = evidence_class(events["evidence"].iloc[mine[is_demand]], settings)
        interrupts[is_demand] = (evidence == DELIVERED) | (
            (evidence == NO_EVIDENCE) & (not settings.strict_evidence)
        )
        no_evidence = np.flatnonzero(is_demand)[evidence == NO_EVIDENCE]
        basis[no_evidence] = B["demand (no evidence recorded)"]
    return EventArrays(
        loan=events["loan"].to_numpy(dtype=np.int64)[mine],
        date=np.asarray(events["date"], dtype="datetime64[ns]")[mine],
        interrupts=interrupts,
        basis=basis,
        kind=kind,
    )


# --- building the table -----------------------------------------------------------------------

Rows = dict[str, np.ndarray]


def _rows(loan: np.ndarray, kind: str, deadline: np.ndarray, **columns: np.ndarray) -> Rows:
    """Deadline rows with every column the table has (codes, not words)."""
    n = len(loan)
    rows: Rows = {
        "loan": np.asarray(loan, dtype=np.int64),
        "guarantor": np.full(n, -1, dtype=np.int64),
        "kind": np.full(n, KINDS.index(kind), dtype=np.int8),
        "deadline": np.asarray(deadline, dtype="datetime64[ns]"),
        "status": np.full(n, -1, dtype=np.int8),  # -1: by days left
        "basis": np.full(n, -1, dtype=np.int64),
        "basis_date": np.full(n, NAT),
        "how": np.full(n, -1, dtype=np.int8),
        "note": np.zeros(n, dtype=np.int8),
        "note_date": np.full(n, NAT),
        "note_basis": np.full(n, -1, dtype=np.int64),
        "action": np.full(n, CASE["live"], dtype=np.int8),
    }
    for name, values in columns.items():
        rows[name] = np.asarray(values, dtype=rows[name].dtype)
    return rows


def _table(parts: Sequence[Rows], today: np.datetime64, settings: DeadlineSettings) -> pd.DataFrame:
    """One frame from the parts, with days left and the status by days left (act-by dates
    are worked out only for the rows that are listed)."""
    columns: dict[str, Any] = {
        name: np.concatenate([part[name] for part in parts]) for name in parts[0]
    }
    days_left = days_between(columns["deadline"], today)
    status = columns["status"]
    by_days = status < 0
    status[by_days & (days_left < 0)] = STATUSES.index("expired")
    status[by_days & (days_left >= 0) & (days_left <= settings.window_days)] = STATUSES.index("due")
    status[by_days & (days_left > settings.window_days)] = STATUSES.index("ok")
    columns["status"] = pd.Categorical.from_codes(status, categories=pd.Index(STATUSES))
    columns["kind"] = pd.Categorical.from_codes(columns["kind"], categories=pd.Index(KINDS))
    columns["days_left"] = days_left
    return pd.DataFrame(columns, copy=False)  # no consolidation copy: the arrays are ours


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
        notes.append(
            f"{counted(int((~live).sum()), 'loan')} with no balance outstanding: no deadlines"
        )
    start, start_basis = claim_start(loans)
    no_start = np.isnat(start) & live
    if no_start.any():
        notes.append(
            f"claim limitation not computed for {counted(int(no_start.sum()), 'loan')}: "
            "no maturity date, acceleration date or overdue start"
        )
    borrower = borrower_events(events, settings)
    claim, claim_deadline = _claim_rows(loans, borrower, start, start_basis, today, live)
    guarantors, guarantees = _guarantee_rows(
        loans, events, start, claim_deadline, today, settings, notes, live
    )
    enforcement = _enforcement_rows(loans, borrower, today, live)
    from npl_cli.periods import holiday_calendar

    last_year = holiday_calendar()[1]
    if last_year:
        notes.append(f"act-by dates skip weekends, and Chinese public holidays through {last_year}")
    return Deadlines(
        table=_table([claim, *guarantees, enforcement], today, settings),
        loans=loans,
        as_of=pd.Timestamp(as_of),
        notes=notes,
        guarantors=guarantors,
    )


# --- claim limitation -------------------------------------------------------------------------


def claim_start(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """When the limitation starts (and the BASIS code of why): the maturity date, or the
    acceleration date if earlier; without a maturity date, the overdue start (conservative)."""
    maturity = date_column(frame, "maturity_date")
    accelerated = date_column(frame, "accelerated_on")
    overdue = date_column(frame, "overdue_since")
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
    borrower: EventArrays,
    start: np.ndarray,
    start_basis: np.ndarray,
    today: np.datetime64,
    live: np.ndarray,
) -> tuple[Rows, np.ndarray]:
    """Claim-limitation rows of the loans with a balance, and each one's running deadline
    (NaT when none)."""
    has = np.flatnonzero(~np.isnat(start) & live)
    renumber = np.full(len(loans), -1, dtype=np.int64)
    renumber[has] = np.arange(len(has))
    local = renumber[borrower.loan]
    clock = walk(
        start[has], start_basis[has], limitation_end, borrower.where(local >= 0, local[local >= 0]),
        today,
    )  # fmt: skip
    loan_start = start[has]
    note = np.zeros(len(has), dtype=np.int8)
    note_date = np.full(len(has), NAT)
    deadline, basis, basis_date = clock.deadline, clock.basis, clock.basis_date
    long_chain = (deadline - loan_start) > np.timedelta64(7300, "D")  # only these can hit it
    if long_chain.any():
        cap = np.full(len(has), NAT)
        cap[long_chain] = add_years(loan_start[long_chain], 20)
        capped = long_chain & (cap < deadline)
        note[capped] = CAPPED
        note_date[capped] = deadline[capped]
        deadline = np.where(capped, cap, deadline)
        basis = np.where(capped, B["20-year cap from"], basis)
        basis_date = np.where(capped, loan_start, basis_date)
    late = clock.late_kind >= 0  # the more pressing remark where both apply
    note[late] = LATE_ACT
    note_date[late] = clock.late_date[late]
    waiver = late & np.isin(clock.late_kind, [EVENT_BASIS[k] for k in DEBTOR_ACTS])
    note[waiver] = LATE_DEBTOR_ACT
    note_basis = clock.late_kind
    judged = ~np.isnat(date_column(loans, "judgment_effective_on")[has])
    litigating = ~np.isnat(clock.suit_date) | judged
    status = np.full(len(has), -1, dtype=np.int8)
    status[litigating] = STATUSES.index("in_litigation")
    status[judged] = STATUSES.index("met")  # the judgment debt now runs on the enforcement clock
    action = np.where(litigating, CASE["in_litigation"], CASE["live"])
    action[judged] = CASE["met"]
    deadline = np.where(litigating, NAT, deadline)
    running = np.full(len(loans), NAT)
    running[has] = deadline
    rows = _rows(
        has, "claim_limitation", deadline, status=status, basis=basis, basis_date=basis_date,
        note=note, note_date=note_date, note_basis=note_basis, action=action,
    )  # fmt: skip
    return rows, running


# --- guarantees -----------------------------------------------------------------------------

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}  # fmt: skip
_DURATION_RE = re.compile(r"([0-9]+|[零一二两三四五六七八九十]+)\s*(年|个月|月)")
PERIOD_FORMS = ("none", "months", "until_paid", "date")


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


@dataclass
class Distinct:
    """A text column read once per distinct value: `texts[codes]` gives each row's text
    ('' for missing)."""

    codes: np.ndarray
    texts: list[str]

    @classmethod
    def of(cls, frame: pd.DataFrame, column: str, rows: np.ndarray) -> Distinct:
        if column not in frame:
            return cls(np.zeros(len(rows), dtype=np.int64), [""])
        codes, uniques = pd.factorize(frame[column])
        texts = [str(value) for value in uniques] + [""]
        return cls(np.where(codes >= 0, codes, len(texts) - 1)[rows], texts)

    def lookup(self, values: Sequence[Any] | np.ndarray, dtype: Any = None) -> np.ndarray:
        """Per row, the value computed for its distinct text."""
        return np.asarray(values, dtype=dtype)[self.codes]


def _guarantee_terms(
    periods: Distinct, signed: np.ndarray, start: np.ndarray, settings: DeadlineSettings
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Guarantee-period end, the date it counts from, and how it was set (HOW code), per
    guarantor row."""
    from npl_cli.ledger.coerce import parse_dates

    parsed = [parse_guarantee_period(text, settings.until_paid_words) for text in periods.texts]
    form = periods.lookup([PERIOD_FORMS.index(p[0]) for p in parsed], np.int8)
    months = periods.lookup([p[1] for p in parsed], np.int64)
    written_ends, _ = parse_dates(pd.Series(periods.texts, dtype=object))
    is_date = form == PERIOD_FORMS.index("date")
    agreed_end = np.where(is_date, periods.lookup(written_ends), NAT)
    end = add_months(start, 6)
    counted_from = start.copy()
    how = np.zeros(len(start), dtype=np.int8)
    by_months = (form == PERIOD_FORMS.index("months")) & (months > 0)
    end[by_months] = add_months(start[by_months], months[by_months])
    how[by_months] = AGREED_PERIOD
    dated = is_date & ~np.isnat(agreed_end)
    after_due = dated & (agreed_end > start)
    end[after_due] = agreed_end[after_due]
    counted_from[after_due] = agreed_end[after_due]
    how[after_due] = AGREED_END
    how[dated & ~after_due] = 3
    how[is_date & np.isnat(agreed_end)] = 4
    until_paid = form == PERIOD_FORMS.index("until_paid")
    old_law = until_paid & (signed < NEW_GUARANTEE_LAW)
    end[old_law] = add_years(start[old_law], 2)
    how[old_law] = 5
    how[until_paid & ~old_law] = 6
    how[until_paid & np.isnat(signed)] = 7
    return end, counted_from, how


def _guarantee_mode(modes: Distinct, signed: np.ndarray, settings: DeadlineSettings) -> np.ndarray:
    """CASE code per guarantor: joint, general, or unknown (no signing date, no wording)."""
    out = np.full(len(signed), CASE["unknown"], dtype=np.int8)
    out[signed < NEW_GUARANTEE_LAW] = CASE["joint"]  # 担保法 Art 19: an unclear type was joint
    out[signed >= NEW_GUARANTEE_LAW] = CASE["general"]  # Civil Code Art 686: unclear is general
    texts = pd.Series(modes.texts, dtype=object)
    out[modes.lookup(contains_any(texts, settings.joint_guarantee_words))] = CASE["joint"]
    out[modes.lookup(contains_any(texts, settings.general_guarantee_words))] = CASE["general"]
    return out


GUARANTOR_SEPARATORS = r"[、，,;；/]+"


def split_guarantors(guarantors: pd.Series) -> tuple[np.ndarray, pa.Array]:
    """(row position, name) for every guarantor named in the column (、，,;；/ separated)."""
    text = one_chunk_strings(guarantors)
    parts = pc.split_pattern_regex(text, GUARANTOR_SEPARATORS)
    names = pc.utf8_trim_whitespace(pc.list_flatten(parts))
    parents = pc.list_parent_indices(parts).to_numpy()
    keep = pc.greater(pc.utf8_length(names), 0)
    return parents[np.asarray(keep.to_numpy(zero_copy_only=False))], names.filter(keep)


def _guarantee_rows(
    loans: pd.DataFrame,
    events: pd.DataFrame,
    start: np.ndarray,
    claim_deadline: np.ndarray,
    today: np.datetime64,
    settings: DeadlineSettings,
    notes: list[str],
    live: np.ndarray,
) -> tuple[pa.Array, list[Rows]]:
    """The guarantors' names, and their guarantee-period and guarantee-limitation rows."""
    if "guarantors" not in loans or not loans["guarantors"].notna().any():
        return pa.array([], pa.string()), []
    loan, names = split_guarantors(loans["guarantors"])
    g_start = start[loan]
    missing = np.isnat(g_start)
    if (missing & live[loan]).any():
        notes.append(
            f"guarantee deadlines not computed for {int((missing & live[loan]).sum()):,} "
            "guarantors: the loan has no maturity date or overdue start"
        )
    guarantor = np.flatnonzero(~missing & live[loan])
    loan, g_start = loan[guarantor], g_start[guarantor]
    signed = date_column(loans, "guarantee_signed_on")[loan]
    periods = Distinct.of(loans, "guarantee_period", loan)
    end, counted_from, how = _guarantee_terms(periods, signed, g_start, settings)
    mode = _guarantee_mode(Distinct.of(loans, "guarantee_mode", loan), signed, settings)
    demands = _guarantor_demands(events, loan, guarantor, names, settings)
    first_demand = _first_within(demands, g_start, end, len(loan))
    sued = _first_within(_debtor_suits(events, loan), g_start, end, len(loan))
    sued_in_time = ~np.isnat(sued)
    demanded = ~np.isnat(first_demand)
    general = mode == CASE["general"]
    met = np.where(general, sued_in_time, demanded | ((mode == CASE["unknown"]) & sued_in_time))
    note = np.zeros(len(loan), dtype=np.int8)
    note_date = np.full(len(loan), NAT)
    by_suit = met & general
    note[by_suit], note_date[by_suit] = SUED, sued[by_suit]
    by_demand = met & ~general & demanded
    note[by_demand], note_date[by_demand] = DEMANDED, first_demand[by_demand]
    period_rows = _rows(
        loan, "guarantee_period", end, guarantor=guarantor,
        status=np.where(met, STATUSES.index("met"), -1),
        basis=np.where(how == AGREED_END, B["agreed end date"], B["due date"]),
        basis_date=counted_from, how=how, note=note, note_date=note_date,
        action=np.where(met, CASE["met"], mode),
    )  # fmt: skip
    acts = _guarantor_acts(events, loan, guarantor, names)
    clock = _guarantor_limitation(pd.concat([demands, acts]), first_demand, demanded, today)
    main_claim = claim_deadline[loan[demanded]]
    main_first = ~np.isnat(main_claim) & (main_claim < clock.deadline)
    limitation_rows = _rows(
        loan[demanded], "guarantee_limitation", clock.deadline, guarantor=guarantor[demanded],
        basis=clock.basis, basis_date=clock.basis_date,
        note=np.where(main_first, MAIN_CLAIM_FIRST, 0),
        note_date=np.where(main_first, main_claim, NAT),
    )  # fmt: skip
    return names, [period_rows, limitation_rows]


def _guarantor_demands(
    events: pd.DataFrame,
    loan: np.ndarray,
    guarantor: np.ndarray,
    names: pa.Array,
    settings: DeadlineSettings,
) -> pd.DataFrame:
    """Demands that reached guarantors, matched to guarantor rows (`row`, `date`): an event
    without a party names every guarantor of its loan. As for the borrower, a returned or
    refused letter reached nobody; one with no evidence recorded counts unless strict."""
    is_demand = _kind_codes(events["kind"]) == EVENT_KINDS.index("guarantor_demand")
    demands = events[is_demand]
    evidence = evidence_class(demands["evidence"], settings)
    reached = (evidence == DELIVERED) | ((evidence == NO_EVIDENCE) & (not settings.strict_evidence))
    return _on_guarantor_rows(demands[reached], loan, guarantor, names)


def _guarantor_acts(
    events: pd.DataFrame, loan: np.ndarray, guarantor: np.ndarray, names: pa.Array
) -> pd.DataFrame:
    """A guarantor's own payments, acknowledgments, promises and plans (the party names
    them), on their guarantor rows (`row`, `date`, `kind`)."""
    kind = _kind_codes(events["kind"])
    own = np.isin(kind, [EVENT_KINDS.index(k) for k in DEBTOR_ACTS])
    own &= events["party"].notna().to_numpy()
    return _on_guarantor_rows(events[own], loan, guarantor, names)


def _on_guarantor_rows(
    events: pd.DataFrame, loan: np.ndarray, guarantor: np.ndarray, names: pa.Array
) -> pd.DataFrame:
    """Events matched to guarantor rows (`row`, `date`, `kind`): by the party's name, or to
    every guarantor of the loan when the event names nobody."""
    if events.empty:
        return pd.DataFrame({"row": np.array([], np.int64),
                             "date": np.array([], "datetime64[ns]"), "kind": []})  # fmt: skip
    rows = pd.DataFrame({"row": np.arange(len(loan)), "loan": loan})
    matched = rows.merge(events[["loan", "party", "date", "kind"]], on="loan")
    named = matched["party"].notna().to_numpy()
    keep = ~named
    if named.any():
        who = guarantor[matched["row"].to_numpy()[named]]
        keep[named] = matched["party"].to_numpy(dtype=object)[named] == np.asarray(
            names.take(pa.array(who)).to_numpy(zero_copy_only=False), dtype=object
        )
    return matched.loc[keep, ["row", "date", "kind"]].reset_index(drop=True)


def _debtor_suits(events: pd.DataFrame, loan: np.ndarray) -> pd.DataFrame:
    """Suits and arbitrations against the debtor (the ledger's date and the action log's),
    matched to guarantor rows (`row`, `date`): what holds a general guarantor (Art 693)."""
    kind = _kind_codes(events["kind"])
    suing = np.isin(kind, [EVENT_KINDS.index("suit"), EVENT_KINDS.index("arbitration")])
    suits = events.loc[suing & events["party"].isna().to_numpy(), ["loan", "date"]]
    rows = pd.DataFrame({"row": np.arange(len(loan)), "loan": loan})
    return rows.merge(suits, on="loan")[["row", "date"]]


def _first_within(events: pd.DataFrame, start: np.ndarray, end: np.ndarray, n: int) -> np.ndarray:
    """The first event (`row`, `date`) on each guarantor row within its guarantee period,
    after `start` and on or before `end` (NaT if none)."""
    out = np.full(n, NAT)
    if events.empty:
        return out
    rows = events["row"].to_numpy(dtype=np.int64)
    dates = np.asarray(events["date"], dtype="datetime64[ns]")
    inside = (dates > start[rows]) & (dates <= end[rows])
    first = pd.Series(dates[inside]).groupby(rows[inside]).min()
    out[first.index.to_numpy()] = first.to_numpy()
    return out


def _guarantor_limitation(
    acts: pd.DataFrame, first_demand: np.ndarray, demanded: np.ndarray, today: np.datetime64
) -> Clock:
    """3 years from the first in-period demand, restarted by later acts on that guarantor:
    demands that reached them, and their own payments, acknowledgments and promises."""
    renumber = np.full(len(first_demand), -1, dtype=np.int64)
    renumber[demanded] = np.arange(int(demanded.sum()))
    rows = renumber[acts["row"].to_numpy(dtype=np.int64)]
    keep = rows >= 0
    kind = _kind_codes(acts["kind"])[keep]
    basis = np.array([EVENT_BASIS[k] for k in EVENT_KINDS], dtype=np.int64)[kind]
    events = EventArrays(
        loan=rows[keep],
        date=np.asarray(acts["date"], "datetime64[ns]")[keep],
        interrupts=np.ones(len(kind), dtype=bool),
        basis=basis,
        kind=kind,
    )
    start = first_demand[demanded]
    return walk(
        start, np.full(len(start), B["demand on the guarantor"]), three_years, events, today
    )


# --- enforcement ----------------------------------------------------------------------------


def _enforcement_rows(
    loans: pd.DataFrame, borrower: EventArrays, today: np.datetime64, live: np.ndarray
) -> Rows:
    performance = date_column(loans, "performance_due_on")
    judgment = date_column(loans, "judgment_effective_on")
    has = np.flatnonzero((~np.isnat(performance) | ~np.isnat(judgment)) & live)
    performance, judgment = performance[has], judgment[has]
    base = np.where(np.isnat(performance), judgment, performance)
    base_basis = np.where(np.isnat(performance), B[BASIS[19]], B["last day of performance"])
    renumber = np.full(len(loans), -1, dtype=np.int64)
    renumber[has] = np.arange(len(has))
    local = renumber[borrower.loan]
    keep = (local >= 0) & ~borrower.suit  # the debtor's acts and demands; suits are over
    clock = walk(base, base_basis, two_years, borrower.where(keep, local[keep]), today)
    applied = date_column(loans, "enforcement_applied_on")[has]
    in_time = ~np.isnat(applied) & (applied <= clock.deadline)
    too_late = ~np.isnat(applied) & (applied > clock.deadline)
    status = np.where(
        in_time, STATUSES.index("met"), np.where(too_late, STATUSES.index("expired"), -1)
    )
    return _rows(
        has, "enforcement", clock.deadline, status=status, basis=clock.basis,
        basis_date=clock.basis_date, note=np.where(too_late, APPLIED_LATE, 0),
        note_date=np.where(too_late, applied, NAT),
        action=np.where(in_time, CASE["met"], np.where(too_late, CASE["expired"], CASE["live"])),
    )  # fmt: skip


# --- words for people -----------------------------------------------------------------------


def _date_text(dates: np.ndarray) -> pa.Array:
    """YYYY-MM-DD per date (null for NaT), formatting each distinct date once."""
    codes, uniques = pd.factorize(as_days(dates))
    texts = pa.array([str(u) for u in np.asarray(uniques, dtype="datetime64[D]")], pa.string())
    return texts.take(pa.array(codes, mask=codes < 0))


def _words(table: Sequence[str], codes: np.ndarray) -> pa.Array:
    """table[code] per row in Arrow (null where the code is negative)."""
    return pa.array(list(table), pa.string()).take(pa.array(codes, mask=codes < 0))


def select(
    deadlines: Deadlines,
    *,
    window_days: int,
    everything: bool = False,
    expired: bool = True,
    kinds: Sequence[str] = (),
) -> pd.DataFrame:
    """The rows `npl limitation` lists, nearest first within each status (ties in ledger
    order, borrower before guarantors): due within the window and (unless `expired` is False)
    expired ones; `everything` lists all."""
    table = deadlines.table
    status = table["status"].cat.codes.to_numpy()
    keep = np.ones(len(table), dtype=bool)
    if not everything:
        due = (status == STATUSES.index("due")) & (table["days_left"].to_numpy() <= window_days)
        keep &= due | ((status == STATUSES.index("expired")) & expired)
    if kinds:
        keep &= table["kind"].isin(kinds).to_numpy()
    chosen = np.flatnonzero(keep)
    order = np.lexsort(
        (
            table["guarantor"].to_numpy()[chosen],
            table["kind"].cat.codes.to_numpy()[chosen],
            table["loan"].to_numpy()[chosen],
            np.abs(np.nan_to_num(table["days_left"].to_numpy()[chosen], nan=1e9)),
            status[chosen],
        )
    )
    return table.take(chosen[order]).reset_index(drop=True)


@dataclass(frozen=True)
class Words:
    """The words of basis and action in one language (index by index with the English)."""

    basis: Sequence[str]
    how: Sequence[str]
    notes: Sequence[str]
    actions: Mapping[tuple[str, str], str]
    agreed: str  # before the contract's own words for its period
    separator: str


ENGLISH = Words(BASIS, HOW, NOTES, ACTIONS, agreed="agreed period: ", separator="; ")
CHINESE = Words(
    basis=[
        "到期日", "宣布提前到期", "逾期起始日（无到期日）", "还款", "催收送达",
        "催收（未记录送达凭证）", "债务确认", "还款承诺", "还款计划", "起诉", "支付令", "仲裁",
        "财产保全", "申报破产债权", "20年最长期间起算", "主债务到期日", "约定的保证期间届满日",
        "向保证人催收", "履行期限最后一日", "判决生效（无履行期限，取较早者）",
    ],
    how=[
        "6个月（未约定保证期间）", "约定期间", "",
        "6个月（约定的届满日不晚于主债务到期日，视为没有约定）",
        "6个月（约定期间无法识别，请核对合同）",
        "2年（约定“直至本息还清”，2021年前签订，适用旧法）",
        "6个月（“直至本息还清”视为约定不明）",
        "6个月（“直至本息还清”，签订日不详，取较早者）",
    ],
    notes=[
        "",
        "仅按中断计算将至{date}，但不得超过20年最长期间",
        "时效届满后的行为（{basis} {date}）不产生中断；请查找届满前的中断证据",
        "时效届满后的行为（{basis} {date}）不产生中断；请查找届满前的中断证据；债务人签字承诺"
        "或还款可视为放弃时效抗辩（民法典第192条）",
        "已于{date}起诉债务人",
        "已于{date}向保证人催收",
        "主债权诉讼时效更早届满（{date}）：主债务超过诉讼时效，保证人亦可免责"
        "（最高法诉讼时效规定第18条）",
        "已于{date}申请执行，但已超过申请执行期间",
    ],
    actions={
        ("claim_limitation", "live"): "寄送催收通知并取得签收回执，或取得债务人签字确认；"
        "届满前都无法取得的，及时起诉",
        ("claim_limitation", "expired"): "已过诉讼时效：争取债务人对该笔债务签字确认还款"
        "（民法典第192条）；查找未登记的中断事由",
        ("claim_limitation", "in_litigation"): "诉讼中：跟进案件；申请执行期间自判决起算",
        ("claim_limitation", "met"): "已取得判决：关注申请执行期间",
        ("guarantee_period", "joint"): "书面催收保证人并留存送达凭证",
        ("guarantee_period", "general"): "起诉（或仲裁）债务人：一般保证人只因此承担保证责任",
        ("guarantee_period", "unknown"): "书面催收保证人并起诉债务人（保证方式不明）",
        ("guarantee_period", "expired"): "保证人免除保证责任（民法典第693条），不能再向其主张",
        ("guarantee_period", "met"): "已在保证期间内主张：关注保证债务诉讼时效",
        ("guarantee_limitation", "live"): "再次书面催收保证人并留存送达凭证，或起诉保证人",
        ("guarantee_limitation", "expired"): "对该保证人已过诉讼时效：争取保证人签字确认还款",
        ("enforcement", "live"): "向法院申请强制执行",
        ("enforcement", "expired"): "申请执行期间已过：查找中断事由；抵押权也可能一并丧失",
        ("enforcement", "met"): "已申请执行：跟进案件",
    },
    agreed="约定期间：",
    separator="；",
)  # fmt: skip
WORDS = {"en": ENGLISH, "zh": CHINESE}


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


def _join(*parts: pa.Array | pa.Scalar, separator: str = "") -> pa.Array:
    """Element-wise concatenation in Arrow; a null part is skipped with its separator."""
    return pc.binary_join_element_wise(*parts, separator, null_handling="skip")


def _note_text(rows: pd.DataFrame, words: Words) -> pa.Array:
    """Each row's remark in words (null where there is none); one pass per kind of remark,
    over its rows only."""
    code = rows["note"].to_numpy()
    out = pa.nulls(len(rows), pa.string())
    for note in np.unique(code[code > 0]):
        at = np.flatnonzero(code == note)
        dates = _date_text(rows["note_date"].to_numpy()[at])
        before, after = words.notes[note].split("{date}")
        head, _, tail = before.partition("{basis}")
        if "{basis}" in before:
            acts = _words(words.basis, rows["note_basis"].to_numpy()[at])
            filled = pc.binary_join_element_wise(head, acts, tail, dates, after, "")
        else:
            filled = pc.binary_join_element_wise(before, dates, after, "")
        out = pc.replace_with_mask(out, pa.array(code == note), filled)
    return out


def _basis_text(rows: pd.DataFrame, agreed: pd.Series, words: Words) -> pa.Array:
    """'<what> <date>; <how the period was set>; <note>' for each row."""
    what = _join(
        _words(words.basis, rows["basis"].to_numpy()),
        _date_text(rows["basis_date"].to_numpy()),
        separator=" ",
    )
    how = rows["how"].to_numpy()
    how_words = _words(words.how, np.where((how < 0) | (how == AGREED_END), -1, how))
    agreed_words = pc.binary_join_element_wise(
        words.agreed, one_chunk_strings(agreed), "", null_handling="replace"
    )
    how_text = pc.if_else(pa.array(how == AGREED_PERIOD), agreed_words, how_words)
    return _join(what, how_text, _note_text(rows, words), separator=words.separator)


def _action_text(rows: pd.DataFrame, words: Words) -> pa.Array:
    """The advice per row, from a table of every (kind, case)."""
    kind = rows["kind"].cat.codes.to_numpy().astype(np.int64)
    case = rows["action"].to_numpy().astype(np.int64)
    expired = (rows["status"].cat.codes.to_numpy() == STATUSES.index("expired")) & (
        case != CASE["met"]
    )
    case = np.where(expired, CASE["expired"], case)
    advice = words.actions
    table = [advice.get((k, c), advice.get((k, "live"), "")) for k in KINDS for c in ACTION_CASES]
    return _words(table, kind * len(ACTION_CASES) + case)
