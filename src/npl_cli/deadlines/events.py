"""Events that move deadlines: the ledger's own dated acts and the action log's, as one table
(loan, party, kind, date, evidence), and the borrower's events as arrays for the clock.

What a demand proved is read from its evidence words (SPC limitation provisions 2020 Art 8):
a signature or seal on the notice proves delivery (and revives a time-barred claim, Art 192);
a returned or refused letter proves nothing; a public notice (公告) counts only when the
debtor cannot be found (Art 8(1)(4))."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from npl_cli.deadlines.codes import (
    DELIVERED,
    EVENT_BASIS,
    EVENT_KINDS,
    NO_EVIDENCE,
    NOTICE,
    SIGNED,
    SUITS,
    UNCLEAR,
    UNDELIVERED,
    WRITTEN_ACTS,
    B,
)
from npl_cli.settings import DeadlineSettings
from npl_cli.text import contains_any, positions_in

LEDGER_EVENTS = (
    ("last_payment_date", "payment", None),
    ("last_collection_date", "demand", "collection_evidence"),
    ("lawsuit_filed_on", "suit", None),
    ("guarantor_demanded_on", "guarantor_demand", None),
)


def empty_events() -> pd.DataFrame:
    return pd.DataFrame({
        "loan": np.array([], dtype=np.int64), "party": [], "kind": [],
        "date": np.array([], dtype="datetime64[ns]"), "evidence": [],
    })  # fmt: skip


def ledger_events(frame: pd.DataFrame) -> pd.DataFrame:
    """The ledger's own dated acts as events: last repayment, last demand with its evidence,
    suit, and the demand on the guarantors (party empty: every guarantor of the loan).
    `loan` is the row position in `frame`, so no lookup by id is needed."""
    parts = []
    for column, kind, evidence in LEDGER_EVENTS:
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
    return pd.concat(parts, ignore_index=True) if parts else empty_events()


def with_positions(events: pd.DataFrame, loans: pd.DataFrame) -> pd.DataFrame:
    """Events with `loan` positions; events of loans not in the ledger are dropped."""
    if "loan" in events and "loan_id" not in events:
        return events
    position = positions_in(loans["loan_id"], events["loan_id"])
    if "loan" in events:
        position = np.where(events["loan"].isna(), position, events["loan"].fillna(-1))
    return events.assign(loan=position.astype(np.int64))[position >= 0]


def kind_codes(kind: pd.Series) -> np.ndarray:
    """Each event's position in EVENT_KINDS (-1 for kinds the engine does not read)."""
    if isinstance(kind.dtype, pd.CategoricalDtype):
        lookup = np.append(pd.Index(EVENT_KINDS).get_indexer(kind.cat.categories), -1)
        return lookup[kind.cat.codes.to_numpy()]  # a missing kind (-1) takes the appended -1
    return pd.Index(EVENT_KINDS).get_indexer(pd.Index(kind.astype(object)))


def evidence_class(evidence: pd.Series, settings: DeadlineSettings) -> np.ndarray:
    """SIGNED, DELIVERED, NOTICE, UNDELIVERED, NO_EVIDENCE or UNCLEAR per demand; each
    distinct wording is read once. A refusal or return outweighs every other word."""
    codes, uniques = pd.factorize(evidence)
    text = pd.Series([str(u) for u in uniques] + [""], dtype=object)
    found = np.full(len(text), UNCLEAR, dtype=np.int8)
    found[contains_any(text, settings.delivered_words)] = DELIVERED
    found[contains_any(text, settings.notice_words)] = NOTICE
    found[contains_any(text, settings.signed_words)] = SIGNED
    found[contains_any(text, settings.undelivered_words)] = UNDELIVERED
    found[(text.str.strip() == "").to_numpy()] = NO_EVIDENCE
    return found[np.where(codes >= 0, codes, len(uniques))]


def reached(evidence: np.ndarray, settings: DeadlineSettings) -> np.ndarray:
    """Whether a demand with this evidence class counts as having reached its addressee
    (notices aside): signed or delivered, or nothing recorded unless strict."""
    unproven = (evidence == NO_EVIDENCE) & (not settings.strict_evidence)
    return (evidence == SIGNED) | (evidence == DELIVERED) | unproven


@dataclass
class EventArrays:
    loan: np.ndarray
    date: np.ndarray
    interrupts: np.ndarray  # moves the clock while it runs
    revives: np.ndarray  # waives an expired claim's defence (Art 192)
    basis: np.ndarray  # code into BASIS
    kind: np.ndarray  # code into EVENT_KINDS

    def where(self, keep: np.ndarray, loan: np.ndarray | None = None) -> EventArrays:
        """The events where `keep` is set, optionally renumbered to new clock positions."""
        return EventArrays(
            self.loan[keep] if loan is None else loan,
            self.date[keep],
            self.interrupts[keep],
            self.revives[keep],
            self.basis[keep],
            self.kind[keep],
        )

    @property
    def suit(self) -> np.ndarray:
        return np.isin(self.kind, [EVENT_KINDS.index(k) for k in SUITS])


@dataclass
class BorrowerEvents:
    events: EventArrays  # what can move the borrower's clocks
    ignored_notices: pd.Series  # per loan position: the latest notice that interrupted nothing


def borrower_events(
    events: pd.DataFrame, loans: pd.DataFrame, settings: DeadlineSettings
) -> BorrowerEvents:
    """The borrower's events that can move a deadline. A demand interrupts when its evidence
    shows delivery (or none was recorded, unless strict); a signed one also revives; a public
    notice only when the debtor cannot be found. A written acknowledgment, promise or plan
    revives an expired claim; an oral one, or a bare payment, does not."""
    kind = kind_codes(events["kind"])
    borrowers = events["party"].isna().to_numpy()
    mine = np.flatnonzero(
        (kind >= 0)
        & (kind != EVENT_KINDS.index("guarantor_demand"))
        & (kind != EVENT_KINDS.index("contact"))
        & borrowers
    )
    kind = kind[mine]
    loan = events["loan"].to_numpy(dtype=np.int64)[mine]
    date = np.asarray(events["date"], dtype="datetime64[ns]")[mine]
    basis = np.array([EVENT_BASIS[k] for k in EVENT_KINDS], dtype=np.int64)[kind]
    evidence_text = events["evidence"].iloc[mine]
    interrupts = np.ones(len(mine), dtype=bool)
    revives = np.zeros(len(mine), dtype=bool)
    written = np.isin(kind, [EVENT_KINDS.index(k) for k in WRITTEN_ACTS])
    if written.any():
        revives[written] = contains_any(
            evidence_text.iloc[np.flatnonzero(written)].fillna("").astype(str),
            settings.written_words,
        )
    ignored = pd.Series(dtype="datetime64[ns]")
    is_demand = kind == EVENT_KINDS.index("demand")
    if is_demand.any():
        at = np.flatnonzero(is_demand)
        evidence = evidence_class(evidence_text.iloc[at], settings)
        notice = evidence == NOTICE
        debtor_lost = np.zeros(len(at), dtype=bool)
        if notice.any():  # whether the debtor was lost matters only for a notice
            lost_on = _lost_contact_since(events, loans, loan[at[notice]], settings)
            debtor_lost[notice] = ~np.isnat(lost_on) & (lost_on <= date[at[notice]])
        interrupts[at] = reached(evidence, settings) | (notice & debtor_lost)
        revives[at] = evidence == SIGNED
        basis[at[evidence == NO_EVIDENCE]] = B["demand_unproven"]
        basis[at[evidence == SIGNED]] = B["signed_demand"]
        basis[at[notice]] = B["notice"]
        skipped = at[notice & ~debtor_lost]
        ignored = pd.Series(date[skipped]).groupby(loan[skipped]).max()
    arrays = EventArrays(loan, date, interrupts, revives, basis, kind)
    return BorrowerEvents(arrays, ignored)


def _lost_contact_since(
    events: pd.DataFrame, loans: pd.DataFrame, asked: np.ndarray, settings: DeadlineSettings
) -> np.ndarray:
    """For each asked loan position, since when its debtor is known to be lost (下落不明):
    always (the earliest date) when the ledger's contact status or notes say so, else the first
    contact or demand whose words say so; NaT when nothing says so. A blank contact status is
    not "lost"."""
    wanted, where = np.unique(asked, return_inverse=True)
    out = np.full(len(wanted), np.datetime64("NaT", "ns"))
    lost = np.zeros(len(wanted), dtype=bool)
    for column in ("contact_status", "notes"):
        if column in loans:
            lost |= contains_any(loans[column].iloc[wanted], settings.lost_contact_words)
    out[lost] = np.datetime64("1900-01-01", "ns")
    kind = kind_codes(events["kind"])
    telling = np.isin(kind, [EVENT_KINDS.index("contact"), EVENT_KINDS.index("demand")])
    telling &= np.isin(events["loan"].to_numpy(dtype=np.int64), wanted)
    said = np.flatnonzero(telling)
    said = said[contains_any(events["evidence"].iloc[said], settings.lost_contact_words)]
    if len(said):
        first = (
            pd.Series(np.asarray(events["date"], "datetime64[ns]")[said])
            .groupby(events["loan"].to_numpy(dtype=np.int64)[said])
            .min()
        )
        at = np.searchsorted(wanted, first.index.to_numpy())
        out[at] = np.where(np.isnat(out[at]), first.to_numpy(), out[at])
    return out[where]
